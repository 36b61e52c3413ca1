"""The service layer: what the analyst pages, the JSON API and the command
line share between the store and scoring, without Flask.

``access``      which waves a user may see, the one wave lookup
``waves``       load a wave, its scored report (cached), the breakdown asked for
``comparison``  the wave to compare with (previous by survey year) and the compared report
``progress``    started and submitted per group, suppressed
``downloads``   the download files and the API's pages of raw rows
``trend``       the trend over all comparable waves

No module here imports flask: a view translates what these return or raise
(``UnknownSurvey``, ``BreakdownError``, ``IncomparableError``) into a page,
a JSON error or a status code.
"""

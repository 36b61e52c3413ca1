"""Pure computation on numpy arrays: scale scores, indices, shares, comparisons
against baselines, and small-cell suppression. Imports numpy and scipy only.

Modules (one job each): ``scales`` (reverse coding, scale scores),
``descriptives`` (n, mean, SD, t interval, per-group moments), ``reliability``
(Cronbach's alpha, item-total r, alpha if deleted), ``inference`` (t tests,
Hedges' g, Wilson, binomial, two proportions / Fisher, Holm), ``shares``,
``index`` (trygghetsindex), ``disclosure`` (the one disclosure-control step: joint small-cell suppression and the numerator rule), ``groups`` (label coding, cells,
group-vs-rest), ``comparison`` (waves), ``errors``; ``report`` with its
``report_*`` helpers is the only part that reads the instrument and dataset:
``scoring.report.score_report(instrument, dataset, by=(), compare=None)``
returns the typed report (``model``: frozen result objects), which
``model_json.report_to_json`` turns into the JSON of docs/report-json.md.
"""

"""An XLSForm workbook (``survey``, ``choices``, ``settings`` and our own
``scoring`` sheet) as an instrument document, with the cell of every field.

The document is the parsed form of an instrument YAML file; it is checked by
the same schema and meaning checks as a YAML file, and each problem is
reported at the cell it came from (``FILE:SHEET:ROW:COLUMN: message``).
Supported survey types: ``text``, ``integer``, ``decimal``, ``select_one L``,
``select_multiple L`` (each optionally ``or_other``), ``note`` (the page's
introduction, or with ``relevant`` a conditional page note) and
``begin group`` / ``end group`` (one page), read by
``choices`` (settings, choices), ``survey_sheet`` and ``scoring_sheet``. The mapping
is described in ``instruments/README.md``.
"""
from __future__ import annotations

import re
from typing import Any

from surveys.xlsform.choices import read_choices, read_settings
from surveys.xlsform.context import NAME_RE, Context
from surveys.xlsform.languages import TRANSLATED, split_column
from surveys.xlsform.scoring_sheet import read_scoring
from surveys.xlsform.sheets import Sheet
from surveys.xlsform.survey_sheet import SurveyReader

ID_RE = re.compile(r"^[a-z][a-z0-9-]*$")


# -- the whole workbook ----------------------------------------------------------------------

def build_document(ctx: Context, sheets: dict[str, Sheet], instrument_id: str | None,
                   stem: str) -> dict[str, Any] | None:
    """The instrument document of the workbook (None when ``survey`` is missing)."""
    survey = sheets.get("survey")
    if survey is None:
        ctx.error("survey", None, "", "there is no sheet named 'survey'; an XLSForm has the sheets "
                                       "survey, choices and settings", "no_survey_sheet")
        return None
    settings = read_settings(ctx, sheets.get("settings"))
    # Languages: the plain columns' language first, then the others in column order.
    for sheet in (survey, sheets.get("choices"), sheets.get("scoring")):
        if sheet is not None:
            for header in sheet.columns:
                base, lang = split_column(header)
                if base in TRANSLATED:
                    ctx.lang(sheet, header, lang)
    if ctx.default_language in ctx.languages:  # the plain columns' language first
        ctx.languages.remove(ctx.default_language)
        ctx.languages.insert(0, ctx.default_language)
    lists = read_choices(ctx, sheets.get("choices"))
    response_scales: dict[str, Any] = {}
    for lname, cl in lists.items():
        if NAME_RE.match(lname):
            response_scales[lname] = {"options": cl.options}
            ctx.at(("response_scales", lname), "choices", cl.row, "list_name")
            for k, number in enumerate(cl.rows):
                ctx.at(("response_scales", lname, "options", k), "choices", number, "name")
                ctx.at(("response_scales", lname, "options", k, "label"), "choices", number, "label")
        else:
            ctx.error("choices", cl.row, "list_name", f"the list name '{lname}' must be lower-case letters, "
                                                      "digits and _, starting with a letter", "list_name_format",
                      list=lname)
    if "sv" not in ctx.languages:
        ctx.error(survey.name, 1, "label", "the form has no Swedish texts: add label::Svenska (sv) columns, "
                                           "or set default_language to Svenska (sv) in the settings sheet "
                                           "when the plain label column is in Swedish", "no_swedish")
    reader = SurveyReader(ctx, survey, lists, response_scales)
    pages = reader.run()
    scoring = read_scoring(ctx, sheets.get("scoring"), response_scales)
    preset_only = {lname for lname in lists if lname.startswith("preset_") and lname not in
                   {i.get("scale") for p in pages for i in p["items"]}}
    for lname in preset_only:
        response_scales.pop(lname, None)
    # identity
    ident = instrument_id or settings.get("form_id") or _id_from(stem)
    if not instrument_id and not ID_RE.match(ident or "") and ID_RE.match(_id_from(ident)):
        ctx.note("settings", settings.get("row"), "form_id",
                 f"note: the form id '{ident}' is used as '{_id_from(ident)}' (lower-case letters, digits and -)",
                 "note_form_id", id=ident, used=_id_from(ident))
        ident = _id_from(ident)
    if not ID_RE.match(ident or ""):
        where = ("settings", settings.get("row"), "form_id") if settings.get("form_id") and not instrument_id \
            else ("", None, "")
        ctx.error(where[0], where[1], where[2], f"'{ident}' is not a valid instrument id (lower-case letters, "
                                               "digits and -, starting with a letter); give one with --id",
                  "id_invalid", id=ident)
    version = scoring["settings"].pop("version", None) or settings.get("version")
    if not version:
        version = "1"
        ctx.note("settings", settings.get("row"), "version", "note: no version in the settings sheet; "
                                                              "version \"1\" is used", "note_no_version")
    title = scoring["settings"].pop("title", None)
    if title is None:
        if settings.get("form_title"):
            title = {ctx.default_language: settings["form_title"]}
        else:
            title = {ctx.default_language: ident or stem}
    for page in pages:
        if page["title"] is None:
            page["title"] = dict(title)
    for sid, extra in scoring["response_scales"].items():
        if sid in response_scales:
            response_scales[sid] = {**extra, **response_scales[sid]}
    languages = scoring["settings"].pop("languages", None) or list(ctx.languages)
    doc: dict[str, Any] = {"id": ident, "version": str(version), "title": title}
    if "description" in scoring["settings"]:
        doc["description"] = scoring["settings"].pop("description")
    elif reader.description is not None:
        doc["description"] = reader.description
    doc["languages"] = languages
    doc.update(scoring["settings"])
    if scoring["tag_groups"]:
        doc["tag_groups"] = scoring["tag_groups"]
    doc["response_scales"] = response_scales
    doc["pages"] = pages
    for key in ("scales", "shares", "indices"):
        if scoring[key]:
            doc[key] = scoring[key]
    return doc


def _id_from(stem: str) -> str:
    return re.sub(r"[^a-z0-9-]+", "-", stem.lower()).strip("-")

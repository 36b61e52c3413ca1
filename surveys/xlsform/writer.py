"""An instrument document as an XLSForm workbook (survey, choices, settings, scoring).

Each page is a ``begin group`` with ``appearance: field-list`` (one screen
in ODK too), its introduction a ``note`` row; every text is written in each
of the instrument's languages as ``label::Svenska (sv)`` style columns. What
XLSForm cannot say goes into our ``scoring`` sheet and into a few extra
survey columns (``group``, ``options_from``, ``reconstructed``,
``page_id``), which pyxform passes over. An empty cell means "absent", so
the workbook imports back into the same document (and the same hash).
Text cells are always written as text, never as formulas.
"""
from __future__ import annotations

import io
from typing import Any, Sequence

from surveys.xlsform.expressions import condition_to_xpath
from surveys.xlsform.languages import column_name, language_name
from surveys.xlsform.scoring_sheet import scoring_rows

PRESET_LABEL = {"sv": "(vågens lista)", "en": "(the wave's list)", "ar": "(قائمة الموجة)"}


def _flag(item: dict[str, Any], key: str) -> str | None:
    if key not in item:
        return None
    return "yes" if item[key] else "no"


def export_xlsform(doc: dict[str, Any]) -> bytes:
    """The workbook (.xlsx bytes) of instrument document ``doc``."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    langs = list(doc["languages"])
    items = [item for page in doc["pages"] for item in page["items"]]
    kinds = {item["id"]: item["kind"] for item in items}
    item_ids = set(kinds)
    uses = {base: any(base in it for it in items) for base in ("help", "constraint_message")}
    survey_header = ["type", "name"] + [column_name("label", lang) for lang in langs]
    if uses["help"]:
        survey_header += [column_name("hint", lang) for lang in langs]
    survey_header += ["required", "relevant", "constraint"]
    if uses["constraint_message"]:
        survey_header += [column_name("constraint_message", lang) for lang in langs]
    survey_header += ["appearance", "group", "options_from", "reconstructed", "page_id"]
    if any(it.get("decimals") for it in items):
        survey_header.append("decimals")
    col = {h: i for i, h in enumerate(survey_header)}
    survey: list[list[Any]] = []

    def row(values: dict[str, Any], texts: dict[str, dict[str, str] | None] | None = None) -> None:
        r: list[Any] = [None] * len(survey_header)
        for key, value in values.items():
            if value is not None:
                r[col[key]] = value
        for base, text in (texts or {}).items():
            for lang, value in (text or {}).items():
                r[col[column_name(base, lang)]] = value
        survey.append(r)

    names = set(item_ids) | {n["id"] for page in doc["pages"] for n in page.get("notes", [])}
    presets: list[str] = []
    for page in doc["pages"]:
        pid = page["id"]
        group_name = pid if pid not in item_ids else _free(f"{pid}_page", names)
        names.add(group_name)
        row({"type": "begin group", "name": group_name, "appearance": "field-list",
             "relevant": condition_to_xpath(page["show_if"], kinds) if "show_if" in page else None,
             "page_id": pid if group_name != pid else None}, {"label": page["title"]})
        if "intro" in page:
            note = _free(f"{pid}_intro", names)
            names.add(note)
            row({"type": "note", "name": note}, {"label": page["intro"]})
        notes: dict[str | None, list[dict[str, Any]]] = {}
        for note in page.get("notes", []):
            notes.setdefault(note.get("after"), []).append(note)

        def note_rows(after: str | None) -> None:
            for note in notes.get(after, []):
                row({"type": "note", "name": note["id"], "relevant": condition_to_xpath(note["show_if"], kinds)},
                    {"label": note["text"]})

        note_rows(None)
        for item in page["items"]:
            row(_item_cells(item, kinds, presets),
                {"label": item["text"], "hint": item.get("help"),
                 "constraint_message": item.get("constraint_message")})
            note_rows(item["id"])
        row({"type": "end group"})

    choices_header = ["list_name", "name"] + [column_name("label", lang) for lang in langs] + ["other"]
    choices: list[list[Any]] = []
    for sid, scale in doc["response_scales"].items():
        for option in scale["options"]:
            label = [option["label"].get(lang) for lang in langs]
            other = None if "other" not in option else ("yes" if option["other"] else "no")
            choices.append([sid, option["code"], *label, other])
    for group in presets:
        choices.append([f"preset_{group}", 1, *[PRESET_LABEL.get(lang, PRESET_LABEL["en"]) for lang in langs],
                        None])

    settings_header = ["form_title", "form_id", "version", "default_language"]
    settings = [[doc["title"]["sv"], doc["id"], doc["version"], language_name("sv")]]
    scoring_header, scoring = scoring_rows(doc, langs)

    wb = Workbook()
    wb.remove(wb.active)
    for title, header, rows in (("survey", survey_header, survey), ("choices", choices_header, choices),
                                ("settings", settings_header, settings), ("scoring", scoring_header, scoring)):
        ws = wb.create_sheet(title)
        _append(ws, header)
        for cell in ws[1]:
            cell.font = Font(bold=True)
        for r in rows:
            _append(ws, r)
        ws.freeze_panes = "A2"
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def _item_cells(item: dict[str, Any], kinds: dict[str, str], presets: list[str]) -> dict[str, Any]:
    kind = item["kind"]
    cells: dict[str, Any] = {"name": item["id"], "required": _flag(item, "required"),
                             "reconstructed": _flag(item, "reconstructed"), "group": item.get("group"),
                             "options_from": item.get("options_from")}
    if kind in ("single", "multi"):
        if item.get("options_from") == "preset":
            group = item.get("group") or item["id"]
            if group not in presets:
                presets.append(group)
            list_name = f"preset_{group}"
        else:
            list_name = item["scale"]
        cells["type"] = f"{'select_one' if kind == 'single' else 'select_multiple'} {list_name}"
    elif kind == "number" and item.get("decimals"):
        cells["type"] = "decimal"
        cells["decimals"] = item["decimals"]
        cells["constraint"] = f". >= {item['min']} and . <= {item['max']}"
    elif kind == "number":
        cells["type"] = "integer"
        cells["constraint"] = f". >= {item['min']} and . <= {item['max']}"
    else:
        cells["type"] = "text"
        if "max_length" in item:
            cells["constraint"] = f"string-length(.) <= {item['max_length']}"
        if item.get("multiline"):
            cells["appearance"] = "multiline"
    if "show_if" in item:
        cells["relevant"] = condition_to_xpath(item["show_if"], kinds)
    return cells


def _free(name: str, taken: set[str]) -> str:
    out, n = name, 2
    while out in taken:
        out, n = f"{name}{n}", n + 1
    return out


def _append(ws: Any, values: Sequence[Any]) -> None:
    """Append a row; text stays text (a leading '=' is never a formula)."""
    ws.append(list(values))
    for cell in ws[ws.max_row]:
        if isinstance(cell.value, str):
            cell.data_type = "s"

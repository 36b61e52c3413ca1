"""Build small XLSForm workbooks in tests (openpyxl, written to a temp file)."""
from __future__ import annotations

from pathlib import Path
from typing import Any, Sequence

from openpyxl import Workbook


def write_form(path: Path, survey: Sequence[Sequence[Any]], choices: Sequence[Sequence[Any]] | None = None,
               settings: Sequence[Sequence[Any]] | None = None,
               scoring: Sequence[Sequence[Any]] | None = None) -> Path:
    """Write the sheets (each a header row followed by data rows) as ``path``."""
    wb = Workbook()
    wb.remove(wb.active)
    for name, rows in (("survey", survey), ("choices", choices), ("settings", settings), ("scoring", scoring)):
        if rows is None:
            continue
        ws = wb.create_sheet(name)
        for row in rows:
            ws.append(list(row))
    wb.save(path)
    return path


SURVEY_HEADER = ["type", "name", "label::Svenska (sv)", "label::English (en)", "hint::Svenska (sv)",
                 "hint::English (en)", "required", "relevant", "constraint",
                 "constraint_message::Svenska (sv)", "constraint_message::English (en)", "appearance"]
CHOICES_HEADER = ["list_name", "name", "label::Svenska (sv)", "label::English (en)"]
SETTINGS = [["form_title", "form_id", "version", "default_language"], ["Testenkät", "testform", "2026.1",
                                                                          "Svenska (sv)"]]


def row(kind: str, name: str | None = None, sv: str | None = None, en: str | None = None, **cells: Any) -> list[Any]:
    """A survey row with the given cells by column name (``constraint_message_sv`` etc.)."""
    values: dict[str, Any] = {"type": kind, "name": name, "label::Svenska (sv)": sv, "label::English (en)": en}
    for key, value in cells.items():
        column = {"hint_sv": "hint::Svenska (sv)", "hint_en": "hint::English (en)",
                  "message_sv": "constraint_message::Svenska (sv)",
                  "message_en": "constraint_message::English (en)"}.get(key, key)
        values[column] = value
    return [values.get(h) for h in SURVEY_HEADER]

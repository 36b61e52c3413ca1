"""Instruments as XLSForm spreadsheets: import (``reader``), export (``writer``).

``import_xlsform`` reads a workbook into an instrument document, checks it
with the instrument schema and meaning checks, and reports every problem at
its cell as ``FILE:SHEET:ROW:COLUMN: message``; nothing is returned unless
the whole form is usable. ``export_xlsform`` writes an instrument document
as a workbook that pyxform converts and that imports back unchanged.
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from surveys.instrument import Instrument
from surveys.xlsform.sheets import Problem, XLSFormError, read_file, read_workbook
from surveys.xlsform.writer import export_xlsform
from surveys.xlsform.yamlout import document_yaml, parses_back_to

__all__ = ["ImportResult", "Problem", "XLSFormError", "export_xlsform", "import_xlsform",
           "import_xlsform_bytes"]


@dataclass(frozen=True)
class ImportResult:
    """An imported instrument: its document, the YAML text, the loaded model,
    and notes (what was assumed, e.g. codes given to named choices)."""

    document: dict[str, Any]
    yaml_text: str
    instrument: Instrument
    notes: list[Problem]


def import_xlsform(path: str | Path, instrument_id: str | None = None) -> ImportResult:
    """Import the XLSForm at ``path``; raises :class:`XLSFormError`."""
    data, name = read_file(path)
    return import_xlsform_bytes(data, name, instrument_id, stem=Path(name).stem)


def import_xlsform_bytes(data: bytes, name: str, instrument_id: str | None = None,
                         stem: str | None = None) -> ImportResult:
    """Import an XLSForm given as bytes; ``name`` names it in messages."""
    from surveys.loader import document_problems, instrument_from_document
    from surveys.validation import format_path
    from surveys.xlsform.context import Context
    from surveys.xlsform.reader import build_document

    sheets, problems = read_workbook(data, name)
    if problems and not sheets:
        raise XLSFormError(problems)
    ctx = Context(name)
    ctx.problems.extend(problems)
    doc = build_document(ctx, sheets, instrument_id, stem or Path(name).stem)
    if ctx.problems or doc is None:
        raise XLSFormError(_unique(ctx.problems))
    for problem in document_problems(doc):
        cell = _origin(ctx.origins, problem.path)
        where = format_path(problem.path) if cell is None or cell.column in ("", "name") else ""
        # the field path stays in front of the (translatable) meaning message
        params = {**problem.params, "at": where} if where else problem.params
        message = f"{where}: {problem.message}" if where else problem.message
        key = f"meaning.{problem.key}" if problem.key else ""
        if cell is None:
            ctx.error("", None, "", message, key, **params)
        else:
            ctx.error(cell.sheet, cell.row, cell.column, message, key, **params)
    if ctx.problems:
        raise XLSFormError(_unique(ctx.problems))
    text = document_yaml(doc, source=Path(name).name)
    if not parses_back_to(text, doc):  # a bug of ours, never the user's file
        raise XLSFormError([Problem(name, "", None, "", "internal error: the YAML written does not read back "
                                                        "the same; please report this file", "internal_error_yaml")])
    # The document passed the same checks as a file; its hash is that of the YAML written.
    instrument = instrument_from_document(doc, f"{name} (imported)")
    return ImportResult(doc, text, instrument, ctx.notes)


def _origin(origins: dict[tuple, Any], path: tuple) -> Any:
    while path and path not in origins:
        path = path[:-1]
    return origins.get(path)


def _unique(problems: list[Problem]) -> list[Problem]:
    seen: set[str] = set()
    out = []
    for p in problems:
        if str(p) not in seen:
            seen.add(str(p))
            out.append(p)
    return out

"""Our own ``scoring`` sheet: what XLSForm has no place for.

One row per object, named by ``type`` (like the survey sheet):
``setting`` (title, description, provenance, suppression_min_n, languages,
version), ``response_scale`` (numeric, missing_codes of a choices list),
``scale``, ``share``, ``index``, ``level`` / ``variable`` rows naming
their index in the ``index`` column, and ``tag_group`` (a group given only by
a code batch's tag: ``within`` its parent group, ``values`` separated by
``;``). Lists are written with spaces (``att01 att02``, ``0.01 0.02``), a key
as ``know01=1 know02=2``. An empty
cell means the field is absent. The layout is documented in
``instruments/README.md``.
"""
from __future__ import annotations

import re
from typing import Any

from surveys.xlsform.languages import column_name, split_column
from surveys.xlsform.sheets import Row, Sheet, cell_text

COLUMNS = ("type", "name", "value", "item", "items", "reversed", "method", "min_answered", "key", "codes",
           "index", "family", "problem", "cut_points", "min_answers", "max", "colour", "goal_max",
           "numeric", "missing_codes", "baseline", "baseline_year", "baseline_source",
           "baseline_assumption", "target", "target_year", "target_note", "within", "values")
_BASELINE = (("baseline", "value", "num"), ("baseline_year", "year", "int"),
             ("baseline_source", "source", "text"), ("baseline_assumption", "assumption", "bool"))
_TARGET = (("target", "value", "num"), ("target_year", "year", "int"), ("target_note", "note", "text"))
#: type -> the plain fields (column, document key, kind); "label" means the label columns.
FIELDS: dict[str, tuple[tuple[str, str, str], ...]] = {
    "response_scale": (("numeric", "numeric", "bool"), ("missing_codes", "missing_codes", "codes")),
    "scale": (("label", "label", "texts"), ("method", "method", "text"), ("items", "items", "ids"),
              ("reversed", "reversed", "ids"), ("min_answered", "min_answered", "int"),
              ("key", "key", "key")),
    "share": (("label", "label", "texts"), ("item", "item", "text"), ("codes", "codes", "codes")),
    "index": (("label", "label", "texts"), ("min_answers", "min_answers", "int"),
              ("goal_max", "goal_max", "num")),
    "level": (("max", "max", "num"), ("colour", "colour", "text"), ("label", "label", "texts")),
    "variable": (("item", "item", "text"), ("family", "family", "text"), ("label", "label", "texts"),
                 ("problem", "problem", "codes"), ("cut_points", "cut_points", "nums")),
    "tag_group": (("label", "label", "texts"), ("within", "within", "text"), ("values", "values", "list")),
}
SETTINGS = {"title": "texts", "description": "texts", "provenance": "text", "suppression_min_n": "int",
            "languages": "ids", "version": "text"}
WITH_BASELINE = ("scale", "share", "index")
WITH_TARGET = ("scale", "share")


class _Bad(ValueError):
    """A cell that cannot be read; ``key`` and ``params`` name the case."""

    def __init__(self, message: str, key: str, **params: Any) -> None:
        super().__init__(message)
        self.key = key
        self.params = params


def _convert(kind: str, value: Any) -> Any:
    text = cell_text(value)
    if kind == "text":
        return text
    if kind == "int":
        if isinstance(value, bool) or not re.fullmatch(r"-?\d+", text):
            raise _Bad(f"'{text}' is not a whole number", "cell_not_whole", value=text)
        return int(text)
    if kind == "num":
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            return value
        try:
            number = float(text.replace(",", ".")) if re.fullmatch(r"-?\d+([.,]\d+)?", text) else None
        except ValueError:
            number = None
        if number is None:
            raise _Bad(f"'{text}' is not a number", "cell_not_number", value=text)
        return int(number) if re.fullmatch(r"-?\d+", text) else number
    if kind == "bool":
        t = text.lower()
        if t in ("yes", "true", "ja"):
            return True
        if t in ("no", "false", "nej"):
            return False
        raise _Bad(f"'{text}' is not yes or no", "not_yes_no", value=text)
    if kind == "ids":
        return [p for p in re.split(r"[\s,;]+", text) if p]
    if kind == "codes":
        parts = [p for p in re.split(r"[\s,;]+", text) if p]
        if not all(re.fullmatch(r"-?\d+", p) for p in parts):
            raise _Bad(f"'{text}' must be whole numbers separated by spaces, e.g. 3 4", "cell_not_codes", value=text)
        return [int(p) for p in parts]
    if kind == "nums":
        parts = [p for p in re.split(r"[\s;]+", text) if p]
        out: list[Any] = []
        for p in parts:
            if not re.fullmatch(r"-?\d+(\.\d+)?", p):
                raise _Bad(f"'{p}' is not a number; separate numbers with spaces and write decimals with "
                           "a point, e.g. 0.05 0.1 0.15", "cell_not_numbers", value=p)
            out.append(float(p) if "." in p else int(p))
        return out
    if kind == "list":
        return [part.strip() for part in str(value).split(";") if part.strip()]
    if kind == "key":
        out_key: dict[str, int] = {}
        for part in [p for p in re.split(r"[\s,;]+", text) if p]:
            name, sep, code = part.partition("=")
            if not sep or not re.fullmatch(r"-?\d+", code.strip()):
                raise _Bad(f"'{part}' must look like item=code, e.g. know01=1", "cell_not_key", value=part)
            out_key[name.strip()] = int(code)
        return out_key
    raise AssertionError(kind)


def read_scoring(ctx: Any, sheet: Sheet | None, response_scales: dict[str, Any]) -> dict[str, Any]:
    """The scoring sheet as document parts: settings, response scale extras,
    scales, shares, indices (with levels and variables)."""
    out: dict[str, Any] = {"settings": {}, "response_scales": {}, "scales": {}, "shares": {}, "indices": {},
                           "tag_groups": []}
    if sheet is None:
        return out
    known = set(COLUMNS)
    for header in sheet.columns:
        if header.lower() not in known and split_column(header)[0] != "label":
            ctx.error(sheet.name, 1, header, f"the column '{header}' is not part of the scoring sheet; "
                                             "see instruments/README.md", "scoring_column", column=header)
    ilevels: dict[str, int] = {}
    ivars: dict[str, int] = {}

    def cell(row: Row, column: str, kind: str) -> Any:
        if kind == "texts":
            return ctx.texts(sheet, row, column)
        value = row.get(column)
        if value is None:
            return None
        try:
            return _convert(kind, value)
        except _Bad as exc:
            ctx.error(sheet.name, row.number, sheet.header(column), str(exc), exc.key, **exc.params)
            return None

    for row in sheet.rows:
        kind = row.text("type").lower()
        name = row.text("name")
        if kind == "setting":
            if name not in SETTINGS:
                ctx.error(sheet.name, row.number, sheet.header("name"),
                          f"'{name}' is not a setting; use one of {', '.join(SETTINGS)}", "scoring_setting",
                          name=name, settings=", ".join(SETTINGS))
                continue
            how = SETTINGS[name]
            value = cell(row, "label" if how == "texts" else "value", how)
            if value is not None:
                out["settings"][name] = value
                ctx.at((name,), sheet.name, row.number, "label" if how == "texts" else sheet.header("value"))
            continue
        if kind not in FIELDS:
            ctx.error(sheet.name, row.number, sheet.header("type"),
                      f"'{row.text('type')}' is not a scoring row; use setting, response_scale, scale, share, "
                      "index, level, variable or tag_group", "scoring_type", type=row.text("type"))
            continue
        doc: dict[str, Any] = {}
        if kind in ("level", "variable"):
            index = row.text("index")
            if index not in out["indices"]:
                ctx.error(sheet.name, row.number, sheet.header("index"),
                          f"'{index}' is not an index declared on an earlier row (type index)", "index_unknown",
                          index=index)
                continue
            parent = out["indices"][index]
            counter = ilevels if kind == "level" else ivars
            k = counter.get(index, 0)
            counter[index] = k + 1
            path: tuple = ("indices", index, "levels" if kind == "level" else "variables", k)
            if kind == "variable":
                doc["id"] = name
            parent.setdefault("levels" if kind == "level" else "variables", []).append(doc)
        elif kind == "tag_group":
            if not name or any(t["id"] == name for t in out["tag_groups"]):
                if name:
                    ctx.error(sheet.name, row.number, sheet.header("name"), f"tag group '{name}' is declared twice",
                              "tag_group_twice", name=name)
                else:
                    ctx.error(sheet.name, row.number, sheet.header("name"), "the tag_group has no name",
                              "tag_group_unnamed")
                continue
            doc["id"] = name
            out["tag_groups"].append(doc)
            path = ("tag_groups", len(out["tag_groups"]) - 1)
        else:
            if not name:
                ctx.error(sheet.name, row.number, sheet.header("name"), f"the {kind} has no name", "row_unnamed",
                          kind=kind)
                continue
            section = {"response_scale": "response_scales", "scale": "scales", "share": "shares",
                       "index": "indices"}[kind]
            if name in out[section]:
                ctx.error(sheet.name, row.number, sheet.header("name"), f"{kind} '{name}' is declared twice",
                          "declared_twice", kind=kind, name=name)
                continue
            out[section][name] = doc
            path = (section, name)
            if kind == "response_scale" and name not in response_scales:
                ctx.error(sheet.name, row.number, sheet.header("name"),
                          f"there is no list '{name}' on the choices sheet", "list_unknown", list=name)
        ctx.at(path, sheet.name, row.number, sheet.header("name"))
        for column, key, how in FIELDS[kind]:
            value = cell(row, column, how)
            if value is not None:
                doc[key] = value
                ctx.at(path + (key,), sheet.name, row.number, "label" if how == "texts" else sheet.header(column))
        for flag, spec, key in ((kind in WITH_BASELINE, _BASELINE, "baseline"),
                                (kind in WITH_TARGET, _TARGET, "target")):
            if not flag:
                continue
            part = {k: v for column, k, how in spec if (v := cell(row, column, how)) is not None}
            if part:
                if "value" not in part:
                    ctx.error(sheet.name, row.number, sheet.header(key),
                              f"the {key} needs a value in the column '{key}'",
                              "baseline_value_missing" if key == "baseline" else "target_value_missing")
                doc[key] = part
                ctx.at(path + (key,), sheet.name, row.number, sheet.header(key))
    return out


# -- writing ---------------------------------------------------------------------------------

def _write(kind: str, value: Any) -> Any:
    if kind in ("text", "int", "num"):
        return value
    if kind == "bool":
        return "yes" if value else "no"
    if kind in ("ids", "codes", "nums"):
        return " ".join(str(v) for v in value)
    if kind == "key":
        return " ".join(f"{k}={v}" for k, v in value.items())
    if kind == "list":
        return "; ".join(value)
    raise AssertionError(kind)


def scoring_rows(doc: dict[str, Any], languages: list[str]) -> tuple[list[str], list[list[Any]]]:
    """The header and rows of the scoring sheet of instrument document ``doc``."""
    header = list(COLUMNS[:2]) + [column_name("label", lang) for lang in languages] + list(COLUMNS[2:])
    col = {h: i for i, h in enumerate(header)}
    rows: list[list[Any]] = []

    def row(kind: str, name: str, fields: dict[str, Any], texts: dict[str, str] | None = None) -> None:
        r: list[Any] = [None] * len(header)
        r[0], r[1] = kind, name
        for lang, text in (texts or {}).items():
            r[col[column_name("label", lang)]] = text
        for column, value in fields.items():
            r[col[column]] = value
        rows.append(r)

    for name in ("title", "description"):
        if name in doc:
            row("setting", name, {}, doc[name])
    for name in ("provenance", "suppression_min_n", "version"):
        if name in doc:
            row("setting", name, {"value": doc[name]})
    row("setting", "languages", {"value": " ".join(doc["languages"])})
    for sid, rs in doc["response_scales"].items():
        fields = {c: _write(how, rs[k]) for c, k, how in FIELDS["response_scale"] if k in rs}
        if fields:
            row("response_scale", sid, fields)

    def object_row(kind: str, name: str, obj: dict[str, Any], extra: dict[str, Any] | None = None) -> None:
        fields = dict(extra or {})
        texts = None
        for column, key, how in FIELDS[kind]:
            if key in obj:
                if how == "texts":
                    texts = obj[key]
                else:
                    fields[column] = _write(how, obj[key])
        for key, spec in (("baseline", _BASELINE), ("target", _TARGET)):
            if key in obj:
                for column, k, how in spec:
                    if k in obj[key]:
                        fields[column] = _write(how, obj[key][k])
        row(kind, name, fields, texts)

    for group in doc.get("tag_groups", []):
        object_row("tag_group", group["id"], group)
    for sid, scale in doc.get("scales", {}).items():
        object_row("scale", sid, scale)
    for sid, share in doc.get("shares", {}).items():
        object_row("share", sid, share)
    for xid, index in doc.get("indices", {}).items():
        object_row("index", xid, index)
        for level in index.get("levels", []):
            object_row("level", "", level, {"index": xid})
        for var in index.get("variables", []):
            object_row("variable", var["id"], var, {"index": xid})
    return header, rows

"""Load an instrument YAML file into the frozen dataclasses of ``surveys.instrument``.

Three stages, each reporting every error it finds as ``file:line: field.path: message``:

1. YAML parsing with a SafeLoader subclass that records the line of every
   mapping key and sequence element (and refuses duplicate keys);
2. the JSON Schema ``instruments/instrument.schema.json`` (shape);
3. ``surveys.validation`` (meaning).

Only a document that passes all three is turned into an ``Instrument``. Its
``sha256`` is the hash of the canonical JSON of the parsed document (sorted
keys, UTF-8, no whitespace), so comments and formatting do not change it.
"""
from __future__ import annotations

import functools
import hashlib
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterable

import jsonschema
import yaml

from surveys import validation
from surveys.instrument import (
    Baseline, Condition, Index, IndexLevel, IndexVariable, Instrument, Item, Note, Option, Page,
    ResponseScale, Scale, Share, TagGroup, Target, Text,
)
from surveys.validation import Path as FieldPath, format_path

SCHEMA_FILE = "instrument.schema.json"


@dataclass(frozen=True)
class ValidationMessage:
    """One error in an instrument file; ``str()`` gives the one-line form."""

    file: str
    line: int | None
    path: str
    message: str
    #: The case (for wording the message in another language) and its values.
    key: str = field(default="", compare=False)
    params: dict[str, Any] = field(default_factory=dict, compare=False, hash=False)

    def __str__(self) -> str:
        if self.line is None:
            return f"{self.file}: {self.message}"
        return f"{self.file}:{self.line}: {self.path}: {self.message}"


class InstrumentError(Exception):
    """An instrument file that cannot be used; ``errors`` lists every problem."""

    def __init__(self, errors: Iterable[ValidationMessage]) -> None:
        self.errors = list(errors)
        super().__init__("\n".join(str(e) for e in self.errors))


# -- locations -------------------------------------------------------------------

def instruments_dir() -> Path:
    """The directory of the bundled instrument files (the ``instruments`` package).

    It is the sibling of the ``surveys`` package, in a checkout and in an
    installed distribution alike (importing ``instruments`` would not do: an
    editable install made before it had an ``__init__`` sees a namespace package).
    """
    return Path(__file__).resolve().parent.parent / "instruments"


@functools.cache
def _schema_validator() -> jsonschema.Draft202012Validator:
    schema = json.loads((instruments_dir() / SCHEMA_FILE).read_text(encoding="utf-8"))
    return jsonschema.Draft202012Validator(schema)


# -- YAML with line numbers ---------------------------------------------------------

class _LineLoader(yaml.SafeLoader):
    """A SafeLoader that builds plain data while recording, for every field
    path, the 1-based line where it starts; duplicate keys are errors."""

    def __init__(self, stream: str) -> None:
        super().__init__(stream)
        self.lines: dict[FieldPath, int] = {}
        self.problems: list[tuple[int, FieldPath, str]] = []

    def construct_tracked(self, node: yaml.Node, path: FieldPath = ()) -> Any:
        self.lines.setdefault(path, node.start_mark.line + 1)
        if isinstance(node, yaml.MappingNode):
            self.flatten_mapping(node)
            result: dict[Any, Any] = {}
            for key_node, value_node in node.value:
                key = self.construct_object(key_node, deep=True)
                line = key_node.start_mark.line + 1
                if not isinstance(key, (str, int)) or isinstance(key, bool):
                    hint = " (quote it: YAML reads yes/no/on/off as true/false)" if isinstance(key, bool) else ""
                    self.problems.append((line, path, f"key {key!r} must be a plain name{hint}"))
                    continue
                key = str(key)
                if key in result:
                    self.problems.append((line, path + (key,), f"duplicate key '{key}'"))
                    continue
                self.lines[path + (key,)] = line
                result[key] = self.construct_tracked(value_node, path + (key,))
            return result
        if isinstance(node, yaml.SequenceNode):
            return [self.construct_tracked(child, path + (i,)) for i, child in enumerate(node.value)]
        return self.construct_object(node, deep=True)


def _parse(text: str, file: str) -> tuple[Any, dict[FieldPath, int]]:
    loader = _LineLoader(text)
    try:
        node = loader.get_single_node()
        if node is None:
            raise InstrumentError([ValidationMessage(file, 1, "(root)", "the file is empty")])
        data = loader.construct_tracked(node)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark else 1
        what = exc.problem or "invalid YAML"
        if exc.context:
            where = exc.context_mark
            started = f" started on line {where.line + 1}" if where and mark and where.line != mark.line else ""
            what = f"{what} ({exc.context}{started})"
        raise InstrumentError([ValidationMessage(file, line, "(yaml)", f"YAML syntax error: {what}")]) from None
    except yaml.YAMLError as exc:
        raise InstrumentError([ValidationMessage(file, 1, "(yaml)", f"YAML error: {exc}")]) from None
    finally:
        loader.dispose()
    if loader.problems:
        raise InstrumentError([ValidationMessage(file, line, format_path(path), msg)
                               for line, path, msg in loader.problems])
    return data, loader.lines


def _line_of(lines: dict[FieldPath, int], path: FieldPath) -> int:
    """The line of ``path``, or of its nearest ancestor present in the file."""
    while path not in lines and path:
        path = path[:-1]
    return lines.get(path, 1)


# -- schema ---------------------------------------------------------------------------

def _schema_messages(data: Any, lines: dict[FieldPath, int], file: str) -> list[ValidationMessage]:
    out: list[ValidationMessage] = []
    for err in _schema_validator().iter_errors(data):
        base: FieldPath = tuple(err.absolute_path)
        for p in _explain(err, base):
            out.append(ValidationMessage(file, _line_of(lines, p.path), format_path(p.path), p.message, p.key,
                                         p.params))
    # jsonschema reports each missing required field once per field: keep one line each
    out = list(dict.fromkeys(out))
    out.sort(key=lambda m: (m.line or 0, m.path, m.message))
    return out


def _explain(err: jsonschema.ValidationError, base: FieldPath) -> list[validation.Problem]:
    """A short message (and the most precise path) for one schema error."""
    kind, value = err.validator, err.validator_value

    def problem(path: FieldPath, key: str, template: str, **params: Any) -> validation.Problem:
        return validation.Problem(path, template % params, key, params)

    if kind == "required":
        present = err.instance if isinstance(err.instance, dict) else {}
        return [problem(base + (name,), "field_missing", "required field is missing")
                for name in value if name not in present]
    if kind == "additionalProperties" and value is False:
        allowed = set(err.schema.get("properties", {}))
        extra = [k for k in err.instance if k not in allowed]
        return [problem(base + (k,), "field_unknown", "unknown field '%(field)s'", field=k) for k in extra]
    if kind == "type":
        return [problem(base, "type_wrong", "must be %(expected)s, not %(value)s", expected=_a(value),
                        value=_describe(err.instance))]
    if kind == "enum":
        return [problem(base, "enum", "%(value)s is not one of: %(allowed)s", value=repr(err.instance),
                        allowed=", ".join(map(str, value)))]
    if kind == "pattern":
        # The schema's "(?!\n)$" only keeps a final newline out (see its $comment).
        shown = str(value).replace("(?!\\n)", "")
        return [problem(base, "pattern", "%(value)s does not match the pattern %(pattern)s",
                        value=repr(err.instance), pattern=shown)]
    if kind == "minItems":
        if value == 1:
            return [problem(base, "empty", "must not be empty")]
        return [problem(base, "min_items", "needs at least %(n)s entries", n=value)]
    if kind == "minProperties":
        return [problem(base, "empty", "must not be empty")]
    if kind == "minimum":
        return [problem(base, "minimum", "must be at least %(min)s, not %(value)s", min=value,
                        value=repr(err.instance))]
    if kind == "propertyNames":
        return [problem(base + (str(err.instance),), "name_invalid",
                        "%(value)s is not a valid name (lower-case letters, digits and _)",
                        value=repr(err.instance))]
    return [problem(base, "", "%(message)s", message=err.message)]


def _a(types: str | list[str]) -> str:
    names = [types] if isinstance(types, str) else list(types)
    words = {"object": "a mapping", "array": "a list", "string": "a text", "integer": "an integer",
             "number": "a number", "boolean": "true or false"}
    return " or ".join(words.get(t, t) for t in names)


def _describe(value: Any) -> str:
    if isinstance(value, bool):
        return f"{str(value).lower()} (quote it if you mean text)"
    if isinstance(value, dict):
        return "a mapping"
    if isinstance(value, list):
        return "a list"
    if value is None:
        return "empty"
    return repr(value)


# -- building the model -----------------------------------------------------------------

def _text(value: dict[str, str] | None) -> Text | None:
    return None if value is None else Text(values=dict(value))


def _condition(value: dict[str, Any] | None) -> Condition | None:
    if value is None:
        return None
    return Condition(
        item=value.get("item"),
        in_codes=tuple(value.get("in", ())),
        not_in_codes=tuple(value.get("not_in", ())),
        all_of=tuple(_condition(c) for c in value.get("all_of", ())),
        any_of=tuple(_condition(c) for c in value.get("any_of", ())),
    )


def _baseline(value: dict[str, Any] | None) -> Baseline | None:
    if value is None:
        return None
    return Baseline(value=float(value["value"]), year=value.get("year"), source=value.get("source"),
                    assumption=bool(value.get("assumption", False)))


def _target(value: dict[str, Any] | None) -> Target | None:
    if value is None:
        return None
    return Target(value=float(value["value"]), year=value.get("year"), note=value.get("note"))


def _build(data: dict[str, Any], lines: dict[FieldPath, int], file: str, sha: str) -> Instrument:
    rscales = {
        sid: ResponseScale(
            id=sid,
            options=tuple(Option(code=o["code"], label=_text(o["label"]), other=bool(o.get("other", False)))
                          for o in rs["options"]),
            numeric=bool(rs.get("numeric", True)),
            missing_codes=tuple(rs.get("missing_codes", ())),
        )
        for sid, rs in data["response_scales"].items()
    }
    pages = []
    item_scale: dict[str, str | None] = {}
    for p, page in enumerate(data["pages"]):
        items = []
        for i, it in enumerate(page["items"]):
            item_scale[it["id"]] = it.get("scale")
            items.append(Item(
                id=it["id"], kind=it["kind"], text=_text(it["text"]), scale=it.get("scale"),
                help=_text(it.get("help")), required=bool(it.get("required", False)),
                show_if=_condition(it.get("show_if")), group=it.get("group"),
                options_from=it.get("options_from", "scale"), min=it.get("min"), max=it.get("max"),
                decimals=it.get("decimals", 0),
                max_length=it.get("max_length", 2000), multiline=bool(it.get("multiline", False)),
                reconstructed=bool(it.get("reconstructed", False)),
                constraint_message=_text(it.get("constraint_message")),
                line=lines.get(("pages", p, "items", i), 0),
            ))
        pages.append(Page(id=page["id"], title=_text(page["title"]), items=tuple(items),
                          intro=_text(page.get("intro")), show_if=_condition(page.get("show_if")),
                          notes=tuple(Note(id=n["id"], text=_text(n["text"]), show_if=_condition(n.get("show_if")),
                                           after=n.get("after"))
                                      for n in page.get("notes", ()))))
    scales = {}
    for sid, sc in data.get("scales", {}).items():
        method = sc.get("method", "mean")
        rs = rscales[item_scale[sc["items"][0]]]
        scales[sid] = Scale(
            id=sid, label=_text(sc["label"]), items=tuple(sc["items"]), reversed=tuple(sc.get("reversed", ())),
            min_answered=sc.get("min_answered", 1), method=method, key=dict(sc.get("key", {})),
            baseline=_baseline(sc.get("baseline")), target=_target(sc.get("target")),
            response_min=rs.min, response_max=rs.max,
        )
    shares = {
        sid: Share(id=sid, item=sh["item"], codes=tuple(sh["codes"]), label=_text(sh["label"]),
                   baseline=_baseline(sh.get("baseline")), target=_target(sh.get("target")))
        for sid, sh in data.get("shares", {}).items()
    }
    indices = {
        xid: Index(
            id=xid, label=_text(ix["label"]),
            variables=tuple(IndexVariable(id=v["id"], item=v["item"], problem=tuple(v["problem"]),
                                          label=_text(v["label"]), family=v["family"],
                                          cut_points=tuple(float(c) for c in v["cut_points"]))
                            for v in ix["variables"]),
            levels=tuple(IndexLevel(max=float(lv["max"]), label=_text(lv["label"]), colour=lv["colour"])
                         for lv in ix["levels"]),
            min_answers=ix.get("min_answers", 5), baseline=_baseline(ix.get("baseline")),
            goal_max=None if ix.get("goal_max") is None else float(ix["goal_max"]),
        )
        for xid, ix in data.get("indices", {}).items()
    }
    return Instrument(
        id=data["id"], version=data["version"], title=_text(data["title"]), languages=tuple(data["languages"]),
        response_scales=rscales, pages=tuple(pages), scales=scales, shares=shares, indices=indices,
        suppression_min_n=data.get("suppression_min_n", 5), description=_text(data.get("description")),
        sha256=sha, path=file, provenance=data.get("provenance", ""),
        tag_groups=tuple(TagGroup(id=t["id"], label=_text(t["label"]), within=t.get("within"),
                                  values=tuple(str(v) for v in t.get("values", ())))
                         for t in data.get("tag_groups", ())),
    )


# -- public API --------------------------------------------------------------------------

def canonical_json(data: Any) -> bytes:
    """The canonical form that is hashed: JSON, sorted keys, no whitespace, UTF-8."""
    return json.dumps(data, sort_keys=True, ensure_ascii=False, separators=(",", ":"),
                      default=str).encode("utf-8")


def document_problems(data: Any) -> list[validation.Problem]:
    """Every problem of a parsed instrument document (field path, message,
    key): the schema's, or when the shape is right, the meaning checks'. For
    documents that do not come from a YAML file (e.g. an XLSForm)."""
    shape = list({(p.path, p.message): p for err in _schema_validator().iter_errors(data)
                  for p in _explain(err, tuple(err.absolute_path))}.values())
    if shape:
        return shape
    return validation.check(data)


def instrument_from_document(data: dict[str, Any], path: str) -> Instrument:
    """An already checked document as an ``Instrument`` (no line numbers)."""
    return _build(data, {}, path, hashlib.sha256(canonical_json(data)).hexdigest())


def parse_document(text: str, path: str = "<string>") -> tuple[dict[str, Any], dict[FieldPath, int]]:
    """Parse and check ``text``; return the document and its line table, or raise
    ``InstrumentError`` with every problem found."""
    data, lines = _parse(text, path)
    errors = _schema_messages(data, lines, path)
    if errors:
        raise InstrumentError(errors)
    problems = validation.check(data)
    if problems:
        msgs = [ValidationMessage(path, _line_of(lines, p.path), format_path(p.path), p.message, p.key, p.params)
                for p in problems]
        msgs.sort(key=lambda m: m.line or 0)
        raise InstrumentError(msgs)
    return data, lines


def load_instrument_text(text: str, path: str = "<string>") -> Instrument:
    """Load an instrument from YAML source; ``path`` names it in messages."""
    data, lines = parse_document(text, path)
    sha = hashlib.sha256(canonical_json(data)).hexdigest()
    return _build(data, lines, path, sha)


def load_instrument(path: str | Path) -> Instrument:
    """Load and validate one instrument file; raises ``InstrumentError``."""
    name = str(path)
    try:
        text = Path(path).read_text(encoding="utf-8")
    except FileNotFoundError:
        raise InstrumentError([ValidationMessage(name, None, "", "no such file")]) from None
    except IsADirectoryError:
        raise InstrumentError([ValidationMessage(name, None, "", "is a directory, not an instrument file")]) from None
    except UnicodeDecodeError as exc:
        raise InstrumentError([ValidationMessage(name, None, "", f"not UTF-8 text ({exc.reason})")]) from None
    except OSError as exc:
        raise InstrumentError([ValidationMessage(name, None, "", f"cannot read: {exc.strerror}")]) from None
    return load_instrument_text(text, name)


def instrument_files(directory: Path | None = None) -> list[Path]:
    """The instrument files (``*.yaml``) of ``directory`` (default: ``instruments_dir()``), sorted."""
    return sorted((directory or instruments_dir()).glob("*.yaml"))


def load_all(directory: Path | None = None) -> dict[str, Instrument]:
    """Every instrument in ``directory`` by id; raises ``InstrumentError`` with the
    errors of all bad files (and of duplicate ids)."""
    out: dict[str, Instrument] = {}
    errors: list[ValidationMessage] = []
    for file in instrument_files(directory):
        try:
            inst = load_instrument(file)
        except InstrumentError as exc:
            errors.extend(exc.errors)
            continue
        if inst.id in out:
            errors.append(ValidationMessage(str(file), 1, "id", f"instrument id '{inst.id}' is also used by "
                                                                f"{out[inst.id].path}"))
            continue
        out[inst.id] = inst
    if errors:
        raise InstrumentError(errors)
    return out

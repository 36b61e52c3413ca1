"""docs/report-json.md against the JSON the serialiser writes: every object
of the golden demo reports (``tests/data/report_json``) has a section, every
key of it is documented with its type and whether it may be null, and every
documented key occurs in them. The serialiser's output for the same inputs
equals those files (``test_report_json_golden.py``)."""
from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from report_golden import CASES, GOLDEN

DOC = Path(__file__).resolve().parents[2] / "docs" / "report-json.md"
HEADING = re.compile(r"^## `(?P<path>\$[^`]*)`\s*$")
ROW = re.compile(r"^\| `(?P<key>[a-z0-9_]+)` \| (?P<type>[a-z]+) \| (?P<null>[^|]+) \|")
TYPES = {"integer": (int,), "number": (int, float), "string": (str,), "boolean": (bool,),
         "array": (list,), "object": (dict,), "map": (dict,)}


def _documented() -> dict[str, dict[str, tuple[str, bool]]]:
    """path -> key -> (type, may be null)."""
    sections: dict[str, dict[str, tuple[str, bool]]] = {}
    path = None
    for line in DOC.read_text(encoding="utf-8").splitlines():
        if line.startswith("## "):
            m = HEADING.match(line)
            path = m.group("path") if m else None
            if path is not None:
                assert path not in sections, f"two sections for {path}"
                sections[path] = {}
            continue
        m = ROW.match(line)
        if m and path is not None:
            assert m.group("type") in TYPES, line
            sections[path][m.group("key")] = (m.group("type"), m.group("null").strip() != "never")
    return sections


def _walk(value, path: str, doc, seen: set[tuple[str, str]], problems: list[str]) -> None:
    if isinstance(value, list):
        for v in value:
            _walk(v, path + "[]", doc, seen, problems)
        return
    if not isinstance(value, dict):
        return
    if path not in doc:
        problems.append(f"{path}: no section")
        return
    if not doc[path]:  # a section without a table: a map
        for v in value.values():
            _walk(v, path + ".*", doc, seen, problems)
        return
    for key, v in value.items():
        if key not in doc[path]:
            problems.append(f"{path}.{key}: not documented")
            continue
        seen.add((path, key))
        kind, nullable = doc[path][key]
        if v is None:
            if not nullable:
                problems.append(f"{path}.{key}: null, documented as never null")
            continue
        if not isinstance(v, TYPES[kind]) or (kind != "boolean" and isinstance(v, bool)):
            problems.append(f"{path}.{key}: {type(v).__name__}, documented as {kind}")
        child = f"{path}.{key}"
        if kind == "map":
            for item in v.values():
                _walk(item, child + ".*", doc, seen, problems)
        else:
            _walk(v, child, doc, seen, problems)


def test_the_doc_names_every_key_of_the_report_json_and_nothing_else() -> None:
    doc = _documented()
    assert "$" in doc and len(doc) > 30
    seen: set[tuple[str, str]] = set()
    problems: list[str] = []
    for case in CASES:
        _walk(json.loads((GOLDEN / f"{case}.json").read_text(encoding="utf-8")), "$", doc, seen, problems)
    assert not problems, "\n".join(sorted(set(problems)))
    unknown = sorted(f"{path}.{key}" for path, keys in doc.items() for key in keys if (path, key) not in seen)
    assert not unknown, f"documented but in no report: {unknown}"


@pytest.mark.parametrize("line", ["| `n_respondents` | integer | never | x |"])
def test_the_rows_are_read(line: str) -> None:
    assert ROW.match(line).group("key") == "n_respondents"

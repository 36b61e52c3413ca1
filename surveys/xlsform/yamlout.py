"""An instrument document as YAML text in the layout of the bundled files."""
from __future__ import annotations

from typing import Any

import yaml


_BaseDumper = getattr(yaml, "CSafeDumper", yaml.SafeDumper)  # libyaml when installed: much faster


class _Dumper(_BaseDumper):  # type: ignore[misc,valid-type]
    """Block style, but texts ({sv: ..., en: ...}) and lists of numbers inline."""


def _represent_dict(dumper: Any, data: dict[str, Any]) -> yaml.Node:
    inline = bool(data) and all(isinstance(k, str) and len(k) <= 3 and isinstance(v, str) and len(v) < 60
                                for k, v in data.items())
    return dumper.represent_mapping("tag:yaml.org,2002:map", data.items(), flow_style=inline)


def _represent_list(dumper: Any, data: list[Any]) -> yaml.Node:
    inline = all(isinstance(v, (int, float, str)) and not isinstance(v, bool) and len(str(v)) < 30
                 for v in data)
    return dumper.represent_sequence("tag:yaml.org,2002:seq", data, flow_style=inline)


_Dumper.add_representer(dict, _represent_dict)
_Dumper.add_representer(list, _represent_list)


def document_yaml(doc: dict[str, Any], source: str | None = None) -> str:
    """YAML text whose parsed form is exactly ``doc``."""
    head = "# Format: see instruments/README.md.\n"
    if source:
        head = f"# Imported from the XLSForm {source} (survey-engine instruments import-xlsform).\n" + head
    body = yaml.dump(doc, Dumper=_Dumper, sort_keys=False, allow_unicode=True, width=100,
                     default_flow_style=False)
    return head + body


def parses_back_to(text: str, doc: dict[str, Any]) -> bool:
    """True when ``text`` parses to exactly ``doc`` (the same content hash)."""
    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    # a safe loader (the C one when built): no arbitrary objects
    return yaml.load(text, Loader=loader) == doc  # nosec B506

"""Our pages' forms read like a browser reads them: fields, hidden values
(the CSRF token), submit buttons; and valid answers to fill them with."""
from __future__ import annotations

import random
import re
from dataclasses import dataclass, field


@dataclass
class Form:
    action: str
    method: str
    hidden: dict[str, str] = field(default_factory=dict)
    radios: dict[str, list[str]] = field(default_factory=dict)
    checkboxes: dict[str, list[str]] = field(default_factory=dict)
    texts: dict[str, dict[str, str]] = field(default_factory=dict)  # name -> attrs
    selects: dict[str, list[str]] = field(default_factory=dict)
    buttons: list[tuple[str, str, str]] = field(default_factory=list)  # (name, value, text)


_TAG = re.compile(r"<(form|input|button|textarea|select|option)\b([^>]*)>|</(select)>", re.I)
_ATTR = re.compile(r'([a-zA-Z_:-]+)(?:\s*=\s*"([^"]*)")?')


def parse_forms(html: str) -> list[Form]:
    """Every form with its fields and submit buttons. A regular-expression
    scan of the tags (the pages are our own, well-formed templates): much
    cheaper than a full HTML parser, so the simulated clients take little of
    the CPU they share with the server."""
    from html import unescape

    forms: list[Form] = []
    select: str | None = None
    for m in _TAG.finditer(html):
        if m.group(3):
            select = None
            continue
        tag = m.group(1).lower()
        attrs = {k.lower(): unescape(v or "") for k, v in _ATTR.findall(m.group(2))}
        if tag == "form":
            forms.append(Form(attrs.get("action", ""), attrs.get("method", "get").lower()))
            continue
        if not forms:
            continue
        form = forms[-1]
        name = attrs.get("name", "")
        if tag == "input":
            kind = attrs.get("type", "text").lower()
            if kind == "hidden":
                form.hidden[name] = attrs.get("value", "")
            elif kind == "radio":
                form.radios.setdefault(name, []).append(attrs.get("value", "on"))
            elif kind == "checkbox":
                form.checkboxes.setdefault(name, []).append(attrs.get("value", "on"))
            elif kind == "submit":
                form.buttons.append((name, attrs.get("value", ""), ""))
            elif name:
                form.texts[name] = attrs | {"type": kind}
        elif tag == "textarea" and name:
            form.texts[name] = attrs | {"type": "textarea"}
        elif tag == "select" and name:
            select = name
            form.selects[name] = []
        elif tag == "option" and select:
            form.selects[select].append(attrs.get("value", ""))
        elif tag == "button" and attrs.get("type", "submit").lower() == "submit":
            form.buttons.append((name, attrs.get("value", ""), ""))
    return forms


_BACK = re.compile(r"back|prev|tillbaka|föregående|previous|lang|språk", re.I)


def forward_button(form: Form) -> tuple[str, str] | None:
    """The submit button that moves on (next / submit), not back."""
    candidates = [b for b in form.buttons if not _BACK.search(f"{b[0]} {b[1]} {b[2]}")]
    if not candidates:
        return None
    name, value, _ = candidates[-1]
    return name, value


def fill(form: Form, seed: int) -> list[tuple[str, str]]:
    """Answers for every field of a question page: random but valid, and the
    same for the same respondent and field (a page shown again after a
    follow-up question appeared gets the same answers)."""
    data: list[tuple[str, str]] = list(form.hidden.items())

    def rng(name: str) -> random.Random:
        return random.Random(f"{seed}:{name}")

    for name, values in form.radios.items():
        data.append((name, rng(name).choice(values)))
    for name, values in form.checkboxes.items():
        data.append((name, values[0]))
    for name, values in form.selects.items():
        choices = [v for v in values if v]
        if choices:
            data.append((name, rng(name).choice(choices)))
    for name, attrs in form.texts.items():
        if name == "code" or name.endswith("_other"):
            continue
        if attrs["type"] == "number" or attrs.get("inputmode") == "numeric":
            # The cannabis survey's only number (age at first use) is 10-20.
            low = int(attrs.get("min") or 10)
            high = int(attrs.get("max") or 20)
            data.append((name, str(rng(name).randint(low, high))))
        else:
            data.append((name, "bench"))
    return data

"""Rendered question blocks, kept per process.

A question's HTML (the ``question`` macro in ``respondent/_macros.html``)
depends only on the question, the language and, for choice questions, which
options are checked. The macro's output is kept for each (question,
language, checked options) and reused by later requests (why:
docs/performance.md). The HTML is the macro's own output: nothing about the
markup lives here.

Blocks that show an error, or a value the respondent typed (a text, a number,
an "other" text), are always rendered afresh and never kept: no answer a
respondent wrote stays in this cache.
"""
from __future__ import annotations

from typing import Any, Callable, Mapping

from markupsafe import Markup

from webapp.forms import Question

#: (id of the Question, language, checked state) -> (the Question, its HTML).
#: The Question is kept with its HTML so that its id cannot be reused by
#: another object while the entry exists.
_BLOCKS: dict[tuple, tuple[Question, Markup]] = {}
_BLOCKS_MAX = 4096

#: Marks a state that must not be cached.
_UNCACHEABLE = object()


def _state(q: Question, form: Any, errors: Mapping[str, Any]) -> Any:
    """What the macro reads from the form for ``q``, as a hashable key, or
    ``_UNCACHEABLE`` for a block with errors or typed-in values."""
    item = q.item
    if errors.get(item.id):
        return _UNCACHEABLE
    field = form[item.id]
    if item.kind == "single":
        # The macro compares ``field.data|string`` with each code.
        return None if field.data is None else str(field.data)
    if item.kind == "multi":
        other = q.other_field
        if other and (errors.get(other) or form[other].data):
            return _UNCACHEABLE
        data = field.data
        if not data:
            return None
        try:
            # Kept as they are: the macro tests ``option.code in field.data``.
            state = tuple(data)
            hash(state)
        except TypeError:
            return _UNCACHEABLE
        return state
    raw = field.raw_data[0] if field.raw_data else (field.data if field.data is not None else "")
    return "" if raw == "" else _UNCACHEABLE


def question_block(macro: Callable[..., Markup], q: Question, form: Any, errors: Mapping[str, Any], lang: str) -> Markup:
    """``macro(q, form, errors, lang)``, taken from the cache when the same
    question was rendered before in ``lang`` with the same options checked."""
    state = _state(q, form, errors)
    if state is _UNCACHEABLE:
        return macro(q, form, errors, lang)
    key = (id(q), lang, state)
    hit = _BLOCKS.get(key)
    if hit is not None and hit[0] is q:
        return hit[1]
    # The macro's output is already autoescaped Jinja markup; Markup() only keeps it so.
    html = Markup(macro(q, form, errors, lang))  # nosec B704
    if len(_BLOCKS) >= _BLOCKS_MAX:
        _BLOCKS.clear()
    _BLOCKS[key] = (q, html)
    return html

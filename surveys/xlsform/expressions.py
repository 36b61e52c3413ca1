"""XLSForm expressions (``relevant``, ``constraint``) to and from our conditions.

Only the common forms are read: ``${q} = 'x'``, ``${q} != 'x'``,
``selected(${q}, 'x')``, comparisons of a question or ``.`` with a number
(``${age} >= 18``, ``. >= 10 and . <= 20``), ``string-length(.) <= N``, and
``and`` / ``or`` / ``not(...)`` with parentheses. Anything else raises
:class:`ExpressionError` with a message that says what to write instead.

A ``relevant`` expression becomes an instrument condition (``{item, in}`` /
``{item, not_in}`` / ``{all_of}`` / ``{any_of}``): every comparison becomes
the set of codes of the question that satisfy it, and comparisons on one
question joined by ``or`` (``and``) merge into one union (intersection).
:func:`condition_to_xpath` writes a condition back in exactly that form, so
an exported condition reads back unchanged.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import ROUND_CEILING, ROUND_FLOOR, Decimal
from typing import Any, Callable, Mapping, Union

SUPPORTED = ("write conditions like ${q} = 'x', selected(${q}, 'x'), ${n} >= 10, "
             "joined with and / or / not(...)")

_TOKEN = re.compile(r"""
    \s*(?:
      (?P<ref>\$\{\s*(?P<refname>[^}]*?)\s*\})
     |(?P<str>'[^']*'|"[^"]*")
     |(?P<num>-?\d+(?:\.\d+)?)
     |(?P<op>!=|<=|>=|=|<|>)
     |(?P<punct>[(),])
     |(?P<dot>\.(?![\d]))
     |(?P<word>[A-Za-z_][A-Za-z0-9_-]*)
    )""", re.VERBOSE)


class ExpressionError(ValueError):
    """An expression outside the supported forms; ``str()`` says what to do,
    ``key`` and ``params`` name the case for other languages."""

    def __init__(self, message: str, key: str = "", **params: Any) -> None:
        super().__init__(message)
        self.key = key
        self.params = params


# -- syntax tree ------------------------------------------------------------------

@dataclass(frozen=True)
class Compare:
    """``left op value``: ``subject`` is a question name or ``.`` (the answer itself)."""

    subject: str
    op: str
    value: Union[str, int, float]


@dataclass(frozen=True)
class Selected:
    subject: str
    value: str


@dataclass(frozen=True)
class StringLength:
    op: str
    value: int


@dataclass(frozen=True)
class Not:
    operand: "Node"


@dataclass(frozen=True)
class BoolOp:
    op: str  # "and" | "or"
    operands: tuple["Node", ...]


Node = Union[Compare, Selected, StringLength, Not, BoolOp]


# -- parsing ------------------------------------------------------------------------

@dataclass
class _Tok:
    kind: str
    text: str
    pos: int
    name: str = ""


def _tokens(text: str) -> list[_Tok]:
    out: list[_Tok] = []
    pos = 0
    while pos < len(text):
        if text[pos:].strip() == "":
            break
        m = _TOKEN.match(text, pos)
        curly = next((ch for ch in text[pos:pos + 3] if ch in "‘’“”"), None)
        if curly and (not m or m.end() == pos):
            raise ExpressionError(f"the quote {curly} at character {text.index(curly, pos) + 1} is a typographic "
                                  "quote; write straight quotes ' (Excel's autocorrect makes them curly)",
                                  "expr_curly", quote=curly, position=text.index(curly, pos) + 1)
        if not m or m.end() == pos:
            at = len(text) - len(text[pos:].lstrip())
            raise ExpressionError(f"cannot read '{text[at:at + 20]}' at character {at + 1}; {SUPPORTED}",
                                  "expr_syntax", text=text[at:at + 20], position=at + 1)
        kind = m.lastgroup if m.lastgroup != "refname" else "ref"
        for k in ("ref", "str", "num", "op", "punct", "dot", "word"):
            if m.group(k) is not None:
                kind = k
                break
        start = m.start(kind)
        out.append(_Tok(kind, m.group(kind), start, m.group("refname") or ""))
        pos = m.end()
    return out


class _Parser:
    def __init__(self, text: str) -> None:
        self.text = text
        self.toks = _tokens(text)
        self.i = 0

    def peek(self) -> _Tok | None:
        return self.toks[self.i] if self.i < len(self.toks) else None

    def take(self, kind: str | None = None, text: str | None = None) -> _Tok:
        tok = self.peek()
        if tok is None:
            want = f"'{text}'" if text else (kind or "more")
            raise ExpressionError(f"the expression ends too early (expected {want}); {SUPPORTED}", "expr_incomplete")
        if (kind and tok.kind != kind) or (text and tok.text != text):
            want = f"'{text}'" if text else {"ref": "${name}", "dot": "'.'", "op": "a comparison (=, <, >=...)"}.get(
                kind or "", kind)
            raise ExpressionError(f"expected {want} at character {tok.pos + 1}, found '{tok.text}'; {SUPPORTED}",
                                  "expr_syntax", text=tok.text, position=tok.pos + 1)
        self.i += 1
        return tok

    def parse(self) -> Node:
        if not self.toks:
            raise ExpressionError("the expression is empty", "expr_empty")
        node = self.or_expr()
        tok = self.peek()
        if tok is not None:
            raise ExpressionError(f"unexpected '{tok.text}' at character {tok.pos + 1}; {SUPPORTED}",
                                  "expr_syntax", text=tok.text, position=tok.pos + 1)
        return node

    def or_expr(self) -> Node:
        parts = [self.and_expr()]
        while (tok := self.peek()) is not None and tok.kind == "word" and tok.text == "or":
            self.i += 1
            parts.append(self.and_expr())
        return parts[0] if len(parts) == 1 else BoolOp("or", tuple(parts))

    def and_expr(self) -> Node:
        parts = [self.unary()]
        while (tok := self.peek()) is not None and tok.kind == "word" and tok.text == "and":
            self.i += 1
            parts.append(self.unary())
        return parts[0] if len(parts) == 1 else BoolOp("and", tuple(parts))

    def unary(self) -> Node:
        tok = self.peek()
        if tok is None:
            raise ExpressionError(f"the expression ends too early; {SUPPORTED}", "expr_incomplete")
        if tok.kind == "punct" and tok.text == "(":
            self.i += 1
            node = self.or_expr()
            self.take("punct", ")")
            return node
        if tok.kind == "word" and tok.text == "not":
            self.i += 1
            self.take("punct", "(")
            node = self.or_expr()
            self.take("punct", ")")
            return Not(node)
        if tok.kind == "word" and tok.text == "selected":
            self.i += 1
            self.take("punct", "(")
            ref = self.take("ref")
            self.take("punct", ",")
            value = self.literal()
            self.take("punct", ")")
            return Selected(ref.name, str(value))
        if tok.kind == "word" and tok.text == "string-length":
            self.i += 1
            self.take("punct", "(")
            self.take("dot")
            self.take("punct", ")")
            op = self.take("op").text
            value = self.literal()
            if not isinstance(value, int):
                raise ExpressionError(f"string-length(.) must be compared with a whole number, not {value!r}",
                                      "expr_length_number", value=value)
            return StringLength(op, value)
        if tok.kind in ("ref", "dot"):
            self.i += 1
            subject = "." if tok.kind == "dot" else tok.name
            op = self.take("op").text
            return Compare(subject, op, self.literal())
        if tok.kind == "word":
            raise ExpressionError(f"'{tok.text}' is not supported (character {tok.pos + 1}); {SUPPORTED}",
                                  "expr_function", name=tok.text)
        raise ExpressionError(f"unexpected '{tok.text}' at character {tok.pos + 1}; {SUPPORTED}",
                              "expr_syntax", text=tok.text, position=tok.pos + 1)

    def literal(self) -> str | int | float:
        tok = self.take()
        if tok.kind == "str":
            return tok.text[1:-1]
        if tok.kind == "num":
            return float(tok.text) if "." in tok.text else int(tok.text)
        raise ExpressionError(f"expected a value such as 'x' or 10 at character {tok.pos + 1}, "
                              f"found '{tok.text}'; {SUPPORTED}", "expr_syntax", text=tok.text, position=tok.pos + 1)


def parse(text: str) -> Node:
    """The syntax tree of an expression; raises :class:`ExpressionError`."""
    return _Parser(str(text)).parse()


# -- relevant -> condition ---------------------------------------------------------------

@dataclass(frozen=True)
class QuestionInfo:
    """What a condition needs to know about the question it reads."""

    kind: str                      # single | multi | number | text
    codes: Mapping[str, int]       # choice name -> code (choice questions)
    min: int | float | None = None
    max: int | float | None = None
    #: Decimal places of a decimal question (0: whole numbers).
    decimals: int = 0


_OPS: dict[str, Callable[[float, float], bool]] = {
    "=": lambda a, b: a == b, "!=": lambda a, b: a != b, "<": lambda a, b: a < b,
    "<=": lambda a, b: a <= b, ">": lambda a, b: a > b, ">=": lambda a, b: a >= b,
}


def to_condition(node: Node, questions: Mapping[str, QuestionInfo]) -> dict[str, Any]:
    """A ``relevant`` tree as an instrument condition document.

    ``questions`` are the questions before this one (a reference to any
    other is refused: a condition can only look back)."""
    cond = _cond(node, questions)
    return _document(cond)


@dataclass(frozen=True)
class _Leaf:
    item: str
    codes: frozenset[int]
    negated: bool = False


@dataclass(frozen=True)
class _Combo:
    op: str
    parts: tuple[Any, ...]


def _question(name: str, questions: Mapping[str, QuestionInfo]) -> QuestionInfo:
    if name == ".":
        raise ExpressionError("'.' (this answer) cannot be used in relevant; name a question with ${name}",
                              "expr_dot")
    if name not in questions:
        raise ExpressionError(f"${{{name}}} is not a question before this row "
                              "(a condition can only use earlier questions)", "expr_not_earlier", name=name)
    info = questions[name]
    if info.decimals:
        raise ExpressionError(f"${{{name}}} is a decimal question; conditions can only use choice and "
                              "integer questions", "expr_decimal", name=name)
    if info.kind == "text":
        raise ExpressionError(f"${{{name}}} is a text question; conditions can only use choice and "
                              "integer questions", "expr_text_question", name=name)
    return info


def _codes_equal(info: QuestionInfo, name: str, value: Any) -> int:
    if info.kind == "number":
        try:
            return int(str(value))
        except ValueError:
            raise ExpressionError(f"${{{name}}} is an integer question: compare it with a whole number, "
                                  f"not {value!r}", "expr_integer_number", name=name, value=value) from None
    key = str(value)
    if key not in info.codes:
        known = ", ".join(f"'{k}'" for k in info.codes)
        raise ExpressionError(f"'{key}' is not a choice of ${{{name}}} (choices: {known})", "expr_not_choice",
                              value=key, name=name, choices=known)
    return info.codes[key]


def _cond(node: Node, questions: Mapping[str, QuestionInfo]) -> Any:
    if isinstance(node, BoolOp):
        parts = [_cond(p, questions) for p in node.operands]
        return _merge(node.op, parts)
    if isinstance(node, Not):
        inner = _cond(node.operand, questions)
        if isinstance(inner, _Leaf):
            return _Leaf(inner.item, inner.codes, not inner.negated)
        raise ExpressionError("not(...) is supported around conditions on one question only, "
                              "e.g. not(selected(${q}, 'x'))", "expr_not")
    if isinstance(node, StringLength):
        raise ExpressionError("string-length(.) belongs in constraint, not relevant", "expr_length_relevant")
    if isinstance(node, Selected):
        info = _question(node.subject, questions)
        return _Leaf(node.subject, frozenset({_codes_equal(info, node.subject, node.value)}))
    # Compare
    info = _question(node.subject, questions)
    if node.op in ("=", "!="):
        if info.kind == "multi":
            raise ExpressionError(f"${{{node.subject}}} allows several answers: "
                                  f"write selected(${{{node.subject}}}, '{node.value}')", "expr_multi",
                                  name=node.subject, value=node.value)
        code = _codes_equal(info, node.subject, node.value)
        return _Leaf(node.subject, frozenset({code}), node.op == "!=")
    if info.kind != "number":
        raise ExpressionError(f"'{node.op}' compares numbers; ${{{node.subject}}} is a choice question: "
                              f"use = or selected()", "expr_op_numbers", op=node.op, name=node.subject)
    if not isinstance(node.value, (int, float)):
        raise ExpressionError(f"${{{node.subject}}} {node.op} needs a number, not {node.value!r}",
                              "expr_needs_number", name=node.subject, op=node.op, value=node.value)
    lo, hi = info.min, info.max
    if lo is None or hi is None:
        raise ExpressionError(f"${{{node.subject}}} has no bounds to compare within", "expr_no_bounds",
                              name=node.subject)
    compare = _OPS[node.op]
    return _Leaf(node.subject, frozenset(c for c in range(lo, hi + 1) if compare(c, node.value)))


def _merge(op: str, parts: list[Any]) -> Any:
    """Join ``parts`` with ``op``, merging positive leaves on one question
    (union for or, intersection for and)."""
    out: list[Any] = []
    for part in parts:
        if isinstance(part, _Combo) and part.op == op:
            candidates = list(part.parts)
        else:
            candidates = [part]
        for c in candidates:
            prev = out[-1] if out else None
            if (isinstance(c, _Leaf) and isinstance(prev, _Leaf) and prev.item == c.item
                    and not prev.negated and not c.negated):
                codes = prev.codes | c.codes if op == "or" else prev.codes & c.codes
                out[-1] = _Leaf(c.item, codes)
            else:
                out.append(c)
    return out[0] if len(out) == 1 else _Combo(op, tuple(out))


def _document(cond: Any) -> dict[str, Any]:
    if isinstance(cond, _Leaf):
        if not cond.codes:
            raise ExpressionError(f"the condition on ${{{cond.item}}} can never be true", "expr_never_true",
                                  name=cond.item)
        return {"item": cond.item, ("not_in" if cond.negated else "in"): sorted(cond.codes)}
    return {("all_of" if cond.op == "and" else "any_of"): [_document(p) for p in cond.parts]}


# -- constraint -> bounds --------------------------------------------------------------

def number_bounds(node: Node) -> tuple[int | None, int | None]:
    """``. >= a and . <= b`` (either side alone too) as (min, max) whole numbers."""
    parts = node.operands if isinstance(node, BoolOp) and node.op == "and" else (node,)
    lo = hi = None
    for part in parts:
        if not (isinstance(part, Compare) and part.subject == "." and isinstance(part.value, (int, float))):
            raise ExpressionError("an integer constraint must look like . >= 10 and . <= 20", "constraint_integer")
        value = part.value
        if part.op in (">=", ">"):
            bound = int(value) + 1 if part.op == ">" or value != int(value) else int(value)
            lo = bound if lo is None else max(lo, bound)
        elif part.op in ("<=", "<"):
            bound = int(value) - 1 if part.op == "<" and value == int(value) else int(value // 1)
            hi = bound if hi is None else min(hi, bound)
        else:
            raise ExpressionError("an integer constraint must look like . >= 10 and . <= 20", "constraint_integer")
    return lo, hi


def _decimal_parts(node: Node) -> tuple[Compare, ...]:
    parts = node.operands if isinstance(node, BoolOp) and node.op == "and" else (node,)
    for part in parts:
        if not (isinstance(part, Compare) and part.subject == "." and isinstance(part.value, (int, float))
                and part.op in (">=", ">", "<=", "<")):
            raise ExpressionError("a decimal constraint must look like . >= 0.5 and . <= 2.5", "constraint_decimal")
    return parts  # type: ignore[return-value]


def bound_places(node: Node) -> int:
    """The most decimal places a bound of ``. >= a and . <= b`` has (0 for
    other expressions, which :func:`decimal_bounds` refuses)."""
    try:
        parts = _decimal_parts(node)
    except ExpressionError:
        return 0
    return max(-Decimal(str(p.value)).normalize().as_tuple().exponent for p in parts) if parts else 0


def decimal_bounds(node: Node, decimals: int) -> tuple[float | int | None, float | int | None]:
    """``. >= a and . <= b`` as (min, max) with ``decimals`` places; a strict
    bound moves one step of 10**-decimals inwards."""
    step = Decimal(1).scaleb(-decimals)
    lo = hi = None
    for part in _decimal_parts(node):
        value = Decimal(str(part.value))
        if part.op in (">=", ">"):
            bound = value.quantize(step, rounding=ROUND_CEILING)
            if part.op == ">" and bound == value:
                bound += step
            lo = bound if lo is None else max(lo, bound)
        else:
            bound = value.quantize(step, rounding=ROUND_FLOOR)
            if part.op == "<" and bound == value:
                bound -= step
            hi = bound if hi is None else min(hi, bound)
    return _plain(lo), _plain(hi)


def _plain(value: Decimal | None) -> float | int | None:
    """A bound as YAML writes it: int when whole, else float."""
    if value is None:
        return None
    return int(value) if value == value.to_integral_value() else float(value)


def text_max_length(node: Node) -> int:
    """``string-length(.) <= N`` as N."""
    if isinstance(node, StringLength) and node.op in ("<=", "<"):
        return node.value if node.op == "<=" else node.value - 1
    raise ExpressionError("a text constraint must look like string-length(.) <= 200", "constraint_text")


# -- condition -> relevant -----------------------------------------------------------------

def condition_to_xpath(cond: Mapping[str, Any], kinds: Mapping[str, str],
                       names: Mapping[str, Mapping[int, str]] | None = None) -> str:
    """An instrument condition as an XLSForm ``relevant`` expression that
    :func:`to_condition` reads back unchanged. ``kinds`` maps item id to kind;
    ``names`` maps a choice item's codes to choice names (default: the code)."""
    names = names or {}
    if "all_of" in cond or "any_of" in cond:
        op = "and" if "all_of" in cond else "or"
        parts = [condition_to_xpath(c, kinds, names) for c in cond["all_of" if op == "and" else "any_of"]]
        return f" {op} ".join(f"({p})" for p in parts)
    item = cond["item"]
    kind = kinds.get(item, "single")
    negated = "not_in" in cond
    codes = list(cond["not_in"] if negated else cond["in"])
    if kind == "number":
        terms = [f"${{{item}}} = {c}" for c in codes]
    elif kind == "multi":
        terms = [f"selected(${{{item}}}, '{names.get(item, {}).get(c, c)}')" for c in codes]
    else:
        terms = [f"${{{item}}} = '{names.get(item, {}).get(c, c)}'" for c in codes]
    text = " or ".join(terms)
    return f"not({text})" if negated else text

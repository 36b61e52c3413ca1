"""How a figure of the report reads as text: the one place for decimals,
percentages, confidence intervals, p values and the mark of a hidden figure.

Used by the results page (``webapp.analyst.results``), the CLI table
(``surveys.commands.score_table``) and any other renderer of the report
model (``scoring.model``); imports no Flask, so the CLI can use it.

The analyst pages and the CLI write decimal points, as the downloads do
(figures pasted from one into the other must agree); a report meant for
Swedish readers may ask for the decimal comma (``decimal_comma=True``).
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Mapping, Sequence

#: What a hidden (suppressed) or missing figure reads as.
HIDDEN = "–"
#: The language every text falls back to.
DEFAULT_LANGUAGE = "sv"


@dataclass(frozen=True)
class Formatter:
    """Figures as text in one language. ``None`` always reads as :data:`HIDDEN`."""

    lang: str = DEFAULT_LANGUAGE
    decimal_comma: bool = False

    @classmethod
    def for_readers(cls, lang: str) -> "Formatter":
        """The formatter of a text for readers outside the analyst pages (the
        yearly report): the decimal comma in Swedish, the point otherwise."""
        return cls(lang, decimal_comma=lang == DEFAULT_LANGUAGE)

    def _decimal(self, text: str) -> str:
        return text.replace(".", ",") if self.decimal_comma else text

    def number(self, value: float | int | None, digits: int = 2, unit: str = "") -> str:
        """A figure: a whole number as it is, any other to ``digits`` decimals."""
        if value is None:
            return HIDDEN
        if isinstance(value, int) and not isinstance(value, bool):
            return f"{value}{unit}"
        return self._decimal(f"{float(value):.{digits}f}") + unit

    def short(self, value: float | None, digits: int = 2) -> str:
        """A figure without trailing zeros (axis ticks, reference lines): ``4``, ``3.72``, ``1.7``."""
        if value is None:
            return HIDDEN
        return self._decimal(f"{float(value):.{digits}f}".rstrip("0").rstrip("."))

    def percent(self, value: float | None, digits: int = 1) -> str:
        """A percentage (already 0-100): ``12.3 %``."""
        return self.number(value, digits, " %")

    def signed(self, value: float | None, digits: int = 2, unit: str = "") -> str:
        """A change with its sign: ``+0.40``, ``-1.00``; no change (exactly 0) unsigned."""
        if value is None:
            return HIDDEN
        return ("+" if value > 0 else "") + self.number(float(value), digits, unit)

    def interval(self, ci: Sequence[float | None] | None, digits: int = 2, unit: str = "") -> str:
        """A confidence interval: ``3.99–4.22`` (hidden unless both ends are known)."""
        if not ci or ci[0] is None or ci[1] is None:
            return HIDDEN
        return self._decimal(f"{ci[0]:.{digits}f}–{ci[1]:.{digits}f}") + unit

    def p(self, value: float | None) -> str:
        """A p value in a table cell: ``0.123`` or ``< 0.001``."""
        if value is None:
            return HIDDEN
        return self._decimal("< 0.001" if value < 0.001 else f"{value:.3f}")

    def p_text(self, value: float | None) -> str:
        """A p value in a sentence: ``p = 0.123``, ``p < 0.001``, ``p –``."""
        if value is None:
            return f"p {HIDDEN}"
        return f"p {self.p(value)}" if value < 0.001 else f"p = {self.p(value)}"

    def text(self, values: Mapping[str, str] | None) -> str:
        """A text given per language, in this language or else Swedish ("" when none)."""
        if not values:
            return ""
        return values.get(self.lang) or values.get(DEFAULT_LANGUAGE) or ""

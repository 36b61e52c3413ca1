"""surveys.formatting.Formatter: the one place a report figure becomes text
(results page, CLI table, charts)."""
from __future__ import annotations

import math

import pytest

from surveys.formatting import HIDDEN, Formatter

F = Formatter("en")
SV_COMMA = Formatter("sv", decimal_comma=True)


@pytest.mark.parametrize("method", ["number", "percent", "signed", "interval", "p", "short"])
def test_hidden_figures_read_as_the_dash(method: str) -> None:
    assert getattr(F, method)(None) == HIDDEN == "–"


def test_numbers_whole_and_decimal() -> None:
    assert F.number(2576) == "2576"
    assert F.number(3.7249) == "3.72"
    assert F.number(3.725, 1, " %") == "3.7 %"
    assert F.number(math.pi, 0) == "3"
    assert F.percent(12.345) == "12.3 %"
    assert SV_COMMA.number(3.7249) == "3,72" and SV_COMMA.percent(12.345) == "12,3 %"


def test_changes_carry_their_sign_and_no_change_none() -> None:
    assert F.signed(0.4) == "+0.40"
    assert F.signed(-1.0) == "-1.00"
    assert F.signed(0.0) == "0.00"
    assert F.signed(0.001) == "+0.00"  # a rise too small to show still reads as a rise
    assert F.signed(12.4, 0, " %") == "+12 %"
    assert SV_COMMA.signed(-0.25) == "-0,25"


def test_intervals_need_both_ends() -> None:
    assert F.interval((3.99, 4.224)) == "3.99–4.22"
    assert F.interval((-0.1, 0.2), 1, " %") == "-0.1–0.2 %"
    assert F.interval((None, 4.0)) == HIDDEN and F.interval((4.0, None)) == HIDDEN
    assert SV_COMMA.interval((3.99, 4.22)) == "3,99–4,22"


def test_p_values() -> None:
    assert F.p(0.0004) == "< 0.001" and F.p(0.001) == "0.001" and F.p(0.5) == "0.500"
    assert F.p_text(0.0004) == "p < 0.001" and F.p_text(0.0123) == "p = 0.012" and F.p_text(None) == "p –"
    assert SV_COMMA.p(0.0004) == "< 0,001"


def test_short_drops_trailing_zeros() -> None:
    assert [F.short(v) for v in (4.0, 3.72, 1.70, 0.0, 100.0)] == ["4", "3.72", "1.7", "0", "100"]


def test_texts_in_the_language_or_swedish() -> None:
    label = {"sv": "Restriktiv", "en": "Restrictive"}
    assert F.text(label) == "Restrictive"
    assert Formatter("ar").text(label) == "Restriktiv"
    assert F.text(None) == "" and F.text({}) == ""


def test_readers_get_the_decimal_comma_in_swedish_only() -> None:
    assert Formatter.for_readers("sv").number(3.72) == "3,72"
    assert Formatter.for_readers("en").number(3.72) == "3.72"
    assert Formatter("sv").number(3.72) == "3.72"  # the analyst pages and the CLI, as the downloads

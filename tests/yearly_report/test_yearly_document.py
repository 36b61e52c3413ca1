"""The report document's domain rules and formats, worked by hand: a goal's
assessment (on track / not on track / unclear) and the figures per language
(the report model's Formatter, with the decimal comma in Swedish)."""
from __future__ import annotations

import pytest

from surveys.yearly_report.document import Counts, Goal
from surveys.yearly_report.texts import Texts


def goal(now, ci, baseline=3.72, target=4.72, kind="towards") -> Goal:
    return Goal("restrictive", "", baseline, 2014, False, target, now, ci, kind)


@pytest.mark.parametrize("now, ci, status", [
    (4.00, (3.80, 4.20), "on_track"),       # the whole interval above the baseline, towards 4.72
    (4.80, (4.73, 4.87), "on_track"),       # target reached
    (3.74, (3.60, 3.88), "unclear"),        # the interval holds the baseline
    (3.50, (3.40, 3.60), "not_on_track"),   # the whole interval below the baseline
    (None, None, "unclear"),                # hidden
])
def test_a_rising_goal(now, ci, status) -> None:
    assert goal(now, ci).status == status


@pytest.mark.parametrize("now, ci, status", [
    (5.0, (4.0, 6.0), "on_track"),     # halve 8 % towards 4 %: 4.0-6.0 lies wholly below 8
    (3.0, (2.0, 3.9), "on_track"),     # at or below the target
    (7.0, (5.0, 9.5), "unclear"),
    (10.0, (8.5, 11.5), "not_on_track"),
])
def test_a_falling_goal(now, ci, status) -> None:
    assert goal(now, ci, baseline=8.0, target=4.0).status == status


def test_an_index_ceiling_per_area() -> None:
    assert goal(1.9, None, None, 2.0, "at_most").status == "on_track"
    assert goal(2.0, None, None, 2.0, "at_most").status == "on_track"
    assert goal(2.3, None, None, 2.0, "at_most").status == "not_on_track"
    assert goal(None, None, None, 2.0, "at_most").status == "unclear"


def test_response_rate_from_codes() -> None:
    assert Counts("codes", 36, 30, 0, 10, 6).response_rate == pytest.approx(60.0)
    assert Counts("open", 36, 36, 0, 0, 0).response_rate is None


def test_figures_per_language() -> None:
    sv, en = Texts("sv"), Texts("en")
    assert sv.num(3.7249) == "3,72" and en.num(3.7249) == "3.72"
    assert sv.ci((3.70, 3.74)) == "3,70–3,74" and en.ci([85.01, 86.4], 1, " %") == "85.0–86.4 %"
    assert sv.pct(None) == "–" and en.num(None) == "–" and en.num(2576) == "2576"
    assert sv.signed(0.854) == "+0,85" and en.signed(-0.18) == "-0.18" and en.signed(0.0) == "0.00"
    assert sv.p(0.0004) == "p < 0,001" and en.p(0.0535) == "p = 0.053" and en.p(None) == "p –"
    assert sv.short(4.72) == "4,72" and sv.short(20.0) == "20" and en.short(3.5) == "3.5"
    assert sv("on_track") == "På väg" and en("not_on_track") == "Not on track" and sv("unclear") == "Oklart"
    assert sv.group("school") == "Skola" and en.group("age_band") == "Age group" and en.group("x") == "x"
    with pytest.raises(ValueError, match="sv or en, not 'ar'"):
        Texts("ar")

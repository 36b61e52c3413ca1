"""A declared share on a ``multi`` item (medborgardialog's themes) counts the
respondents who named any of its codes among those who answered the item."""
from __future__ import annotations

import numpy as np
import pytest
from scipy import stats

from surveys.dataset import Dataset
from surveys.instrument import Baseline, Instrument, Item, Option, Page, ResponseScale, Share

from scoring_builders import report_json_of, text

NAN = np.nan


def themes_instrument() -> Instrument:
    themes = ResponseScale("themes", tuple(Option(c, text(f"tema {c}")) for c in (1, 2, 3)), numeric=False)
    page = Page("p1", text("Sida"), (Item("unsafe_themes", "multi", text("Teman"), scale="themes"),))
    shares = {
        "lighting": Share("lighting", "unsafe_themes", (1,), text("Belysning"), baseline=Baseline(0.5, 2015)),
        "lighting_or_gangs": Share("lighting_or_gangs", "unsafe_themes", (1, 3), text("Belysning eller gäng")),
    }
    return Instrument("themes", "1", text("Teman"), ("sv",), {"themes": themes}, (page,), shares=shares,
                      suppression_min_n=1, sha256="0" * 64)


def test_declared_share_on_a_multi_item_counts_who_named_it() -> None:
    # 8 respondents; the last did not answer the item at all.
    block = np.array([
        [1, 0, 0], [1, 1, 0], [0, 1, 0], [0, 0, 1],
        [0, 0, 0], [1, 0, 1], [0, 1, 1], [NAN, NAN, NAN],
    ], dtype=float)
    data = Dataset(columns=["unsafe_themes_1", "unsafe_themes_2", "unsafe_themes_3"], matrix=block)
    report = report_json_of(themes_instrument(), data)

    lighting = report["declared_shares"]["lighting"]
    assert (lighting["n"], lighting["of"]) == (3, 7)           # rows 0, 1, 5 of the 7 who answered
    assert lighting["pct"] == pytest.approx(100 * 3 / 7)
    assert lighting["baseline"]["p"] == pytest.approx(stats.binomtest(3, 7, 0.5).pvalue)

    either = report["declared_shares"]["lighting_or_gangs"]
    assert (either["n"], either["of"]) == (5, 7)              # rows 0, 1, 3, 5, 6

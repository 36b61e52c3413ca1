"""``score_report``: the JSON shape of DESIGN.md, suppression in the output,
wave comparison and its refusal."""
from __future__ import annotations

import dataclasses
import json

import numpy as np
import pytest
from scipy import stats

from scoring.errors import IncomparableError, ScoringError
from surveys.dataset import Dataset
from surveys.instrument import Instrument, Item, Option, Page, ResponseScale, Scale

from scoring_builders import ITEMS, fixture_dataset, fixture_instrument, report_json_of, text

FIGURES = {"n", "mean", "sd", "ci95"}


def _is_num(v):
    return isinstance(v, (int, float)) and not isinstance(v, bool)


def test_shape_follows_design():
    inst = fixture_instrument()
    report = report_json_of(inst, fixture_dataset(), by=("gender",))
    json.dumps(report, allow_nan=False)  # JSON-safe: no NaN anywhere
    assert report["instrument"] == {"id": "fixture", "version": "1", "sha256": "0" * 64}
    assert report["n_respondents"] == 60
    assert {"instrument", "n_respondents", "scales", "shares", "indices"} <= report.keys()
    sc = report["scales"]["attityd"]
    assert sc["items"] == ITEMS and sc["reversed"] == ["i2", "i4", "i6", "i8"] and sc["min_answered"] == 6
    o = sc["overall"]
    assert isinstance(o["n"], int) and all(_is_num(o[k]) for k in ("mean", "sd", "alpha"))
    assert len(o["ci95"]) == 2 and o["ci95"][0] < o["mean"] < o["ci95"][1]
    assert {"value", "diff", "t", "p"} <= o["baseline"].keys() and o["baseline"]["value"] == 3.72
    assert o["target"]["value"] == 4.72
    assert o["target"]["progress"] == pytest.approx((o["mean"] - 3.72) / (4.72 - 3.72))
    assert [g["by"] for g in sc["groups"]] == [{"gender": "flicka"}, {"gender": "pojke"}]
    for g in sc["groups"]:
        assert g["suppressed"] is False and isinstance(g["n"], int) and FIGURES <= g.keys()
    # shares of every categorical item: item id -> code -> n, pct, ci95
    use = report["shares"]["use"]
    assert list(use) == ["1", "2", "3", "4"]
    assert use["1"]["n"] == 48 and use["1"]["pct"] == pytest.approx(80.0)
    # numerator rule: a shown count and the rest of the 60 are each 0 or >= 5,
    # and the hidden codes together are 0 or >= 5 (none recoverable)
    shown = [c["n"] for c in use.values() if c["n"] is not None]
    assert all(k == 0 or 5 <= k <= 55 for k in shown)
    assert 60 - sum(shown) == 0 or 60 - sum(shown) >= 5
    assert set(report["shares"]) == {*ITEMS, "use"}  # group items are breakdowns, not shares


def test_suppressed_group_has_null_for_every_figure_but_by():
    inst = fixture_instrument(min_n=25)  # pojke has 23 scale scores
    report = report_json_of(inst, fixture_dataset(), by=("gender",))
    groups = report["scales"]["attityd"]["groups"]
    assert all(g["suppressed"] for g in groups)  # one small -> the other goes too (2 cells)
    for g in groups:
        assert all(v is None for k, v in g.items() if k not in ("by", "suppressed"))


def test_two_column_breakdown():
    report = report_json_of(fixture_instrument(min_n=1), fixture_dataset(), by=("school", "gender"))
    groups = report["scales"]["attityd"]["groups"]
    assert {tuple(g["by"]) for g in groups} == {("school", "gender")}
    data = fixture_dataset()
    X, school, gender = data.matrix, data.groups["school"], data.groups["gender"]
    expected = {(s, g) for s, g in zip(school, gender)}
    assert {(g["by"]["school"], g["by"]["gender"]) for g in groups} == expected
    cell = next(g for g in groups if g["by"] == {"school": "A", "gender": "flicka"})
    R = X[:, :8].copy()
    R[:, 1::2] = 7 - R[:, 1::2]
    ok = (~np.isnan(R)).sum(axis=1) >= 6
    scores = np.nanmean(R, axis=1)[ok & (school == "A") & (gender == "flicka")]
    assert cell["n"] == scores.size and cell["mean"] == pytest.approx(scores.mean(), abs=1e-12)


def test_unknown_group_column_is_a_clear_error():
    with pytest.raises(ScoringError, match="cannot break down by 'klass': only by the instrument's declared"):
        report_json_of(fixture_instrument(), fixture_dataset(), by=("klass",))


def test_wave_comparison_welch_and_hedges():
    data = fixture_dataset()
    later = Dataset(data.columns, data.matrix.copy(), data.groups)
    later.matrix[:, 0] = np.where(np.isnan(later.matrix[:, 0]), np.nan, np.minimum(later.matrix[:, 0] + 1, 6))
    report = report_json_of(fixture_instrument(), later, compare=data)
    comp = report["comparison"]["scales"]["attityd"]
    R0, R1 = data.matrix[:, :8].copy(), later.matrix[:, :8].copy()
    for R in (R0, R1):
        R[:, 1::2] = 7 - R[:, 1::2]
    s0 = np.nanmean(R0, axis=1)[(~np.isnan(R0)).sum(axis=1) >= 6]
    s1 = np.nanmean(R1, axis=1)[(~np.isnan(R1)).sum(axis=1) >= 6]
    ref = stats.ttest_ind(s1, s0, equal_var=False)
    assert comp["welch"]["t"] == pytest.approx(ref.statistic, abs=1e-10)
    assert comp["welch"]["p"] == pytest.approx(ref.pvalue, abs=1e-12)
    assert comp["diff"] == pytest.approx(s1.mean() - s0.mean())
    assert comp["hedges_g_ci95"][0] < comp["hedges_g"] < comp["hedges_g_ci95"][1]
    never = report["comparison"]["declared_shares"]["never"]
    assert never["previous"] == {"n": 48, "of": 60, "pct": pytest.approx(80.0)}
    assert never["diff_pct"] == pytest.approx(0.0)


@pytest.mark.parametrize("change, word", [
    ({"reversed": ("i2", "i4", "i6")}, "reversed items"),
    ({"items": tuple(ITEMS[:7]), "reversed": ("i2", "i4", "i6")}, "items"),
    ({"response_max": 5}, "response range"),
])
def test_comparison_refused_when_scale_definitions_differ(change, word):
    old = fixture_instrument(**change)
    with pytest.raises(IncomparableError, match=f"scale 'attityd' is defined differently.*{word}") as refused:
        report_json_of(fixture_instrument(), fixture_dataset(), compare=(old, fixture_dataset()))
    # named for callers that word it in another language
    assert refused.value.reason == "scale_differs"
    assert refused.value.params["scale"] == "attityd" and word in refused.value.params["detail"]


def test_comparison_refused_when_the_earlier_wave_lacks_an_item():
    data = fixture_dataset()
    old = Dataset([c for c in data.columns if c != "i3"], np.delete(data.matrix, 2, axis=1), data.groups)
    with pytest.raises(IncomparableError, match="i3") as refused:
        report_json_of(fixture_instrument(), data, compare=old)
    assert refused.value.reason == "earlier_unscorable" and "i3" in refused.value.params["detail"]


def test_comparison_refused_between_different_instruments():
    other = fixture_instrument()
    other = dataclasses.replace(other, id="another")
    with pytest.raises(IncomparableError, match="different instruments") as refused:
        report_json_of(fixture_instrument(), fixture_dataset(), compare=(other, fixture_dataset()))
    assert refused.value.reason == "different_instruments"
    assert refused.value.params == {"current": fixture_instrument().id, "earlier": "another"}


def test_knowledge_scale_and_multi_item_themes():
    tf = ResponseScale("tf", (Option(1, text("Sant")), Option(2, text("Falskt")), Option(3, text("Vet inte"))))
    themes = ResponseScale("themes", (Option(1, text("Belysning")), Option(2, text("Nedskräpning"))), numeric=False)
    page = Page("p", text("p"), (
        Item("area", "single", text("Område"), group="area", options_from="preset"),
        *(Item(f"k{j}", "single", text(f"k{j}"), scale="tf") for j in (1, 2, 3)),
        Item("unsafe", "multi", text("Otrygg"), scale="themes"),
    ))
    knowledge = Scale("knowledge", text("Kunskap"), items=("k1", "k2", "k3"), method="correct",
                      key={"k1": 1, "k2": 2, "k3": 1}, min_answered=2, response_min=1, response_max=3)
    inst = Instrument("mini", "1", text("m"), ("sv",), {"tf": tf, "themes": themes}, (page,),
                      scales={"knowledge": knowledge}, suppression_min_n=2)
    K = np.array([[1, 2, 1], [1, 1, 3], [2, 1, np.nan], [1, np.nan, np.nan], [1, 2, 3], [3, 3, 3]], float)
    U = np.array([[1, 0], [1, 1], [0, 0], [np.nan, np.nan], [0, 1], [1, 0]], float)
    area = np.array(["X", "X", "X", "Y", "Y", "Y"])
    report = report_json_of(inst, Dataset(["k1", "k2", "k3", "unsafe_1", "unsafe_2"], np.hstack([K, U]),
                                        {"area": area}))
    o = report["scales"]["knowledge"]["overall"]
    # scores: 3, 1, 0, (1 answered: missing), 2, 0 -> n 5, mean 6/5
    assert o["n"] == 5 and o["mean"] == pytest.approx(1.2)
    assert [r["pct_correct"] for r in report["scales"]["knowledge"]["item_stats"]] == \
        [pytest.approx(400 / 6), pytest.approx(40.0), None]  # 1 of 4 correct: a small numerator
    unsafe = report["shares"]["unsafe"]
    assert unsafe["1"]["n"] == 3 and unsafe["1"]["pct"] == pytest.approx(60.0)  # 5 answered
    th = {g["by"]["area"]: g for g in report["themes"]["unsafe"]["groups"]}
    # X: 2 of 3 named lighting (1 did not), Y: 1 of 2 named littering: small numerators
    assert th["X"]["n"] == 3 and th["X"]["shares"]["1"] == {"n": None, "pct": None, "suppressed": True}
    assert th["X"]["shares"]["2"]["pct"] is None
    assert th["Y"]["n"] == 2 and th["Y"]["shares"]["2"]["pct"] is None


def test_real_instruments_and_demo_waves_score_to_json():
    """The bundled instruments and the seeded demo waves go through the report."""
    from surveys.dataset import from_records
    from surveys.loader import load_all
    from surveys.synthetic import demo_waves

    instruments = load_all()
    waves = {w.name: w for w in demo_waves(instruments)}
    for w in waves.values():
        inst = instruments[w.instrument_id]
        data = from_records(inst, w.records, w.presets)
        by = ("school",) if "school" in data.groups else ("area",)
        report = report_json_of(inst, data, by=by)
        json.dumps(report, allow_nan=False)
        for sc in report["scales"].values():
            assert sc["overall"]["n"] > 0 and 0 < sc["overall"]["alpha"] < 1
    trygg = next(w for w in waves.values() if w.instrument_id == "trygghet")
    data = from_records(instruments["trygghet"], trygg.records, trygg.presets)
    idx = report_json_of(instruments["trygghet"], data)["indices"]["trygghetsindex"]
    assert idx["overall"]["index"] is not None and len(idx["groups"]) >= 4
    assert idx["goal_met"] in (True, False)

"""Every figure of the R reference vectors (tests/data/scoring/expected.json,
computed in R with psych, t.test, prop.test, binom.test, fisher.test and
p.adjust) reproduced to 1e-9."""
from __future__ import annotations

import numpy as np
import pytest

from scoring.descriptives import describe, moments
from scoring.inference import (binomial_test, hedges_g, holm, one_sample_t, two_proportions, welch_t,
                               wilson_interval)
from scoring.reliability import cronbach_alpha
from scoring.scales import scale_scores

from scoring_builders import fixture_dataset, fixture_instrument, report_json_of

TOL = 1e-9
REV = np.array([False, True] * 4)


def close(a, b):
    assert a == pytest.approx(b, abs=TOL, rel=0)


@pytest.fixture(scope="module")
def scores(respondents):
    X, _, _, _ = respondents
    return scale_scores(X, REV, 1, 6, 6)


def test_scale_scores(scores, expected):
    exp = np.array([np.nan if v is None else v for v in expected["scale_scores"]])
    assert np.array_equal(np.isnan(scores), np.isnan(exp))
    np.testing.assert_allclose(scores[~np.isnan(exp)], exp[~np.isnan(exp)], atol=TOL, rtol=0)


def test_overall_descriptives(scores, expected):
    d = describe(scores)
    o = expected["overall"]
    assert d.n == o["n"]
    close(d.mean, o["mean"])
    close(d.sd, o["sd"])
    close(d.ci95[0], o["ci95"][0])
    close(d.ci95[1], o["ci95"][1])


def test_alpha_item_total_and_if_deleted(respondents, expected):
    X, _, _, _ = respondents
    r = cronbach_alpha(X, REV)
    o = expected["overall"]
    close(r.alpha, o["alpha"])
    assert r.n == o["alpha_n_listwise"]
    np.testing.assert_allclose(r.r_drop, o["r_drop"], atol=TOL, rtol=0)
    np.testing.assert_allclose(r.alpha_if_deleted, o["alpha_if_deleted"], atol=TOL, rtol=0)


def test_baseline_one_sample_t(scores, expected):
    m = moments(scores)
    diff, test, d = one_sample_t(m.mean, m.sd, m.n, 3.72)
    b = expected["overall"]["baseline"]
    close(diff, b["diff"])
    close(test.t, b["t"])
    assert test.df == b["df"]
    close(test.p, b["p"])
    close(d, b["cohens_d"])


def test_welch_and_hedges_g(scores, respondents, expected):
    _, _, gender, _ = respondents
    a, b = moments(scores[gender == "flicka"]), moments(scores[gender == "pojke"])
    e = expected["welch_flicka_vs_pojke"]
    assert (a.n, b.n) == (e["n1"], e["n2"])
    test = welch_t(a.mean, a.sd, a.n, b.mean, b.sd, b.n)
    close(test.t, e["t"])
    close(test.df, e["df"])
    close(test.p, e["p"])
    g, lo, hi = hedges_g(a.mean, a.sd, a.n, b.mean, b.sd, b.n)
    close(g, e["hedges_g"])
    assert lo < g < hi


def test_wilson_and_binomial(respondents, expected):
    _, use, _, _ = respondents
    e = expected["share_never"]
    k, n = int((use == 1).sum()), use.size
    assert (k, n) == (e["n"], e["of"])
    lo, hi = wilson_interval(k, n)
    close(lo, e["wilson95"][0])
    close(hi, e["wilson95"][1])
    close(binomial_test(k, n, 0.85), e["binom_vs_0.85_p"])


def test_fisher_when_counts_small(respondents, expected):
    _, use, gender, _ = respondents
    e = expected["fisher_sometimes_or_regularly_flicka_vs_pojke"]
    f, p = gender == "flicka", gender == "pojke"
    res = two_proportions(int((use[f] >= 3).sum()), int(f.sum()), int((use[p] >= 3).sum()), int(p.sum()))
    assert res.test == "fisher"
    assert res.table == e["table"]
    close(res.p, e["p"])


def test_school_vs_rest_raw_and_holm(scores, respondents, expected):
    _, _, _, school = respondents
    raw = {}
    for s in ("A", "B", "C"):
        a, b = moments(scores[school == s]), moments(scores[school != s])
        raw[s] = welch_t(a.mean, a.sd, a.n, b.mean, b.sd, b.n).p
        close(raw[s], expected["school_vs_rest_welch_p"][s])
    adj = holm([raw["A"], raw["B"], raw["C"]])
    for s, v in zip("ABC", adj):
        close(v, expected["school_vs_rest_holm_p"][s])


def test_score_report_reproduces_the_vectors(expected):
    report = report_json_of(fixture_instrument(), fixture_dataset(), by=("school",))
    sc = report["scales"]["attityd"]
    o, e = sc["overall"], expected["overall"]
    assert o["n"] == e["n"] and o["alpha_n"] == e["alpha_n_listwise"]
    for key in ("mean", "sd", "alpha"):
        close(o[key], e[key])
    close(o["ci95"][0], e["ci95"][0])
    close(o["ci95"][1], e["ci95"][1])
    for key in ("diff", "t", "p", "cohens_d"):
        close(o["baseline"][key], e["baseline"][key])
    np.testing.assert_allclose([r["r_drop"] for r in sc["item_stats"]], e["r_drop"], atol=TOL, rtol=0)
    np.testing.assert_allclose([r["alpha_if_deleted"] for r in sc["item_stats"]], e["alpha_if_deleted"],
                               atol=TOL, rtol=0)
    groups = {g["by"]["school"]: g for g in sc["groups"]}
    assert set(groups) == {"A", "B", "C"}
    for s in "ABC":
        close(groups[s]["vs_rest"]["p"], expected["school_vs_rest_welch_p"][s])
        close(groups[s]["vs_rest"]["p_holm"], expected["school_vs_rest_holm_p"][s])
    never = report["declared_shares"]["never"]
    sn = expected["share_never"]
    assert (never["n"], never["of"]) == (sn["n"], sn["of"])
    close(never["ci95"][0] / 100, sn["wilson95"][0])
    close(never["ci95"][1] / 100, sn["wilson95"][1])
    close(never["baseline"]["p"], sn["binom_vs_0.85_p"])


def test_from_yaml_and_csv_to_report(expected):
    """The same vectors through the real loader (tests/scoring/fixture.yaml)
    and CSV reader: file in, figures out."""
    from pathlib import Path

    from surveys.csvio import read_responses_csv
    from surveys.loader import load_instrument

    here = Path(__file__).resolve().parent
    inst = load_instrument(here / "fixture.yaml")
    data = read_responses_csv(here.parent / "data" / "scoring" / "respondents.csv", inst)
    report = report_json_of(inst, data, by=("gender",))
    o, e = report["scales"]["attityd"]["overall"], expected["overall"]
    assert o["n"] == e["n"]
    for key in ("mean", "sd", "alpha"):
        close(o[key], e[key])
    close(o["baseline"]["p"], e["baseline"]["p"])
    groups = {g["by"]["gender"]: g for g in report["scales"]["attityd"]["groups"]}
    assert (groups["flicka"]["n"], groups["pojke"]["n"]) == (33, 23)
    never = report["declared_shares"]["never"]
    close(never["baseline"]["p"], expected["share_never"]["binom_vs_0.85_p"])

"""Issue 16 item 3: the trend over all comparable waves, and "previous wave"
by survey year.

Three cannabis waves (2014, 2016, 2018) are imported in a different order
than their years. Every expected figure (means, Student t intervals, Welch
p-values, Wilson intervals, two-proportion p-values) is computed here from
the generated answers with scipy, independently of ``scoring``."""
from __future__ import annotations

import math
import re

import numpy as np
import pytest
from scipy import stats

from .conftest import SCHOOLS

#: (year, respondents, shift of the attitude answers, counts of use codes 1-4)
WAVES = [
    (2018, 60, 1, (48, 6, 6, 0)),
    (2014, 40, 0, (28, 6, 3, 3)),
    (2016, 50, 0, (36, 6, 5, 3)),
]


def _answers(year: int, n: int, shift: int, use_counts: tuple[int, ...]) -> dict[str, np.ndarray]:
    """One wave's answers: ``a`` for the odd attitude items, ``b`` for the even
    (reversed) ones, ``wrong`` knowledge items, and the use code."""
    rng = np.random.default_rng(year)
    use = np.repeat(np.arange(1, 5), use_counts)
    assert use.size == n
    return {"a": np.clip(rng.integers(1, 7, n) + shift, 1, 6), "b": np.clip(rng.integers(1, 7, n) - shift, 1, 6),
            "wrong": rng.integers(0, 5, n), "use": rng.permutation(use)}


def _records(ans: dict[str, np.ndarray]) -> list[dict]:
    keys = {"know01": 1, "know02": 2, "know03": 1, "know04": 1, "know05": 2, "know06": 1,
            "know07": 2, "know08": 1}
    out = []
    for r in range(ans["a"].size):
        rec = {"school": SCHOOLS[r % 3], "grade": 1 + r % 2, "gender": 1 + r % 2, "use": int(ans["use"][r]),
               "would_try": 2}
        for k in range(1, 9):
            rec[f"att{k:02d}"] = int(ans["a"][r] if k % 2 else ans["b"][r])
        for k, (item, key) in enumerate(keys.items()):
            rec[item] = (3 - key) if k < ans["wrong"][r] else key
        out.append(rec)
    return out


def _three_waves(store) -> dict[int, dict[str, np.ndarray]]:
    sha = store.survey("cannabis-2018").instrument_sha256
    answers = {}
    for year, n, shift, use in WAVES:
        slug = f"cannabis-y{year}"
        store.create_survey(slug=slug, instrument_sha256=sha, label=f"Cannabis {year}", mode="codes",
                            presets={"school": SCHOOLS}, year=year)
        answers[year] = _answers(year, n, shift, use)
        store.import_responses(slug, _records(answers[year]))
    return answers


def _t_ci(x: np.ndarray) -> tuple[float, float]:
    return stats.t.interval(0.95, x.size - 1, loc=x.mean(), scale=stats.sem(x))


def _wilson(k: int, n: int) -> tuple[float, float]:
    z = stats.norm.ppf(0.975)
    p = k / n
    centre = (p + z * z / (2 * n)) / (1 + z * z / n)
    half = z / (1 + z * z / n) * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n))
    return 100 * (centre - half), 100 * (centre + half)


def _pooled_z_p(k1: int, n1: int, k0: int, n0: int) -> float:
    pooled = (k1 + k0) / (n1 + n0)
    z = (k1 / n1 - k0 / n0) / math.sqrt(pooled * (1 - pooled) * (1 / n1 + 1 / n0))
    return 2 * stats.norm.sf(abs(z))


def _visible_trend(env, slug: str, user=None):
    from surveys.service import access, trend

    viewer = user or env.users["admin"]
    return trend.wave_trend(env.store, env.store.survey(slug), access.visible_surveys(env.store, viewer))


def test_trend_matches_scipy_on_three_waves(env) -> None:
    answers = _three_waves(env.store)
    t = _visible_trend(env, "cannabis-y2018")
    # ordered by survey year, not by creation; the empty cannabis-2018 wave has no answers
    assert [(w.slug, w.year) for w in t.waves] == [("cannabis-y2014", 2014), ("cannabis-y2016", 2016),
                                                   ("cannabis-y2018", 2018)]
    years = [2014, 2016, 2018]
    series = {(s.kind, s.id): s for s in t.series}

    restrictive = {y: (answers[y]["a"] + 7 - answers[y]["b"]) / 2 for y in years}
    knowledge = {y: (8 - answers[y]["wrong"]).astype(float) for y in years}
    for scale_id, scores in (("restrictive", restrictive), ("knowledge", knowledge)):
        s = series[("scale", scale_id)]
        for point, y in zip(s.points, years):
            assert point.wave.year == y and point.n == scores[y].size
            assert point.value == pytest.approx(scores[y].mean(), abs=1e-9)
            assert point.ci95 == pytest.approx(_t_ci(scores[y]), abs=1e-9)
        for step, (y0, y1) in zip(s.steps, zip(years, years[1:])):
            assert (step.before.year, step.after.year) == (y0, y1)
            assert step.change == pytest.approx(scores[y1].mean() - scores[y0].mean(), abs=1e-9)
            p = stats.ttest_ind(scores[y1], scores[y0], equal_var=False).pvalue
            assert step.test == "welch" and step.p == pytest.approx(p, rel=1e-9)
            assert step.significant == (p < 0.05)
    # the shift of 2018 is large enough to be significant, 2014 -> 2016 is not shifted
    assert series[("scale", "restrictive")].steps[1].significant

    never = series[("share", "never")]
    counts = {y: (int((answers[y]["use"] == 1).sum()), answers[y]["use"].size) for y in years}
    for point, y in zip(never.points, years):
        k, n = counts[y]
        assert point.n == n and point.value == pytest.approx(100 * k / n)
        assert point.ci95 == pytest.approx(_wilson(k, n), abs=1e-9)
    for step, (y0, y1) in zip(never.steps, zip(years, years[1:])):
        (k1, n1), (k0, n0) = counts[y1], counts[y0]
        assert step.change == pytest.approx(100 * (k1 / n1 - k0 / n0))
        assert step.test == "z" and step.p == pytest.approx(_pooled_z_p(k1, n1, k0, n0), rel=1e-9)
        # the same p as a chi-squared test without continuity correction
        chi = stats.chi2_contingency([[k1, n1 - k1], [k0, n0 - k0]], correction=False)
        assert step.p == pytest.approx(chi.pvalue, rel=1e-9)

    # disclosure: 3 regular users of 40 (and of 50) is a small numerator: hidden, and so is each step
    # touching a hidden figure; 2018 has none (0 is shown)
    regular = series[("share", "regular")]
    assert [p.value for p in regular.points] == [None, None, 0.0]
    assert [s.change for s in regular.steps] == [None, None]
    assert not any(s.significant for s in regular.steps)


def test_previous_wave_by_survey_year_not_by_creation(env, logged_in) -> None:
    """2018 created first, 2014 imported after it: 2018 compares with 2014,
    and 2014 has no previous wave."""
    from surveys.service import access, comparison as cmp

    store = env.store
    sha = store.survey("cannabis-2018").instrument_sha256
    for year, n, shift, use in WAVES[:2]:  # 2018, then 2014
        store.create_survey(slug=f"cannabis-y{year}", instrument_sha256=sha, label=f"Cannabis {year}",
                            mode="codes", presets={"school": SCHOOLS}, year=year)
        store.import_responses(f"cannabis-y{year}", _records(_answers(year, n, shift, use)))
    visible = access.visible_surveys(store, env.users["admin"])
    later, earlier = store.survey("cannabis-y2018"), store.survey("cannabis-y2014")
    assert later.id < earlier.id
    assert cmp.previous_wave(store, later, visible).survey == earlier
    assert cmp.previous_wave(store, earlier, visible).survey is None
    c = logged_in("admin")
    body = c.get("/api/v1/surveys/cannabis-y2018/results", headers=_token(env)).get_json()
    assert body["compared_with"] == {"slug": "cannabis-y2014", "label": "Cannabis 2014", "automatic": True}
    body = c.get("/api/v1/surveys/cannabis-y2014/results", headers=_token(env)).get_json()
    assert body["compared_with"] is None
    page = c.get("/analyst/cannabis-y2018/results").get_data(as_text=True)
    assert "Jämfört med föregående omgång av samma enkät, Cannabis 2014 (cannabis-y2014)." in page
    # the wave list shows the year
    listing = c.get("/analyst/").get_data(as_text=True)
    assert '<td class="num">2014</td>' in listing and '<td class="num">2018</td>' in listing


def _token(env, who: str = "admin") -> dict[str, str]:
    from surveys import accounts

    return {"Authorization": f"Bearer {accounts.create_api_token(env.store, env.users[who].id)}"}


def test_the_trend_covers_only_the_waves_a_user_may_see(env) -> None:
    from surveys import accounts

    _three_waves(env.store)
    accounts.grant_survey(env.store, env.users["a"].id, "cannabis-y2018")
    accounts.grant_survey(env.store, env.users["a"].id, "cannabis-y2014")
    t = _visible_trend(env, "cannabis-y2018", env.users["a"])
    assert [w.slug for w in t.waves] == ["cannabis-y2014", "cannabis-y2018"]
    (step,) = next(s for s in t.series if s.id == "restrictive").steps
    assert (step.before.slug, step.after.slug) == ("cannabis-y2014", "cannabis-y2018")
    # the API's trend: the same for the token, and a 404 for a wave not granted
    c = env.app.test_client()
    body = c.get("/api/v1/surveys/cannabis-y2018/trend", headers=_token(env, "a")).get_json()
    assert [w["slug"] for w in body["waves"]] == ["cannabis-y2014", "cannabis-y2018"]
    assert body == t.as_json()
    assert c.get("/api/v1/surveys/cannabis-y2016/trend", headers=_token(env, "a")).status_code == 404


def _trend_row(section: str, title: str, wave_label: str) -> list[str]:
    """The cells of the row of ``wave_label`` in the trend table after the heading ``title``."""
    import html as html_lib
    import re

    part = section[section.index(f"<h3>{title}</h3>"):]
    part = part[:part.index("</table>")]
    match = re.search(rf'<tr><th scope="row">{re.escape(wave_label)}</th>(.*?)</tr>', part, re.S)
    assert match, wave_label
    return [html_lib.unescape(c) for c in re.findall(r"<td[^>]*>(.*?)</td>", match.group(1), re.S)]


def test_results_page_shows_the_trend_with_the_caution(env, logged_in) -> None:
    answers = _three_waves(env.store)
    c = logged_in("admin")
    page = c.get("/analyst/cannabis-y2018/results").get_data(as_text=True)
    assert "Förändringar mellan två enskilda år bör tolkas försiktigt; se till utvecklingen över flera " \
           "mätningar." in page
    section = page[page.index('id="trend"'):]
    section = section[:section.index("</section>")]
    title = "Restriktiv hållning till cannabis (1–6, högt = restriktiv)"
    scores = {y: (answers[y]["a"] + 7 - answers[y]["b"]) / 2 for y in (2014, 2016, 2018)}
    for (y0, y1) in ((2014, 2016), (2016, 2018)):
        year, n, mean, ci, change, p = _trend_row(section, title, f"Cannabis {y1}")
        assert (year, n, mean) == (str(y1), str(scores[y1].size), f"{scores[y1].mean():.2f}")
        lo, hi = _t_ci(scores[y1])
        assert ci == f"{lo:.2f}–{hi:.2f}"
        p_value = stats.ttest_ind(scores[y1], scores[y0], equal_var=False).pvalue
        diff = scores[y1].mean() - scores[y0].mean()
        assert change == f"{'+' if diff > 0 else ''}{diff:.2f}" + (" *" if p_value < 0.05 else "")
        assert p == ("< 0.001" if p_value < 0.001 else f"{p_value:.3f}")
    first = _trend_row(section, title, "Cannabis 2014")
    assert first[0] == "2014" and first[4:] == ["", ""]
    # one chart per series, each with the years as labels and a description naming them
    assert section.count("<svg") == len(re.findall(r"<h3>", section)) >= 7
    assert "2014: " in section and "2016: " in section and "2018: " in section
    english = c.get("/analyst/cannabis-y2018/results?lang=en").get_data(as_text=True)
    assert "Changes between two single years should be read with caution; look at the development over " \
           "several measurements." in english
    # one wave alone has no trend
    alone = c.get("/analyst/trygghet-2018/results").get_data(as_text=True)
    assert 'id="trend"' not in alone



def test_the_new_wave_form_sets_the_survey_year(env, logged_in) -> None:
    import datetime as dt

    c = logged_in("admin")
    form = c.get("/analyst/waves/new").get_data(as_text=True)
    assert f'name="year" type="number" value="{dt.date.today().year}"' in form  # this year unless changed
    sha = env.store.survey("cannabis-2018").instrument_sha256
    fields = {"instrument": sha, "label": "Cannabis 2014", "mode": "codes", "presets": "school: " + "; ".join(SCHOOLS)}
    r = c.post_form("/analyst/waves/new", {**fields, "slug": "cannabis-old", "year": "2014"})
    assert r.status_code == 302 and env.store.survey("cannabis-old").year == 2014
    r = c.post_form("/analyst/waves/new", {**fields, "slug": "cannabis-odd", "year": "1800"})
    assert r.status_code == 400 and "Ange ett år från 1900 till 2200." in r.get_data(as_text=True)
    assert [s.slug for s in env.store.surveys()].count("cannabis-odd") == 0


def test_an_earlier_year_imported_through_the_page_is_compared_the_right_way_round(env, logged_in) -> None:
    """2018 is collected first; 2014's answers are imported later into a new
    wave, naming their year on the import page."""
    import io

    store = env.store
    sha = store.survey("cannabis-2018").instrument_sha256
    year, n, shift, use = WAVES[0]
    store.create_survey(slug="cannabis-y2018", instrument_sha256=sha, label="Cannabis 2018", mode="codes",
                        presets={"school": SCHOOLS}, year=2018)
    store.import_responses("cannabis-y2018", _records(_answers(year, n, shift, use)))
    store.create_survey(slug="cannabis-then", instrument_sha256=sha, label="Cannabis 2014", mode="codes",
                        presets={"school": SCHOOLS})
    records = _records(_answers(*WAVES[1]))
    columns = list(records[0])
    text = ";".join(columns) + "\n" + "".join(";".join(str(r[c]) for c in columns) + "\n" for r in records)
    c = logged_in("admin")
    page = c.get("/analyst/cannabis-then/import").get_data(as_text=True)
    assert "Undersökningsår för svaren" in page
    r = c.post_form("/analyst/cannabis-then/import", {"file": (io.BytesIO(text.encode("utf-8")), "2014.csv"),
                                                       "year": "2014"}, content_type="multipart/form-data")
    assert r.status_code == 302, r.get_data(as_text=True)[-2000:]
    assert store.survey("cannabis-then").year == 2014
    from surveys import audit
    assert [(e.action, e.survey_slug, e.detail) for e in audit.entries(store, limit=2)] == [
        ("import", "cannabis-then", f"{len(records)} responses"), ("wave_year", "cannabis-then", "2014")]
    t = _visible_trend(env, "cannabis-y2018")
    assert [w.slug for w in t.waves] == ["cannabis-then", "cannabis-y2018"]
    body = c.get("/api/v1/surveys/cannabis-then/results", headers=_token(env)).get_json()
    assert body["compared_with"] is None


def test_index_trend_is_each_waves_own_city_index_and_its_change(env) -> None:
    """Trygghet over three years (synthetic waves, the first two subsampled
    to keep the test fast): each point is the index the wave's own scoring
    gives alone, each step the difference, without a test."""
    from scoring.model_json import report_to_json
    from scoring.report import score_report
    from surveys import synthetic
    from surveys.dataset import from_records

    store = env.store
    sha = store.survey("trygghet-2018").instrument_sha256
    instrument = store.instrument(sha)
    expected = {}
    for year, target in ((2014, 1.67), (2016, 1.9), (2017, 2.4)):
        records = synthetic.trygghet_wave(instrument, year, city_target=target).records[::4]
        slug = f"trygghet-y{year}"
        store.create_survey(slug=slug, instrument_sha256=sha, label=slug, mode="open", year=year)
        store.import_responses(slug, records)
        alone = report_to_json(score_report(instrument, from_records(instrument, store.wave_records(slug))))
        expected[year] = alone["indices"]["trygghetsindex"]["overall"]["index"]
    t = _visible_trend(env, "trygghet-y2017")
    (index,) = [s for s in t.series if s.kind == "index"]
    assert [p.wave.year for p in index.points] == [2014, 2016, 2017]
    assert [p.value for p in index.points] == pytest.approx([expected[y] for y in (2014, 2016, 2017)])
    assert all(v is not None for v in expected.values())
    assert [s.change for s in index.steps] == pytest.approx([expected[2016] - expected[2014],
                                                             expected[2017] - expected[2016]])
    assert all(s.p is None and s.test is None and not s.significant for s in index.steps)

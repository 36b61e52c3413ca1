"""The results page of a wave compares with the previous wave of the same
instrument by itself (themes per area, scales, shares, index), says so in a
note when that wave's scales differ, and "Compare with" still overrides.
Answers go in through the Store; the expected figures are worked out by hand."""
from __future__ import annotations

import html as html_lib
import re

from . import cannabis_answers as ca
from .conftest import SCHOOLS, answer, register_changed_cannabis

SKIFTINGE, ARBY = 2, 3  # area codes of the medborgardialog instrument
LIGHTING, LITTERING = 1, 2  # theme codes


def _medborg_wave(env, slug: str, themes_by_area: dict[int, list[list[int]]]) -> None:
    codes = iter(env.store.issue_codes(slug, sum(len(v) for v in themes_by_area.values())))
    for area, people in themes_by_area.items():
        for themes in people:
            answer(env.store, slug, {"area": area, "unsafe_themes": themes}, code=next(codes))


def _row(page: str, name: str) -> list[str]:
    """The cells of the table row headed ``name`` (the first such row)."""
    match = re.search(rf'<tr><th scope="row">{re.escape(name)}</th>(.*?)</tr>', page, re.S)
    assert match, f"no row {name!r}"
    return [html_lib.unescape(c) for c in re.findall(r"<td[^>]*>(.*?)</td>", match.group(1), re.S)]


def _section(page: str, title: str) -> str:
    """The part of the page from the heading ``title`` to the end of its section."""
    start = page.index(f"<h2>{title}</h2>")
    return page[start:page.index("</section>", start)]


CHANGE = "Förändring sedan den tidigare omgången"


def _two_medborg_waves(env) -> None:
    # Every figure shown passes the numerator rule (a theme named, and not
    # named, by 0 or at least 5 of an area).
    # 2018: Skiftinge 25 people, lighting 10/25 = 40 %, littering 15/25 = 60 %;
    #       Årby 30 people, lighting 15/30 = 50 %, littering 30/30 = 100 %
    _medborg_wave(env, "medborg-2018", {
        SKIFTINGE: ([[1], [1], [2], [2], [2]]) * 5,
        ARBY: [[1, 2]] * 15 + [[2]] * 15,
    })
    sha = env.store.survey("medborg-2018").instrument_sha256
    env.store.create_survey(slug="medborg-2019", instrument_sha256=sha, label="Medborg 2019",
                            mode="codes", is_open=True)
    # 2019: Skiftinge 25 people, lighting 20/25 = 80 % (+40), littering 5/25 = 20 % (-40);
    #       Årby 25 people, lighting 5/25 = 20 % (-30), littering 20/25 = 80 % (-20)
    _medborg_wave(env, "medborg-2019", {
        SKIFTINGE: [[1]] * 20 + [[2]] * 5,
        ARBY: [[1]] * 5 + [[2]] * 20,
    })


def test_medborg_results_compare_with_the_previous_wave_by_themselves(env, logged_in) -> None:
    _two_medborg_waves(env)
    c = logged_in("admin")
    page = c.get("/analyst/medborg-2019/results").get_data(as_text=True)
    assert "Jämfört med föregående omgång av samma enkät, Medborg 2018 (medborg-2018)." in page
    assert "Inom parentes: förändringen i procentenheter sedan den tidigare omgången." in page
    # columns: n, then one per theme in code order (lighting, littering, ...)
    skiftinge = _row(page, "Skiftinge")
    assert skiftinge[0] == "25"
    assert skiftinge[LIGHTING] == "80 % (+40 %)"
    assert skiftinge[LITTERING] == "20 % (-40 %)"
    assert skiftinge[3] == "0 % (0 %)"  # vandalism: named by nobody in either wave
    arby = _row(page, "Årby")
    assert arby[0] == "25"
    assert arby[LIGHTING] == "20 % (-30 %)"
    assert arby[LITTERING] == "80 % (-20 %)"
    # the declared share "mentions poor lighting" over all areas: 25/55 then 25/50
    lighting = _row(_section(page, CHANGE), "Nämner: dålig belysning")
    assert lighting[:4] == ["55", "45.5 %", "50.0 %", "4.5 %"]
    # the first wave has no earlier wave: no comparison, no note
    first = c.get("/analyst/medborg-2018/results").get_data(as_text=True)
    assert "föregående omgång" not in first.replace("(föregående omgång)", "")
    assert _row(first, "Skiftinge")[LIGHTING] == "40 %"


def test_compare_with_overrides_the_previous_wave(env, logged_in) -> None:
    _two_medborg_waves(env)
    c = logged_in("admin")
    page = c.get("/analyst/medborg-2019/results?compare=-").get_data(as_text=True)
    assert _row(page, "Skiftinge")[LIGHTING] == "80 %"  # no change shown
    assert "Jämfört med föregående omgång" not in page
    assert '<option value="-" selected>' in page
    # an explicit choice compares without the note about the automatic choice
    page = c.get("/analyst/medborg-2019/results?compare=medborg-2018").get_data(as_text=True)
    assert _row(page, "Skiftinge")[LIGHTING] == "80 % (+40 %)"
    assert "Jämfört med föregående omgång" not in page
    assert '<option value="medborg-2018" selected>' in page
    # a later wave is never "previous": 2018 compared with 2019 only when asked for
    page = c.get("/analyst/medborg-2018/results?compare=medborg-2019").get_data(as_text=True)
    assert _row(page, "Skiftinge")[LIGHTING] == "40 % (-40 %)"


def test_previous_wave_note_in_english(env, logged_in) -> None:
    _two_medborg_waves(env)
    page = logged_in("admin").get("/analyst/medborg-2019/results?lang=en").get_data(as_text=True)
    assert "Compared with the previous wave of the same survey, Medborg 2018 (medborg-2018)." in page


def test_incomparable_previous_wave_is_a_note_not_a_refusal(env, logged_in) -> None:
    ca.answer_all(env.store, lambda n: env.store.issue_codes("cannabis-2018", n))
    sha_2018 = env.store.survey("cannabis-2018").instrument_sha256
    env.store.create_survey(slug="cannabis-2019", instrument_sha256=register_changed_cannabis(env.store),
                            label="2019", mode="codes", presets={"school": SCHOOLS})
    c = logged_in("admin")
    r = c.get("/analyst/cannabis-2019/results")
    assert r.status_code == 200
    page = html_lib.unescape(r.get_data(as_text=True))
    assert ("Den tidigare omgången 2018 (cannabis-2018) jämförs inte: Skalan restrictive är definierad "
            "på olika sätt i de två omgångarna (") in page
    assert CHANGE not in page
    # asked for explicitly, the same pair is still refused
    assert c.get("/analyst/cannabis-2019/results?compare=cannabis-2018").status_code == 409

    # a third wave of the 2018 version: 2019 is passed over (with a note), 2018 compared
    env.store.create_survey(slug="cannabis-2020", instrument_sha256=sha_2018, label="2020",
                            mode="codes", presets={"school": SCHOOLS})
    # the same seven people, but every attitude answer one step more restrictive
    later = []
    for person in ca.PEOPLE:
        v = ca.values(person)
        for k in range(1, 9):
            item = f"att{k:02d}"
            v[item] = min(v[item] + 1, 6) if k % 2 else max(v[item] - 1, 1)
        later.append(v)
    env.store.import_responses("cannabis-2020", later)
    page = html_lib.unescape(c.get("/analyst/cannabis-2020/results").get_data(as_text=True))
    assert "Den tidigare omgången 2019 (cannabis-2019) jämförs inte:" in page
    assert "Jämfört med föregående omgång av samma enkät, 2018 (cannabis-2018)." in page
    assert CHANGE in page
    row = _row(_section(page, CHANGE), "Restriktiv hållning till cannabis (1–6, högt = restriktiv)")
    # earlier n 7, earlier mean 27/7 = 3.857; now: a + 1 and b - 1 (where not capped)
    now = [(min(a + 1, 6) + 7 - max(b - 1, 1)) / 2 for _s, _g, _u, a, b, _w in ca.PEOPLE]
    assert row[0] == "7" and row[1] == f"{27 / 7:.2f}"
    assert row[2] == f"{sum(now) / 7:.2f}" and row[3] == f"{sum(now) / 7 - 27 / 7:.2f}"
    # per school (6 and 1 pupils in each wave): the cells are hidden in the comparison too
    by_school = html_lib.unescape(c.get("/analyst/cannabis-2020/results?by=school").get_data(as_text=True))
    cell = _row(_section(by_school, CHANGE), "Restriktiv hållning till cannabis (1–6, högt = restriktiv): "
                "Rinmansskolan")
    assert cell[:4] == ["–", "–", "–", "–"]


def _trygghet_answers(env, slug: str, problem: bool) -> None:
    """Six people in Skiftinge answering every index variable with a problem
    response (or every one with a response that is not a problem)."""
    instrument = env.store.instrument(env.store.survey(slug).instrument_sha256)
    index = instrument.indices["trygghetsindex"]
    values: dict[str, int] = {"area": SKIFTINGE, "gender": 1}
    for v in index.variables:
        scale = instrument.response_scale(instrument.item(v.item))
        ok = [o.code for o in scale.options
              if o.code not in v.problem and o.code not in scale.missing_codes]
        values[v.item] = v.problem[0] if problem else ok[0]
    for _k in range(6):
        answer(env.store, slug, values)


def test_trygghet_index_change_since_the_previous_wave(env, logged_in) -> None:
    # 2018: nobody gives a problem response: every variable in class 0, index 0.
    # 2019: everybody does: share 100 % >= the last cut point, class 6, index 6.
    _trygghet_answers(env, "trygghet-2018", problem=False)
    sha = env.store.survey("trygghet-2018").instrument_sha256
    env.store.create_survey(slug="trygghet-2019", instrument_sha256=sha, label="Trygghet 2019",
                            mode="open", is_open=True)
    _trygghet_answers(env, "trygghet-2019", problem=True)
    page = logged_in("admin").get("/analyst/trygghet-2019/results").get_data(as_text=True)
    assert "Jämfört med föregående omgång av samma enkät, Trygghet 2018 (trygghet-2018)." in page
    assert '<th scope="col">Förändring</th>' in page
    city = _row(page, "Hela staden")
    assert city[1] == "6.00" and city[-1] == "+6.00"
    assert _row(page, "Skiftinge")[-1] == "+6.00"
    assert "indexet i den tidigare omgången (0.00 för hela staden)" in page


def _api(env, slug: str, user: str = "admin", **query: str):
    from surveys import accounts

    token = accounts.create_api_token(env.store, env.users[user].id)
    return env.app.test_client().get(f"/api/v1/surveys/{slug}/results", query_string=query,
                                     headers={"Authorization": f"Bearer {token}"})


def test_api_results_compare_with_the_previous_wave_as_the_page_does(env) -> None:
    _two_medborg_waves(env)
    body = _api(env, "medborg-2019").get_json()
    assert body["compared_with"] == {"slug": "medborg-2018", "label": "Medborg 2018", "automatic": True}
    assert body["not_compared"] == []
    groups = {g["by"]["area"]: g for g in body["comparison"]["themes"]["unsafe_themes"]["groups"]}
    # worked out by hand (see _two_medborg_waves), the same figures as on the page
    assert groups["Skiftinge"]["change_pct"][str(LIGHTING)] == {"previous_pct": 40.0, "change_pct": 40.0}
    assert groups["Skiftinge"]["change_pct"][str(LITTERING)] == {"previous_pct": 60.0, "change_pct": -40.0}
    assert groups["Årby"]["change_pct"][str(LIGHTING)] == {"previous_pct": 50.0, "change_pct": -30.0}
    # "-" asks for no comparison; an explicit wave is used as given
    none = _api(env, "medborg-2019", compare="-").get_json()
    assert none["compared_with"] is None and "comparison" not in none
    back = _api(env, "medborg-2018", compare="medborg-2019").get_json()
    assert back["compared_with"] == {"slug": "medborg-2019", "label": "Medborg 2019", "automatic": False}
    # never "previous" by itself: 2018 has no earlier wave
    assert _api(env, "medborg-2018").get_json()["compared_with"] is None
    itself = _api(env, "medborg-2019", compare="medborg-2019")
    assert itself.status_code == 400 and itself.get_json() == {"error": "a wave cannot be compared with itself"}
    unknown = _api(env, "medborg-2019", compare="no-such-wave")
    assert unknown.status_code == 404 and unknown.get_json() == {"error": "no survey 'no-such-wave'"}


def test_api_incomparable_previous_wave_is_named_not_a_refusal(env) -> None:
    ca.answer_all(env.store, lambda n: env.store.issue_codes("cannabis-2018", n))
    env.store.create_survey(slug="cannabis-2019", instrument_sha256=register_changed_cannabis(env.store),
                            label="2019", mode="codes", presets={"school": SCHOOLS})
    r = _api(env, "cannabis-2019")
    assert r.status_code == 200
    body = r.get_json()
    assert body["compared_with"] is None and "comparison" not in body
    [skipped] = body["not_compared"]
    assert skipped["slug"] == "cannabis-2018" and skipped["reason_code"] == "scale_differs"
    assert "restrictive" in skipped["reason"]
    explicit = _api(env, "cannabis-2019", compare="cannabis-2018")
    assert explicit.status_code == 409 and "defined differently" in explicit.get_json()["error"]


def test_api_compares_only_with_waves_the_token_may_see(env) -> None:
    from surveys import accounts

    _two_medborg_waves(env)
    accounts.grant_survey(env.store, env.users["a"].id, "medborg-2019")  # not medborg-2018
    body = _api(env, "medborg-2019", user="a").get_json()
    assert body["compared_with"] is None and "comparison" not in body
    # nor by asking for it: an ungranted wave does not exist for this token
    assert _api(env, "medborg-2019", user="a", compare="medborg-2018").status_code == 404
    accounts.grant_survey(env.store, env.users["a"].id, "medborg-2018")
    assert _api(env, "medborg-2019", user="a").get_json()["compared_with"]["slug"] == "medborg-2018"



def test_an_earlier_wave_that_cannot_be_scored_is_dropped_only_when_chosen_automatically(env) -> None:
    """surveys.service.comparison.compared_report: the earlier wave lacks an
    item of a scale, so its scale cannot be scored. Chosen automatically, the
    report shows the wave alone and names it among the skipped with why;
    asked for, the refusal stands."""
    import numpy as np
    import pytest

    from scoring.errors import IncomparableError
    from surveys.dataset import Dataset
    from surveys.service import comparison as cmp, waves

    ca.answer_all(env.store, lambda n: env.store.issue_codes("cannabis-2018", n))
    wave = waves.load_wave(env.store, "cannabis-2018")
    gone = wave.dataset.columns.index("att01")
    earlier = waves.Wave(wave.survey, wave.instrument, Dataset(
        [c for c in wave.dataset.columns if c != "att01"], np.delete(wave.dataset.matrix, gone, axis=1),
        wave.dataset.groups))
    report, made = cmp.compared_report(wave, (), cmp.Comparison(earlier, automatic=True))
    assert report.comparison is None
    assert made.wave is None and not made.automatic
    assert report.scales["restrictive"].overall.mean == pytest.approx(ca.RESTRICTIVE_MEAN)
    (skipped,) = made.skipped
    assert skipped.survey == wave.survey
    assert skipped.reason.reason == "earlier_unscorable" and "att01" in skipped.reason.params["detail"]
    with pytest.raises(IncomparableError):
        cmp.compared_report(wave, (), cmp.Comparison(earlier, automatic=False))
    # a comparable earlier wave is compared, whoever chose it
    report, made = cmp.compared_report(wave, (), cmp.Comparison(wave, automatic=True))
    assert made.wave is wave and made.skipped == ()
    assert report.comparison.scales["restrictive"].diff == pytest.approx(0.0)


def test_a_previous_wave_without_answers_is_passed_over_with_a_note(env, logged_in) -> None:
    """A wave set up but never run is not what a new wave is compared with:
    the page (and the API) name it and compare with the wave before it."""
    _two_medborg_waves(env)
    sha = env.store.survey("medborg-2018").instrument_sha256
    env.store.create_survey(slug="medborg-2020", instrument_sha256=sha, label="Medborg 2020",
                            mode="codes", is_open=True)  # never run
    env.store.create_survey(slug="medborg-2021", instrument_sha256=sha, label="Medborg 2021",
                            mode="codes", is_open=True)
    _medborg_wave(env, "medborg-2021", {SKIFTINGE: [[1]] * 5})
    page = html_lib.unescape(logged_in("admin").get("/analyst/medborg-2021/results").get_data(as_text=True))
    assert ("Den tidigare omgången Medborg 2020 (medborg-2020) jämförs inte: Den omgången har inga "
            "inskickade svar.") in page
    assert "Jämfört med föregående omgång av samma enkät, Medborg 2019 (medborg-2019)." in page
    # Skiftinge lighting: 4/5 = 80 % in 2019, 5/5 = 100 % now
    assert _row(page, "Skiftinge")[LIGHTING] == "100 % (+20 %)"
    body = _api(env, "medborg-2021").get_json()
    assert body["compared_with"]["slug"] == "medborg-2019"
    assert [(w["slug"], w["reason_code"]) for w in body["not_compared"]] == [("medborg-2020", "no_answers")]
    # asked for explicitly, the empty wave is still compared
    assert _api(env, "medborg-2021", compare="medborg-2020").get_json()["compared_with"]["slug"] == "medborg-2020"

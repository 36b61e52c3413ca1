"""Every analyst route and ``survey-engine score --wave`` go through the one
read of a wave (``Store.wave_dataset``): the same figures from the results
page, the API, the downloads and the CLI; lists of responses and free text
are paged; the wave's cache is refreshed by a new submission. SQLite and
PostgreSQL, real app, real database, the installed CLI in a subprocess."""
from __future__ import annotations

import csv
import io
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from surveys import accounts
from webapp.analyst import results as res

from .conftest import SCHOOLS, answer

CLI = str(Path(sys.executable).with_name("survey-engine"))


def _pupil(k: int) -> dict:
    return {"school": 1 + k % 2, "gender": 1 + k % 2, "grade": 1,
            **{f"att{j:02d}": 1 + (k + j) % 6 for j in range(1, 13)}, "use": 1}


@pytest.fixture
def wave(env):
    for k in range(12):
        answer(env.store, "cannabis-2018", _pupil(k), code=env.store.issue_codes("cannabis-2018", 1)[0])
    return env


def test_same_figures_everywhere(wave, logged_in) -> None:
    env = wave
    token = accounts.create_api_token(env.store, env.users["admin"].id)
    auth = {"Authorization": f"Bearer {token}"}
    c = logged_in("admin")
    api = json.loads(c.get("/api/v1/surveys/cannabis-2018/results?compare=-", headers=auth).data)
    mean = api["scales"]["restrictive"]["overall"]["mean"]
    assert api["n_respondents"] == 12
    page = c.get("/analyst/cannabis-2018/results?compare=-").get_data(as_text=True)
    assert f"{mean:.2f}" in page
    scores = json.loads(c.get("/analyst/cannabis-2018/downloads/scores-json").data)
    assert scores["scales"]["restrictive"]["overall"]["mean"] == pytest.approx(mean)
    raw = c.get("/analyst/cannabis-2018/downloads/raw-csv").data.decode("utf-8-sig")
    rows = list(csv.DictReader(io.StringIO(raw)))
    assert len(rows) == 12
    cli = subprocess.run([CLI, "score", "--wave", "cannabis-2018", "--by", "school"],
                         env={**os.environ, "DATABASE_URL": env.url},
                         capture_output=True, text=True, timeout=120)
    assert cli.returncode == 0, cli.stderr
    report = json.loads(cli.stdout)
    assert report["n_respondents"] == 12
    assert report["scales"]["restrictive"]["overall"]["mean"] == pytest.approx(mean)
    assert {tuple(g["by"].values()) for g in report["scales"]["restrictive"]["groups"]} == \
        {(SCHOOLS[0],), (SCHOOLS[1],)}

    # a new submission is seen by every route (the cached wave is refreshed)
    before = env.store.wave_dataset("cannabis-2018")
    answer(env.store, "cannabis-2018", _pupil(99), code=env.store.issue_codes("cannabis-2018", 1)[0])
    api = json.loads(c.get("/api/v1/surveys/cannabis-2018/results?compare=-", headers=auth).data)
    assert api["n_respondents"] == 13
    assert env.store.wave_dataset("cannabis-2018") is not before
    progress = json.loads(c.get("/api/v1/surveys/cannabis-2018/progress", headers=auth).data)
    assert progress["submitted"] == 13
    cells = {(g["group"], g["value"]): g for g in progress["groups"]}
    assert (cells[("school", SCHOOLS[0])]["submitted"], cells[("school", SCHOOLS[1])]["submitted"]) == (6, 7)


def test_score_wave_refusals(wave) -> None:
    env = {**os.environ, "DATABASE_URL": wave.url}
    for args, message in ((["--wave", "nope"], "no wave 'nope'"),
                          (["--wave", "cannabis-2018", "--by", "shoe"], "unknown --by column 'shoe'"),
                          (["--wave", "cannabis-2018", "--responses", "x.csv"], "without --instrument"),
                          ([], "--wave SLUG")):
        r = subprocess.run([CLI, "score", *args], env=env, capture_output=True, text=True,
                           timeout=120)
        assert r.returncode == 1 and message in r.stderr and "Traceback" not in r.stderr, r.stderr


def test_api_responses_are_paged(wave, client) -> None:
    env = wave
    token = accounts.create_api_token(env.store, env.users["admin"].id)
    auth = {"Authorization": f"Bearer {token}"}
    first = json.loads(client.get("/api/v1/surveys/cannabis-2018/responses?limit=5",
                                  headers=auth).data)
    assert first["total"] == 12 and len(first["rows"]) == 5 and first["offset"] == 0
    names = [v["name"] for v in first["variables"]]
    assert "submitted_week" in names and "submitted_on" not in names
    seen = list(first["rows"])
    url = first["next"]
    while url:
        page = json.loads(client.get(url, headers=auth).data)
        seen += page["rows"]
        url = page["next"]
    assert len(seen) == 12
    att = names.index("att01")
    assert sorted(r[att] for r in seen) == sorted(_pupil(k)["att01"] for k in range(12))
    for bad in ("limit=0", "limit=1001", "offset=-1", "limit=x"):
        r = client.get(f"/api/v1/surveys/cannabis-2018/responses?{bad}", headers=auth)
        assert r.status_code == 400 and "limit" in r.get_json()["error"]


def test_free_texts_are_paged(env) -> None:
    class Texts:
        texts = {"unsafe_places": [f"plats {k:03d}" for k in range(450)] + [None, "  "]}

    from surveys.loader import load_all

    instrument = load_all()["medborgardialog"]
    pages = [res.free_texts(instrument, Texts, "sv", page=p, per_page=200) for p in (0, 1, 2, 9)]
    assert [p[0].total for p in pages] == [450] * 4
    assert [len(p[0].answers) for p in pages] == [200, 200, 50, 50]
    assert pages[1][0].answers[0] == "plats 200" and pages[1][0].first == 201
    assert pages[3][0].first == 401  # past the end: the last page

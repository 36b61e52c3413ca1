"""Issue 14 item 7 (and issue 15 item 4): deleting waves and purging raw
answers after the retention date, from the command line (exit codes 0 / 1 /
2, --quiet) and the admin pages (typed confirmation); both audit-logged."""
from __future__ import annotations

import datetime as dt
import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy import func, select

from surveys import audit, lifecycle
from surveys.models import AccessCode, Answer, Response, Survey

from . import cannabis_answers as ca
from .conftest import SCHOOLS, answer

EXE = str(Path(sys.executable).parent / "survey-engine")


def _cli(url: str, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run([EXE, "waves", *args, "--url", url], capture_output=True, text=True, timeout=120)


def _rows(store) -> dict[str, int]:
    with store.engine.connect() as conn:
        return {name: conn.scalar(select(func.count()).select_from(model))
                for name, model in (("surveys", Survey), ("responses", Response), ("answers", Answer),
                                    ("codes", AccessCode))}


def _fill(env) -> None:
    env.store.import_responses("cannabis-2018", [ca.values(p) for p in ca.PEOPLE])
    codes = env.store.issue_codes("medborg-2018", 3)
    answer(env.store, "medborg-2018", {"area": 1, "unsafe_themes": [1]}, code=codes[0])


def test_cli_list_open_close_delete(env) -> None:
    _fill(env)
    r = _cli(env.url, "list")
    assert r.returncode == 0
    lines = r.stdout.splitlines()
    assert len(lines) == 3 and any(line.startswith("cannabis-2018\topen\t") for line in lines)
    assert _cli(env.url, "close", "cannabis-2018").stdout.strip() == "cannabis-2018 is closed"
    assert not env.store.survey("cannabis-2018").is_open
    r = _cli(env.url, "open", "cannabis-2018", "--quiet")
    assert r.returncode == 0 and r.stdout == "" and env.store.survey("cannabis-2018").is_open
    before = _rows(env.store)
    r = _cli(env.url, "delete", "medborg-2018")  # no --yes: usage, nothing deleted
    assert r.returncode == 2 and "--yes" in r.stderr and "Traceback" not in r.stderr
    assert _rows(env.store) == before
    r = _cli(env.url, "delete", "nope", "--yes")
    assert r.returncode == 1 and "no survey 'nope'" in r.stderr and _rows(env.store) == before
    r = _cli(env.url, "delete", "medborg-2018", "--yes")
    assert r.returncode == 0 and "deleted medborg-2018: 1 responses, 3 codes" in r.stdout
    after = _rows(env.store)
    assert after["surveys"] == before["surveys"] - 1 and after["codes"] == 0
    assert after["responses"] == before["responses"] - 1
    assert [(e.actor, e.action, e.survey_slug) for e in audit.entries(env.store, limit=3)] == [
        ("cli", "wave_delete", "medborg-2018"), ("cli", "wave_open", "cannabis-2018"),
        ("cli", "wave_close", "cannabis-2018")]
    assert _cli(env.url, "open", "medborg-2018").returncode == 1
    assert subprocess.run([EXE, "waves", "open"], capture_output=True, text=True).returncode == 2


def test_cli_retention_and_purge_keep_the_aggregates(env) -> None:
    _fill(env)
    full = lifecycle.results_snapshot(env.store, "cannabis-2018", dt.date(2030, 1, 1))
    assert _cli(env.url, "retain", "cannabis-2018", "2031-13-01").returncode == 1  # not a date
    assert env.store.lifecycle("cannabis-2018")["retain_until"] is None
    r = _cli(env.url, "retain", "cannabis-2018", "2030-06-30")
    assert r.returncode == 0 and env.store.lifecycle("cannabis-2018")["retain_until"] == dt.date(2030, 6, 30)
    before = _rows(env.store)
    r = _cli(env.url, "purge", "--today", "2030-06-30")  # not after the date yet
    assert r.returncode == 0 and r.stdout.strip() == "nothing to purge" and _rows(env.store) == before
    r = _cli(env.url, "purge", "--today", "2030-07-01", "--dry-run")
    assert r.stdout.startswith("would purge cannabis-2018:") and _rows(env.store) == before
    r = _cli(env.url, "purge", "--today", "2030-07-01", "--quiet")
    assert r.returncode == 0 and r.stdout == ""
    after = _rows(env.store)
    assert after["surveys"] == 3 and after["responses"] == 1  # medborg's response stays
    assert env.store.wave_records("cannabis-2018") == []
    life = env.store.lifecycle("cannabis-2018")
    assert life["purged_on"] == dt.date(2030, 7, 1) and not env.store.survey("cannabis-2018").is_open
    snapshot = life["results_snapshot"]
    assert snapshot["overall"] == full["overall"] and snapshot["by"] == full["by"]
    assert snapshot["overall"]["n_respondents"] == len(ca.PEOPLE) and "school" in snapshot["by"]
    # the snapshot is the suppressed report: a suppressed group has no figures
    groups = snapshot["by"]["school"]["scales"]["restrictive"]["groups"]
    assert all(g["n"] is None for g in groups if g["suppressed"])
    # run again (cron): nothing more to do, nothing changes
    r = _cli(env.url, "purge", "--today", "2030-07-02")
    assert r.stdout.strip() == "nothing to purge" and _rows(env.store) == after
    assert env.store.lifecycle("cannabis-2018")["results_snapshot"] == snapshot
    # a purged wave cannot be opened again
    r = _cli(env.url, "open", "cannabis-2018")
    assert r.returncode == 1 and "purged" in r.stderr
    assert [e.action for e in audit.entries(env.store, limit=2)] == ["wave_purge", "retention_set"]


def test_admin_deletes_a_wave_only_with_the_typed_name(env, logged_in) -> None:
    _fill(env)
    assert logged_in("b").get("/analyst/trygghet-2018/delete").status_code == 404
    r = logged_in("b").post_form("/analyst/trygghet-2018/", {"confirm": "trygghet-2018"},
                                 action="/analyst/trygghet-2018/delete")
    assert r.status_code == 404 and len(env.store.surveys()) == 3
    admin = logged_in("admin")
    before = _rows(env.store)
    for typed in ["medborg-2017", " ", "MEDBORG-2018"]:
        r = admin.post_form("/analyst/medborg-2018/delete", {"confirm": typed})
        assert r.status_code == 400, typed
        assert "inget raderades" in r.get_data(as_text=True)
        assert _rows(env.store) == before
    r = admin.post_form("/analyst/medborg-2018/delete", {"confirm": "medborg-2018"})
    assert r.status_code == 302
    assert admin.get("/analyst/medborg-2018/").status_code == 404
    assert [(e.actor, e.action, e.survey_slug) for e in audit.entries(env.store, limit=1)] == [
        ("admin@example.se", "wave_delete", "medborg-2018")]


def test_admin_sets_retention_and_bad_dates_change_nothing(env, logged_in) -> None:
    admin = logged_in("admin")
    page = admin.get("/analyst/cannabis-2018/").get_data(as_text=True)
    assert "Sparandetid och radering" in page
    assert "Sparandetid och radering" not in logged_in("a").get("/analyst/cannabis-2018/").get_data(as_text=True)
    r = admin.post_form("/analyst/cannabis-2018/", {"retain_until": "2031-02-30"},
                        action="/analyst/cannabis-2018/retention")
    assert r.status_code == 303 and env.store.lifecycle("cannabis-2018")["retain_until"] is None
    assert "ÅÅÅÅ-MM-DD" in admin.get("/analyst/cannabis-2018/").get_data(as_text=True)
    r = admin.post_form("/analyst/cannabis-2018/", {"retain_until": "2031-02-28"},
                        action="/analyst/cannabis-2018/retention")
    assert r.status_code == 302 and env.store.lifecycle("cannabis-2018")["retain_until"] == dt.date(2031, 2, 28)
    a = logged_in("a")
    r = a.post_form("/analyst/cannabis-2018/", {"retain_until": "2020-01-01"},
                    action="/analyst/cannabis-2018/retention")
    assert r.status_code == 404 and env.store.lifecycle("cannabis-2018")["retain_until"] == dt.date(2031, 2, 28)
    lifecycle.purge_due(env.store, dt.date(2031, 3, 1))
    page = admin.get("/analyst/cannabis-2018/").get_data(as_text=True)
    assert "rensades 2031-03-01" in page
    r = admin.post_form("/analyst/cannabis-2018/", {}, action="/analyst/cannabis-2018/open")
    assert r.status_code == 302 and not env.store.survey("cannabis-2018").is_open
    assert "kan inte öppnas igen" in admin.get("/analyst/cannabis-2018/").get_data(as_text=True)


def test_purge_is_one_transaction(env) -> None:
    """A failure inside the purge leaves every row in place (nothing half-deleted)."""
    _fill(env)
    before = _rows(env.store)
    with pytest.raises(Exception):
        env.store.purge_raw("cannabis-2018", {"bad": {1, 2}}, dt.date(2030, 1, 1))  # a set is not JSON
    assert _rows(env.store) == before
    assert env.store.lifecycle("cannabis-2018")["purged_on"] is None


def test_purged_wave_publishes_only_its_kept_aggregates(env, logged_in) -> None:
    import json

    from surveys import accounts

    _fill(env)
    env.store.set_retention("cannabis-2018", dt.date(2030, 1, 1))
    kept = lifecycle.results_snapshot(env.store, "cannabis-2018", dt.date(2030, 1, 2))
    assert [p.slug for p in lifecycle.purge_due(env.store, dt.date(2030, 1, 2))] == ["cannabis-2018"]
    a = logged_in("a")
    page = a.get("/analyst/cannabis-2018/results").get_data(as_text=True)
    assert "rensades 2030-01-02" in page
    r = a.get("/analyst/cannabis-2018/results-snapshot.json")
    assert r.status_code == 200 and r.headers["Cache-Control"] == "no-store"
    assert json.loads(r.data)["overall"] == kept["overall"]
    assert logged_in("b").get("/analyst/cannabis-2018/results-snapshot.json").status_code == 404
    token = accounts.create_api_token(env.store, env.users["a"].id)
    auth = {"Authorization": f"Bearer {token}"}
    body = a.client.get("/api/v1/surveys/cannabis-2018/results", headers=auth).get_json()
    assert body["n_respondents"] == len(ca.PEOPLE) and body["purged_on"] == "2030-01-02"
    assert body["scales"] == kept["overall"]["scales"]
    by_school = a.client.get("/api/v1/surveys/cannabis-2018/results?by=school", headers=auth).get_json()
    assert by_school["scales"] == kept["by"]["school"]["scales"]
    r = a.client.get("/api/v1/surveys/cannabis-2018/results?by=school&by=gender", headers=auth)
    assert r.status_code == 409 and "purged" in r.get_json()["error"]


def test_waves_create_and_year_on_the_command_line(env) -> None:
    """Issue 16: a wave gets its survey year when created from the command
    line, the year can be corrected, and the list shows it; the previous
    wave follows the years."""
    from surveys.service import access, comparison as cmp

    made = _cli(env.url, "create", "cannabis-2014", "--instrument", "cannabis-attityd", "--label", "Cannabis 2014",
                "--year", "2014", "--preset", "school=" + ";".join(SCHOOLS))
    assert made.returncode == 0, made.stderr
    assert "created cannabis-2014 (cannabis-attityd" in made.stdout and "2014)" in made.stdout
    survey = env.store.survey("cannabis-2014")
    assert (survey.year, survey.presets["school"], survey.is_open) == (2014, SCHOOLS, False)
    listing = _cli(env.url, "list").stdout.splitlines()
    assert any(line.startswith("cannabis-2014\tclosed\t") and line.endswith("\tyear 2014") for line in listing), \
        listing
    ca_2018 = env.store.survey("cannabis-2018")
    env.store.import_responses("cannabis-2014", [ca.values(p) for p in ca.PEOPLE])
    visible = access.visible_surveys(env.store, env.users["admin"])
    # cannabis-2018 was made this year in the fixture: 2014 comes before it
    assert cmp.previous_wave(env.store, ca_2018, visible).survey.slug == "cannabis-2014"
    # imported under a wrong year, then corrected: now it comes after 2018's wave
    fixed = _cli(env.url, "year", "cannabis-2014", str(ca_2018.year + 1))
    assert fixed.returncode == 0 and env.store.survey("cannabis-2014").year == ca_2018.year + 1
    entry = audit.entries(env.store, limit=1)[0]
    assert (entry.actor, entry.action, entry.survey_slug, entry.detail) == (
        audit.CLI_ACTOR, "wave_year", "cannabis-2014", str(ca_2018.year + 1))
    visible = access.visible_surveys(env.store, env.users["admin"])
    assert cmp.previous_wave(env.store, ca_2018, visible).survey is None
    # refusals: a year out of range, an unknown wave, an unknown instrument (exit 1, one line)
    for args, words in ((("year", "cannabis-2014", "20145"), "survey year must be a year from 1900 to 2200"),
                        (("year", "nope", "2014"), "no survey 'nope'"),
                        (("create", "x-1", "--instrument", "nope", "--label", "X"), "no published instrument")):
        refused = _cli(env.url, *args)
        assert refused.returncode == 1 and words in refused.stderr, refused.stderr

"""Waves, codes, results, downloads, import and comparison through the test
client, with answers put in through the Store and figures worked out by hand."""
from __future__ import annotations

import csv
import html as html_lib
import io
import json
import re
import subprocess
import sys
from pathlib import Path

import openpyxl
import pyreadstat
import pytest

from . import cannabis_answers as ca
from .conftest import SCHOOLS, register_changed_cannabis


@pytest.fixture
def answered(env):
    codes = ca.answer_all(env.store, lambda n: env.store.issue_codes("cannabis-2018", n))
    return codes


def test_create_wave_open_issue_codes_and_slips(env, logged_in) -> None:
    c = logged_in("a")
    sha = env.store.survey("cannabis-2018").instrument_sha256
    r = c.post_form("/analyst/waves/new", {"instrument": sha, "slug": "cannabis-2019",
                                           "label": "2019", "mode": "codes",
                                           "presets": "school: Skola A; Skola B\nclass: 9A; 9B"})
    assert r.status_code == 302, r.get_data(as_text=True)[-2000:]
    wave = env.store.survey("cannabis-2019")
    assert wave.presets == {"school": ["Skola A", "Skola B"], "class": ["9A", "9B"]} and not wave.is_open
    assert "cannabis-2019" in c.get("/analyst/").get_data(as_text=True)  # granted to creator
    from surveys import audit
    assert [(e.action, e.survey_slug) for e in audit.entries(env.store, limit=2)] == [
        ("grant", "cannabis-2019"), ("wave_create", "cannabis-2019")]
    r = c.post_form("/analyst/cannabis-2019/", {}, action="/analyst/cannabis-2019/open")
    assert r.status_code == 302 and env.store.survey("cannabis-2019").is_open
    r = c.post_form("/analyst/cannabis-2019/codes",
                    {"count": "30", "tag_school": "Skola A", "tag_class": "9A", "output": "html"})
    page = r.get_data(as_text=True)
    shown = re.findall(r'<p class="code">([A-Z0-9-]+)</p>', page)
    assert r.status_code == 200 and len(set(shown)) == 30
    assert not set("01OIL") & set("".join(shown).replace("-", ""))
    handle = env.store.begin("cannabis-2019", code=shown[0])  # a real, usable code
    assert handle.group_values.get("class") == "9A"
    # the batch list shows counts, never a code
    listing = c.get("/analyst/cannabis-2019/codes").get_data(as_text=True)
    assert not any(code in listing for code in shown) and ">30<" in listing
    token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
    signature = re.search(r'name="signature" value="([^"]+)"', page).group(1)
    r = c.client.post("/analyst/cannabis-2019/codes/slips", data={
        "csrf_token": token, "codes": " ".join(shown), "tags": "school = Skola A\nclass = 9A",
        "output": "csv", "signature": signature})
    rows = list(csv.DictReader(io.StringIO(r.get_data()[3:].decode())))
    assert [x["code"] for x in rows] == shown and rows[0]["school"] == "Skola A"
    r = c.client.post("/analyst/cannabis-2019/codes/slips", data={
        "csrf_token": token, "codes": " ".join(shown), "tags": "school = Skola A\nclass = 9A",
        "output": "pdf", "signature": signature})
    assert r.mimetype == "application/pdf" and r.data.startswith(b"%PDF")
    assert r.data.count(b"/Type /Page\n") + r.data.count(b"/Type /Page ") >= 3  # 12 slips a page
    r = c.post_form("/analyst/waves/new", {"instrument": sha, "slug": "Bad Slug", "label": "x",
                                           "mode": "codes", "presets": ""})
    assert r.status_code == 400 and "små bokstäver" in r.get_data(as_text=True)


def test_results_page_figures_and_hidden_cells(env, logged_in, answered) -> None:
    c = logged_in("a")
    page = c.get("/analyst/cannabis-2018/results").get_data(as_text=True)
    assert f"{ca.RESTRICTIVE_MEAN:.2f}" in page and "<svg" in page
    assert "3.72" in page and "4.72" in page  # baseline and target
    assert f"{sum(ca.KNOWLEDGE) / 7:.2f}" in page
    # 5 of 7 never tried: the 2 who have are a small numerator, so the share is hidden
    assert f"{ca.NEVER_PCT:.1f} %" not in page and "5 / 7" not in page
    by_school = c.get("/analyst/cannabis-2018/results?by=school").get_data(as_text=True)
    # 6 pupils at one school and 1 at the other: both school cells are hidden
    row = re.search(r'<th scope="row">Årbyskolan</th>(.*?)</tr>', by_school).group(1)
    assert "<td class=\"num\">–</td>" in row
    row = re.search(r'<th scope="row">Rinmansskolan</th>(.*?)</tr>', by_school).group(1)
    assert f"{26 / 6:.2f}" not in row and "–" in row
    assert 'id="hidden-note"' in by_school
    progress = c.get("/analyst/cannabis-2018/progress").get_data(as_text=True)
    assert "Inskickade: 7" in progress and "–" in progress


def test_downloads_read_back(env, logged_in, answered, tmp_path) -> None:
    c = logged_in("a")
    instrument = env.store.instrument(env.store.survey("cannabis-2018").instrument_sha256)
    expected = sorted(zip(ca.RESTRICTIVE, ca.KNOWLEDGE, [p[3] for p in ca.PEOPLE]))
    raw = c.get("/analyst/cannabis-2018/downloads/raw-csv").data
    assert raw.startswith(b"\xef\xbb\xbf")
    rows = list(csv.DictReader(io.StringIO(raw[3:].decode())))
    got = sorted((float(r["score_restrictive"]), float(r["score_knowledge"]), int(r["att01"]))
                 for r in rows)
    assert got == expected  # halves and whole numbers: exact in binary
    assert sorted(r["school"] for r in rows) == ["1"] * 6 + ["2"]
    # the submission week at most, never the day
    assert all(re.fullmatch(r"\d{4}-W\d{2}", r["submitted_week"]) for r in rows)
    assert not any(re.search(r"\d{4}-\d{2}-\d{2}", v or "") for r in rows for v in r.values())
    sv = c.get("/analyst/cannabis-2018/downloads/raw-csv-sv").data
    sv_rows = list(csv.DictReader(io.StringIO(sv[3:].decode()), delimiter=";"))
    assert sv[3:].split(b"\r\n")[0].count(b";") > 20
    assert sorted(r["score_restrictive"] for r in sv_rows) == sorted(
        f"{v:g}".replace(".", ",") for v in ca.RESTRICTIVE)
    assert any("," in r["score_restrictive"] for r in sv_rows)  # 4,5 and 3,5
    for key in ("raw-csv", "raw-csv-sv", "raw-xlsx", "raw-sav"):
        data = c.get(f"/analyst/cannabis-2018/downloads/{key}").data
        assert not any(code.encode() in data or code.replace("-", "").encode() in data
                       for code in answered), key
    wb = openpyxl.load_workbook(io.BytesIO(c.get("/analyst/cannabis-2018/downloads/raw-xlsx").data))
    assert wb.sheetnames[:3] == ["data", "codebook", "scores"]
    data = list(wb["data"].values)
    h = data[0]
    assert sorted(r[h.index("att02")] for r in data[1:]) == sorted(p[4] for p in ca.PEOPLE)
    scores = list(wb["scores"].values)
    sh = scores[0]
    overall = next(r for r in scores[1:] if r[0] == "restrictive" and not r[1])
    assert overall[sh.index("mean")] == pytest.approx(ca.RESTRICTIVE_MEAN)
    assert overall[sh.index("sd")] == pytest.approx(ca.RESTRICTIVE_SD)
    assert overall[sh.index("baseline")] == 3.72
    path = tmp_path / "w.sav"
    path.write_bytes(c.get("/analyst/cannabis-2018/downloads/raw-sav").data)
    df, meta = pyreadstat.read_sav(str(path))
    labels = dict(zip(meta.column_names, meta.column_labels))
    assert labels["att01"] == instrument.item("att01").text.get("sv")
    assert meta.variable_value_labels["att01"][1.0] == "Instämmer inte alls"
    assert meta.variable_value_labels["att01"][6.0] == "Instämmer helt"
    assert meta.variable_value_labels["school"] == {1.0: SCHOOLS[0], 2.0: SCHOOLS[1],
                                                    3.0: SCHOOLS[2]}
    assert sorted(df["use"]) == sorted(float(p[2]) for p in ca.PEOPLE)
    assert sorted(df["score_restrictive"]) == pytest.approx(sorted(ca.RESTRICTIVE))
    report = json.loads(c.get("/analyst/cannabis-2018/downloads/scores-json").data)
    overall = report["scales"]["restrictive"]["overall"]
    assert overall["n"] == 7 and overall["mean"] == pytest.approx(ca.RESTRICTIVE_MEAN)
    assert report["scales"]["knowledge"]["overall"]["mean"] == pytest.approx(5.0)
    # 5 of 7 never tried: hidden by the numerator rule (2 have tried), with a note
    never = report["declared_shares"]["never"]
    assert never["pct"] is None and never["n"] is None and never["note"] == "small_numerator"
    book = list(csv.DictReader(io.StringIO(
        c.get("/analyst/cannabis-2018/downloads/codebook-csv").data[3:].decode())))
    assert {r["sha256"] for r in book} == {instrument.sha256}
    assert {r["variable"] for r in book if r["reversed_in"] == "restrictive"} == \
        {"att02", "att04", "att06", "att08"}
    html = c.get("/analyst/cannabis-2018/downloads/codebook-html").get_data(as_text=True)
    assert instrument.sha256 in html
    sheet = openpyxl.load_workbook(io.BytesIO(
        c.get("/analyst/cannabis-2018/downloads/scores-xlsx").data))
    assert {"scales", "shares", "all_figures"} <= set(sheet.sheetnames)
    # the API gives the same object
    from surveys import accounts
    token = accounts.create_api_token(env.store, env.users["a"].id)
    api = c.get("/api/v1/surveys/cannabis-2018/results",
                headers={"Authorization": f"Bearer {token}"}).get_json()
    assert api["scales"]["restrictive"]["overall"]["mean"] == pytest.approx(ca.RESTRICTIVE_MEAN)
    r = c.get("/api/v1/surveys/cannabis-2018/downloads/raw-sav",
              headers={"Authorization": f"Bearer {token}"})
    assert r.status_code == 200 and r.data == c.get(
        "/analyst/cannabis-2018/downloads/raw-sav").data or r.data[:4] == b"$FL2"


def _rejected_rows(page: str) -> list[list[str]]:
    """(row, column, reason) of each line of the rejection table, as shown."""
    table = re.search(r'<table class="figures" id="rejected">(.*?)</table>', page, re.S).group(1)
    return [[html_lib.unescape(re.sub(r"<[^>]+>", "", cell)).strip() for cell in
             re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", line, re.S)]
            for line in re.findall(r"<tr>(.*?)</tr>", table.split("</thead>", 1)[1], re.S)]


def test_import_lists_every_rejected_row_and_imports_nothing(env, logged_in) -> None:
    c = logged_in("a")
    broken = ("school;grade;gender;use;att01;att02\n"
              "Rinmansskolan;1;1;1;5;2\n"
              "Rinmansskolan;1;9;1;5;2\n"      # row 3: gender 9
              "Årbyskolan;1;2;x;5;2\n"         # row 4: text in use
              "Årbyskolan;1;2;1;5;7\n"         # row 5: code outside the scale
              "Årbyskolan;1;2;1\n"             # row 6: too few fields
              "Årbyskolan;1;2;2;4;4\n").encode("utf-8-sig")
    r = c.post_form("/analyst/cannabis-2018/import",
                    {"file": (io.BytesIO(broken), "wave2014.csv")},
                    content_type="multipart/form-data")
    page = r.get_data(as_text=True)
    assert r.status_code == 400
    rows = _rejected_rows(page)
    assert [row[:2] for row in rows] == [["3", "gender"], ["4", "use"], ["5", "att02"], ["6", "–"]]
    # each reason in the interface language, with the values that explain it
    assert rows[0][2].startswith("9 är inte en kod eller ett svarsalternativ för gender (1 ")
    assert rows[1][2] == "Text (x) där frågan use väntar ett tal."
    assert rows[2][2] == "Koden 7 finns inte på skalan för att02 (1-6)."
    assert rows[3][2] == "4 fält, men rubrikraden har 6."
    assert env.store.progress("cannabis-2018")["total"]["submitted"] == 0
    r = c.post_form("/analyst/cannabis-2018/import?lang=en",
                    {"file": (io.BytesIO(broken), "wave2014.csv")},
                    content_type="multipart/form-data", action="/analyst/cannabis-2018/import?lang=en")
    assert [row[2] for row in _rejected_rows(r.get_data(as_text=True))][1:] == [
        "Text (x) where the item use expects a number.",
        "Code 7 is outside the scale of att02 (1-6).",
        "4 fields, but the header has 6.",
    ]
    good = "school,grade,gender,use,att01\nRinmansskolan,1,1,1,5\nÅrbyskolan,Gymnasiet år 1,pojke,2,3\n"
    r = c.post_form("/analyst/cannabis-2018/import",
                    {"file": (io.BytesIO(good.encode()), "ok.csv")},
                    content_type="multipart/form-data")
    assert r.status_code == 302
    records = env.store.wave_records("cannabis-2018")
    assert sorted((x["school"], x["use"]) for x in records) == [(1, 1), (2, 2)]


def test_compare_refused_when_scales_differ(env, logged_in, answered) -> None:
    sha256 = register_changed_cannabis(env.store)
    env.store.create_survey(slug="cannabis-old", instrument_sha256=sha256, label="old",
                            mode="codes", presets={"school": SCHOOLS})
    c = logged_in("admin")
    r = c.get("/analyst/cannabis-2018/compare/cannabis-old")
    assert r.status_code == 409
    assert "Skalan restrictive är definierad på olika sätt i de två omgångarna" in r.get_data(as_text=True)
    r = c.get("/analyst/cannabis-2018/compare/cannabis-old?lang=en")
    assert r.status_code == 409
    assert "The scale restrictive is defined differently in the two waves" in r.get_data(as_text=True)
    env.store.create_survey(slug="cannabis-same", instrument_sha256=env.store.survey(
        "cannabis-2018").instrument_sha256, label="same", mode="codes", presets={"school": SCHOOLS})
    env.store.import_responses("cannabis-same", [ca.values(p) for p in ca.PEOPLE])
    r = c.get("/analyst/cannabis-2018/compare/cannabis-same?lang=sv")
    assert r.status_code == 200 and "Förändring sedan den tidigare omgången" in r.get_data(as_text=True)


def test_trygghet_and_medborg_results(env, logged_in) -> None:
    from .conftest import answer

    for k in range(6):
        answer(env.store, "trygghet-2018", {"area": 1, "gender": 1 + k % 2,
                                            **{f"v{j:02d}": 1 for j in range(1, 12)}})
    codes = env.store.issue_codes("medborg-2018", 6)
    for k, code in enumerate(codes):
        answer(env.store, "medborg-2018", {"area": 1, "unsafe_themes": [1, 2] if k % 2 else [1],
                                           "unsafe_places": f"Tunneln vid plats {k}"}, code=code)
    page = logged_in("b").get("/analyst/trygghet-2018/results").get_data(as_text=True)
    assert "1.67" in page and "<svg" in page
    med = logged_in("admin").get("/analyst/medborg-2018/results").get_data(as_text=True)
    # lighting: named by all 6 (shown); littering by 3 of 6: a small numerator, hidden
    assert "100 %" in med and "50 %" not in med
    assert "Tunneln vid plats 3" in med  # free text, analysts only


def test_users_cli(tmp_path) -> None:
    url = f"sqlite:///{tmp_path / 'cli.sqlite3'}"
    exe = [sys.executable, "-m", "surveys.cli"] if False else [str(Path(sys.executable).parent / "survey-engine")]

    def run(*args: str, stdin: str = "") -> subprocess.CompletedProcess:
        return subprocess.run([*exe, *args], input=stdin, capture_output=True, text=True,
                              timeout=120)

    assert run("db", "upgrade", "--url", url).returncode == 0
    r = run("users", "create", "Ana@Example.se", "--role", "analyst", "--password-stdin",
            "--url", url, stdin="a long password\n")
    assert r.returncode == 0 and "created analyst ana@example.se" in r.stdout
    r = run("users", "create", "x@example.se", "--role", "analyst", "--password-stdin",
            "--url", url, stdin="short\n")
    assert r.returncode == 1 and "at least 12 characters" in r.stderr and "Traceback" not in r.stderr
    r = run("users", "grant", "ana@example.se", "nope", "--url", url)
    assert r.returncode == 1 and "no survey 'nope'" in r.stderr
    r = run("users", "token", "ana@example.se", "--url", url)
    token = r.stdout.strip()
    assert r.returncode == 0 and len(token) >= 40
    from surveys import accounts
    from surveys.db import make_engine
    engine = make_engine(url)
    assert accounts.user_by_api_token(engine, token).email == "ana@example.se"
    assert accounts.authenticate(engine, "ana@example.se", "a long password") is not None
    # issue 14: a new password from the command line ends the account's sessions and is logged
    r = run("users", "password", "ana@example.se", "--password-stdin", "--url", url, stdin="password123456\n")
    assert r.returncode == 1 and "commonly used" in r.stderr
    r = run("users", "password", "ana@example.se", "--password-stdin", "--url", url,
            stdin="another long passphrase\n")
    assert r.returncode == 0 and accounts.get_user(engine, 1).session_version == 1
    assert accounts.authenticate(engine, "ana@example.se", "another long passphrase") is not None
    r = run("users", "revoke", "ana@example.se", "nope", "--url", url)
    assert r.returncode == 1 and "no survey 'nope'" in r.stderr
    from surveys import audit
    assert [(e.actor, e.action, e.detail) for e in audit.entries(engine)] == [
        ("cli", "password_change", "ana@example.se")]
    engine.dispose()
    r = run("users", "list", "--url", url)
    assert "ana@example.se\tanalyst\tno surveys" in r.stdout


def test_issuing_zero_or_too_many_codes_says_the_allowed_range(env, logged_in) -> None:
    c = logged_in("a")
    before = sum(b.issued for b in env.store.code_batches("cannabis-2018"))
    for count in ("0", "2001"):
        r = c.post_form("/analyst/cannabis-2018/codes", {"count": count, "tags": "", "output": "html"},
                        action="/analyst/cannabis-2018/codes")
        page = r.get_data(as_text=True)
        # WTForms' range message (Swedish by default), not "this field is required"
        assert r.status_code in (200, 400) and "mellan 1 och 2000" in page, page[-1500:]
    assert sum(b.issued for b in env.store.code_batches("cannabis-2018")) == before


def test_progress_tables_are_kept_by_counts_and_owned_by_the_caller() -> None:
    """The progress table of the same counts is computed once and equals a
    fresh computation; changed counts give a new table; a caller changing
    its copy changes nothing for the next one."""
    from surveys.loader import instruments_dir, load_instrument
    from surveys.service import progress

    instrument = load_instrument(instruments_dir() / "cannabis-attityd.yaml")
    assert instrument.sha256
    combos = [({"school": "Skola A"}, {"submitted": 7, "in_progress": 1}),
              ({"school": "Skola B"}, {"submitted": 3}),
              ({}, {"submitted": 6, "in_progress": 2})]
    first = progress.progress_groups(combos, instrument)
    assert first == progress._progress_table(combos, instrument)
    school = {row["value"]: row for row in first["school"]}
    assert school["Skola B"]["suppressed"] and school["Skola B"]["started"] is None  # 3 < min_n
    assert all(row["started"] == {"Skola A": 8, None: 8}[row["value"]]
               for row in first["school"] if not row["suppressed"])
    first["school"].clear()
    again = progress.progress_groups(list(reversed(combos)), instrument)
    assert again == progress._progress_table(combos, instrument) and again["school"]
    more = [({"school": "Skola B"}, {"submitted": 5})] + combos[::2]
    changed = progress.progress_groups(more, instrument)
    assert changed == progress._progress_table(more, instrument) != progress._progress_table(combos, instrument)
    assert {row["value"]: row["submitted"] for row in changed["school"]}["Skola B"] == 5

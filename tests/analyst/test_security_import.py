"""Issue 14 item 2: the import route's own body limit (applied before CSRF
reads the body), a clear report for every malformed file, and imported
responses marked as such. Every refusal leaves the wave as it was."""
from __future__ import annotations

import io

import pytest

from .conftest import Client, answer


def _import(c: Client, data: bytes, name: str = "wave.csv", slug: str = "cannabis-2018"):
    return c.post_form(f"/analyst/{slug}/import", {"file": (io.BytesIO(data), name)},
                       content_type="multipart/form-data")


def _stored(env) -> tuple:
    p = env.store.progress("cannabis-2018")["total"]
    return p["started"], p["submitted"], len(env.store.wave_records("cannabis-2018"))


ROW = "Rinmansskolan,1,1,1,5\n"


def test_a_file_over_64_kib_is_imported(env, logged_in) -> None:
    c = logged_in("a")
    data = ("school,grade,gender,use,att01\n" + ROW * 6000).encode()
    assert len(data) > 128 * 1024  # far over the app-wide 64 KiB
    r = _import(c, data)
    assert r.status_code == 302, r.get_data(as_text=True)[:300]
    assert _stored(env) == (6000, 6000, 6000)


def test_a_file_over_the_import_limit_is_refused_clearly(env, logged_in) -> None:
    from webapp.analyst.views import IMPORT_MAX_BYTES

    c = logged_in("a")
    data = ("school,grade,gender,use,att01\n" + ROW * (IMPORT_MAX_BYTES // len(ROW) + 10)).encode()
    r = _import(c, data)
    assert r.status_code == 413
    page = r.get_data(as_text=True)
    assert "Filen är större än 20 MiB; inget importerades." in page
    assert _stored(env) == (0, 0, 0)
    # other analyst forms keep the app-wide limit
    big = {"count": "3", "tags": "x = " + "y" * 70_000, "output": "csv"}
    r = c.post_form("/analyst/cannabis-2018/codes", big)
    assert r.status_code == 413 and env.store.code_batches("cannabis-2018") == []


BAD_FILES = [
    ("empty", b"", "Filen är tom"),
    ("blank lines", b"\r\n\r\n  \n", "Filen är tom"),
    ("only commas", b",,,\n,,,\n", "Filen innehåller bara avgränsare"),
    ("only semicolons", b";;;;\r\n;;;;\r\n", "Filen innehåller bara avgränsare"),
    ("xlsx", b"PK\x03\x04\x14\x00\x06\x00" + b"\x00" * 200, "Filen är en .xlsx-fil, inte CSV-text"),
    ("pdf", b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n", "Filen är en .pdf-fil, inte CSV-text"),
    ("binary", b"school,use\n\x00\x01\x02\x03", "Filen är inte text i UTF-8 eller Windows-1252"),
    ("undefined cp1252 byte", b"school,use\nRinmansskolan\x81,1\n", "Filen är inte text i UTF-8 eller Windows-1252"),
    ("wrong header", b"namn,alder\nKalle,15\n", "Ingen kolumn i rubrikraden är en fråga i cannabis-attityd"),
    ("data row as header", b"1,1,1,1,5\n1,1,2,1,4\n", "Ingen kolumn i rubrikraden är en fråga"),
    ("misspelt header", b"school,grade,gender,usee,att01\nRinmansskolan,1,1,1,5\n", "menade du use"),
    ("header only", b"school,grade,gender,use,att01\n", "Filen har en rubrikrad men inga svar"),
]


@pytest.mark.parametrize("data, message", [pytest.param(d, m, id=k) for k, d, m in BAD_FILES])
def test_malformed_files_get_a_clear_report_and_change_nothing(env, logged_in, data, message) -> None:
    c = logged_in("a")
    answer(env.store, "trygghet-2018", {"area": 1})  # another wave's data stays too
    before = _stored(env)
    r = _import(c, data)
    page = r.get_data(as_text=True)
    assert r.status_code == 400
    assert message in page, page[page.find("error-box"):][:600]
    assert "Traceback" not in page
    assert _stored(env) == before
    assert env.store.progress("trygghet-2018")["total"]["submitted"] == 1


def test_utf16_with_bom_is_read(env, logged_in) -> None:
    c = logged_in("a")
    data = "school\tgrade\tgender\tuse\tatt01\r\nÅrbyskolan\t1\t2\t1\t4\r\n".encode("utf-16")
    assert _import(c, data).status_code == 302
    assert [(r["groups"]["school"], r["att01"]) for r in env.store.wave_records("cannabis-2018")] == [
        ("Årbyskolan", 4)]


def test_imported_responses_are_marked_and_shown_apart(env, logged_in) -> None:
    c = logged_in("a")
    code = env.store.issue_codes("cannabis-2018", 1)[0]
    answer(env.store, "cannabis-2018", {"school": 1, "grade": 1, "gender": 1, "use": 1, "att01": 5}, code=code)
    assert _import(c, ("school,grade,gender,use,att01\n" + ROW * 3).encode()).status_code == 302
    progress = env.store.progress("cannabis-2018")
    assert progress["total"]["submitted"] == 4 and progress["sources"] == {"app": 1, "imported": 3}
    assert "source" not in env.store.wave_records("cannabis-2018")[0]
    sources = sorted(r["source"] for r in env.store.wave_records("cannabis-2018", with_source=True))
    assert sources == ["app", "import", "import", "import"]
    page = c.get("/analyst/cannabis-2018/progress").get_data(as_text=True)
    assert "Av de inskickade: 1 insamlade i appen, 3 importerade från en fil." in page
    from surveys import audit

    assert [(e.action, e.survey_slug, e.detail) for e in audit.entries(env.store, limit=1)] == [
        ("import", "cannabis-2018", "3 responses")]


def test_raw_downloads_mark_imported_responses(env, logged_in) -> None:
    import csv

    c = logged_in("a")
    code = env.store.issue_codes("cannabis-2018", 1)[0]
    answer(env.store, "cannabis-2018", {"school": 1, "grade": 1, "gender": 1, "use": 1, "att01": 5}, code=code)
    assert _import(c, ("school,grade,gender,use,att01\n" + ROW * 2).encode()).status_code == 302
    r = c.get("/analyst/cannabis-2018/downloads/raw-csv")
    assert r.status_code == 200
    rows = list(csv.DictReader(io.StringIO(r.get_data(as_text=True))))
    assert sorted(row["source"] for row in rows) == ["app", "import", "import"]
    # the same column in the spreadsheet and the API's raw rows
    from openpyxl import load_workbook

    sheet = load_workbook(io.BytesIO(c.get("/analyst/cannabis-2018/downloads/raw-xlsx").data), read_only=True).worksheets[0]
    header = [cell.value for cell in next(sheet.iter_rows(max_row=1))]
    column = header.index("source")
    assert sorted(row[column].value for row in sheet.iter_rows(min_row=2)) == ["app", "import", "import"]

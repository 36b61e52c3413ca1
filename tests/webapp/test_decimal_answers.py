"""Decimal number questions end to end, on SQLite and PostgreSQL: the page
reads ``1,5`` and ``1.5``, refuses wrong input, too many decimals and values
out of bounds in Swedish, English and Arabic; the answer is stored exactly
(as value * 10**decimals in ``answers.code``) and comes back as the real
value in the dataset, the exports and the descriptives. A note with its own
condition is shown only when it holds."""
from __future__ import annotations

import csv
import io
import re
from pathlib import Path
from typing import Any, Iterator

import numpy as np
import pytest

from respondent_support import Browser, make_app

INSTRUMENT = (Path(__file__).parent / "decimals-test.yaml").read_text(encoding="utf-8")
P = "/s/decimals-1"
ERRORS = {
    "sv": ("Skriv ett tal", "Skriv högst 1 decimal", "Skriv ett tal från 0,5 till 2,5"),
    "en": ("Write a number, with a decimal comma or point", "Write at most 1 decimals",
           "Write a number from 0.5 to 2.5"),
    "ar": ("اكتب رقمًا", "اكتب 1 منازل عشرية على الأكثر", "اكتب رقمًا من 0.5 إلى 2.5"),
}


@pytest.fixture
def wave(migrated_url: str) -> Iterator[Any]:
    from surveys.db import make_engine
    from surveys.loader import load_instrument_text
    from surveys.store import Store

    engine = make_engine(migrated_url)
    store = Store(engine, secret_key=b"decimal-test")
    instrument = load_instrument_text(INSTRUMENT, "decimals-test.yaml")
    sha = store.register_instrument(instrument, INSTRUMENT) or instrument.sha256
    store.create_survey(slug="decimals-1", instrument_sha256=sha, label="Decimals", mode="open", is_open=True)
    app = make_app(migrated_url)
    yield store, app
    app.extensions["store"].engine.dispose()
    engine.dispose()


def _start(app: Any, lang: str = "sv") -> Browser:
    b = Browser(app)
    b.get(P + "/")
    b.post(P + "/start", {})
    b.get(f"{P}/p/p1?lang={lang}")
    assert 'id="page-form"' in b.html
    return b


def _errors(html: str) -> str:
    return " ".join(re.findall(r'class="field-error"[^>]*>(.*?)</p>', html, re.S))


@pytest.mark.parametrize("lang", ["sv", "en", "ar"])
def test_wrong_decimal_input_is_a_clear_error_in_the_page_language(wave, lang: str) -> None:
    _, app = wave
    b = _start(app, lang)
    assert 'inputmode="decimal"' in b.html
    bad_format, too_many, out_of_bounds = ERRORS[lang]
    for typed, expected in (("1,5kg", bad_format), ("1..5", bad_format), ("1,55", too_many),
                            ("2,6", out_of_bounds), ("0.4", out_of_bounds)):
        r = b.post(f"{P}/p/p1", {"weight": typed, "action": "next"})
        assert r.status_code == 200 and "Traceback" not in b.html
        assert expected in _errors(b.html), (typed, _errors(b.html))
        assert f'value="{typed}"' in b.html  # what was typed stays in the box
    assert b.page_id() == "p1"


def test_comma_and_point_store_exact_codes_and_read_back(wave) -> None:
    store, app = wave
    b = _start(app)
    b.post(f"{P}/p/p1", {"weight": "1,5", "ratio": "-0.25", "smoker": "2", "action": "next"})
    assert b.page_id() == "p2", _errors(b.html)
    with b.client.session_transaction() as sess:
        rid = sess["responses"]["decimals-1"]
    saved = store.answers(rid)
    assert saved["weight"] == 15 and saved["ratio"] == -25  # fixed point, exact
    b.get(f"{P}/p/p1")  # back on the page: shown in Swedish with a decimal comma
    assert 'value="1,5"' in b.html and 'value="-0,25"' in b.html
    b.get(f"{P}/p/p1?lang=en")
    assert 'value="1.5"' in b.html
    b.get(f"{P}/review?lang=sv")  # the review page shows the answer, not its stored code
    assert "<dd>1,5</dd>" in b.html and "<dd>-0,25</dd>" in b.html and "<dd>15</dd>" not in b.html


def test_conditional_note_shows_only_when_its_condition_holds(wave) -> None:
    _, app = wave
    for smoker, shown in (("1", True), ("2", False)):
        b = _start(app)
        b.post(f"{P}/p/p1", {"weight": "1", "smoker": smoker, "action": "next"})
        assert b.page_id() == "p2"
        assert ("Frågorna gäller rökning." in b.html) is shown
        assert ('id="note-smoke_note"' in b.html) is shown


def _submit(app: Any, weight: str, ratio: str, age: str) -> None:
    b = _start(app)
    b.post(f"{P}/p/p1", {"weight": weight, "ratio": ratio, "smoker": "2", "action": "next"})
    b.post(f"{P}/p/p2", {"age": age, "action": "next"})
    b.post(P + "/submit", {})
    assert b.location == P + "/thanks", b.html[:500]


def test_dataset_exports_and_descriptives_hold_the_real_values(wave) -> None:
    import pyreadstat
    from openpyxl import load_workbook

    from scoring.descriptives import moments
    from surveys.exports import csv_raw, spss, xlsx
    from surveys.exports.table import build_table

    store, app = wave
    typed = [("0,5", "1.25", "30"), ("2.5", "-1", "40"), ("1,7", "9,99", "50")]
    for weight, ratio, age in typed:
        _submit(app, weight, ratio, age)
    instrument = store.instrument(store.survey("decimals-1").instrument_sha256)
    dataset = store.wave_dataset("decimals-1", use_cache=False)
    weights = sorted(dataset.column("weight").tolist())
    assert weights == [0.5, 1.7, 2.5]
    assert sorted(dataset.column("ratio").tolist()) == [-1.0, 1.25, 9.99]
    assert sorted(dataset.column("age").tolist()) == [30.0, 40.0, 50.0]
    m = moments(dataset.column("weight"))
    assert float(m.mean) == pytest.approx((0.5 + 1.7 + 2.5) / 3)
    assert float(m.sd) == pytest.approx(float(np.std([0.5, 1.7, 2.5], ddof=1)))

    table = build_table(instrument, dataset)
    rows = list(csv.DictReader(io.StringIO(csv_raw.write_csv(table).decode("utf-8-sig"))))
    assert sorted(r["weight"] for r in rows) == ["0.5", "1.7", "2.5"]
    assert sorted(r["ratio"] for r in rows) == ["-1", "1.25", "9.99"]
    sv = list(csv.DictReader(io.StringIO(csv_raw.write_csv(table, swedish=True).decode("utf-8-sig")),
                             delimiter=";"))
    assert sorted(r["weight"] for r in sv) == ["0,5", "1,7", "2,5"]

    book = load_workbook(io.BytesIO(xlsx.workbook_bytes([xlsx.TableSheet("data", table)])))
    sheet = book["data"]
    header = [c.value for c in sheet[1]]
    col = header.index("weight")
    assert sorted(r[col] for r in sheet.iter_rows(min_row=2, values_only=True)) == [0.5, 1.7, 2.5]

    path = store_sav(table)
    frame, meta = pyreadstat.read_sav(path)
    assert sorted(frame["weight"].tolist()) == [0.5, 1.7, 2.5]
    assert meta.original_variable_types["weight"] == "F3.1"  # "2.5": one digit, the mark, one decimal
    assert meta.original_variable_types["ratio"] == "F6.2"  # sign, two digits, mark, two decimals


def store_sav(table: Any) -> str:
    import tempfile

    from surveys.exports import spss

    fd, path = tempfile.mkstemp(suffix=".sav")
    import os

    os.close(fd)
    spss.write_sav_file(table, path)
    return path


def test_csv_import_stores_decimal_answers_exactly(wave) -> None:
    from surveys.importer import import_wave

    store, _ = wave
    bad = import_wave(store, "decimals-1", "weight;ratio;age\n1,55;1;30\n3;1;30\n".encode(), "bad.csv")
    assert bad.imported == 0
    reasons = {(r.row, r.kind) for r in bad.rejected}
    assert reasons == {(2, "too_many_decimals"), (3, "out_of_range")}, bad.rejected
    good = import_wave(store, "decimals-1", "weight;ratio;age\n1,5;-0,75;30\n2.5;10;40\n".encode(), "ok.csv")
    assert good.imported == 2, good.rejected
    dataset = store.wave_dataset("decimals-1", use_cache=False)
    assert sorted(dataset.column("weight").tolist()) == [1.5, 2.5]
    assert sorted(dataset.column("ratio").tolist()) == [-0.75, 10.0]

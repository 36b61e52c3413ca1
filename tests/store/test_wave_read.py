"""The analyst side's read of a wave (``Store.wave_dataset``) against the
reading it replaced (``wave_records`` + the record-by-record matrix, kept in
``reference_reading``), field by field, on generated waves of the three real
instruments with every item kind, missing answers, tags and Unicode text, on
SQLite and PostgreSQL; plus ``from_records`` against the same reference."""
from __future__ import annotations

import datetime as dt
import math
from typing import Any

import numpy as np
import pytest

from surveys.dataset import WEEK_COLUMN, Dataset, from_records, iso_week
from surveys.loader import instruments_dir, load_all
from surveys.store.validate import instrument_fields

from .reference_reading import reference_from_records

SCHOOLS = ["Skiftingeskolan", "Årbyskolan", "Rinmansgymnasiet", "مدرسة النور"]
TEXTS = ["Stora torget", "tunneln vid Årby, \"mörk\"", "الحديقة قرب المدرسة", "emoji 🚲; semi",
         "rad ett\nrad två", "=1+1", "ÅÄÖ åäö ü", "  "]


def generate(instrument: Any, n: int, seed: int) -> list[dict[str, Any]]:
    """``n`` valid records with every field of ``instrument`` answered or left
    out at random, group items by code or by label, tags and days."""
    rng = np.random.default_rng(seed)
    fields = instrument_fields(instrument)
    records = []
    for k in range(n):
        record: dict[str, Any] = {}
        for field_id, item in fields.items():
            if rng.random() < 0.25:
                continue
            if field_id != item.id or item.kind == "text":
                text = TEXTS[int(rng.integers(len(TEXTS)))]
                if text.strip():
                    record[field_id] = text
            elif item.kind == "number":
                record[field_id] = int(rng.integers(item.min or 0, (item.max or 99) + 1))
            elif item.options_from == "preset":
                code = int(rng.integers(1, len(SCHOOLS) + 1))
                record[field_id] = SCHOOLS[code - 1] if rng.random() < 0.3 else code
            else:
                codes = list(instrument.response_scale(item).codes)
                if item.kind == "multi":
                    chosen = [c for c in codes if rng.random() < 0.3] or [codes[0]]
                    record[field_id] = chosen
                else:
                    record[field_id] = codes[int(rng.integers(len(codes)))]
        record["groups"] = {"class": f"9{'ABC'[k % 3]}"} if k % 4 else {}
        if k % 7 == 0:
            record["groups"]["gender"] = "okänt"  # a tag the group item's answer overrides
        record["submitted_on"] = dt.date(2026, 11, 2) + dt.timedelta(days=int(rng.integers(40)))
        records.append(record)
    return records


def _rows(ds: Dataset) -> list[tuple]:
    """Every respondent as one comparable tuple, sorted (row order is free)."""
    groups = sorted(ds.groups)
    texts = sorted(ds.texts)
    out = []
    for r in range(ds.n):
        out.append((tuple(None if math.isnan(v) else v for v in ds.matrix[r]),
                    tuple((g, str(ds.groups[g][r])) for g in groups),
                    tuple((t, ds.texts[t][r]) for t in texts)))
    return sorted(out, key=repr)


def assert_same(new: Dataset, ref: Dataset) -> None:
    assert new.columns == ref.columns
    assert new.n == ref.n
    assert sorted(new.groups) == sorted(ref.groups)
    assert sorted(new.texts) == sorted(ref.texts)
    assert new.matrix.dtype == ref.matrix.dtype == np.float64
    for name in new.groups:
        assert new.groups[name].dtype.kind == "U"
    assert _rows(new) == _rows(ref)


def _reference(store: Any, slug: str) -> Dataset:
    survey = store.survey(slug)
    instrument = store.instrument(survey.instrument_sha256)
    records = store.wave_records(slug, with_source=True)
    for record in records:
        record[WEEK_COLUMN] = iso_week(record.pop("submitted_on"))
    return reference_from_records(instrument, records, presets=survey.presets)


def _register(store: Any, instrument_id: str) -> Any:
    instrument = load_all()[instrument_id]
    source = (instruments_dir() / f"{instrument_id}.yaml").read_text(encoding="utf-8")
    return instrument, store.register_instrument(instrument, source)


@pytest.mark.parametrize("instrument_id", ["cannabis-attityd", "trygghet", "medborgardialog"])
def test_wave_dataset_equals_the_reference_reading(store, instrument_id: str) -> None:
    instrument, sha = _register(store, instrument_id)
    store.create_survey(slug="w", instrument_sha256=sha, label="2026", mode="open",
                        presets={"school": SCHOOLS}, is_open=True)
    store.import_responses("w", generate(instrument, 300, seed=len(instrument_id)))
    # and one through the respondent path, one left unsubmitted
    handle = store.begin("w")
    page = instrument.pages[-1]
    store.save_page(handle.id, page.id, {})
    assert store.submit(handle.id)
    store.begin("w")  # in progress: never read
    new = store.wave_dataset("w")
    assert new.n == 301
    assert_same(new, _reference(store, "w"))
    assert set(new.groups[WEEK_COLUMN]) <= {iso_week(dt.date(2026, 11, 2) + dt.timedelta(d))
                                           for d in range(40)} | {iso_week(dt.date.today())}
    assert "submitted_on" not in new.groups
    # the same object while nothing changes; a new read after a submission
    assert store.wave_dataset("w") is new
    handle = store.begin("w")
    assert store.submit(handle.id)
    again = store.wave_dataset("w")
    assert again is not new and again.n == 302
    assert_same(again, _reference(store, "w"))
    with pytest.raises(ValueError):
        again.matrix[0, 0] = 1.0  # shared between requests: read-only


def test_codes_with_tags_and_group_item_answers(store) -> None:
    instrument, sha = _register(store, "cannabis-attityd")
    store.create_survey(slug="c", instrument_sha256=sha, label="2026",
                        presets={"school": SCHOOLS, "class": ["9C", "9D"]}, is_open=True)
    # a tagged batch has at least min_n (5) codes; four of them answer
    tagged = store.issue_codes("c", 5, {"class": "9D", "school": "Årbyskolan"})[:4]
    for code in tagged:
        handle = store.begin("c", code=code)
        first = instrument.pages[0]
        store.save_page(handle.id, first.id, {})
        assert store.submit(handle.id)
    new = store.wave_dataset("c")
    assert new.n == 4
    assert list(new.groups["class"]) == ["9D"] * 4
    assert list(new.groups["school"]) == ["Årbyskolan"] * 4
    assert_same(new, _reference(store, "c"))


def test_empty_and_unknown_wave(store) -> None:
    from surveys.store import UnknownSurvey

    instrument, sha = _register(store, "trygghet")
    store.create_survey(slug="e", instrument_sha256=sha, label="2026", is_open=True)
    empty = store.wave_dataset("e")
    assert empty.n == 0 and empty.matrix.shape[1] == len(empty.columns)
    with pytest.raises(UnknownSurvey):
        store.wave_dataset("nope")


@pytest.mark.parametrize("instrument_id", ["cannabis-attityd", "trygghet", "medborgardialog"])
def test_from_records_equals_the_reference(instrument_id: str) -> None:
    instrument = load_all()[instrument_id]
    records = generate(instrument, 400, seed=7)
    for record in records[::5]:
        record["use"] = "3"  # a code given as a digit string
    presets = {"school": SCHOOLS}
    ref_records = [{**{k: v for k, v in r.items() if k != "submitted_on"},
                    WEEK_COLUMN: iso_week(r["submitted_on"])} for r in records]
    assert_same(from_records(instrument, records, presets),
                reference_from_records(instrument, ref_records, presets))

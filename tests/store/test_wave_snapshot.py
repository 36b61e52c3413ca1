"""The stored per-wave snapshot (``wave_snapshots``) against the grouped SQL
read of the answers table, field by field and row by row, on generated
waves of the three real instruments (every item kind, missing answers,
Unicode text, group values, tags): a complete snapshot, one extended by
submissions and by an import, one that cannot be matched (another
instrument version, a response gone, a corrupt row), and after a purge and a
delete; on SQLite and PostgreSQL. Which path ran is read from the SQL the
engine actually executed."""
from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import numpy as np
import pytest
from sqlalchemy import event, func, select, update

from surveys.dataset import Dataset
from surveys.models import WaveSnapshot
from surveys.store import Store, wave_snapshot

from .test_wave_read import SCHOOLS, _reference, _register, assert_same, generate


def assert_identical(a: Dataset, b: Dataset) -> None:
    """The same dataset: columns, every matrix cell (NaN included), the same
    rows in the same order, group columns and texts with their dtypes."""
    assert a.columns == b.columns
    assert a.matrix.shape == b.matrix.shape and a.matrix.dtype == b.matrix.dtype == np.float64
    assert np.array_equal(a.matrix, b.matrix, equal_nan=True)
    assert sorted(a.groups) == sorted(b.groups)
    for name in a.groups:
        assert a.groups[name].dtype == b.groups[name].dtype, name
        assert a.groups[name].tolist() == b.groups[name].tolist(), name
    assert list(a.texts) == list(b.texts)
    for key in a.texts:
        assert a.texts[key] == b.texts[key], key


@contextmanager
def statements(store: Store) -> Iterator[list[str]]:
    """The SQL statements the store's engine runs inside the block."""
    seen: list[str] = []

    def record(conn, cursor, statement, *args):  # noqa: ANN001
        seen.append(statement)

    event.listen(store.engine, "before_cursor_execute", record)
    try:
        yield seen
    finally:
        event.remove(store.engine, "before_cursor_execute", record)


def _answer_reads(seen: list[str]) -> list[str]:
    return [s for s in seen if "JOIN answers" in s]


def _snapshot_row(store: Store, slug: str) -> Any:
    survey = store.survey(slug)
    with store.engine.connect() as conn:
        return conn.execute(select(WaveSnapshot.n_submitted, WaveSnapshot.instrument_sha256)
                            .where(WaveSnapshot.survey_id == survey.id)).first()


def _fresh(store: Store) -> Store:
    """Another process's store on the same database (an empty in-process cache)."""
    return Store(store.engine, secret_key=b"test-secret-key")


def _submit_one(store: Store, slug: str, instrument: Any, answers: dict[str, Any]) -> None:
    handle = store.begin(slug)
    store.save_page(handle.id, instrument.pages[0].id, answers)
    assert store.submit(handle.id)


@pytest.mark.parametrize("instrument_id", ["cannabis-attityd", "trygghet", "medborgardialog"])
def test_snapshot_equals_the_sql_read(store, instrument_id: str) -> None:
    instrument, sha = _register(store, instrument_id)
    store.create_survey(slug="w", instrument_sha256=sha, label="2026", mode="open",
                        presets={"school": SCHOOLS}, is_open=True)
    store.import_responses("w", generate(instrument, 250, seed=3 + len(instrument_id)))
    store.begin("w")  # in progress: in neither read

    assert _snapshot_row(store, "w") is None
    first = store.wave_dataset("w")  # reads the answers table, stores the snapshot
    assert tuple(_snapshot_row(store, "w")) == (250, sha)
    sql = store.wave_dataset("w", use_cache=False, use_snapshot=False)
    assert_identical(first, sql)

    # a fresh process: one row read, no answer read, the same dataset
    with statements(store) as seen:
        cold = _fresh(store).wave_dataset("w")
    assert not _answer_reads(seen)
    assert_identical(cold, sql)
    assert list(cold.groups) == list(sql.groups)
    assert_same(cold, _reference(store, "w"))  # and the pre-issue-13 reading

    # submissions through the respondent path: only they are read and merged in
    _submit_one(store, "w", instrument, {})
    _submit_one(store, "w", instrument, {})
    with statements(store) as seen:
        merged = _fresh(store).wave_dataset("w")
    reads = _answer_reads(seen)
    assert reads and all("json_each(?)" in s or "unnest(" in s for s in reads)
    assert merged.n == 252 and tuple(_snapshot_row(store, "w")) == (252, sha)
    assert_identical(merged, store.wave_dataset("w", use_cache=False, use_snapshot=False))

    # an import: merged the same way
    store.import_responses("w", generate(instrument, 40, seed=99))
    with statements(store) as seen:
        merged = _fresh(store).wave_dataset("w")
    assert all("json_each(?)" in s or "unnest(" in s for s in _answer_reads(seen))
    sql = store.wave_dataset("w", use_cache=False, use_snapshot=False)
    assert_identical(merged, sql)
    assert_same(merged, _reference(store, "w"))
    # and the stored merge reads back the same
    assert_identical(_fresh(store).wave_dataset("w"), sql)


def test_unmatched_snapshots_are_not_used(store) -> None:
    instrument, sha = _register(store, "medborgardialog")
    store.create_survey(slug="m", instrument_sha256=sha, label="2026", mode="open", is_open=True)
    store.import_responses("m", generate(instrument, 60, seed=5))
    store.wave_dataset("m")
    survey = store.survey("m")
    truth = store.wave_dataset("m", use_cache=False, use_snapshot=False)

    # another instrument version's snapshot: the answers table is read, the snapshot replaced
    with store.engine.begin() as conn:
        conn.execute(update(WaveSnapshot).values(instrument_sha256="0" * 64))
    with statements(store) as seen:
        got = _fresh(store).wave_dataset("m")
    assert _answer_reads(seen) and not any("unnest(" in s or "json_each(?)" in s for s in seen)
    assert_identical(got, truth)
    assert tuple(_snapshot_row(store, "m")) == (60, sha)

    def stored_instead(rows: Dataset, ids: list[str]) -> Dataset:
        """Store ``rows`` as the 59 rows of responses ``ids``; read the wave afresh."""
        encoded = wave_snapshot.encode(rows, ids)
        with store.engine.begin() as conn:
            conn.execute(update(WaveSnapshot).values(
                n_submitted=59, layout=encoded.layout, payload=encoded.payload,
                response_ids=encoded.response_ids))
        with statements(store) as seen:
            got = _fresh(store).wave_dataset("m")
        assert not any("unnest(" in s or "json_each(?)" in s for s in _answer_reads(seen))
        return got

    with store.engine.connect() as conn:
        ids = wave_snapshot.decode_ids(conn.execute(select(WaveSnapshot.response_ids)).scalar_one())
    smaller = Dataset(truth.columns, truth.matrix[1:], {k: v[1:] for k, v in truth.groups.items()},
                      {k: v[1:] for k, v in truth.texts.items()})
    # a stored row that is no submitted response: the whole wave is read again, never a wrong merge
    assert_identical(stored_instead(smaller, ["not-a-response", *ids[2:]]), truth)
    # the stored rows in another order than the ids' (a collation changed): read in full
    assert_identical(stored_instead(smaller, [*ids[1:]][::-1]), truth)

    # a layout of an unknown format is not read, and replaced
    with store.engine.begin() as conn:
        conn.execute(update(WaveSnapshot).values(layout={"format": 999}, n_submitted=60))
    assert_identical(_fresh(store).wave_dataset("m"), truth)
    with statements(store) as seen:
        assert_identical(_fresh(store).wave_dataset("m"), truth)
    assert not _answer_reads(seen)
    assert survey.id == store.survey("m").id


def test_purge_and_delete_drop_the_snapshot(store) -> None:
    import datetime as dt

    instrument, sha = _register(store, "cannabis-attityd")
    store.create_survey(slug="p", instrument_sha256=sha, label="2026", mode="open",
                        presets={"school": SCHOOLS}, is_open=True)
    store.import_responses("p", generate(instrument, 30, seed=1))
    before = store.wave_dataset("p")
    survey = store.survey("p")
    with store.engine.connect() as conn:
        ids = store._submitted_ids(conn, survey.id)
    assert _snapshot_row(store, "p") is not None
    store.purge_raw("p", {"n": 30}, dt.date(2030, 1, 1))
    assert _snapshot_row(store, "p") is None
    assert _fresh(store).wave_dataset("p").n == 0
    # a read that began before the purge and stores its snapshot after it stores nothing
    _fresh(store)._write_snapshot(survey, 30, before, ids)
    assert _snapshot_row(store, "p") is None

    store.create_survey(slug="d", instrument_sha256=sha, label="2026", mode="open",
                        presets={"school": SCHOOLS}, is_open=True)
    store.import_responses("d", generate(instrument, 10, seed=2))
    store.wave_dataset("d")
    survey = store.survey("d")
    store.delete_survey("d")
    with store.engine.connect() as conn:
        assert conn.execute(select(func.count()).select_from(WaveSnapshot)
                            .where(WaveSnapshot.survey_id == survey.id)).scalar_one() == 0


def test_an_older_read_does_not_replace_a_newer_snapshot(store) -> None:
    instrument, sha = _register(store, "trygghet")
    store.create_survey(slug="o", instrument_sha256=sha, label="2026", mode="open", is_open=True)
    store.import_responses("o", generate(instrument, 20, seed=4))
    older = store.wave_dataset("o")
    survey = store.survey("o")
    with store.engine.connect() as conn:
        older_ids = store._submitted_ids(conn, survey.id)
    store.import_responses("o", generate(instrument, 5, seed=6))
    newer = _fresh(store).wave_dataset("o")
    assert tuple(_snapshot_row(store, "o")) == (25, sha)
    # a slow reader of the 20-response state finishes last: the 25 stay stored
    _fresh(store)._write_snapshot(survey, 20, older, older_ids)
    assert tuple(_snapshot_row(store, "o")) == (25, sha)
    with statements(store) as seen:
        assert_identical(_fresh(store).wave_dataset("o"), newer)
    assert not _answer_reads(seen)


def test_codec_round_trip_and_merge() -> None:
    rng = np.random.default_rng(0)
    matrix = rng.integers(1, 7, size=(50, 4)).astype(float)
    matrix[rng.random((50, 4)) < 0.3] = np.nan
    groups = {"school": np.array(["Årbyskolan", "", "مدرسة"] * 16 + ["x", "y"]).astype(str)}
    texts = {"t": [None if k % 3 else f"svar {k} 🚲" for k in range(50)]}
    ds = Dataset(["a", "b", "c", "d"], matrix, groups, texts)
    ids = [f"{k:036d}" for k in range(50)]
    enc = wave_snapshot.encode(ds, ids)
    assert enc.layout["arrays"][0]["dtype"] == "|i1"  # small whole numbers: stored as int8
    assert_identical(wave_snapshot.decode(enc.layout, enc.payload), ds)
    assert wave_snapshot.decode_ids(enc.response_ids) == ids

    for value, dtype in ((-128.0, "<i2"), (40000.0, "<i4")):
        wide = Dataset(["a"], np.array([[value], [np.nan], [1.0]]), {}, {})
        enc = wave_snapshot.encode(wide, ids[:3])
        assert enc.layout["arrays"][0]["dtype"] == dtype
        assert_identical(wave_snapshot.decode(enc.layout, enc.payload), wide)
    fractional = Dataset(["a"], np.array([[0.5], [np.nan], [2.0 ** 40]]), {}, {})
    enc = wave_snapshot.encode(fractional, ids[:3])
    assert enc.layout["arrays"][0]["dtype"] == "<f8"
    assert_identical(wave_snapshot.decode(enc.layout, enc.payload), fractional)

    # merge: rows interleaved by the mask; a group or text on one side only is "" / None elsewhere
    old = Dataset(["a"], np.array([[1.0], [2.0]]), {"g": np.array(["x", "yy"])}, {"t": ["p", None]})
    new = Dataset(["a"], np.array([[np.nan]]), {"h": np.array(["zzz"])}, {"u": ["q"]})
    merged = wave_snapshot.merge(old, new, np.array([True, False, True]))
    assert np.array_equal(merged.matrix, np.array([[1.0], [np.nan], [2.0]]), equal_nan=True)
    assert merged.groups["g"].tolist() == ["x", "", "yy"] and merged.groups["h"].tolist() == ["", "zzz", ""]
    assert merged.texts == {"t": ["p", None, None], "u": [None, "q", None]}
    with pytest.raises(ValueError):
        wave_snapshot.merge(old, new, np.array([True, True, True]))

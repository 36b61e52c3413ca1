"""Reading a whole wave for the analyst side: straight from the database into
a :class:`~surveys.dataset.Dataset`, in a few grouped queries, plus a
per-process cache of the result.

Why this shape (measurements in ``docs/analyst-scale.md``): the database
groups the answers by value, so Python sees one row per distinct
(item, code) pair, tag value and day rather than one per answer or per
respondent. Each row carries the respondents that gave it as one packed
string of fixed-width respondent numbers (PostgreSQL: 4-byte big-endian
integers, ``string_agg(int4send(k))``; SQLite: 8 hex digits,
``group_concat(printf('%08x', k))``), which numpy decodes without a Python
loop. Respondents are numbered 0..n-1 by their random id, so the row order
says nothing about when anyone answered. Free-text answers come row by row
(there are few), and the submission day is turned into its ISO week before
it reaches the dataset.

All the queries of one read run in one snapshot (one transaction; REPEATABLE
READ on PostgreSQL), so the numbering is the same in each.

The cache: submitted responses never change and are only ever added (a
submit, an import) or removed with their whole wave (a new wave with the
same slug gets a new id), so (survey id, number of submitted responses)
identifies a wave's content. A request costs one ``count(*)`` when the wave
has not changed since the last read in this process.

Below that cache, the database keeps each wave's dataset as a snapshot
(``wave_snapshots``, :mod:`surveys.store.wave_snapshot`), so a read in a
fresh process is one row read when the snapshot holds every submitted
response. When responses were added since, only those (the submitted ids
the snapshot lacks) are read with the grouped queries and merged in; a
snapshot that cannot be matched to the wave (another instrument version, a
response gone) is not used, and the wave is read in full. The snapshot is
only a cache: written after a read, never by a submission, and dropped with
the wave's raw answers.
"""
from __future__ import annotations

import datetime as dt
import json
import logging
import threading
from collections import OrderedDict
from typing import Any

import numpy as np
from sqlalchemy import Connection, delete, insert, select, text
from sqlalchemy.exc import SQLAlchemyError

from surveys.dataset import SOURCE_COLUMN, WEEK_COLUMN, Dataset, assemble, group_label, iso_week
from surveys.models import Survey, WaveSnapshot
from surveys.store import wave_snapshot
from surveys.store.waves import WavesMixin

log = logging.getLogger(__name__)

#: Bytes of datasets a process keeps (least recently used dropped first).
WAVE_CACHE_BYTES = 1 << 30

_NUMBERED = """
WITH r AS (
    SELECT id, submitted_on, group_values, imported,
           CAST(row_number() OVER (ORDER BY id) - 1 AS INTEGER) AS k
    FROM responses WHERE survey_id = :survey AND status = 'submitted'{only}
)
"""
#: Dialect -> the filter that limits a read to the responses listed in :ids
#: (a semi-join: ``id = ANY(:ids)`` would compare every row with every id).
_ONLY = {"postgresql": " AND id IN (SELECT unnest(CAST(:ids AS varchar[])))",
         "sqlite": " AND id IN (SELECT value FROM json_each(:ids))"}
_SUBMITTED_IDS = text("SELECT id FROM responses WHERE survey_id = :survey "
                      "AND status = 'submitted' ORDER BY id")
#: Dialect -> (aggregate of the respondent numbers, tag rows of a response).
_PACK = {
    "postgresql": ("string_agg(int4send(r.k), ''::bytea)",
                   "CROSS JOIN LATERAL json_each_text(CASE WHEN json_typeof(r.group_values) = "
                   "'object' THEN r.group_values ELSE '{}'::json END) AS j"),
    "sqlite": ("group_concat(printf('%08x', r.k), '')",
               ", json_each(CASE WHEN json_type(r.group_values) = 'object' "
               "THEN r.group_values ELSE '{}' END) AS j"),
}
_SQLITE_READ_PRAGMAS = ("PRAGMA mmap_size = 1073741824", "PRAGMA cache_size = -65536",
                        "PRAGMA temp_store = MEMORY")
_HEX = np.full(256, 0, dtype=np.int64)
_HEX[np.frombuffer(b"0123456789", dtype=np.uint8)] = np.arange(10)
_HEX[np.frombuffer(b"abcdef", dtype=np.uint8)] = np.arange(10, 16)
_HEX_WEIGHTS = 16 ** np.arange(7, -1, -1, dtype=np.int64)


def _rows(packed: Any) -> np.ndarray:
    """Decode a packed list of respondent numbers (bytes: big-endian int32;
    str: 8 hex digits each)."""
    if packed is None:
        return np.empty(0, dtype=np.intp)
    if isinstance(packed, (bytes, bytearray, memoryview)):
        return np.frombuffer(packed, dtype=">i4").astype(np.intp)
    digits = np.frombuffer(packed.encode("ascii"), dtype=np.uint8)
    return (_HEX[digits].reshape(-1, 8) @ _HEX_WEIGHTS).astype(np.intp)


def _day(value: Any) -> dt.date | None:
    if value is None or isinstance(value, dt.date):
        return value
    return dt.date.fromisoformat(str(value)[:10])


class WaveReadMixin(WavesMixin):
    """The analyst side's one read of a wave: :meth:`wave_dataset`."""

    _wave_cache_bytes = WAVE_CACHE_BYTES

    def _cache(self) -> tuple[threading.Lock, "OrderedDict[str, tuple[Any, Dataset]]"]:
        cache = self.__dict__.get("_wave_cache")
        if cache is None:
            cache = self.__dict__.setdefault("_wave_cache", (threading.Lock(), OrderedDict()))
        return cache

    def wave_dataset(self, slug: str, *, use_cache: bool = True,
                     use_snapshot: bool = True) -> Dataset:
        """The submitted answers of wave ``slug`` as a read-only Dataset
        (shared with other callers in this process: never modify it).

        Rows are the respondents in the order of their random ids; group
        columns are the group items' labels (else the code's tags, e.g.
        ``class``), ``submitted_week`` ("2026-W48") and ``source`` ("app",
        or "import" for a response imported from a file). ``use_cache``
        False skips this process's cache, ``use_snapshot`` False the stored
        snapshot (read the answers table, write no snapshot). Raises
        :class:`~surveys.store.errors.UnknownSurvey`."""
        lock, cache = self._cache()
        with self.engine.connect() as conn:
            if conn.dialect.name == "postgresql":
                conn = conn.execution_options(isolation_level="REPEATABLE READ")
            survey = self._get_survey(conn, slug)
            n = int(conn.execute(
                text("SELECT count(*) FROM responses WHERE survey_id = :survey "
                     "AND status = 'submitted'"), {"survey": survey.id}).scalar_one())
            version = (survey.id, survey.instrument_sha256, n)
            if use_cache:
                with lock:
                    hit = cache.get(slug)
                    if hit is not None and hit[0] == version:
                        cache.move_to_end(slug)
                        return hit[1]
            if use_snapshot:
                dataset, ids = self._read_through_snapshot(conn, survey, n)
            else:
                dataset, ids = self._read_dataset(conn, survey, n), None
        if ids is not None:
            self._write_snapshot(survey, n, dataset, ids)
        dataset.freeze()
        if use_cache and dataset.nbytes <= self._wave_cache_bytes:
            with lock:
                cache[slug] = (version, dataset)
                cache.move_to_end(slug)
                while sum(d.nbytes for _, d in cache.values()) > self._wave_cache_bytes:
                    cache.popitem(last=False)
        return dataset

    # ------------------------------------------------------------ snapshot
    def _read_through_snapshot(self, conn: Connection, survey: Any,
                               n: int) -> tuple[Dataset, list[str] | None]:
        """The wave's dataset from its stored snapshot, extended by the
        responses submitted since, or read in full when the snapshot is
        missing or cannot be matched. Returns the dataset and, when a new
        snapshot should be stored, the response ids of its rows."""
        row = conn.execute(
            select(WaveSnapshot.instrument_sha256, WaveSnapshot.n_submitted)
            .where(WaveSnapshot.survey_id == survey.id)).first()
        usable = row is not None and row.instrument_sha256 == survey.instrument_sha256 \
            and 0 < row.n_submitted <= n
        old = None
        if usable:
            stored = conn.execute(select(WaveSnapshot.layout, WaveSnapshot.payload)
                                  .where(WaveSnapshot.survey_id == survey.id)).one()
            old = wave_snapshot.decode(stored.layout, bytes(stored.payload))
        if old is not None and old.n == row.n_submitted == n:
            return old, None  # complete: nothing submitted since it was stored
        ids = self._submitted_ids(conn, survey.id)
        if old is not None and old.n == row.n_submitted:
            old_ids = wave_snapshot.decode_ids(bytes(conn.execute(
                select(WaveSnapshot.response_ids)
                .where(WaveSnapshot.survey_id == survey.id)).scalar_one()))
            stored = set(old_ids)
            from_old = np.fromiter((i in stored for i in ids), dtype=bool, count=len(ids))
            # every stored row must still be a submitted response, in the same order
            if len(stored) == len(old_ids) == int(from_old.sum()) and \
                    [i for i, old_row in zip(ids, from_old) if old_row] == old_ids:
                added = [i for i, old_row in zip(ids, from_old) if not old_row]
                new = self._read_dataset(conn, survey, len(added), only=added)
                return wave_snapshot.merge(old, new, from_old), ids
        return self._read_dataset(conn, survey, n), ids

    @staticmethod
    def _submitted_ids(conn: Connection, survey_id: int) -> list[str]:
        """The ids of a wave's submitted responses, in the database's id order."""
        return list(conn.execute(_SUBMITTED_IDS, {"survey": survey_id}).scalars())

    def _write_snapshot(self, survey: Any, n: int, dataset: Dataset, ids: list[str]) -> None:
        """Store ``dataset`` (``n`` rows, the responses ``ids``) as the wave's
        snapshot, unless the wave was purged, deleted or moved to another
        instrument version meanwhile, or a snapshot at least as new is stored.
        A failure is logged, never raised: the snapshot is only a cache."""
        if n == 0:
            return
        encoded = wave_snapshot.encode(dataset, ids)  # before taking the write lock
        try:
            with self._write() as conn:
                lock = select(Survey.id).where(Survey.id == survey.id, Survey.purged_on.is_(None),
                                               Survey.instrument_sha256 == survey.instrument_sha256)
                if conn.dialect.name == "postgresql":
                    # waits for a purge or delete of the wave in flight (they update the row first)
                    lock = lock.with_for_update(read=True)
                if conn.execute(lock).first() is None:
                    return
                now = conn.execute(text("SELECT count(*) FROM responses WHERE survey_id = :survey "
                                        "AND status = 'submitted'"), {"survey": survey.id}).scalar_one()
                stored = conn.execute(select(WaveSnapshot.instrument_sha256, WaveSnapshot.n_submitted,
                                             WaveSnapshot.layout)
                                      .where(WaveSnapshot.survey_id == survey.id)).first()
                if now < n or (stored is not None and n <= stored.n_submitted <= now
                               and stored.instrument_sha256 == survey.instrument_sha256
                               and wave_snapshot.readable(stored.layout)):
                    return  # a response gone since the read, or a snapshot as new is stored
                conn.execute(delete(WaveSnapshot).where(WaveSnapshot.survey_id == survey.id))
                conn.execute(insert(WaveSnapshot).values(
                    survey_id=survey.id, instrument_sha256=survey.instrument_sha256, n_submitted=n,
                    layout=encoded.layout, payload=encoded.payload, response_ids=encoded.response_ids))
        except SQLAlchemyError:
            log.warning("wave %s: its snapshot was not stored", survey.slug, exc_info=True)

    def _read_dataset(self, conn: Connection, survey: Any, n: int,
                      only: list[str] | None = None) -> Dataset:
        """The wave's ``n`` submitted responses read from the answers table
        (``only``: just the responses with these ids, ``n`` of them)."""
        instrument = self.instrument(survey.instrument_sha256)
        presets = survey.presets
        dialect = conn.dialect.name if conn.dialect.name in _PACK else "sqlite"
        pack, tag_rows = _PACK[dialect]
        if dialect == "sqlite":
            # the answers of a large wave are read by index, page by page:
            # memory-mapped pages and a larger cache save a system call per page,
            # and the GROUP BY sorts in memory
            for pragma in _SQLITE_READ_PRAGMAS:
                conn.exec_driver_sql(pragma)
        elif dialect == "postgresql":
            # one large grouping: enough memory to hash it in one batch, no JIT
            # compilation (its start-up cost is larger than its gain here)
            conn.exec_driver_sql("SET LOCAL work_mem = '256MB'")
            conn.exec_driver_sql("SET LOCAL jit = off")
        params: dict[str, Any] = {"survey": survey.id}
        numbered = _NUMBERED.format(only="" if only is None else _ONLY[dialect])
        if only is not None:
            params["ids"] = only if dialect == "postgresql" else json.dumps(only)
        items = {i.id: i for i in instrument.items}
        multis = {i.id for i in instrument.items if i.kind == "multi"}

        coded = conn.execute(text(
            # SQL from this module's constants only; the wave id is a bound parameter
            f"{numbered} SELECT a.item_id, a.code, {pack} FROM r "  # nosec B608
            "JOIN answers a ON a.response_id = r.id WHERE a.code IS NOT NULL "
            "GROUP BY a.item_id, a.code"), params).all()
        written = conn.execute(text(
            # SQL from this module's constants only; the wave id is a bound parameter
            f"{numbered} SELECT r.k, a.item_id, a.text FROM r "  # nosec B608
            "JOIN answers a ON a.response_id = r.id WHERE a.text IS NOT NULL "
            "ORDER BY r.k, a.item_id, a.position"), params).all()
        days = conn.execute(text(
            # SQL from this module's constants only; the wave id is a bound parameter
            f"{numbered} SELECT r.submitted_on, {pack} FROM r GROUP BY r.submitted_on"),  # nosec B608
            params).all()
        sources = conn.execute(text(
            # SQL from this module's constants only; the wave id is a bound parameter
            f"{numbered} SELECT r.imported, {pack} FROM r GROUP BY r.imported"),  # nosec B608
            params).all()
        tags = conn.execute(text(
            # SQL from this module's constants only; the wave id is a bound parameter
            f"{numbered} SELECT j.key, CAST(j.value AS TEXT), {pack} FROM r {tag_rows} "  # nosec B608
            "WHERE j.value IS NOT NULL GROUP BY j.key, CAST(j.value AS TEXT)"), params).all()

        codes, item_labels, extra_labels = [], [], []
        for item_id, code, packed in coded:
            rows = _rows(packed)
            item = items.get(item_id)
            if item is None:  # not an item of this version: kept as a label
                extra_labels.append((item_id, str(code), rows))
                continue
            codes.append((item_id, code, rows))
            if item.group and item.kind != "multi":
                item_labels.append((item.group, group_label(instrument, item, code, presets),
                                    rows))
        texts: dict[str, tuple[list[int], list[str]]] = {}
        for k, item_id, value in written:
            item = items.get(item_id)
            if (item is not None and item.kind == "text") or (
                    item is None and item_id.endswith("_other")
                    and item_id[: -len("_other")] in multis):
                rows_list, values = texts.setdefault(item_id, ([], []))
                rows_list.append(k)
                values.append(value)
            elif item is None:
                extra_labels.append((item_id, value, np.array([k], dtype=np.intp)))
        week_labels = [(WEEK_COLUMN, iso_week(_day(day)), _rows(packed)) for day, packed in days]
        tag_labels = [(str(key), str(value), _rows(packed)) for key, value, packed in tags]
        source_labels = [(SOURCE_COLUMN, "import" if imported else "app", _rows(packed))
                         for imported, packed in sources]
        return assemble(
            instrument, n, codes,
            [(key, np.asarray(rows, dtype=np.intp), values)
             for key, (rows, values) in texts.items()],
            # a group item's answer wins over the code's tag
            [week_labels, source_labels, tag_labels, extra_labels, item_labels],
        )

"""Registering instrument versions, drafts and publishing, and reading them back."""
from __future__ import annotations

from typing import TYPE_CHECKING, Any

from sqlalchemy import insert, select, update
from sqlalchemy.exc import IntegrityError

from surveys.models import InstrumentVersion
from surveys.store.dates import today
from surveys.store.errors import InvalidInstrument, UnknownInstrument
from surveys.store.records import InstrumentInfo
from surveys.store.transactions import StoreBase

if TYPE_CHECKING:
    from surveys.instrument import Instrument

SOURCE_FORMATS = ("yaml", "xlsform")
_COLUMNS = (InstrumentVersion.sha256, InstrumentVersion.instrument_id, InstrumentVersion.version,
            InstrumentVersion.registered_on, InstrumentVersion.published, InstrumentVersion.source_format,
            InstrumentVersion.previous_sha256)


def _info(row: Any) -> InstrumentInfo:
    return InstrumentInfo(row.sha256, row.instrument_id, row.version, row.registered_on, bool(row.published),
                          row.source_format, row.previous_sha256)


class InstrumentsMixin(StoreBase):
    """Instrument versions, stored by their sha256."""

    def register_instrument(self, instrument: Instrument, source_yaml: str) -> str:
        """Store a published instrument version (idempotent by its sha256; a
        draft of the same content becomes published); returns the sha256."""
        sha = self._check_sha(instrument)
        self._instruments[sha] = instrument
        with self._read() as conn:
            published = conn.scalar(select(InstrumentVersion.published).where(InstrumentVersion.sha256 == sha))
        if published is None:
            self._insert_version(instrument, source_yaml, published=True, source_format=None)
        elif not published:
            self.publish_instrument(sha)
        return sha

    def add_draft(self, instrument: Instrument, source_yaml: str, source_format: str) -> InstrumentInfo:
        """Store an uploaded version as a draft (previewable, not usable by a
        wave until published). Content already stored is returned as it is."""
        if source_format not in SOURCE_FORMATS:
            raise InvalidInstrument(f"source format must be one of {SOURCE_FORMATS}")
        sha = self._check_sha(instrument)
        self._instruments[sha] = instrument
        if self._version_row(sha) is None:
            self._insert_version(instrument, source_yaml, published=False, source_format=source_format)
        return self.instrument_info(sha)

    def publish_instrument(self, sha256: str) -> InstrumentInfo:
        """Publish a draft as the newest version of its instrument. Refused
        when it is published already, or when another published version of
        the same instrument has the same version label (raise the version)."""
        with self._write() as conn:
            row = conn.execute(select(*_COLUMNS).where(InstrumentVersion.sha256 == sha256)).first()
            if row is None:
                raise UnknownInstrument(f"no instrument version with sha256 {sha256}")
            if row.published:
                raise InvalidInstrument(f"version {row.version} of '{row.instrument_id}' is published already",
                                        "already_published", instrument=row.instrument_id, version=row.version)
            others = conn.execute(select(*_COLUMNS).where(
                InstrumentVersion.instrument_id == row.instrument_id,
                InstrumentVersion.published.is_(True))).all()
            if any(o.version == row.version for o in others):
                raise InvalidInstrument(
                    f"version {row.version} of '{row.instrument_id}' is published already with other content; "
                    "give the new one a new version", "version_taken", instrument=row.instrument_id,
                    version=row.version)
            previous = _newest(others)
            conn.execute(update(InstrumentVersion).where(InstrumentVersion.sha256 == sha256).values(
                published=True, previous_sha256=previous.sha256 if previous else None, registered_on=today()))
        return self.instrument_info(sha256)

    def instrument_info(self, sha256: str) -> InstrumentInfo:
        """One stored version (draft or published); raises UnknownInstrument."""
        row = self._version_row(sha256)
        if row is None:
            raise UnknownInstrument(f"no instrument version with sha256 {sha256}")
        return _info(row)

    def instrument(self, sha256: str) -> Instrument:
        """The parsed instrument version (reparsed from its stored YAML once)."""
        cached = self._instruments.get(sha256)
        if cached is not None:
            return cached
        with self._read() as conn:
            row = conn.execute(
                select(InstrumentVersion.source_yaml, InstrumentVersion.instrument_id).where(
                    InstrumentVersion.sha256 == sha256
                )
            ).first()
        if row is None:
            raise UnknownInstrument(f"no instrument version with sha256 {sha256}")
        from surveys.loader import load_instrument_text

        parsed = load_instrument_text(row.source_yaml, path=f"<stored {row.instrument_id}>")
        self._instruments[sha256] = parsed
        return parsed

    def instrument_source(self, sha256: str) -> str:
        """The YAML text an instrument version was registered with."""
        with self._read() as conn:
            text = conn.scalar(
                select(InstrumentVersion.source_yaml).where(InstrumentVersion.sha256 == sha256)
            )
        if text is None:
            raise UnknownInstrument(f"no instrument version with sha256 {sha256}")
        return text

    def instruments(self) -> list[InstrumentInfo]:
        """Every published instrument version (the ones a wave can use), by id then version."""
        return [i for i in self.instrument_versions() if i.published]

    def instrument_versions(self) -> list[InstrumentInfo]:
        """Every stored version, drafts included, by id then version."""
        with self._read() as conn:
            rows = conn.execute(select(*_COLUMNS).order_by(
                InstrumentVersion.instrument_id, InstrumentVersion.version)).all()
        return [_info(r) for r in rows]

    # -- helpers ---------------------------------------------------------------------
    @staticmethod
    def _check_sha(instrument: Instrument) -> str:
        if not instrument.sha256:
            raise UnknownInstrument(f"instrument '{instrument.id}' has no sha256; load it with surveys.loader")
        return instrument.sha256

    def _version_row(self, sha256: str) -> Any:
        with self._read() as conn:
            return conn.execute(select(*_COLUMNS).where(InstrumentVersion.sha256 == sha256)).first()

    def _insert_version(self, instrument: Instrument, source_yaml: str, *, published: bool,
                        source_format: str | None) -> None:
        previous = None
        if published:
            with self._read() as conn:
                previous = _newest(conn.execute(select(*_COLUMNS).where(
                    InstrumentVersion.instrument_id == instrument.id,
                    InstrumentVersion.published.is_(True))).all())
        try:
            with self._write() as conn:
                conn.execute(
                    insert(InstrumentVersion).values(
                        sha256=instrument.sha256,
                        instrument_id=instrument.id,
                        version=str(instrument.version),
                        source_yaml=source_yaml,
                        registered_on=today(),
                        published=published,
                        source_format=source_format,
                        previous_sha256=previous.sha256 if previous else None,
                    )
                )
        except IntegrityError:  # registered concurrently: same content, fine
            pass



def _newest(rows: list[Any]) -> Any:
    """The most recently published of ``rows`` (registered on the latest day;
    on one day, the one no other row names as its previous version)."""
    if not rows:
        return None
    latest = max(r.registered_on for r in rows)
    candidates = [r for r in rows if r.registered_on == latest]
    named = {r.previous_sha256 for r in candidates}
    heads = [r for r in candidates if r.sha256 not in named]
    return (heads or candidates)[-1]

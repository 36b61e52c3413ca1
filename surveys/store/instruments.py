"""Registering instrument versions and reading them back."""
from __future__ import annotations

from typing import TYPE_CHECKING

from sqlalchemy import insert, select
from sqlalchemy.exc import IntegrityError

from surveys.models import InstrumentVersion
from surveys.store.dates import today
from surveys.store.errors import UnknownInstrument
from surveys.store.records import InstrumentInfo
from surveys.store.transactions import StoreBase

if TYPE_CHECKING:
    from surveys.instrument import Instrument


class InstrumentsMixin(StoreBase):
    """Instrument versions, stored by their sha256."""

    def register_instrument(self, instrument: Instrument, source_yaml: str) -> str:
        """Store an instrument version (idempotent by its sha256); returns the sha256."""
        sha = instrument.sha256
        if not sha:
            raise UnknownInstrument(f"instrument '{instrument.id}' has no sha256; load it with surveys.loader")
        self._instruments[sha] = instrument
        with self._read() as conn:
            if conn.scalar(select(InstrumentVersion.sha256).where(InstrumentVersion.sha256 == sha)):
                return sha
        try:
            with self._write() as conn:
                conn.execute(
                    insert(InstrumentVersion).values(
                        sha256=sha,
                        instrument_id=instrument.id,
                        version=str(instrument.version),
                        source_yaml=source_yaml,
                        registered_on=today(),
                    )
                )
        except IntegrityError:  # registered concurrently: same content, fine
            pass
        return sha

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
        """Every registered instrument version, by id then version."""
        with self._read() as conn:
            rows = conn.execute(
                select(
                    InstrumentVersion.sha256,
                    InstrumentVersion.instrument_id,
                    InstrumentVersion.version,
                    InstrumentVersion.registered_on,
                ).order_by(InstrumentVersion.instrument_id, InstrumentVersion.version)
            ).all()
        return [InstrumentInfo(r.sha256, r.instrument_id, r.version, r.registered_on) for r in rows]

"""The base of :class:`surveys.store.Store`: the engine, the secret key,
the parsed-instrument cache and the three kinds of connection."""
from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING

from sqlalchemy import Connection, Engine

from surveys.db import autocommit_engine, writer

if TYPE_CHECKING:
    from surveys.instrument import Instrument


class StoreBase:
    """One database and secret key; every public method opens its own short transaction."""

    def __init__(self, engine: Engine, secret_key: bytes):
        if not secret_key:
            raise ValueError("Store needs a non-empty secret key")
        self.engine = engine
        self._writer = writer(engine)
        # PostgreSQL: the respondent path's reads and single-statement writes
        # run on the engine's autocommit twin (why it is safe: docs/performance.md).
        self._reader = autocommit_engine(engine)
        self._key = secret_key if isinstance(secret_key, bytes) else str(secret_key).encode()
        self._instruments: dict[str, Instrument] = {}

    # -- transactions
    @contextmanager
    def _read(self) -> Iterator[Connection]:
        with self.engine.connect() as conn:
            yield conn

    @contextmanager
    def _quick_read(self) -> Iterator[Connection]:
        """A connection for the respondent path's short reads (see __init__)."""
        with self._reader.connect() as conn:
            yield conn

    @contextmanager
    def _one_statement(self) -> Iterator[Connection]:
        """PostgreSQL: a connection for a write that is a single statement, in
        autocommit (the statement is atomic on its own, without the BEGIN and
        COMMIT round trips). Only the PostgreSQL paths use it: elsewhere the
        reader is the plain engine, which would not commit."""
        assert self.engine.dialect.name == "postgresql", "single-statement writes are PostgreSQL's path"
        with self._reader.connect() as conn:
            yield conn

    @contextmanager
    def _write(self) -> Iterator[Connection]:
        with self._writer.begin() as conn:
            yield conn

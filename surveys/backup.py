"""Backup and restore of a survey-engine database.

* SQLite: the backup is an SQLite file made with SQLite's online backup API
  (consistent while the app keeps writing); a restore copies it back the same
  way, replacing the target's whole content in one step.
* PostgreSQL: the backup is a ``pg_dump`` archive (custom format) of the
  schema the URL uses (its ``search_path`` option, else ``public``); a
  restore runs ``pg_restore`` into that same schema. With ``force`` the
  schema's current content is first moved aside and dropped only once the
  restore succeeded, so a failed restore leaves the database as it was.
  Debian's ``postgresql-client`` provides both programs.

Refusals raise :class:`BackupError` with a one-line message; nothing is ever
overwritten silently (an existing backup file, a non-empty target without
``force``).
"""
from __future__ import annotations

import os
import re
import shutil
import sqlite3
import subprocess
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Callable
from urllib.parse import quote, unquote

from sqlalchemy.engine import URL, make_url

from surveys import config

SQLITE_MAGIC = b"SQLite format 3\x00"
PG_DUMP_MAGIC = b"PGDMP"
_SCHEMA_RE = re.compile(r"-c\s*search_path\s*=\s*([A-Za-z_][A-Za-z0-9_$]*)")


class BackupError(Exception):
    """A refused or failed backup or restore; ``str()`` is one line."""


@dataclass(frozen=True)
class Outcome:
    """What a backup or restore did, for the command to print."""

    path: Path
    backend: str
    tables: int
    rows: int


# -- public entry points --------------------------------------------------
def backup(url: str | None, path: str | os.PathLike[str],
           progress: Callable[[int, int], None] | None = None) -> Outcome:
    """Write a backup of the database at ``url`` to ``path`` (which must not exist).

    ``progress(done, total)`` follows the copy: SQLite pages as they are
    copied; for PostgreSQL (one ``pg_dump`` run) 0 of 1, then 1 of 1."""
    report = progress or (lambda done, total: None)
    target = Path(path)
    if target.exists():
        raise BackupError(f"{target} already exists; nothing was overwritten (remove it or choose another name)")
    if not target.parent.is_dir():
        raise BackupError(f"no such folder: {target.parent}")
    parsed = _parse(url)
    _require_survey_database(parsed)
    if parsed.get_backend_name() == "sqlite":
        _sqlite_backup(parsed, target, report)
    else:
        report(0, 1)
        _pg_backup(parsed, target)
        report(1, 1)
    tables, rows = _count(parsed)
    return Outcome(target, parsed.get_backend_name(), tables, rows)


def restore(url: str | None, path: str | os.PathLike[str], force: bool = False) -> Outcome:
    """Restore the backup at ``path`` into the database at ``url``.

    Refused when the file is missing or no backup of this backend, or when
    the target holds tables and ``force`` is not given."""
    source = Path(path)
    if not source.is_file():
        raise BackupError(f"no such file: {source}")
    kind = _kind_of(source)
    parsed = _parse(url)
    backend = parsed.get_backend_name()
    if kind is None:
        raise BackupError(f"{source} is not a survey-engine backup (neither an SQLite file nor a pg_dump archive)")
    if kind != backend:
        raise BackupError(f"{source} is a backup of a {_NAMES[kind]} database; it cannot be restored into {_NAMES[backend]}")
    if _table_names(parsed) and not force:
        raise BackupError(
            f"the database at {_safe(parsed)} is not empty; give --force to replace its content with the backup"
        )
    if backend == "sqlite":
        _sqlite_restore(source, parsed)
    else:
        _pg_restore(source, parsed)
    tables, rows = _count(parsed)
    return Outcome(source, backend, tables, rows)


_NAMES = {"sqlite": "SQLite", "postgresql": "PostgreSQL"}


# -- common ----------------------------------------------------------------
def _parse(url: str | None) -> URL:
    try:
        parsed = make_url(config.normalise_url(url) if url else config.database_url())
    except Exception:
        raise BackupError(f"not a database URL: {url}") from None
    if parsed.get_backend_name() not in _NAMES:
        raise BackupError(f"backup and restore support SQLite and PostgreSQL, not {parsed.get_backend_name()}")
    return parsed


def _safe(parsed: URL) -> str:
    return parsed.render_as_string(hide_password=True)


def _kind_of(path: Path) -> str | None:
    with path.open("rb") as fh:
        head = fh.read(16)
    if head.startswith(SQLITE_MAGIC):
        return "sqlite"
    if head.startswith(PG_DUMP_MAGIC):
        return "postgresql"
    return None


def _engine(parsed: URL):
    from sqlalchemy import create_engine
    from sqlalchemy.pool import NullPool

    return create_engine(parsed, poolclass=NullPool)


def _table_names(parsed: URL) -> list[str]:
    from sqlalchemy import inspect

    if parsed.get_backend_name() == "sqlite" and not _sqlite_file(parsed).exists():
        return []
    engine = _engine(parsed)
    try:
        with engine.connect() as conn:
            return inspect(conn).get_table_names(schema=_schema(parsed) if parsed.get_backend_name() == "postgresql" else None)
    except Exception as exc:
        raise BackupError(f"cannot open the database at {_safe(parsed)}: {_first_line(exc)}") from None
    finally:
        engine.dispose()


def _require_survey_database(parsed: URL) -> None:
    if parsed.get_backend_name() == "sqlite" and not _sqlite_file(parsed).exists():
        raise BackupError(f"no such database file: {_sqlite_file(parsed)}")
    if "alembic_version" not in _table_names(parsed):
        raise BackupError(f"the database at {_safe(parsed)} is not a survey-engine database (no schema revision)")


def _count(parsed: URL) -> tuple[int, int]:
    """(tables, rows) in the database, for the command's report."""
    from sqlalchemy import MetaData

    engine = _engine(parsed)
    try:
        with engine.connect() as conn:
            meta = MetaData(schema=_schema(parsed) if parsed.get_backend_name() == "postgresql" else None)
            meta.reflect(conn)
            rows = sum(conn.execute(t.select().with_only_columns(_count_star())).scalar_one() for t in meta.tables.values())
            return len(meta.tables), rows
    finally:
        engine.dispose()


def _count_star():
    from sqlalchemy import func

    return func.count()


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip()
    return text.splitlines()[0] if text else type(exc).__name__


# -- SQLite ------------------------------------------------------------------
def _sqlite_file(parsed: URL) -> Path:
    if not parsed.database or parsed.database == ":memory:":
        raise BackupError("an in-memory SQLite database cannot be backed up or restored")
    return Path(parsed.database)


#: SQLite pages copied per step of a backup (the progress bar's grain).
SQLITE_PAGES_PER_STEP = 256


def _sqlite_backup(parsed: URL, target: Path, report: Callable[[int, int], None]) -> None:
    tmp = target.with_name(f".{target.name}.partial")
    try:
        with sqlite3.connect(_sqlite_file(parsed), timeout=15) as src, sqlite3.connect(tmp) as dst:
            src.backup(dst, pages=SQLITE_PAGES_PER_STEP,
                       progress=lambda _status, remaining, total: report(total - remaining, total))
        src.close()
        dst.close()
        os.replace(tmp, target)
    finally:
        tmp.unlink(missing_ok=True)


def _sqlite_restore(source: Path, parsed: URL) -> None:
    with sqlite3.connect(source) as check:
        names = {r[0] for r in check.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    check.close()
    if "alembic_version" not in names:
        raise BackupError(f"{source} is an SQLite file but not a survey-engine backup (no schema revision)")
    target = _sqlite_file(parsed)
    target.parent.mkdir(parents=True, exist_ok=True)
    # The backup API replaces the whole target in one step, under SQLite's
    # write lock: a worker writing meanwhile waits, and sees the restored data.
    with sqlite3.connect(source) as src, sqlite3.connect(target, timeout=15) as dst:
        src.backup(dst)
    src.close()
    dst.close()


# -- PostgreSQL ----------------------------------------------------------------
def _schema(parsed: URL) -> str:
    options = parsed.query.get("options")
    if isinstance(options, tuple):
        options = " ".join(options)
    match = _SCHEMA_RE.search(unquote(options or ""))
    return match.group(1) if match else "public"


def _program(name: str) -> str:
    """``pg_dump``/``pg_restore``: on PATH (Debian's wrapper picks the right
    version), else the newest under /usr/lib/postgresql."""
    found = shutil.which(name)
    if found:
        return found
    candidates = sorted(Path("/usr/lib/postgresql").glob(f"*/bin/{name}"), key=lambda p: int(p.parts[-3]))
    if candidates:
        return str(candidates[-1])
    raise BackupError(f"{name} not found: install PostgreSQL's client programs (Debian: postgresql-client)")


def _libpq(parsed: URL) -> tuple[str, dict[str, str]]:
    """A libpq connection URI without the password, and the environment
    that carries the password (never on a command line)."""
    host = parsed.host or ""
    auth = quote(parsed.username or "", safe="")
    netloc = f"{auth}@" if auth else ""
    netloc += host if ":" not in host else f"[{host}]"
    if parsed.port:
        netloc += f":{parsed.port}"
    params = []
    for key, value in parsed.query.items():
        for one in value if isinstance(value, tuple) else (value,):
            params.append(f"{quote(key, safe='')}={quote(str(one), safe='')}")
    uri = f"postgresql://{netloc}/{quote(parsed.database or '', safe='')}"
    if params:
        uri += "?" + "&".join(params)
    env = dict(os.environ)
    if parsed.password:
        env["PGPASSWORD"] = str(parsed.password)
    return uri, env


def _run(args: list[str], env: dict[str, str], what: str) -> subprocess.CompletedProcess[str]:
    done = subprocess.run(args, env=env, capture_output=True, text=True)
    if done.returncode != 0:
        lines = [line for line in done.stderr.splitlines() if line.strip()]
        raise BackupError(f"{what} failed: {lines[0] if lines else f'exit status {done.returncode}'}")
    return done


def _pg_backup(parsed: URL, target: Path) -> None:
    uri, env = _libpq(parsed)
    tmp = target.with_name(f".{target.name}.partial")
    try:
        _run([_program("pg_dump"), "--format=custom", "--no-owner", "--no-privileges",
              f"--schema={_schema(parsed)}", f"--file={tmp}", f"--dbname={uri}"], env, "pg_dump")
        os.replace(tmp, target)
    finally:
        tmp.unlink(missing_ok=True)


def _archive_schemas(source: Path, env: dict[str, str]) -> tuple[list[str], str]:
    """The schemas an archive holds and its table of contents without the
    schema entries (the target schema is made here, not by the archive)."""
    listing = _run([_program("pg_restore"), "--list", str(source)], env, "pg_restore --list").stdout
    schemas, kept = [], []
    for line in listing.splitlines():
        # "<id>; <oid> <oid> SCHEMA - <name> <owner>"
        match = re.match(r"^\d+;\s+\d+\s+\d+\s+SCHEMA\s+-\s+(\S+)", line)
        if match:
            schemas.append(match.group(1))
            continue
        if re.match(r"^\d+;\s+\d+\s+\d+\s+COMMENT\s+-\s+SCHEMA\s", line):
            continue  # the schema's comment belongs to its owner
        kept.append(line)
    return schemas, "\n".join(kept) + "\n"


def _pg_restore(source: Path, parsed: URL) -> None:
    from sqlalchemy import text

    uri, env = _libpq(parsed)
    schema = _schema(parsed)
    schemas, listing = _archive_schemas(source, env)
    if schemas != [schema]:
        held = ", ".join(schemas) or "none"
        raise BackupError(f"{source} holds schema {held}; the database URL uses schema {schema}")
    aside = f"{schema}_replaced_{int(time.time())}"
    engine = _engine(parsed.set(query={k: v for k, v in parsed.query.items() if k != "options"}))
    try:
        with engine.begin() as conn:
            exists = conn.execute(text("SELECT 1 FROM pg_namespace WHERE nspname = :s"), {"s": schema}).scalar()
            if exists:
                conn.execute(text(f'ALTER SCHEMA "{schema}" RENAME TO "{aside}"'))
            conn.execute(text(f'CREATE SCHEMA "{schema}"'))
        with tempfile.NamedTemporaryFile("w", suffix=".list", delete=False) as fh:
            fh.write(listing)
        try:
            _run([_program("pg_restore"), "--no-owner", "--no-privileges", "--single-transaction",
                  "--exit-on-error", f"--use-list={fh.name}", f"--dbname={uri}", str(source)], env, "pg_restore")
        except BackupError:
            with engine.begin() as conn:  # put the previous content back
                conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
                if exists:
                    conn.execute(text(f'ALTER SCHEMA "{aside}" RENAME TO "{schema}"'))
            raise
        finally:
            os.unlink(fh.name)
        if exists:
            with engine.begin() as conn:
                conn.execute(text(f'DROP SCHEMA "{aside}" CASCADE'))
    except BackupError:
        raise
    except Exception as exc:
        raise BackupError(f"cannot restore into {_safe(parsed)}: {_first_line(exc)}") from None
    finally:
        engine.dispose()

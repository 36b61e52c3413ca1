"""Where the engine keeps its data: instance folder, database URL, secret key.

Everything comes from the environment with a working default, so a fresh
checkout runs without any set-up:

* ``SURVEY_ENGINE_INSTANCE`` — the instance folder (default ``./instance``);
* ``DATABASE_URL`` — default a SQLite file in the instance folder;
* ``SECRET_KEY`` — default a random key created once in
  ``<instance>/secret_key`` with mode 0600.
"""
from __future__ import annotations

import os
import secrets
from pathlib import Path

_SECRET_FILE = "secret_key"
_SQLITE_FILE = "survey-engine.sqlite3"


def instance_path() -> Path:
    """The instance folder (created if missing)."""
    path = Path(os.environ.get("SURVEY_ENGINE_INSTANCE") or Path.cwd() / "instance")
    path.mkdir(parents=True, exist_ok=True)
    return path


def database_url() -> str:
    """``DATABASE_URL`` from the environment, else the instance SQLite file."""
    url = os.environ.get("DATABASE_URL")
    if url:
        return normalise_url(url)
    return f"sqlite:///{instance_path() / _SQLITE_FILE}"


def normalise_url(url: str) -> str:
    """Make plain ``postgres://``/``postgresql://`` URLs use psycopg 3."""
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix):]
    return url


def secret_key() -> bytes:
    """``SECRET_KEY`` from the environment, else the instance key file.

    The file is created on first use with 32 random bytes (hex) and mode 0600;
    losing it makes every issued access code unusable, so it is never rotated
    silently.
    """
    env = os.environ.get("SECRET_KEY")
    if env:
        return env.encode("utf-8")
    path = instance_path() / _SECRET_FILE
    try:
        return path.read_text(encoding="ascii").strip().encode("ascii")
    except FileNotFoundError:
        pass
    key = secrets.token_hex(32)
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:  # another process won the race: use its key
        return path.read_text(encoding="ascii").strip().encode("ascii")
    with os.fdopen(fd, "w", encoding="ascii") as fh:
        fh.write(key + "\n")
    return key.encode("ascii")

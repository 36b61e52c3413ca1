"""CLI commands. Add a command by importing it here and listing it in COMMANDS."""
from __future__ import annotations

COMMANDS: list = []

from surveys.commands import db as _db  # noqa: E402

COMMANDS.append(_db.command)

from surveys.commands import instruments as _instruments  # noqa: E402

COMMANDS.append(_instruments.command)

from surveys.commands import users as _users  # noqa: E402

COMMANDS.append(_users.command)

from surveys.commands import score as _score  # noqa: E402

COMMANDS.append(_score.command)

from surveys.commands import run as _run  # noqa: E402

COMMANDS.append(_run.command)

from surveys.commands import demo as _demo  # noqa: E402

COMMANDS.append(_demo.command)

"""CLI commands: one module per command, each exposing a click ``command``."""
from __future__ import annotations

from surveys.commands import db, demo, instruments, run, score, users, waves

COMMANDS = [db.command, instruments.command, score.command, demo.command, run.command, users.command, waves.command]

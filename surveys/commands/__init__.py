"""CLI commands: one module per command, each exposing a click ``command``."""
from __future__ import annotations

from surveys.commands import codes, db, demo, instruments, report, run, score, users, waves

COMMANDS = [db.command, instruments.command, score.command, demo.command, run.command, users.command,
            codes.command, waves.command, report.command]

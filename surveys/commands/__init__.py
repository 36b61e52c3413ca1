"""CLI commands. Add a command by importing it here and listing it in COMMANDS."""
from __future__ import annotations

COMMANDS: list = []

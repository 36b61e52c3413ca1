"""The ``survey-engine`` command line: one click group, one module per command."""
from __future__ import annotations

import click


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
def main() -> None:
    """Survey collection and scoring engine."""


def _register() -> None:
    # Each command lives in surveys/commands/<name>.py and exposes `command`.
    from surveys.commands import COMMANDS
    from surveys.commands.progress import document_exit_codes

    for cmd in COMMANDS:
        main.add_command(cmd)
    document_exit_codes(main)


_register()

"""Progress bars for long command-line work (tqdm on stderr), and the exit
codes every command documents in its ``--help``.

A bar is shown only when stderr is a terminal and ``--quiet`` is not given,
so scripts and cron jobs see nothing but results and problems."""
from __future__ import annotations

from contextlib import contextmanager
from typing import Any, Callable, Iterable, Iterator, Sequence, TypeVar

T = TypeVar("T")

#: The option every command with long work offers.
QUIET_HELP = "Print nothing but problems (no progress bar, no summary); for cron."
#: The epilog of every command's --help (set on all of them by ``surveys.cli``).
EXIT_CODES = "Exit codes: 0 done, 1 refused input (one line per problem), 2 wrong usage."


def _bar(**kwargs: Any) -> Any:
    from tqdm import tqdm

    quiet = kwargs.pop("quiet", False)
    # disable=None: tqdm shows the bar only when stderr is a terminal
    return tqdm(leave=False, dynamic_ncols=True, disable=True if quiet else None, **kwargs)


def progress(items: Iterable[T], *, total: int | None = None, desc: str = "", quiet: bool = False,
             unit: str = "it") -> Iterator[T]:
    """``items`` with a progress bar on stderr (none when quiet or not a terminal)."""
    if total is None and hasattr(items, "__len__"):
        total = len(items)  # type: ignore[arg-type]
    with _bar(total=total, desc=desc, unit=unit, quiet=quiet) as bar:
        for item in items:
            yield item
            bar.update(1)


class Stages:
    """The stages of one job on a bar: call it with each stage's name as it
    starts (``stages("scoring")``); :meth:`part` shows how far the current
    stage is (``12/40 columns``). Without a bar (``Stages()``) it does nothing."""

    def __init__(self, bar: Any = None) -> None:
        self.bar = bar
        self.started = 0

    def __call__(self, name: str) -> None:
        if self.bar is None:
            return
        if self.started:
            self.bar.update(1)
        self.started += 1
        self.bar.set_description(name)
        self.bar.set_postfix_str("")

    def part(self, done: int, total: int, unit: str) -> None:
        if self.bar is not None:
            self.bar.set_postfix_str(f"{done}/{total} {unit}")


@contextmanager
def steps(names: Sequence[str], *, quiet: bool = False) -> Iterator[Stages]:
    """A bar over the named stages of one job (see :class:`Stages`)."""
    with _bar(total=len(names), unit="step", quiet=quiet) as bar:
        stages = Stages(bar)
        yield stages
        if stages.started:
            bar.update(1)


@contextmanager
def fraction(desc: str, *, quiet: bool = False) -> Iterator[Callable[[int, int], None]]:
    """A bar for work that reports (done, total), e.g. SQLite's page-wise
    backup; the yielded function takes each report."""
    with _bar(total=None, desc=desc, unit="page", quiet=quiet) as bar:

        def report(done: int, total: int) -> None:
            bar.total = total
            bar.n = done
            bar.refresh()

        yield report


def document_exit_codes(command: Any) -> None:
    """Put :data:`EXIT_CODES` in the ``--help`` of ``command`` and of every
    subcommand that does not say them already."""
    import click

    if not (command.epilog or "").startswith("Exit codes"):
        command.epilog = EXIT_CODES
    if isinstance(command, click.Group):
        for sub in command.commands.values():
            document_exit_codes(sub)

"""Progress bars for long command-line work (tqdm on stderr).

A bar is shown only when stderr is a terminal and ``--quiet`` is not given,
so scripts and cron jobs see nothing but results and problems."""
from __future__ import annotations

from typing import Iterable, Iterator, TypeVar

T = TypeVar("T")

#: The option every command with long work offers.
QUIET_HELP = "Print nothing but problems (no progress bar, no summary); for cron."


def progress(items: Iterable[T], *, total: int | None = None, desc: str = "", quiet: bool = False,
             unit: str = "it") -> Iterator[T]:
    """``items`` with a progress bar on stderr (none when quiet or not a terminal)."""
    from tqdm import tqdm

    yield from tqdm(items, total=total, desc=desc, unit=unit, leave=False,
                    disable=True if quiet else None, dynamic_ncols=True)

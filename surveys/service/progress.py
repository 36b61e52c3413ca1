"""Started and submitted responses per group, through the wave's disclosure
control: the progress page and the API's progress."""
from __future__ import annotations

from typing import Any, Mapping, Sequence

import numpy as np

from scoring.disclosure import Disclosure
from surveys.instrument import Instrument


def progress_groups(combos: Sequence[tuple[Mapping[str, str], Mapping[str, int]]],
                    instrument: Instrument) -> dict[str, list[dict[str, Any]]]:
    """Started and submitted per value of each declared group (value None:
    no answer), hidden by the wave's joint disclosure control over the
    submitted and the unfinished responses (started is their sum)."""
    columns = instrument.group_columns
    rows = [(values, status) for values, counts in combos for status in ("in_progress", "submitted")
            for _ in range(int(counts.get(status, 0)))]
    n = len(rows)
    groups = {c: np.array([str(v.get(c, "")) for v, _s in rows], dtype=str) for c in columns
              if any(c in v for v, _s in rows)}
    disclosure = Disclosure(groups, n, columns, instrument.suppression_min_n, instrument.nested_groups)
    submitted = np.array([st == "submitted" for _v, st in rows], dtype=bool)
    out: dict[str, list[dict[str, Any]]] = {}
    for column in disclosure.columns:
        cells = disclosure.cells((column,))
        hidden = disclosure.hidden_in(cells.columns, submitted, ~submitted)
        done = np.bincount(cells.codes[submitted], minlength=cells.size)
        begun = np.bincount(cells.codes, minlength=cells.size)
        # a nested group's cells (a class) carry the parent's label (its school) first
        out[column] = [{"value": labels[-1], "labels": list(labels),
                        "suppressed": bool(hidden[g]),
                        "started": None if hidden[g] else int(begun[g]),
                        "submitted": None if hidden[g] else int(done[g])}
                       for g, labels in enumerate(cells.labels)]
    return out


def wave_progress(store: Any, slug: str, instrument: Instrument) -> dict[str, Any]:
    """Totals, sources, codes, and started and submitted per value of each
    declared group (and a "no answer" row), through the same joint
    disclosure control as the results."""
    raw = store.progress(slug)
    return {"total": raw["total"], "sources": raw["sources"], "codes": raw["codes"],
            "groups": progress_groups(raw["combos"], instrument)}

"""Started and submitted responses per group, through the wave's disclosure
control: the progress page and the API's progress."""
from __future__ import annotations

import copy
import threading
from collections import OrderedDict
from typing import Any, Mapping, Sequence

import numpy as np

from scoring.disclosure import Disclosure
from surveys.instrument import Instrument


Combos = Sequence[tuple[Mapping[str, str], Mapping[str, int]]]

#: The last few progress tables, by instrument version and counts: the same
#: counts give the same hidden cells, and solving them for many small cells
#: takes seconds (docs/performance.md).
_TABLES: "OrderedDict[tuple, dict[str, list[dict[str, Any]]]]" = OrderedDict()
_TABLES_KEPT = 32
_TABLES_LOCK = threading.Lock()


def progress_groups(combos: Combos, instrument: Instrument) -> dict[str, list[dict[str, Any]]]:
    """Started and submitted per value of each declared group (value None:
    no answer), hidden by the wave's joint disclosure control over the
    submitted and the unfinished responses (started is their sum). The
    caller owns the result."""
    if not instrument.sha256:  # an instrument not read from a file: nothing to key it by
        return _progress_table(combos, instrument)
    key = (instrument.sha256, tuple(sorted((tuple(sorted((k, str(v)) for k, v in values.items())),
                                             tuple(sorted((k, int(v)) for k, v in counts.items())))
                                            for values, counts in combos)))
    with _TABLES_LOCK:
        table = _TABLES.get(key)
        if table is not None:
            _TABLES.move_to_end(key)
    if table is None:
        table = _progress_table(combos, instrument)
        with _TABLES_LOCK:
            _TABLES[key] = table
            while len(_TABLES) > _TABLES_KEPT:
                _TABLES.popitem(last=False)
    return copy.deepcopy(table)


def _progress_table(combos: Combos, instrument: Instrument) -> dict[str, list[dict[str, Any]]]:
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

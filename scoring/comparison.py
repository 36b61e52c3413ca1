"""Wave comparison: the same instrument's figures in an earlier wave."""
from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from .descriptives import Moments, grouped_moments, moments
from .errors import IncomparableError
from .groups import Cells
from .inference import hedges_g, two_proportions, welch_t
from .jsonsafe import interval, num, pct
from .disclosure import share_shown
from .model import By, PreviousMoments, PreviousShare, ScaleChange, ShareChange, WelchTest

if TYPE_CHECKING:
    from surveys.instrument import Instrument, Scale


def check_comparable(a: "Scale", b: "Scale") -> None:
    """Raise :class:`IncomparableError` unless the two scale definitions
    score the same way (items, reversed items, response range, method, key)."""
    problems = []
    if tuple(a.items) != tuple(b.items):
        problems.append(f"items {list(a.items)} vs {list(b.items)}")
    if set(a.reversed) != set(b.reversed):
        problems.append(f"reversed items {sorted(a.reversed)} vs {sorted(b.reversed)}")
    if (a.response_min, a.response_max) != (b.response_min, b.response_max):
        problems.append(f"response range {a.response_min}-{a.response_max} vs {b.response_min}-{b.response_max}")
    if a.method != b.method:
        problems.append(f"method {a.method} vs {b.method}")
    if dict(a.key) != dict(b.key):
        problems.append("answer key differs")
    if a.min_answered != b.min_answered:
        problems.append(f"min_answered {a.min_answered} vs {b.min_answered}")
    if problems:
        detail = "; ".join(problems)
        raise IncomparableError(f"cannot compare waves: scale {a.id!r} is defined differently ({detail})",
                                "scale_differs", scale=a.id, detail=detail)


def different_instruments(current: str, earlier: str) -> IncomparableError:
    """The refusal to compare waves of two different instruments."""
    return IncomparableError(f"cannot compare waves of different instruments ({current!r} and {earlier!r})",
                             "different_instruments", current=current, earlier=earlier)


def scale_missing(scale: str) -> IncomparableError:
    """The refusal to compare when the earlier wave lacks a scale."""
    return IncomparableError(f"cannot compare waves: scale {scale!r} is missing from the earlier wave",
                             "scale_missing", scale=scale)


def check_instruments_comparable(current: "Instrument", earlier: "Instrument") -> None:
    """Raise :class:`IncomparableError` unless a wave of ``earlier`` can be
    compared with one of ``current``: the same instrument id and every scale
    of ``current`` defined the same way in ``earlier``, and every item of
    those scales (and of the shares both versions have) asked the same way:
    the same Swedish wording and the same answer options (codes and Swedish
    labels; a number item's bounds). ``surveys.versions`` lists the same
    changes for the analyst."""
    if current.id != earlier.id:
        raise different_instruments(current.id, earlier.id)
    for scale in current.scales.values():
        other = earlier.scales.get(scale.id)
        if other is None:
            raise scale_missing(scale.id)
        check_comparable(scale, other)
        for item_id in scale.items:
            _check_item_asked_alike(current, earlier, item_id, scale.id)
    for share in current.shares.values():
        other_share = earlier.shares.get(share.id)
        if other_share is not None and other_share.item == share.item:
            _check_item_asked_alike(current, earlier, share.item, share.id)


def _check_item_asked_alike(current: "Instrument", earlier: "Instrument", item_id: str, owner: str) -> None:
    """Raise :class:`IncomparableError` when ``item_id`` was reworded (Swedish)
    or its answer options changed between the two versions."""
    try:
        a, b = current.item(item_id), earlier.item(item_id)
    except KeyError:
        return  # a scale's items are checked by check_comparable
    if a.text.get("sv") != b.text.get("sv"):
        raise IncomparableError(f"cannot compare waves: item {item_id!r} of {owner!r} was reworded between the "
                                "two versions", "item_reworded", item=item_id, scale=owner)

    def options(inst: "Instrument") -> list[tuple[int, str | None]]:
        return [(code, label.get("sv")) for code, label in inst.answer_options(item_id)]

    if a.kind != b.kind or options(current) != options(earlier):
        raise IncomparableError(f"cannot compare waves: the answer options of item {item_id!r} of {owner!r} "
                                "changed between the two versions", "item_options_changed", item=item_id,
                                scale=owner)


def compare_scale(current: np.ndarray, previous: np.ndarray, min_n: int,
                  groups: tuple[ScaleChange, ...] = ()) -> ScaleChange:
    """Welch t test and Hedges' g (current minus previous) of two waves'
    scores, with the per-cell ``groups`` of :func:`compare_scale_groups`."""
    return _compare_moments(None, moments(current), moments(previous), min_n, groups)


def compare_scale_groups(current: np.ndarray, cells: Cells, hidden: np.ndarray, previous: np.ndarray,
                         prev_cells: Cells, prev_hidden: np.ndarray, min_n: int) -> tuple[ScaleChange, ...]:
    """The comparison of :func:`compare_scale` per cell present in both waves
    (matched by label), in the current breakdown's order.

    ``hidden`` and ``prev_hidden`` flag each wave's hidden cells (each
    decided by that wave's disclosure control); a cell hidden on either side
    has no figures.
    """
    a = grouped_moments(current, cells.codes, cells.size)
    b = grouped_moments(previous, prev_cells.codes, prev_cells.size)
    where = {labels: g for g, labels in enumerate(prev_cells.labels)}
    out = []
    for g, labels in enumerate(cells.labels):
        p = where.get(labels)
        if p is None:
            continue
        by = dict(zip(cells.columns, labels))
        if hidden[g] or prev_hidden[p]:
            out.append(_suppressed(by))
            continue
        cell_a = Moments(a.n[g], a.mean[g], a.ss[g])
        cell_b = Moments(b.n[p], b.mean[p], b.ss[p])
        out.append(_compare_moments(by, cell_a, cell_b, min_n))
    return tuple(out)


def _suppressed(by: By | None, groups: tuple[ScaleChange, ...] = ()) -> ScaleChange:
    return ScaleChange(by, True, None, None, None, None, None, groups)


def _compare_moments(by: By | None, a: Moments, b: Moments, min_n: int,
                     groups: tuple[ScaleChange, ...] = ()) -> ScaleChange:
    if int(a.n) < min_n or int(b.n) < min_n:
        return _suppressed(by, groups)
    test = welch_t(a.mean, a.sd, a.n, b.mean, b.sd, b.n)
    g, lo, hi = hedges_g(a.mean, a.sd, a.n, b.mean, b.sd, b.n)
    return ScaleChange(by, False, PreviousMoments(int(b.n), num(b.mean), num(b.sd)), num(a.mean - b.mean),
                       WelchTest(num(test.t), num(test.df), num(test.p)), num(g), interval(lo, hi), groups)


def compare_share(k1: int, n1: int, k0: int, n0: int, min_n: int) -> ShareChange:
    """Two-proportion test (Fisher's exact test when counts are small) of the
    current share k1/n1 against the previous k0/n0; hidden unless both
    shares pass the numerator rule (so the difference reveals neither)."""
    if not (share_shown(k1, n1, min_n) and share_shown(k0, n0, min_n)):
        return ShareChange(True, None, None, None, None)
    t = two_proportions(k1, n1, k0, n0)
    return ShareChange(False, PreviousShare(k0, n0, pct(k0 / n0)), pct(t.diff), t.test, num(t.p))

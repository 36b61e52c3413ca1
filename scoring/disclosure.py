"""Disclosure control: the one step every published aggregate goes through.

A wave publishes a fixed set of *tables*: the overall figure, every declared
group one way (a group nested in another, e.g. a class tag within a school,
only together with its parent) and every allowed two-way breakdown. Each
respondent falls in exactly one cell of each table; a respondent without a
value for a column is in that column's "no answer" cell (label ``None``).

Every cell is a union of *atoms*, the non-empty cells of the finest
cross-classification of all declared columns. A count or a sum over a cell is
then the inner product of the cell's 0/1 vector over atoms with the atoms'
counts or sums, so what a set of shown cells reveals by any linear
combination is exactly the row space of their vectors. :meth:`Disclosure.hidden`
hides every cell with 1..min_n-1 units of a measure and then hides more,
deterministically, until no such cell and no such atom lies in the row space
of the shown cells (checked with a rank-revealing QR); see docs/privacy.md.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Mapping, Sequence

import numpy as np
from scipy.linalg import qr

from .cells import Breakdowns
from .errors import ScoringError
from .groups import Cells

#: A two-way table may have at most this many non-empty cells.
MAX_TWO_WAY_CELLS = 300

Table = tuple[str, ...]


class BreakdownError(ScoringError):
    """A requested breakdown that is not published. ``reason``:
    ``not_declared`` (column, known), ``no_values`` (column),
    ``too_many_columns``, ``same_column``, ``pair_not_allowed``
    (columns, within), ``too_many_cells`` (columns, cells, cap)."""


def _mixed_radix(codes: np.ndarray, radix: np.ndarray) -> np.ndarray:
    """One int64 key per row of ``codes`` (rows x columns, each < radix)."""
    if codes.shape[1] == 0:
        return np.zeros(codes.shape[0], dtype=np.int64)
    if float(np.prod(radix.astype(np.float64))) < 2 ** 62:
        key = np.zeros(codes.shape[0], dtype=np.int64)
        for j in range(codes.shape[1]):
            key = key * int(radix[j]) + codes[:, j]
        return key
    _, inverse = np.unique(codes, axis=0, return_inverse=True)
    return inverse.reshape(-1).astype(np.int64)


@dataclass(frozen=True)
class _TableCells:
    cells: Cells
    #: cell index of each atom
    of_atom: np.ndarray


class Disclosure:
    """The publishable tables of one wave and their hidden cells.

    ``groups`` are the dataset's label columns ("" = no answer), ``columns``
    the declared group columns in order, ``nested`` maps a nested column to
    its parent (e.g. ``{"class": "school"}``), ``order`` gives each column's
    preferred label order.
    """

    def __init__(self, groups: Mapping[str, np.ndarray], n: int, columns: Sequence[str],
                 min_n: int, nested: Mapping[str, str] | None = None,
                 order: Mapping[str, Sequence[str]] | None = None,
                 max_two_way_cells: int = MAX_TWO_WAY_CELLS) -> None:
        self.n = int(n)
        self.min_n = int(min_n)
        self.declared = tuple(columns)
        bd = Breakdowns(groups, self.n, order)
        factors = {c: bd.factor(c) for c in columns if c in groups}
        #: the declared columns someone has a value for
        self.columns = tuple(c for c in columns if c in factors and factors[c][0])
        self.nested = {c: p for c, p in (nested or {}).items() if c in self.columns and p in self.columns}
        self.max_two_way_cells = max_two_way_cells
        self._labels: dict[str, list[str]] = {}
        codes = np.zeros((self.n, len(self.columns)), dtype=np.int64)
        radix = np.zeros(len(self.columns), dtype=np.int64)
        for j, c in enumerate(self.columns):
            uniq, cc = factors[c]
            self._labels[c] = uniq
            codes[:, j] = np.where(cc >= 0, cc, len(uniq))  # no answer: a code of its own, last
            radix[j] = len(uniq) + 1
        key = _mixed_radix(codes, radix)
        uniq_keys, first, atom_of = np.unique(key, return_index=True, return_inverse=True)
        #: atom index of each respondent
        self.atom_of = atom_of.reshape(-1).astype(np.int64)
        #: column codes of each atom (atoms x columns; len(labels) = no answer)
        self.atom_codes = codes[first]
        self.n_atoms = int(uniq_keys.size)
        self._tables: dict[Table, _TableCells] = {}
        self.tables: tuple[Table, ...] = self._publishable()
        self._cache: dict[bytes, dict[Table, np.ndarray]] = {}
        #: the row-space basis of one block's shown cells over its live atoms
        #: (the same blocks recur across rounds and measures)
        self._block_cache: dict[tuple[bytes, bytes], np.ndarray] = {}

    # ------------------------------------------------------------ tables
    def _table_cells(self, table: Table) -> _TableCells:
        if table in self._tables:
            return self._tables[table]
        idx = [self.columns.index(c) for c in table]
        sub = self.atom_codes[:, idx]
        radix = np.array([len(self._labels[c]) + 1 for c in table], dtype=np.int64)
        key = _mixed_radix(sub, radix)
        uniq, first, of_atom = np.unique(key, return_index=True, return_inverse=True)
        of_atom = of_atom.reshape(-1).astype(np.int64)
        parts = sub[first]
        labels = [tuple(self._labels[c][k] if k < len(self._labels[c]) else None for c, k in zip(table, row))
                  for row in parts]
        cells = Cells(table, labels, of_atom[self.atom_of], parts)
        self._tables[table] = _TableCells(cells, of_atom)
        return self._tables[table]

    def _publishable(self) -> tuple[Table, ...]:
        tables: list[Table] = [()]
        plain = [c for c in self.columns if c not in self.nested]
        for c in self.columns:
            tables.append((self.nested[c], c) if c in self.nested else (c,))
        for i, a in enumerate(plain):
            for b in plain[i + 1:]:
                if self._table_cells((a, b)).cells.size <= self.max_two_way_cells:
                    tables.append((a, b))
        return tuple(tables)

    def table_for(self, by: Sequence[str]) -> Table:
        """The published table of breakdown ``by`` (a nested column alone
        becomes its parent and itself); raises :class:`BreakdownError`."""
        by = tuple(by)
        if len(by) > 2:
            raise BreakdownError("a breakdown takes one or two group columns", "too_many_columns")
        if len(set(by)) != len(by):
            raise BreakdownError("a breakdown names the same column twice", "same_column")
        for c in by:
            if c not in self.declared:
                known = ", ".join(self.declared) or "none"
                raise BreakdownError(f"cannot break down by '{c}': only by the instrument's declared group "
                                     f"columns ({known})", "not_declared", column=c, known=known)
            if c not in self.columns:
                raise BreakdownError(f"cannot break down by '{c}': no respondent has a value for it",
                                     "no_values", column=c)
        if len(by) == 1 and by[0] in self.nested:
            by = (self.nested[by[0]], by[0])
        if by in self.tables:
            return by
        if len(by) == 2 and tuple(reversed(by)) in self.tables:
            return by  # the same table, columns in the order asked
        child = next((c for c in by if c in self.nested), None)
        if child is not None:
            raise BreakdownError(f"'{child}' is broken down only within '{self.nested[child]}'",
                                 "pair_not_allowed", columns=" x ".join(by), within=self.nested[child])
        size = self._table_cells(by).cells.size
        raise BreakdownError(f"a breakdown by {' x '.join(by)} has {size} cells; at most "
                             f"{self.max_two_way_cells} are published", "too_many_cells",
                             columns=" x ".join(by), cells=size, cap=self.max_two_way_cells)

    def breakdown(self, by: Sequence[str]) -> "Breakdown":
        """The published breakdown ``by`` (raises :class:`BreakdownError`)."""
        table = self.table_for(by) if by else ()
        return Breakdown(self, table, self._table_cells(table).cells)

    def cells(self, by: Sequence[str]) -> Cells:
        """The cells of a published breakdown (``()``: the one overall cell),
        "no answer" cells included: every respondent is in one cell."""
        table = self.table_for(by) if by else ()
        return self._table_cells(table).cells

    # ------------------------------------------------------------ hiding
    def hidden(self, *measures: np.ndarray) -> dict[Table, np.ndarray]:
        """Hidden cells of every published table: a cell is hidden when any
        of ``measures`` hides it. A measure is a per-respondent 0/1 array
        (who counts: e.g. answered the item, or chose the share's codes)."""
        out: dict[Table, np.ndarray] | None = None
        for mask in measures:
            counts = np.bincount(self.atom_of[np.asarray(mask, dtype=bool)], minlength=self.n_atoms)
            h = self.hidden_counts(counts)
            out = h if out is None else {t: out[t] | h[t] for t in out}
        return out if out is not None else {t: np.zeros(self._table_cells(t).cells.size, bool) for t in self.tables}

    def hidden_in(self, by: Sequence[str], *measures: np.ndarray) -> np.ndarray:
        """Hidden cells of breakdown ``by`` (in :meth:`cells` order)."""
        table = self.table_for(by) if by else ()
        key = table if table in self.tables else tuple(reversed(table))
        hidden = self.hidden(*measures)[key]
        if key != table:  # same table, other column order: map by labels
            mine = self._table_cells(table).cells
            theirs = {tuple(reversed(lbl)): g for g, lbl in enumerate(self._table_cells(key).cells.labels)}
            hidden = np.array([hidden[theirs[lbl]] for lbl in mine.labels], dtype=bool)
        return hidden

    def hidden_counts(self, atom_counts: np.ndarray) -> dict[Table, np.ndarray]:
        """Hidden cells of every table for a measure given per atom."""
        atom_counts = np.asarray(atom_counts, dtype=np.int64)
        key = atom_counts.tobytes()
        if key not in self._cache:
            self._cache[key] = self._solve(atom_counts)
        return {t: v.copy() for t, v in self._cache[key].items()}

    def _solve(self, c: np.ndarray) -> dict[Table, np.ndarray]:
        tcs = [self._table_cells(t) for t in self.tables]
        sizes = [tc.cells.size for tc in tcs]
        offsets = np.concatenate([[0], np.cumsum(sizes)]).astype(np.int64)
        table_of = np.repeat(np.arange(len(tcs)), sizes)
        n_cell = np.concatenate([np.bincount(tc.of_atom, weights=c, minlength=tc.cells.size)
                                 for tc in tcs]).astype(np.int64)
        small = lambda v: (v > 0) & (v < self.min_n)  # noqa: E731
        hidden = small(n_cell)
        if hidden.size == 0:  # no respondents: no cells
            return self._split(hidden, offsets)
        if hidden[0]:  # the overall figure is small: every cell is smaller still
            hidden[:] = n_cell > 0
        live = np.flatnonzero(c > 0)  # atoms with a count of 0 are known zeros
        small_atoms = live[small(c[live])]
        if not hidden.any() and small_atoms.size == 0:
            return self._split(hidden, offsets)
        pos = np.full(self.n_atoms, -1, dtype=np.int64)
        pos[live] = np.arange(live.size)
        M = np.zeros((offsets[-1], live.size))
        for t, tc in enumerate(tcs):
            rows = offsets[t] + tc.of_atom[live]
            M[rows, np.arange(live.size)] = 1.0
        twins = _twins(M)
        hidden = _close(hidden, twins)
        block_of_cell, block_of_atom = self._blocks(tcs, offsets, live)
        candidates = np.zeros(offsets[-1], dtype=bool)
        for _round in range(int(offsets[-1]) + 1):
            shown = np.flatnonzero(~hidden & (n_cell > 0))
            basis = _split_basis(M, shown, block_of_cell, block_of_atom, live, self._block_cache)
            cand_cells = np.flatnonzero(hidden & small(n_cell))
            found_cells = cand_cells[_in_span(M[cand_cells], basis)]
            if found_cells.size == 0:
                # the hidden cells of a table (or of a row or column of a
                # two-way table) together: their sum is the total minus the
                # shown cells, so it must not be small either
                found_cells = self._small_unions(tcs, offsets, hidden, n_cell, M, basis)
            found_atoms = small_atoms[:0]
            if found_cells.size == 0:  # an atom that is a cell was handled as that cell
                found_atoms = small_atoms[_in_span_unit(pos[small_atoms], basis)]
            if found_cells.size == 0 and found_atoms.size == 0:
                break
            candidates[:] = False
            for cell in found_cells:
                pick = self._pick_for_cell(int(cell), tcs, offsets, table_of, hidden, n_cell)
                if pick is not None:
                    candidates[pick] = True
            for atom in found_atoms:
                pick = _pick_for_atom(M[:, pos[atom]], hidden, n_cell)
                if pick is not None:
                    candidates[pick] = True
            if not candidates.any():  # only the overall figure is left: hide every other cell
                hidden[1:] = n_cell[1:] > 0
                break
            hidden = _close(hidden | candidates, twins)
        return self._split(hidden, offsets)

    def _blocks(self, tcs, offsets, live) -> tuple[np.ndarray, np.ndarray]:
        """Block structure for the rank computation: the tables that contain
        the splitting column are block-diagonal by its value (block of each
        cell; -1 = a linking table without that column) and the block of
        each live atom. The splitting column leaves the fewest linking cells."""
        n_cells = int(offsets[-1])
        best, best_cost = None, None
        for j, c in enumerate(self.columns):
            cost = sum(tc.cells.size for t, tc in zip(self.tables, tcs) if c not in t)
            if best_cost is None or cost < best_cost:
                best, best_cost = j, cost
        if best is None:
            return np.full(n_cells, -1, dtype=np.int64), np.zeros(live.size, dtype=np.int64)
        column = self.columns[best]
        block_of_cell = np.full(n_cells, -1, dtype=np.int64)
        for t, (table, tc) in enumerate(zip(self.tables, tcs)):
            if column in table:
                block_of_cell[offsets[t]:offsets[t + 1]] = tc.cells.parts[:, table.index(column)]
        return block_of_cell, self.atom_codes[live, best]

    def _small_unions(self, tcs, offsets, hidden, n_cell, M, basis) -> np.ndarray:
        """One hidden cell of each set of hidden cells (a table's, or a line's
        of a two-way table) whose union is small and derivable."""
        out = []
        for t, tc in enumerate(tcs):
            lo, hi = int(offsets[t]), int(offsets[t + 1])
            members = np.arange(lo, hi)
            sets = [members]
            parts = tc.cells.parts
            if parts.shape[1] == 2:
                sets += [members[parts[:, j] == v] for j in range(2) for v in np.unique(parts[:, j])]
            for cells in sets:
                gone = cells[hidden[cells] & (n_cell[cells] > 0)]
                if gone.size < 2 or not small(n_cell[gone].sum(), self.min_n):
                    continue
                if _in_span(M[gone].sum(axis=0)[None, :], basis)[0]:
                    out.append(int(gone[0]))
        return np.array(sorted(set(out)), dtype=np.int64)

    def _pick_for_cell(self, cell: int, tcs, offsets, table_of, hidden, n_cell) -> int | None:
        """The shown cell to hide so that a derivable small cell is not:
        the smallest (then the first) in the same row or column of its
        table, else in its table, else any shown cell but the overall."""
        t = int(table_of[cell])
        lo, hi = int(offsets[t]), int(offsets[t + 1])
        parts = tcs[t].cells.parts
        own = parts[cell - lo]
        pools = []
        if parts.shape[1] == 2:
            same_line = np.flatnonzero((parts[:, 0] == own[0]) | (parts[:, 1] == own[1])) + lo
            pools.append(same_line)
        pools.append(np.arange(lo, hi))
        pools.append(np.arange(1, int(offsets[-1])))
        for pool in pools:
            pick = _smallest_shown(pool, hidden, n_cell)
            if pick is not None:
                return pick
        return None

    def _split(self, hidden: np.ndarray, offsets: np.ndarray) -> dict[Table, np.ndarray]:
        return {t: hidden[offsets[i]:offsets[i + 1]].copy() for i, t in enumerate(self.tables)}


def _twins(M: np.ndarray) -> np.ndarray:
    """A group id per cell: cells with the same atoms (e.g. a school where
    every respondent is a girl, and that school's girls) share one."""
    w = np.random.default_rng(20161).integers(1, 2 ** 61, size=M.shape[1], dtype=np.int64)
    key = M.astype(np.int64) @ w  # exact integer arithmetic (wrapping)
    _, group = np.unique(key, return_inverse=True)
    return group.reshape(-1)


def _close(hidden: np.ndarray, twins: np.ndarray) -> np.ndarray:
    """Hide every twin of a hidden cell (showing one shows the other)."""
    any_hidden = np.bincount(twins, weights=hidden, minlength=twins.max(initial=-1) + 1) > 0
    return any_hidden[twins]


def _smallest_shown(pool: np.ndarray, hidden: np.ndarray, n_cell: np.ndarray) -> int | None:
    pool = pool[~hidden[pool] & (n_cell[pool] > 0)]
    if pool.size == 0:
        return None
    return int(pool[np.lexsort((pool, n_cell[pool]))[0]])


def _pick_for_atom(column: np.ndarray, hidden: np.ndarray, n_cell: np.ndarray) -> int | None:
    """For a derivable small atom: the smallest shown cell (not the overall)
    that contains it, else the smallest shown cell but the overall."""
    containing = np.flatnonzero(column > 0)
    pick = _smallest_shown(containing[containing > 0], hidden, n_cell)
    if pick is None:
        pick = _smallest_shown(np.arange(1, n_cell.size), hidden, n_cell)
    return pick


def _split_basis(M: np.ndarray, shown: np.ndarray, block_of_cell: np.ndarray,
                 block_of_atom: np.ndarray, live: np.ndarray,
                 cache: dict[tuple[bytes, bytes], np.ndarray]) -> np.ndarray:
    """An orthonormal basis (atoms x rank) of the row space of the shown
    cells ``M[shown]``: block by block for the cells within one value of the
    splitting column (cached by the block's cells and live atoms), then the
    linking cells' part orthogonal to those."""
    basis = np.zeros((M.shape[1], 0))
    blocks = block_of_cell[shown]
    inner = shown[blocks >= 0]
    pieces = []
    for b in np.unique(blocks[blocks >= 0]):
        rows = inner[block_of_cell[inner] == b]
        atoms = np.flatnonzero(block_of_atom == b)
        key = (rows.tobytes(), live[atoms].tobytes())
        q = cache.get(key)
        if q is None:
            q = cache[key] = _row_basis(M[np.ix_(rows, atoms)])
        piece = np.zeros((M.shape[1], q.shape[1]))
        piece[atoms] = q
        pieces.append(piece)
    if pieces:
        basis = np.concatenate(pieces, axis=1)
    linking = M[shown[blocks < 0]]
    if linking.shape[0]:
        rest = linking - (linking @ basis) @ basis.T
        extra = _row_basis(rest, relative_to=1.0)
        basis = np.concatenate([basis, extra], axis=1)
    return basis


def _row_basis(S: np.ndarray, relative_to: float | None = None) -> np.ndarray:
    """An orthonormal basis (atoms x rank) of the row space of ``S``."""
    if S.shape[0] == 0 or S.shape[1] == 0:
        return np.zeros((S.shape[1], 0))
    q, r, _ = qr(S.T, mode="economic", pivoting=True)
    d = np.abs(np.diag(r))
    scale = relative_to if relative_to is not None else max(d.max(initial=0.0), 1.0)
    rank = int((d > 1e-9 * max(S.shape) * scale).sum())
    return q[:, :rank]


def _in_span(V: np.ndarray, basis: np.ndarray) -> np.ndarray:
    """Which rows of ``V`` lie in the span of ``basis``'s columns."""
    if V.shape[0] == 0:
        return np.zeros(0, dtype=bool)
    proj = V @ basis
    resid = (V * V).sum(axis=1) - (proj * proj).sum(axis=1)
    return resid < 1e-8 * np.maximum((V * V).sum(axis=1), 1.0)


def _in_span_unit(rows: np.ndarray, basis: np.ndarray) -> np.ndarray:
    """Which unit vectors e_i (i in ``rows``) lie in the span of ``basis``."""
    if rows.size == 0:
        return np.zeros(0, dtype=bool)
    return 1.0 - (basis[rows] ** 2).sum(axis=1) < 1e-8


@dataclass(frozen=True)
class Breakdown:
    """One published breakdown of a wave: its cells and, per measure, the
    hidden cells decided jointly with every other published table."""

    disclosure: Disclosure
    table: Table
    cells: Cells

    def hidden(self, *measures: np.ndarray) -> np.ndarray:
        """Hidden cells (in ``cells`` order) for the per-respondent 0/1
        ``measures`` (a cell is hidden when any of them hides it)."""
        return self.disclosure.hidden_in(self.table, *measures)

    def share_hidden(self, answered: np.ndarray, hit: np.ndarray) -> np.ndarray:
        """Hidden cells of a share: the answered count, the count in the share
        and the count outside it are each protected (the numerator rule)."""
        answered = np.asarray(answered, dtype=bool)
        hit = np.asarray(hit, dtype=bool) & answered
        return self.hidden(answered, hit, answered & ~hit)


def small(values, min_n: int) -> np.ndarray:
    """Counts of 1..min_n-1 (0 is no one, and never small)."""
    v = np.asarray(values)
    return (v > 0) & (v < min_n)


def share_shown(k, n, min_n: int) -> np.ndarray:
    """The numerator rule for k of n: shown when n >= min_n (or 0) and k and
    n - k are each 0 or at least min_n."""
    k, n = np.asarray(k), np.asarray(n)
    return ~(small(n, min_n) | small(k, min_n) | small(n - k, min_n)) & (n > 0)


def code_table_hidden(counts, n: int, min_n: int) -> np.ndarray:
    """Hidden codes of one item's answer counts (which sum to ``n``): every
    code that fails the numerator rule, and more (the smallest shown first)
    until the hidden codes' total, known as n minus the shown ones, is 0 or
    at least ``min_n`` and no single hidden code can be recovered from it."""
    counts = np.asarray(counts, dtype=np.int64)
    if n < min_n:
        return np.ones(counts.shape, dtype=bool)
    hidden = small(counts, min_n) | small(n - counts, min_n)
    while True:
        hidden_total = int(counts[hidden].sum())
        one = int((hidden & (counts > 0)).sum()) == 1
        if not (small(hidden_total, min_n) or one):
            return hidden
        shown = np.flatnonzero(~hidden & (counts > 0))
        if shown.size == 0:
            return np.ones(counts.shape, dtype=bool)
        hidden[shown[np.lexsort((shown, counts[shown]))[0]]] = True

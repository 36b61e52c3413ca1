"""The typed report model: what ``scoring.report.score_report`` returns.

Frozen dataclasses, one per thing a report holds. Every figure has already
passed the disclosure step (``scoring.disclosure``): a hidden figure is
``None``, and a hidden cell has ``suppressed`` set. Mappings and sequences
inside the objects are read-only by contract (never change a report in
place: the analyst pages cache and share them). The one serialiser to the
JSON of ``survey-engine score --format json`` is ``scoring.model_json``; the
contract is ``docs/report-json.md``. Renderers read these objects, never the
JSON keys.

Classes
-------
Report
    One scored wave: instrument, counts, ``scales``, ``shares``,
    ``declared_shares``, ``indices``, ``themes`` and the ``comparison``.
InstrumentRef
    The instrument version scored (id, version, sha256).
ScaleResult
    One scale: definition, ``overall`` (:class:`ScaleOverall` with its
    :class:`ScaleBaseline` and :class:`ScaleTarget`), ``item_stats``
    (:class:`ItemStat`) and ``groups`` (:class:`ScaleCell`, each with
    :class:`ItemReliability` and a :class:`RestTest`).
CodeTable, CodeShare
    The share of every answer code of one item.
DeclaredShare
    A declared share (e.g. never tried) with :class:`ShareBaseline`,
    :class:`ShareTarget` and ``groups`` (:class:`ShareCell` with a
    :class:`ShareRestTest`).
IndexResult
    An index (trygghetsindex): :class:`LevelBand` list, ``overall`` and
    ``groups`` (:class:`IndexCell` with :class:`VariableFigures` and
    :class:`IndexBaseline`).
Themes, ThemeCell, ThemeShare
    The share naming each option of a ``multi`` item per cell (e.g. area).
Comparison
    The change since an earlier wave: :class:`ScaleChange` (with
    :class:`PreviousMoments`, :class:`WelchTest`), :class:`ShareChange`
    (:class:`PreviousShare`), :class:`IndexChange` (:class:`IndexCellChange`)
    and :class:`ThemeChange` (:class:`ThemeCellChange`,
    :class:`ThemeOptionChange`).
Note
    Why a cell is hidden (``small_group``, ``small_numerator``).

Types used throughout: ``By`` (a cell's labels, column -> label; ``None``
is the cell of those who gave no answer), ``Labels`` (language -> text),
``Interval`` (a 95 % interval, either end ``None`` when not computable).
"""
from __future__ import annotations

from dataclasses import dataclass
from enum import Enum
from typing import Mapping, Optional, Tuple

#: A breakdown cell's labels: group column -> label (None: no answer).
By = Mapping[str, Optional[str]]
#: A text per language (``sv`` always present).
Labels = Mapping[str, str]
#: A 95 % interval (lower, upper); an end is None when not computable.
Interval = Tuple[Optional[float], Optional[float]]


class Note(str, Enum):
    """Why a share cell is hidden."""

    #: the cell has fewer respondents than the minimum (or hides one that has)
    SMALL_GROUP = "small_group"
    #: the count (or its complement) is below the minimum
    SMALL_NUMERATOR = "small_numerator"


@dataclass(frozen=True)
class InstrumentRef:
    """The instrument version a report scores."""

    id: str
    version: str
    sha256: str


# --- scales -----------------------------------------------------------------------------

@dataclass(frozen=True)
class ScaleBaseline:
    """A scale mean against its baseline: one-sample t test and Cohen's d."""

    value: float
    year: int | None
    assumption: bool | None
    diff: float | None
    t: float | None
    df: float | None
    p: float | None
    cohens_d: float | None


@dataclass(frozen=True)
class ScaleTarget:
    """A scale's target; ``progress`` is the share of the way from the
    baseline to the target (0-1, None without a baseline)."""

    value: float
    year: int | None
    progress: float | None


@dataclass(frozen=True)
class ScaleOverall:
    """A scale over all respondents: all figures None when ``suppressed``."""

    n: int | None
    mean: float | None
    sd: float | None
    ci95: Interval | None
    alpha: float | None
    alpha_n: int | None
    suppressed: bool
    baseline: ScaleBaseline | None
    target: ScaleTarget | None


@dataclass(frozen=True)
class RestTest:
    """Welch t test of one cell against the rest, with Holm's adjusted p."""

    t: float | None
    df: float | None
    p: float | None
    p_holm: float | None


@dataclass(frozen=True)
class ItemReliability:
    """One item's corrected item-total r and alpha if deleted, in one cell."""

    item: str
    r_drop: float | None
    alpha_if_deleted: float | None


@dataclass(frozen=True)
class ScaleCell:
    """A scale in one breakdown cell; figures None when ``suppressed``."""

    by: By
    suppressed: bool
    n: int | None
    mean: float | None
    sd: float | None
    ci95: Interval | None
    alpha: float | None
    alpha_n: int | None
    item_reliability: tuple[ItemReliability, ...] | None
    vs_rest: RestTest | None


@dataclass(frozen=True)
class ItemStat:
    """One item of a scale over all respondents. ``pct_correct`` is set for
    a ``correct`` (knowledge) scale, ``distribution`` (code -> count, None
    where hidden) for the others."""

    item: str
    reversed: bool
    n: int | None
    mean: float | None
    sd: float | None
    r_drop: float | None
    alpha_if_deleted: float | None
    pct_correct: float | None = None
    distribution: Mapping[str, int | None] | None = None


@dataclass(frozen=True)
class ScaleResult:
    """One scale of the instrument, scored."""

    id: str
    label: Labels
    method: str
    items: tuple[str, ...]
    reversed: tuple[str, ...]
    min_answered: int
    #: the possible range of the score (lowest, highest)
    range: tuple[float, float]
    overall: ScaleOverall
    item_stats: tuple[ItemStat, ...]
    groups: tuple[ScaleCell, ...]


# --- shares -----------------------------------------------------------------------------

@dataclass(frozen=True)
class CodeShare:
    """The share giving one answer code (percent, Wilson interval); all None when hidden."""

    n: int | None
    pct: float | None
    ci95: Interval | None


@dataclass(frozen=True)
class CodeTable:
    """Every answer code of one item (code as text -> its share)."""

    item: str
    codes: Mapping[str, CodeShare]


@dataclass(frozen=True)
class ShareBaseline:
    """A declared share against its baseline (exact binomial test)."""

    value: float
    pct: float
    year: int | None
    assumption: bool | None
    diff_pct: float | None
    p: float | None


@dataclass(frozen=True)
class ShareTarget:
    """A declared share's target; ``progress`` as for :class:`ScaleTarget`."""

    value: float
    pct: float
    year: int | None
    progress: float | None


@dataclass(frozen=True)
class ShareRestTest:
    """One cell's share against the rest (two-proportion or Fisher test)."""

    test: str
    diff_pct: float | None
    p: float | None
    p_holm: float | None


@dataclass(frozen=True)
class ShareCell:
    """A declared share in one breakdown cell."""

    by: By
    suppressed: bool
    note: Note | None
    n: int | None
    of: int | None
    pct: float | None
    ci95: Interval | None
    vs_rest: ShareRestTest | None


@dataclass(frozen=True)
class DeclaredShare:
    """A share the instrument declares (respondents giving one of ``codes``)."""

    id: str
    item: str
    codes: tuple[int, ...]
    label: Labels
    suppressed: bool
    note: Note | None
    n: int | None
    of: int | None
    pct: float | None
    ci95: Interval | None
    baseline: ShareBaseline | None
    target: ShareTarget | None
    groups: tuple[ShareCell, ...]


# --- indices ----------------------------------------------------------------------------

@dataclass(frozen=True)
class LevelBand:
    """One level of an index: values up to ``max``."""

    max: float
    label: Labels
    colour: str


@dataclass(frozen=True)
class VariableFigures:
    """One index variable in one cell: respondents who answered, the share
    with a problem answer and its class 0-6 (None where hidden or too few)."""

    answered: int | None
    share: float | None
    class_: int | None


@dataclass(frozen=True)
class IndexBaseline:
    """The city index against its baseline."""

    value: float
    year: int | None
    diff: float


@dataclass(frozen=True)
class IndexCell:
    """An index over all respondents (``by`` None) or in one cell."""

    by: By | None
    suppressed: bool
    n: int | None
    index: float | None
    level: int | None
    level_label: Labels | None
    variables_at_4_6: tuple[str, ...] | None
    distance_to_goal: float | None
    variables: Mapping[str, VariableFigures] | None
    baseline: IndexBaseline | None = None


@dataclass(frozen=True)
class IndexResult:
    """One index (trygghetsindex), over all respondents and per cell."""

    id: str
    label: Labels
    min_answers: int
    goal_max: float | None
    levels: tuple[LevelBand, ...]
    overall: IndexCell
    groups: tuple[IndexCell, ...]
    #: the columns of the breakdown (empty: none)
    by: tuple[str, ...]
    #: every shown cell at or below the goal (None: no goal or nothing shown)
    goal_met: bool | None


# --- themes -----------------------------------------------------------------------------

@dataclass(frozen=True)
class ThemeShare:
    """The share of a cell naming one theme; None where hidden."""

    n: int | None
    pct: float | None
    suppressed: bool


@dataclass(frozen=True)
class ThemeCell:
    """Every theme of a ``multi`` item in one cell (code as text -> share)."""

    by: By
    suppressed: bool
    n: int | None
    shares: Mapping[str, ThemeShare] | None


@dataclass(frozen=True)
class Themes:
    """A ``multi`` item's theme shares per cell of ``by``."""

    item: str
    by: tuple[str, ...]
    groups: tuple[ThemeCell, ...]


# --- comparison with an earlier wave -----------------------------------------------------

@dataclass(frozen=True)
class PreviousMoments:
    """A scale in the earlier wave."""

    n: int
    mean: float | None
    sd: float | None


@dataclass(frozen=True)
class WelchTest:
    """Welch's t test of now against the earlier wave."""

    t: float | None
    df: float | None
    p: float | None


@dataclass(frozen=True)
class ScaleChange:
    """A scale now against the earlier wave (``by`` None: all respondents,
    with ``groups`` per cell present in both waves)."""

    by: By | None
    suppressed: bool
    previous: PreviousMoments | None
    diff: float | None
    welch: WelchTest | None
    hedges_g: float | None
    hedges_g_ci95: Interval | None
    groups: tuple["ScaleChange", ...] = ()


@dataclass(frozen=True)
class PreviousShare:
    """A declared share in the earlier wave."""

    n: int
    of: int
    pct: float | None


@dataclass(frozen=True)
class ShareChange:
    """A declared share now against the earlier wave."""

    suppressed: bool
    previous: PreviousShare | None
    diff_pct: float | None
    test: str | None
    p: float | None


@dataclass(frozen=True)
class IndexCellChange:
    """An index cell in the earlier wave and the change (None where hidden)."""

    by: By
    previous: float | None
    change: float | None


@dataclass(frozen=True)
class IndexChange:
    """An index (all respondents) in the earlier wave, the change, and per cell."""

    previous: float | None
    change: float | None
    groups: tuple[IndexCellChange, ...]


@dataclass(frozen=True)
class ThemeOptionChange:
    """One theme in one cell: the earlier share and the change in points."""

    previous_pct: float | None
    change_pct: float | None


@dataclass(frozen=True)
class ThemeCellChange:
    """Every theme of one cell against the earlier wave."""

    by: By
    suppressed: bool
    previous_n: int | None
    change_pct: Mapping[str, ThemeOptionChange] | None


@dataclass(frozen=True)
class ThemeChange:
    """A ``multi`` item's theme shares per cell against the earlier wave."""

    item: str
    by: tuple[str, ...]
    groups: tuple[ThemeCellChange, ...]


@dataclass(frozen=True)
class Comparison:
    """Everything compared with the earlier wave."""

    n_respondents: int
    scales: Mapping[str, ScaleChange]
    declared_shares: Mapping[str, ShareChange]
    indices: Mapping[str, IndexChange]
    themes: Mapping[str, ThemeChange]


# --- the report -------------------------------------------------------------------------

@dataclass(frozen=True)
class Report:
    """One scored wave, every figure through the disclosure step."""

    instrument: InstrumentRef
    n_respondents: int
    suppression_min_n: int
    #: the breakdown's columns (empty: none)
    by: tuple[str, ...]
    scales: Mapping[str, ScaleResult]
    #: single-choice and multi items: the share of every code
    shares: Mapping[str, CodeTable]
    declared_shares: Mapping[str, DeclaredShare]
    indices: Mapping[str, IndexResult]
    themes: Mapping[str, Themes]
    comparison: Comparison | None = None

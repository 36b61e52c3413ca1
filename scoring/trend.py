"""The trend of a survey over its comparable waves (2014 -> 2016 -> 2018):
for each scale, declared share and index the per-wave figure, and for each
step from one wave to the next the change with the comparison's test.

The figures come from each wave's scored report (``scoring.report``), so
they have passed that wave's disclosure control, and every step is the
comparison the results page shows between the two waves (Welch t test for a
scale, two-proportion test for a share, ``scoring.comparison``). An index
has no test: its step carries the change alone. Reading the report is kept
to the ``_point``/``_step`` functions below.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Mapping, Sequence

#: A step is marked significant when its two-sided p is below this level.
SIGNIFICANCE_LEVEL = 0.05

#: The kinds of series, in the order they are shown.
KINDS = ("scale", "share", "index")


@dataclass(frozen=True)
class TrendWave:
    """One wave of the trend: address, name and survey year."""

    slug: str
    label: str
    year: int


@dataclass(frozen=True)
class TrendPoint:
    """One wave's figure: mean, percent or index; ``value`` None when hidden
    (or not measured in that wave), ``ci95`` None when there is none."""

    wave: TrendWave
    n: int | None
    value: float | None
    ci95: tuple[float, float] | None


@dataclass(frozen=True)
class TrendStep:
    """The change from one wave to the next (``after`` minus ``before``):
    ``change`` None when either figure is hidden or the waves could not be
    compared; ``p`` and ``test`` None where there is no test (an index)."""

    before: TrendWave
    after: TrendWave
    change: float | None
    p: float | None
    test: str | None

    @property
    def significant(self) -> bool:
        """True when the change is statistically significant (p < :data:`SIGNIFICANCE_LEVEL`)."""
        return self.p is not None and self.p < SIGNIFICANCE_LEVEL


@dataclass(frozen=True)
class TrendSeries:
    """One measure over the waves: ``kind`` scale, share or index; ``label``
    its name per language; ``unit`` "" or "%"; ``points`` one per wave,
    ``steps`` one between each two neighbours."""

    kind: str
    id: str
    label: Mapping[str, str]
    unit: str
    low: float
    high: float
    points: tuple[TrendPoint, ...]
    steps: tuple[TrendStep, ...]


@dataclass(frozen=True)
class Trend:
    """The trend over ``waves`` (oldest first) of every series."""

    waves: tuple[TrendWave, ...]
    series: tuple[TrendSeries, ...]
    significance_level: float = SIGNIFICANCE_LEVEL

    @property
    def any_significant(self) -> bool:
        return any(s.significant for series in self.series for s in series.steps)

    def as_json(self) -> dict[str, Any]:
        """The trend as the API sends it."""
        def wave(w: TrendWave) -> dict[str, Any]:
            return {"slug": w.slug, "label": w.label, "year": w.year}

        return {
            "waves": [wave(w) for w in self.waves],
            "significance_level": self.significance_level,
            "series": [{
                "kind": s.kind, "id": s.id, "label": dict(s.label), "unit": s.unit,
                "points": [{"slug": p.wave.slug, "year": p.wave.year, "n": p.n, "value": p.value,
                            "ci95": list(p.ci95) if p.ci95 else None} for p in s.points],
                "steps": [{"from": t.before.slug, "to": t.after.slug, "change": t.change, "p": t.p,
                           "test": t.test, "significant": t.significant} for t in s.steps],
            } for s in self.series],
        }


def build_trend(waves: Sequence[TrendWave], reports: Sequence[Mapping[str, Any]]) -> Trend:
    """The trend of ``waves`` (oldest first) from their scored reports:
    ``reports[i]`` is wave i's report, compared with wave i - 1 where the
    two could be compared (its ``comparison``; none for the first wave)."""
    if len(waves) != len(reports):
        raise ValueError("one report per wave")
    series: list[TrendSeries] = []
    for kind in KINDS:
        for measure_id, label, (low, high), unit in _measures(kind, reports):
            points = tuple(_point(kind, measure_id, w, r) for w, r in zip(waves, reports))
            steps = tuple(_step(kind, measure_id, points[i - 1], points[i], reports[i])
                          for i in range(1, len(points)))
            series.append(TrendSeries(kind, measure_id, label, unit, low, high, points, steps))
    return Trend(tuple(waves), tuple(series))


# ---------------------------------------------------------- reading a report
_SECTION = {"scale": "scales", "share": "declared_shares", "index": "indices"}


def _measures(kind: str, reports: Sequence[Mapping[str, Any]]) -> list[tuple[str, dict, tuple[float, float], str]]:
    """(id, label, axis range, unit) of every measure of ``kind``, in the
    order of the newest report that has it."""
    seen: dict[str, tuple[str, dict, tuple[float, float], str]] = {}
    for report in reversed(reports):
        for measure_id, entry in report.get(_SECTION[kind], {}).items():
            if measure_id in seen:
                continue
            label = dict(entry.get("label") or {})
            if kind == "scale":
                lo, hi = entry.get("range") or (None, None)
                axis = (float(lo), float(hi)) if lo is not None else (0.0, 1.0)
                seen[measure_id] = (measure_id, label, axis, "")
            elif kind == "share":
                seen[measure_id] = (measure_id, label, (0.0, 100.0), "%")
            else:
                seen[measure_id] = (measure_id, label, (0.0, 6.0), "")
    return list(seen.values())


def _point(kind: str, measure_id: str, wave: TrendWave, report: Mapping[str, Any]) -> TrendPoint:
    entry = report.get(_SECTION[kind], {}).get(measure_id)
    if entry is None:
        return TrendPoint(wave, None, None, None)
    if kind == "scale":
        o = entry["overall"]
        return TrendPoint(wave, o.get("n") if o.get("mean") is not None else None, o.get("mean"),
                          _pair(o.get("ci95")))
    if kind == "share":
        return TrendPoint(wave, entry.get("of"), entry.get("pct"), _pair(entry.get("ci95")))
    o = entry["overall"]
    return TrendPoint(wave, o.get("n") if o.get("index") is not None else None, o.get("index"), None)


def _step(kind: str, measure_id: str, before: TrendPoint, after: TrendPoint,
          report: Mapping[str, Any]) -> TrendStep:
    comp = (report.get("comparison") or {}).get(_SECTION[kind], {}).get(measure_id)
    if comp is None or before.value is None or after.value is None:
        return TrendStep(before.wave, after.wave, None, None, None)
    if kind == "scale":
        welch = comp.get("welch") or {}
        return TrendStep(before.wave, after.wave, comp.get("diff"), welch.get("p"),
                         "welch" if welch.get("p") is not None else None)
    if kind == "share":
        return TrendStep(before.wave, after.wave, comp.get("diff_pct"), comp.get("p"), comp.get("test"))
    return TrendStep(before.wave, after.wave, comp.get("change"), None, None)


def _pair(ci: Any) -> tuple[float, float] | None:
    if not ci or ci[0] is None or ci[1] is None:
        return None
    return (float(ci[0]), float(ci[1]))

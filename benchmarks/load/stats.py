"""Percentiles and the latency table the benchmarks print."""
from __future__ import annotations

from collections.abc import Iterable, Mapping


def percentile(values: Iterable[float], q: float) -> float:
    """Linear-interpolated percentile (``q`` in 0..1); NaN for no values."""
    ordered = sorted(values)
    if not ordered:
        return float("nan")
    k = (len(ordered) - 1) * q
    lo, hi = int(k), min(int(k) + 1, len(ordered) - 1)
    return ordered[lo] + (ordered[hi] - ordered[lo]) * (k - lo)


def median(values: Iterable[float]) -> float:
    return percentile(values, 0.5)


def latency_table(latencies: Mapping[str, list[float]]) -> str:
    """One line per request type: count, p50, p99, max (ms)."""
    lines = [f"{'request':<12} {'count':>7} {'p50 ms':>8} {'p99 ms':>8} {'max ms':>8}"]
    for kind in sorted(latencies):
        values = latencies[kind]
        lines.append(f"{kind:<12} {len(values):>7} {percentile(values, .5):>8.0f} "
                     f"{percentile(values, .99):>8.0f} {max(values):>8.0f}")
    return "\n".join(lines)

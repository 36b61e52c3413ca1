"""Benchmark of the scoring engine (issue 4).

1,000,000 respondents x 12 items (1-6, 3 % missing), 40 schools x 2 genders.
Times full scoring of the ``restrictive`` scale (scale scores, overall
figures, alpha with item statistics, the 80 school x gender cells with
suppression, group-vs-rest tests) and, for reference, one
``np.nanmean(X, axis=1)`` pass over the same matrix in the same run.
Goal: at most 10x that pass (aim 5x), peak extra memory at most 3x the matrix.

Then, when the ``survey-engine score`` command exists, times it end to end
(CSV parsing included) on a generated 100,000-row CSV.

Run: .venv/bin/python benchmarks/bench_scoring.py [--rows N]
"""
from __future__ import annotations

import argparse
import csv
import gc
import os
import shutil
import subprocess
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from scoring.report import score_report  # noqa: E402
from scoring.report_scales import score_scale  # noqa: E402
from scoring.disclosure import Disclosure  # noqa: E402
from surveys.dataset import Dataset  # noqa: E402
from surveys.instrument import (Baseline, Instrument, Item, Option, Page, ResponseScale, Scale,  # noqa: E402
                                Target, Text)

ITEMS = [f"att{j:02d}" for j in range(1, 13)]


def make_instrument() -> Instrument:
    t = Text({"sv": "x"})
    agree6 = ResponseScale("agree6", tuple(Option(c, t) for c in range(1, 7)))
    items = tuple(Item(i, "single", t, scale="agree6") for i in ITEMS)
    scale = Scale("restrictive", t, items=tuple(ITEMS[:8]), reversed=("att02", "att04", "att06", "att08"),
                  min_answered=6, baseline=Baseline(3.72, 2014), target=Target(4.72))
    page = Page("p", t, (Item("school", "single", t, group="school", options_from="preset"),
                         Item("gender", "single", t, group="gender", options_from="preset"), *items))
    return Instrument("bench", "1", t, ("sv",), {"agree6": agree6}, (page,), scales={"restrictive": scale},
                      suppression_min_n=5)


def make_data(n: int, seed: int = 2014) -> Dataset:
    rng = np.random.default_rng(seed)
    school_idx = rng.integers(0, 40, n)
    gender_idx = rng.integers(0, 2, n)
    latent = rng.normal(size=n) + 0.02 * school_idx - 0.2 * gender_idx
    keys = np.array([1, -1] * 6, dtype=np.float64)
    X = np.rint(3.6 + np.outer(latent, keys) * 0.9 + rng.normal(0, 0.9, size=(n, 12)))
    np.clip(X, 1, 6, out=X)
    X[rng.random(X.shape) < 0.03] = np.nan
    schools = np.array([f"Skola {i + 1:02d}" for i in range(40)])[school_idx]
    genders = np.array(["Flicka", "Pojke"])[gender_idx]
    return Dataset(columns=list(ITEMS), matrix=X, groups={"school": schools, "gender": genders})


def best_of(fn, repeat: int) -> float:
    times = []
    for _ in range(repeat):
        gc.collect()
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return min(times)


def peak_extra(fn) -> int:
    gc.collect()
    tracemalloc.start()
    tracemalloc.reset_peak()
    base = tracemalloc.get_traced_memory()[0]
    fn()
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    return peak - base


def bench_in_memory(n: int, repeat: int) -> None:
    instrument = make_instrument()
    data = make_data(n)
    scale = instrument.scales["restrictive"]
    col = {c: j for j, c in enumerate(data.columns)}

    def scale_scoring():
        # what the report does for one scale: factorize the two group
        # columns, then scores, overall, alpha, item stats, 80 cells
        cells = Disclosure(data.groups, data.n, ("school", "gender"),
                           instrument.suppression_min_n).breakdown(("school", "gender"))
        X = np.take(data.matrix, [col[i] for i in scale.items], axis=1)
        entry, _ = score_scale(scale, X, cells, instrument.suppression_min_n)
        return entry

    def reference():
        np.nanmean(data.matrix, axis=1)

    def report():
        return score_report(instrument, data, by=("school", "gender"))

    entry = scale_scoring()
    assert len(entry.groups) == 80, len(entry.groups)
    t_ref = best_of(reference, repeat)
    t_scale = best_of(scale_scoring, repeat)
    t_report = best_of(report, max(1, repeat // 2))
    mem_scale = peak_extra(scale_scoring)
    mem_report = peak_extra(report)
    mb = data.matrix.nbytes / 2**20
    print(f"rows x items                  : {n:,} x {data.matrix.shape[1]} (3 % missing), 40 schools x 2 genders")
    print(f"matrix size                   : {mb:.1f} MiB")
    print(f"np.nanmean(X, axis=1) pass    : {t_ref:.3f} s (best of {repeat})")
    print(f"restrictive scale, 80 cells   : {t_scale:.3f} s  = {t_scale / t_ref:.1f}x the nanmean pass "
          f"(goal <= 10x, aim 5x)")
    print(f"  peak extra memory           : {mem_scale / 2**20:.1f} MiB = {mem_scale / data.matrix.nbytes:.2f}x "
          f"the matrix (goal <= 3x)")
    print(f"whole score_report (+shares of 12 items): {t_report:.3f} s = {t_report / t_ref:.1f}x; "
          f"peak extra {mem_report / 2**20:.1f} MiB = {mem_report / data.matrix.nbytes:.2f}x")
    ok = t_scale / t_ref <= 10 and mem_scale <= 3 * data.matrix.nbytes
    print(f"goal met                      : {'yes' if ok else 'NO'}")
    bench_disclosure(repeat, t_ref)


def bench_disclosure(repeat: int, t_ref: float) -> None:
    """The joint disclosure step on a realistic pupils' wave: 2,600 pupils,
    40 schools, 3 class tags per school (nested), 2 grades, gender skipped by
    4 %: 8 published tables. Timed: the cells of every table and one
    measure's hidden cells (what each figure of a report needs; repeated
    measures with the same counts are cached)."""
    rng = np.random.default_rng(11)
    n = 2600
    groups = {"school": np.array([f"S{i:02d}" for i in rng.integers(0, 40, n)]),
              "grade": rng.choice(["åk 9", "gy 1"], n),
              "gender": rng.choice(["Flicka", "Pojke", ""], n, p=[0.48, 0.48, 0.04]),
              "class": rng.choice(["A", "B", "C"], n)}

    def solve():
        d = Disclosure(groups, n, ("school", "grade", "gender", "class"), 5, {"class": "school"})
        return d, d.hidden(np.ones(n, dtype=bool))

    d, hidden = solve()
    t = best_of(solve, repeat)
    cells = sum(v.size for v in hidden.values())
    print(f"disclosure, 2,600 pupils      : {len(d.tables)} tables, {cells} cells, {d.n_atoms} atoms, "
          f"{sum(int(v.sum()) for v in hidden.values())} hidden: {t:.3f} s = {t / t_ref:.1f}x the nanmean pass")


def bench_cli(rows: int) -> None:
    exe = shutil.which("survey-engine") or str(Path(sys.executable).parent / "survey-engine")
    instrument_path = ROOT / "instruments" / "cannabis-attityd.yaml"
    if not Path(exe).exists():
        print("score end to end               : skipped (no survey-engine executable)")
        return
    probe = subprocess.run([exe, "score", "--help"], capture_output=True, text=True)
    if probe.returncode != 0:
        print("score end to end               : skipped (the `score` command is not there yet)")
        return
    if not instrument_path.exists():
        print("score end to end               : skipped (instruments/cannabis-attityd.yaml missing)")
        return
    rng = np.random.default_rng(7)
    tmp = Path(tempfile.mkdtemp(prefix="bench-score-"))
    try:
        path = tmp / "responses.csv"
        header = ["school", "grade", "gender", "use", "would_try", *[f"att{j:02d}" for j in range(1, 13)],
                  *[f"know{j:02d}" for j in range(1, 9)]]
        with path.open("w", newline="", encoding="utf-8") as fh:
            w = csv.writer(fh)
            w.writerow(header)
            cols = [np.array([f"Skola {i:02d}" for i in range(1, 13)])[rng.integers(0, 12, rows)],
                    rng.integers(1, 5, rows), rng.integers(1, 3, rows), rng.integers(1, 5, rows),
                    rng.integers(1, 4, rows)]
            att = rng.integers(1, 7, (rows, 12)).astype(object)
            att[rng.random(att.shape) < 0.03] = ""
            know = rng.integers(1, 4, (rows, 8))
            for r in range(rows):
                w.writerow([cols[0][r], cols[1][r], cols[2][r], cols[3][r], cols[4][r], *att[r], *know[r]])
        cmd = [exe, "score", "--instrument", str(instrument_path), "--responses", str(path),
               "--by", "school", "--format", "json"]
        t0 = time.perf_counter()
        res = subprocess.run(cmd, capture_output=True, text=True)
        elapsed = time.perf_counter() - t0
        if res.returncode != 0:
            print(f"score end to end               : FAILED (exit {res.returncode}): {res.stderr.strip()[:300]}")
            return
        print(f"score end to end, {rows:,} rows CSV: {elapsed:.2f} s (process start, parsing, scoring, JSON)")
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--rows", type=int, default=1_000_000)
    ap.add_argument("--repeat", type=int, default=5)
    ap.add_argument("--csv-rows", type=int, default=100_000)
    args = ap.parse_args()
    bench_in_memory(args.rows, args.repeat)
    if args.csv_rows > 0:
        bench_cli(args.csv_rows)


if __name__ == "__main__":
    os.environ.setdefault("PYTHONHASHSEED", "0")
    main()

"""Decimal answers: the cost of turning stored fixed-point codes into values.

A decimal item's answers are stored as whole-number codes (value *
10**decimals) and divided once where a wave's dataset is assembled
(``surveys.dataset.assemble``). Prints, for N respondents answering one
number item with K distinct answers, the assembly time when the item is a
whole-number item (baseline, same run) and when it has two decimals, and
the ratio. Median of --repeat runs.
"""
from __future__ import annotations

import argparse
import statistics
import time

import numpy as np

from surveys.dataset import assemble
from surveys.instrument import Instrument, Item, Page, Text


def _instrument(decimals: int) -> Instrument:
    item = Item("x", "number", Text({"sv": "X"}), min=0, max=1000, decimals=decimals)
    return Instrument(id="bench", version="1", title=Text({"sv": "B"}), languages=("sv",), response_scales={},
                      pages=(Page("p", Text({"sv": "P"}), (item,)),))


def _timed(instrument: Instrument, n: int, codes: list, repeat: int) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        assemble(instrument, n, codes)
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=200_000)
    parser.add_argument("--distinct", type=int, default=5_000)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    rng = np.random.default_rng(1)
    rows = rng.permutation(args.n)
    groups = np.array_split(rows, args.distinct)
    codes = [("x", k, g) for k, g in enumerate(groups)]
    whole = _timed(_instrument(0), args.n, codes, args.repeat)
    decimal = _timed(_instrument(2), args.n, codes, args.repeat)
    print(f"{args.n:,} respondents, {args.distinct:,} distinct answers of one number item")
    print(f"assemble, whole numbers (baseline):   {whole * 1000:7.1f} ms")
    print(f"assemble, two decimals (code / 100):  {decimal * 1000:7.1f} ms  ({decimal / whole:.2f}x the baseline)")


if __name__ == "__main__":
    main()

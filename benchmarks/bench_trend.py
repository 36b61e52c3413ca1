"""Benchmark of the trend (issue 16): three synthetic cannabis waves (2014,
2016, 2018, about 2,500 pupils each) on SQLite, and the time of
``surveys.service.trend.wave_trend`` cold (the waves read and scored for the
first time in this process) and warm (the store's dataset cache and the
service's report cache hold them), next to one scored report, the yardstick.
The results page computes the trend on every request; warm it adds only the
building of the trend from cached reports.

Run: .venv/bin/python benchmarks/bench_trend.py [--repeat 5]
"""
from __future__ import annotations

import argparse
import dataclasses
import statistics
import tempfile
import time
from pathlib import Path


def _seed(url: str) -> object:
    from surveys import db, synthetic
    from surveys.loader import instruments_dir, load_instrument_text
    from surveys.store import Store

    db.upgrade(url)
    store = Store(db.make_engine(url), b"bench-secret")
    path = instruments_dir() / "cannabis-attityd.yaml"
    source = path.read_text(encoding="utf-8")
    instrument = load_instrument_text(source, str(path))
    sha = store.register_instrument(instrument, source)
    middle = dataclasses.replace(synthetic.CANNABIS_2014, year=2016, n=2490, restrictive_mean=3.9)
    for targets in (synthetic.CANNABIS_2018, synthetic.CANNABIS_2014, middle):  # not in year order
        slug = f"cannabis-{targets.year}"
        store.create_survey(slug=slug, instrument_sha256=sha, label=slug, presets={"school": list(synthetic.SCHOOLS)},
                            year=targets.year)
        store.import_responses(slug, synthetic.cannabis_wave(instrument, targets).records)
    return store


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    from scoring.report import score_report
    from surveys.service import trend, waves

    with tempfile.TemporaryDirectory() as tmp:
        store = _seed(f"sqlite:///{Path(tmp) / 'bench.sqlite3'}")
        survey = store.survey("cannabis-2018")
        visible = store.surveys()
        start = time.perf_counter()
        result = trend.wave_trend(store, survey, visible)
        cold = time.perf_counter() - start
        warm = []
        for _ in range(args.repeat):
            start = time.perf_counter()
            trend.wave_trend(store, survey, visible)
            warm.append(time.perf_counter() - start)
        wave = waves.load_wave(store, "cannabis-2018")
        yard = []
        for _ in range(args.repeat):
            start = time.perf_counter()
            score_report(wave.instrument, wave.dataset)
            yard.append(time.perf_counter() - start)
        sizes = [w.dataset.n for w in (waves.load_wave(store, s.slug) for s in
                                       trend.trend_waves(store, survey, visible))]
    print(f"waves: {', '.join(f'{w.year} ({n} pupils)' for w, n in zip(result.waves, sizes))}; "
          f"series: {len(result.series)}")
    print(f"wave_trend cold (read + score 3 waves, 2 comparisons): {cold * 1000:.0f} ms")
    print(f"wave_trend warm (median of {args.repeat}):                  {statistics.median(warm) * 1000:.0f} ms")
    print(f"one score_report of 2018 (median, the yardstick):      {statistics.median(yard) * 1000:.0f} ms")


if __name__ == "__main__":
    main()

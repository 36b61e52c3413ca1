"""The yearly report of a 2,576-response cannabis wave compared with the
previous one (issue 16: goal at most 3 s).

Sets up a temporary SQLite database with the synthetic cannabis waves of
2014 and 2018 (2,576 pupils each, imported), then times, cold each repeat
(fresh store, no cached dataset or report): the report as the route makes
it (``yearly_report`` + ``render_pdf``) and its parts: reading both waves,
scoring (the compared report and one report per declared breakdown),
building the document, the HTML and the PDF. The baseline, measured in the
same run, is ``score_report`` of the wave alone (no comparison, no
breakdown). Median of --repeat runs.
"""
from __future__ import annotations

import argparse
import os
import statistics
import tempfile
import time
from pathlib import Path
from typing import Callable

from scoring.report import score_report
from surveys import db
from surveys.importer import import_wave
from surveys.loader import instruments_dir, load_all
from surveys.service.trend import wave_trend
from surveys.store import Store
from surveys.synthetic import demo_waves, write_csv
from surveys.yearly_report import build_document, render_html, render_pdf, yearly_report
from surveys.yearly_report.document import WaveInfo
from surveys.yearly_report.gather import breakdown_reports, counts
from surveys.service import waves

SLUGS = ("cannabis-2014", "cannabis-2018")


def _setup(folder: Path) -> str:
    url = f"sqlite:///{folder / 'bench.sqlite3'}"
    db.upgrade(url, "head")
    store = Store(db.make_engine(url), b"bench-report")
    instruments = load_all()
    instrument = instruments["cannabis-attityd"]
    text = (instruments_dir() / "cannabis-attityd.yaml").read_text(encoding="utf-8")
    sha = store.register_instrument(instrument, text)
    waves = [w for w in demo_waves(instruments) if w.instrument_id == "cannabis-attityd"][:2]
    for slug, wave in zip(SLUGS, waves):
        store.create_survey(slug=slug, instrument_sha256=sha, label=slug, mode="codes", presets=wave.presets)
        path = folder / f"{slug}.csv"
        write_csv(wave, instrument, path)
        report = import_wave(store, slug, path.read_bytes(), name=path.name)
        assert report.imported, report
    store.engine.dispose()
    return url


def _median(runs: list[dict[str, float]], key: str) -> float:
    return statistics.median(r[key] for r in runs)


def _timed(phases: dict[str, float], key: str, fn: Callable[[], object]) -> object:
    start = time.perf_counter()
    out = fn()
    phases[key] = time.perf_counter() - start
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        url = _setup(Path(tmp))
        render_pdf(yearly_report(Store(db.make_engine(url), b"warm-up"), SLUGS[1], []))  # imports, fonts
        runs = []
        for _ in range(args.repeat):
            p: dict[str, float] = {}
            waves._REPORTS.clear()
            store = Store(db.make_engine(url), b"bench-report")
            start = time.perf_counter()
            render_pdf(yearly_report(store, SLUGS[1], store.surveys(), "sv"))
            p["total"] = time.perf_counter() - start
            waves._REPORTS.clear()
            store = Store(db.make_engine(url), b"bench-report")
            wave, earlier = _timed(p, "read", lambda: (waves.load_wave(store, SLUGS[1]),
                                                        waves.load_wave(store, SLUGS[0])))
            _timed(p, "baseline", lambda: score_report(wave.instrument, wave.dataset))
            report, extra = _timed(p, "scoring", lambda: (waves.report(wave, (), earlier),
                                                          breakdown_reports(wave)))
            trend = _timed(p, "trend", lambda: wave_trend(store, store.survey(SLUGS[1]), store.surveys()))
            n = counts(store, SLUGS[1], "codes", wave.dataset)
            doc = _timed(p, "document", lambda: build_document(
                wave.instrument, WaveInfo(SLUGS[1], SLUGS[1]), report, extra, n, WaveInfo(SLUGS[0], SLUGS[0]),
                trend=trend))
            html = _timed(p, "html", lambda: render_html(doc))
            _timed(p, "pdf", lambda: render_pdf(doc, html))
            runs.append(p)
            store.engine.dispose()
    base = _median(runs, "baseline")
    print(f"yearly report of {SLUGS[1]} (2,576 responses) compared with {SLUGS[0]}, SQLite, "
          f"median of {args.repeat} cold runs; load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")
    print(f"  whole report (yearly_report + render_pdf):  {_median(runs, 'total'):6.2f} s   (goal <= 3 s)")
    for key, what in (("read", "read both waves"), ("scoring", "scoring (compared + 3 breakdowns)"),
                      ("trend", "trend (its reports cached by then)"),
                      ("document", "document"), ("html", "HTML (charts included)"), ("pdf", "PDF (WeasyPrint)")):
        t = _median(runs, key)
        print(f"  {what:42s} {t:6.3f} s  ({t / base:5.1f}x the baseline)")
    print(f"  baseline: score_report of the wave alone     {base:6.3f} s")


if __name__ == "__main__":
    main()

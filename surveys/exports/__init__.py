"""Downloads of a wave: raw answers (CSV, Swedish-Excel CSV, XLSX, SPSS),
the codebook (CSV, XLSX, HTML) and the scored results (JSON, XLSX).

Each format is one entry of :data:`FORMATS`; :func:`render` builds its bytes
from the instrument, the wave's :class:`~surveys.dataset.Dataset` and the
scored report (``scoring.model.Report``, already suppressed). Raw
files never hold an access code or a time finer than the ISO week, and
every text cell passes one sanitiser (see :mod:`surveys.exports.table` and
:mod:`surveys.exports.sanitise`); the raw CSV variants stream
(:func:`render_stream`).
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Callable, Iterator, Mapping, Sequence

import numpy as np

from surveys.dataset import Dataset
from surveys.exports import codebook, csv_raw, html, report as report_mod, spss, xlsx
from surveys.exports.table import build_table
from surveys.instrument import Instrument

if TYPE_CHECKING:
    from scoring.model import Report


@dataclass(frozen=True)
class WaveData:
    """Everything a download is made of."""

    instrument: Instrument
    dataset: Dataset
    #: the scored report (None for a download that holds none)
    report: Report | None
    presets: Mapping[str, Sequence[str]] | None = None
    #: Per-respondent scale scores (scale id -> array), appended to raw data.
    scores: Mapping[str, np.ndarray] | None = None
    lang: str | None = None
    #: Used in file names and titles, e.g. the wave's slug.
    name: str = "wave"


@dataclass(frozen=True)
class Format:
    key: str
    title: str
    suffix: str
    mimetype: str
    build: Callable[[WaveData], bytes]
    #: Streams the file chunk by chunk (raw CSV variants); None: built whole.
    stream: Callable[[WaveData], Iterator[bytes]] | None = None
    #: Whether the file holds the scored report / per-respondent scores.
    needs_report: bool = False
    needs_scores: bool = False

    def filename(self, name: str) -> str:
        return f"{name}-{self.suffix}"


def _table(w: WaveData):
    return build_table(w.instrument, w.dataset, w.presets, w.scores, w.lang)


def _raw_xlsx(w: WaveData) -> bytes:
    t = _table(w)
    items = codebook.items_sheet(w.instrument, w.presets, w.lang)
    scores = report_mod.scales_sheet(w.report)
    return xlsx.workbook_bytes([
        xlsx.TableSheet("data", t),
        codebook.Sheet("codebook", items.header, items.rows),
        codebook.Sheet("scores", scores.header, scores.rows),
        report_mod.shares_sheet(w.report),
    ])


def _codebook_csv(w: WaveData) -> bytes:
    items = codebook.items_sheet(w.instrument, w.presets, w.lang)
    inst = w.instrument
    header = [*items.header, "instrument", "version", "sha256"]
    rows = [[*r, inst.id, inst.version, inst.sha256] for r in items.rows]
    return csv_raw.write_rows(header, rows)


def _codebook_html(w: WaveData) -> bytes:
    title = f"{w.instrument.title.get(w.lang)} ({w.instrument.id} {w.instrument.version})"
    return html.html_document(title, codebook.codebook_sheets(w.instrument, w.presets, w.lang),
                              lang=w.lang or "sv")


_XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
FORMATS: dict[str, Format] = {f.key: f for f in [
    Format("raw-csv", "Raw answers, CSV (UTF-8, comma)", "raw.csv", "text/csv",
           lambda w: csv_raw.write_csv(_table(w)), lambda w: csv_raw.iter_csv(_table(w)),
           needs_scores=True),
    Format("raw-csv-sv", "Raw answers, CSV for Swedish Excel (semicolon, decimal comma)",
           "raw-sv.csv", "text/csv", lambda w: csv_raw.write_csv(_table(w), swedish=True),
           lambda w: csv_raw.iter_csv(_table(w), swedish=True), needs_scores=True),
    Format("raw-xlsx", "Raw answers, Excel (data, codebook, scores)", "raw.xlsx", _XLSX,
           _raw_xlsx, needs_report=True, needs_scores=True),
    Format("raw-sav", "Raw answers, SPSS .sav with labels", "raw.sav",
           "application/x-spss-sav",
           lambda w: spss.write_sav(_table(w), file_label=f"{w.instrument.id} {w.name}"),
           needs_scores=True),
    Format("codebook-csv", "Codebook, CSV", "codebook.csv", "text/csv", _codebook_csv),
    Format("codebook-xlsx", "Codebook, Excel", "codebook.xlsx", _XLSX,
           lambda w: xlsx.workbook_bytes(codebook.codebook_sheets(w.instrument, w.presets,
                                                                  w.lang))),
    Format("codebook-html", "Codebook, HTML", "codebook.html", "text/html; charset=utf-8",
           _codebook_html),
    Format("scores-json", "Scored results, JSON", "scores.json", "application/json",
           lambda w: report_mod.report_json(w.report), needs_report=True),
    Format("scores-xlsx", "Scored results, Excel", "scores.xlsx", _XLSX,
           lambda w: xlsx.workbook_bytes(report_mod.report_sheets(w.report)), needs_report=True),
]}


def render(key: str, wave: WaveData) -> bytes:
    """The bytes of download ``key`` (one of :data:`FORMATS`); KeyError if unknown."""
    return FORMATS[key].build(wave)


def render_stream(key: str, wave: WaveData) -> Iterator[bytes]:
    """Download ``key`` chunk by chunk: streamed where the format allows,
    else its whole bytes as one chunk."""
    fmt = FORMATS[key]
    if fmt.stream is not None:
        return fmt.stream(wave)
    return iter([fmt.build(wave)])

"""The download files of a wave and the API's pages of raw rows."""
from __future__ import annotations

from typing import Any, Iterator

import numpy as np

from scoring.report_scales import scale_matrix, score_scale
from surveys.exports import FORMATS, WaveData, render_stream
from surveys.service.waves import Wave, report

#: Rows one API request may ask for (``limit``), and the default.
RAW_PAGE_MAX = 1000
RAW_PAGE_DEFAULT = 100


def respondent_scores(wave: Wave) -> dict[str, np.ndarray]:
    """Each respondent's score on every scale (NaN where too few items)."""
    ds = wave.dataset
    col = {c: j for j, c in enumerate(ds.columns)}
    missing = {i.id: tuple(rs.missing_codes) for i in wave.instrument.items
               if (rs := wave.instrument.response_scale(i)) is not None and rs.missing_codes}
    out: dict[str, np.ndarray] = {}
    for scale in wave.instrument.scales.values():
        if not all(i in col for i in scale.items) or ds.n == 0:
            continue
        X = scale_matrix(ds.matrix, col, scale.items, missing)
        _, scores = score_scale(scale, X, None, wave.instrument.suppression_min_n)
        out[scale.id] = scores
    return out


def download(wave: Wave, key: str, lang: str | None = None) -> tuple[Iterator[bytes], str, str]:
    """(the file chunk by chunk, mimetype, file name) of download ``key``;
    KeyError if unknown. The raw CSV variants stream; the others come as one chunk."""
    fmt = FORMATS[key]
    data = WaveData(wave.instrument, wave.dataset, report(wave) if fmt.needs_report else None,
                    presets=wave.survey.presets,
                    scores=respondent_scores(wave) if fmt.needs_scores else None,
                    lang=lang, name=wave.survey.slug)
    return render_stream(key, data), fmt.mimetype, fmt.filename(wave.survey.slug)


def raw_page(wave: Wave, offset: int, limit: int) -> dict[str, Any]:
    """Rows ``offset`` .. ``offset + limit`` of the raw table (the raw
    downloads' columns, text sanitised, the week not the day) with the
    variable names and labels; ``limit`` is at most :data:`RAW_PAGE_MAX`."""
    from surveys.exports.table import build_table

    limit = max(1, min(limit, RAW_PAGE_MAX))
    table = build_table(wave.instrument, wave.dataset, wave.survey.presets,
                        respondent_scores(wave))
    return {"total": table.n, "offset": offset, "limit": limit,
            "variables": [{"name": v.name, "label": v.label, "kind": v.kind}
                          for v in table.variables],
            "rows": table.rows_between(offset, offset + limit)}

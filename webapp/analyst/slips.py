"""Code slips for a batch: a PDF sheet (fpdf2) and a CSV. These downloads are
the only place an access code is ever shown in clear."""
from __future__ import annotations

import io
from pathlib import Path
from typing import Mapping, Sequence

from fpdf import FPDF

from surveys.exports.csv_raw import write_rows

_DEJAVU = Path("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf")
COLUMNS, ROWS = 2, 6


def _tags_text(tags: Mapping[str, str]) -> str:
    return ", ".join(f"{k}: {v}" for k, v in tags.items())


def slips_csv(codes: Sequence[str], tags: Mapping[str, str], url: str) -> bytes:
    """One row per code with the survey address and the batch's tags."""
    header = ["code", "url", *tags.keys()]
    return write_rows(header, [[c, url, *tags.values()] for c in codes])


def slips_pdf(title: str, url: str, codes: Sequence[str], tags: Mapping[str, str]) -> bytes:
    """A4 pages of 2 x 6 slips to cut apart: title, address, tags, code."""
    pdf = FPDF(format="A4")
    pdf.set_auto_page_break(False)
    if _DEJAVU.exists():
        pdf.add_font("slip", fname=str(_DEJAVU))
        font, clean = "slip", (lambda s: s)
    else:  # the core font covers Latin-1 only (å, ä, ö included)
        font, clean = "Helvetica", (lambda s: s.encode("latin-1", "replace").decode("latin-1"))
    w, h = 190 / COLUMNS, 277 / ROWS
    for i, code in enumerate(codes):
        if i % (COLUMNS * ROWS) == 0:
            pdf.add_page()
        col, row = (i % (COLUMNS * ROWS)) % COLUMNS, (i % (COLUMNS * ROWS)) // COLUMNS
        x, y = 10 + col * w, 10 + row * h
        pdf.set_draw_color(150)
        pdf.set_dash_pattern(dash=1, gap=1)
        pdf.rect(x, y, w, h)
        pdf.set_xy(x + 4, y + 4)
        pdf.set_font(font, size=11)
        pdf.multi_cell(w - 8, 5, clean(title), align="L")
        pdf.set_x(x + 4)
        pdf.set_font(font, size=9)
        pdf.multi_cell(w - 8, 5, clean(url), align="L")
        if tags:
            pdf.set_x(x + 4)
            pdf.multi_cell(w - 8, 5, clean(_tags_text(tags)), align="L")
        pdf.set_xy(x + 4, y + h - 18)
        pdf.set_font(font, size=20)
        pdf.cell(w - 8, 12, code, align="C")
    if not codes:
        pdf.add_page()
    buf = io.BytesIO()
    pdf.output(buf)
    return buf.getvalue()

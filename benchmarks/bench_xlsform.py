"""XLSForm import speed: a sheet that declares a million rows.

Excel and LibreOffice often save a sheet whose dimension claims A1:AMJ1048576
and a formatted, empty row at the very bottom. The importer reads in
read-only mode with the dimensions reset and skips empty rows, so such a
file should cost about what the same form costs without the stray row.

Prints, for the trygghet instrument exported as an XLSForm: the import time
of the plain file (baseline, same run), of the file with a formatted empty
row at row 1,048,576, and the ratio. Median of --repeat runs.
"""
from __future__ import annotations

import argparse
import io
import statistics
import time
from pathlib import Path

from openpyxl import load_workbook
from openpyxl.styles import Font

from surveys.loader import instruments_dir, parse_document
from surveys.xlsform import export_xlsform, import_xlsform_bytes


def _timed(data: bytes, repeat: int) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        import_xlsform_bytes(data, "bench.xlsx")
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    path = instruments_dir() / "trygghet.yaml"
    doc, _ = parse_document(path.read_text(encoding="utf-8"), str(path))
    plain = export_xlsform(doc)
    wb = load_workbook(io.BytesIO(plain))
    for name in ("survey", "choices"):
        ws = wb[name]
        ws.cell(row=1_048_576, column=1).font = Font(bold=True)  # formatted, empty
        ws.cell(row=1_048_576, column=1024).font = Font(bold=True)
    buf = io.BytesIO()
    wb.save(buf)
    declared = buf.getvalue()
    base = _timed(plain, args.repeat)
    big = _timed(declared, args.repeat)
    print(f"trygghet as XLSForm: {len(doc['pages'])} pages, {sum(len(p['items']) for p in doc['pages'])} items, "
          f"{len(plain) // 1024} KiB")
    print(f"import, plain file (baseline):              {base * 1000:7.0f} ms")
    print(f"import, sheets declaring 1,048,576 rows:    {big * 1000:7.0f} ms  ({big / base:.2f}x the baseline)")


if __name__ == "__main__":
    main()

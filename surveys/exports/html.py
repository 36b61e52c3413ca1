"""Write titled tables as one self-contained HTML document (the printable
codebook)."""
from __future__ import annotations

from html import escape
from typing import Sequence

from surveys.exports.codebook import Sheet
from surveys.exports.csv_raw import format_value

_STYLE = ("body{font-family:sans-serif;margin:1rem}table{border-collapse:collapse;margin-bottom:2rem}"
          "th,td{border:1px solid #999;padding:.2rem .4rem;text-align:left;vertical-align:top}"
          "th{background:#eee}")


def html_document(title: str, sheets: Sequence[Sheet], lang: str = "sv") -> bytes:
    """A UTF-8 HTML page with a heading and one table per sheet."""
    parts = [f'<!doctype html><html lang="{escape(lang)}"><head><meta charset="utf-8">',
             f"<title>{escape(title)}</title><style>{_STYLE}</style></head><body>",
             f"<h1>{escape(title)}</h1>"]
    for sheet in sheets:
        parts.append(f'<h2 id="{escape(sheet.name)}">{escape(sheet.name)}</h2><table><thead><tr>')
        parts.extend(f'<th scope="col">{escape(h)}</th>' for h in sheet.header)
        parts.append("</tr></thead><tbody>")
        for row in sheet.rows:
            parts.append("<tr>" + "".join(f"<td>{escape(format_value(v))}</td>" for v in row)
                         + "</tr>")
        parts.append("</tbody></table>")
    parts.append("</body></html>")
    return "".join(parts).encode("utf-8")

"""File downloads: the ``Content-Disposition`` header and the response.

The header is built by werkzeug's :func:`~werkzeug.http.dump_options_header`
from a name with every control character removed: an ASCII ``filename``
(quoted by werkzeug) and the exact name as RFC 5987/6266 ``filename*``
(percent-encoded by :func:`urllib.parse.quote`), so no name, whatever it
holds (newlines, quotes, semicolons, non-ASCII), can break the header or add
another. Every attachment is ``Cache-Control: no-store``: downloads carry
answers or codes.
"""
from __future__ import annotations

import re
import unicodedata
from typing import Any
from urllib.parse import quote

from flask import Response
from werkzeug.http import dump_options_header

_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")
_UNSAFE_ASCII = re.compile(r'[^A-Za-z0-9._ ()+-]')


def content_disposition(filename: str, disposition: str = "attachment") -> str:
    """The ``Content-Disposition`` value for ``filename``."""
    name = _CONTROL.sub("", filename or "").strip() or "download"
    ascii_name = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode("ascii")
    ascii_name = _UNSAFE_ASCII.sub("_", ascii_name).strip() or "download"
    options: dict[str, str] = {"filename": ascii_name}
    if ascii_name != name:
        options["filename*"] = "UTF-8''" + quote(name, safe="")
    return dump_options_header(disposition, options)


def attachment(data: Any, mimetype: str, filename: str) -> Response:
    """``data`` (bytes, or an iterable of byte chunks streamed as they come)
    as a download named ``filename``, never cached."""
    response = Response(data, mimetype=mimetype)
    response.headers["Content-Disposition"] = content_disposition(filename)
    response.headers["Cache-Control"] = "no-store"
    return response

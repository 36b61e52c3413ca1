"""The JSON API under ``/api/v1/``: surveys, progress, results and downloads,
authenticated with ``Authorization: Bearer <token>`` (tokens are stored as
sha256 hashes, see surveys.accounts). Described by ``/api/v1/openapi.json``."""
from __future__ import annotations

from flask import Blueprint

bp = Blueprint("api", __name__, url_prefix="/api/v1")

from webapp.api import views  # noqa: E402,F401  (registers the routes)

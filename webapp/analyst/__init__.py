"""The analyst workspace under ``/analyst/``: login, waves, codes, progress,
results, comparisons, CSV import and downloads (Flask-Login sessions)."""
from __future__ import annotations

from flask import Blueprint

bp = Blueprint("analyst", __name__, url_prefix="/analyst", static_folder="static",
               static_url_path="/static")

from webapp.analyst import auth, views  # noqa: E402,F401  (registers the routes)

"""The analyst workspace under ``/analyst/``: login, waves, codes, progress,
results, comparisons, CSV import and downloads (Flask-Login sessions)."""
from __future__ import annotations

from flask import Blueprint, g

bp = Blueprint("analyst", __name__, url_prefix="/analyst", static_folder="static",
               static_url_path="/static")

#: The analyst interface is translated into Swedish (default) and English.
ANALYST_LANGUAGES = ("sv", "en")


@bp.before_request
def _analyst_languages() -> None:
    # Registered before the other hooks: the locale is chosen from these.
    g.languages = ANALYST_LANGUAGES

from webapp.analyst import admin, auth, views  # noqa: E402,F401  (registers the routes)
from webapp.analyst import instruments_views  # noqa: E402,F401  (instrument versions)

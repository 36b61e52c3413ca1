"""Respondent pages under ``/s/<slug>/``: welcome, one page at a time,
review, submit, thank-you."""
from __future__ import annotations

from flask import Blueprint

bp = Blueprint("respondent", __name__, url_prefix="/s/<slug>")

from webapp.respondent import views  # noqa: E402,F401  (registers the routes)

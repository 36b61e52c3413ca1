"""The yearly report of a wave for decision makers: a frozen document
(``document.py``) built from the scored report, rendered as HTML and as a
tagged, accessible PDF (``render.py``); ``gather.py`` collects its inputs
from the store for the analyst route and ``survey-engine report``."""
from __future__ import annotations

from surveys.yearly_report.document import ReportDocument, build_document
from surveys.yearly_report.gather import ReportRefused, yearly_report
from surveys.yearly_report.render import render_html, render_pdf

__all__ = ["ReportDocument", "ReportRefused", "build_document", "render_html", "render_pdf", "yearly_report"]

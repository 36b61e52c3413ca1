"""Admin pages: the audit log (page and CSV export), a wave's retention
date and deleting a wave. Only admins see them; anyone else gets a 404, as
for a wave not granted to them."""
from __future__ import annotations

import json
from typing import Any

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from surveys import audit, lifecycle
from surveys.exports.csv_raw import write_rows
from webapp import store
from webapp.analyst import bp
from webapp.analyst.forms import DeleteWaveForm, RetentionForm
from webapp.analyst.views import survey_or_404
from webapp.attachments import attachment

#: Entries per page of the audit log.
PAGE_SIZE = 200


def admin_only() -> None:
    """404 unless the current user is an admin."""
    if not current_user.is_admin:
        abort(404)


@bp.get("/audit")
@login_required
def audit_log() -> Any:
    admin_only()
    page = request.args.get("page", "1")
    number = int(page) if page.isdigit() and 0 < int(page) < 10**6 else 1
    total = audit.count(store())
    items = audit.entries(store(), limit=PAGE_SIZE, offset=(number - 1) * PAGE_SIZE)
    return render_template("analyst/audit.html", entries=items, page=number, total=total,
                           pages=max(1, -(-total // PAGE_SIZE)))


@bp.get("/audit.csv")
@login_required
def audit_csv() -> Any:
    admin_only()
    audit.record(store(), current_user.email, "audit_export")
    data = write_rows(audit.CSV_HEADER, audit.csv_rows(audit.entries(store(), oldest_first=True)))
    return attachment(data, "text/csv", "audit-log.csv")


@bp.get("/<slug>/results-snapshot.json")
@login_required
def results_snapshot(slug: str) -> Any:
    """The published aggregates kept when the wave's raw answers were purged."""
    survey_or_404(slug)
    snapshot = store().lifecycle(slug)["results_snapshot"]
    if snapshot is None:
        abort(404)
    audit.record(store(), current_user.email, "download", slug, "results snapshot")
    data = json.dumps(snapshot, ensure_ascii=False, indent=2).encode("utf-8")
    return attachment(data, "application/json", f"{slug}-results-snapshot.json")


# --------------------------------------------------- retention and deletion
@bp.post("/<slug>/retention")
@login_required
def set_retention(slug: str) -> Any:
    """Set or clear a wave's retention date (admins)."""
    admin_only()
    survey_or_404(slug)
    form = RetentionForm()
    if not form.validate_on_submit():
        flash(_("Write the date as YYYY-MM-DD, or leave it empty for none."), "error")
        return redirect(url_for("analyst.survey", slug=slug)), 303
    lifecycle.set_retention(store(), slug, form.retain_until.data, actor=current_user.email)
    flash(_("The retention date is saved.") if form.retain_until.data else
          _("The wave has no retention date."), "info")
    return redirect(url_for("analyst.survey", slug=slug))


@bp.route("/<slug>/delete", methods=["GET", "POST"])
@login_required
def delete_wave(slug: str) -> Any:
    """Delete a wave and everything it collected (admins), after typing its
    address name."""
    admin_only()
    s = survey_or_404(slug)
    form = DeleteWaveForm()
    error = None
    if form.validate_on_submit():
        if (form.confirm.data or "").strip() != slug:
            error = _("What you typed is not %(slug)s; nothing was deleted.", slug=slug)
        else:
            counts = lifecycle.delete_wave(store(), slug, actor=current_user.email)
            flash(_("The wave %(slug)s was deleted with %(n)s responses and %(c)s codes.",
                    slug=slug, n=counts["responses"], c=counts["codes"]), "info")
            return redirect(url_for("analyst.surveys"))
    elif request.method == "POST":
        error = _("Type the wave's address name to confirm; nothing was deleted.")
    total = store().progress(slug)
    return render_template("analyst/delete.html", survey=s, form=form, error=error, total=total), \
        (400 if error else 200)

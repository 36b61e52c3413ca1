"""Admin pages: the audit log (page and CSV export). Only admins see them;
anyone else gets a 404, as for a wave not granted to them."""
from __future__ import annotations

from typing import Any

from flask import abort, render_template, request
from flask_login import current_user, login_required

from surveys import audit
from surveys.exports.csv_raw import write_rows
from webapp import store
from webapp.analyst import bp
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
    data = write_rows(audit.CSV_HEADER, audit.csv_rows(audit.entries(store())))
    return attachment(data, "text/csv", "audit-log.csv")

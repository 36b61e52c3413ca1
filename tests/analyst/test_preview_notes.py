"""The workspace preview of an uploaded XLSForm shows a conditional note with
its condition, and the note itself when the tried answers meet it; a
decimal question previews as a decimal input."""
from __future__ import annotations

import io
from pathlib import Path

from .conftest import csrf_token


def test_preview_shows_conditional_notes_and_decimal_input(env, logged_in, tmp_path: Path) -> None:
    from tests.xlsform.test_decimal_and_notes import _form

    admin = logged_in("admin")
    page = admin.get("/analyst/instruments/").get_data(as_text=True)
    r = admin.client.post("/analyst/instruments/upload", data={
        "csrf_token": csrf_token(page), "file": (io.BytesIO(_form(tmp_path).read_bytes()), "form.xlsx")},
        content_type="multipart/form-data")
    assert r.status_code == 302, r.get_data(as_text=True)[:1000]
    url = r.headers["Location"]
    html = admin.get(url).get_data(as_text=True)
    assert 'inputmode="decimal"' in html and 'id="weight"' in html
    assert 'id="condition-smoke_note"' in html and 'id="note-smoke_note"' not in html
    assert "smoke_note visas inte med de här svaren; visas bara om smoker in [1]" in html
    # not(selected(${smoker}, 'yes')) holds while smoker is unanswered
    assert 'id="note-not_smoker"' in html and "Bra!" in html
    tried = admin.get(url + "?language=sv&smoker=1").get_data(as_text=True)
    assert 'id="note-smoke_note"' in tried and "Nästa fråga gäller rökning" in tried
    assert 'id="note-not_smoker"' not in tried

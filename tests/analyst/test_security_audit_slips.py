"""Issue 14 items 5 and 6: signed code batches and the audit log."""
from __future__ import annotations

import re

import pytest
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError

from surveys import accounts, audit
from surveys.batch_signature import batch_is_signed, sign_batch

from .conftest import Client, answer, csrf_token


# ------------------------------------------------------------ signed batches
def _print_view(c: Client, school: str = "Rinmansskolan") -> tuple[str, dict[str, str]]:
    # a tagged batch has at least min_n (5) codes
    r = c.post_form("/analyst/cannabis-2018/codes", {"count": "5", "tag_school": school, "output": "html"})
    assert r.status_code == 200
    page = r.get_data(as_text=True)
    form = re.search(r'<form method="post" action="/analyst/cannabis-2018/codes/slips".*?</form>', page, re.S).group(0)
    fields = dict(re.findall(r'name="([a-z_]+)"(?: type="hidden")? value="([^"]*)"', form))
    return page, fields


def _post_slips(c: Client, fields: dict[str, str], **changes: str):
    import html

    data = {k: html.unescape(v) for k, v in fields.items()}
    data.update(changes)
    return c.client.post("/analyst/cannabis-2018/codes/slips", data=data)


def test_print_view_downloads_the_same_signed_batch(env, logged_in) -> None:
    c = logged_in("a")
    page, fields = _print_view(c)
    assert fields["signature"] and len(fields["codes"].split()) == 5
    r = _post_slips(c, {**fields, "output": "csv"})
    assert r.status_code == 200 and r.headers["Cache-Control"] == "no-store"
    body = r.get_data(as_text=True)
    assert all(code in body for code in fields["codes"].split()) and "Rinmansskolan" in body
    r = _post_slips(c, {**fields, "output": "pdf"})
    assert r.status_code == 200 and r.data[:4] == b"%PDF"
    actions = [e.action for e in audit.entries(env.store, slug="cannabis-2018")]
    assert actions[:3] == ["codes_slips", "codes_slips", "codes_issue"]


@pytest.mark.parametrize("change", ["codes", "tags", "signature", "wave", "missing"])
def test_tampered_slips_post_is_refused(env, logged_in, change) -> None:
    c = logged_in("admin")
    _, fields = _print_view(c)
    other_codes = env.store.issue_codes("medborg-2018", 1)
    if change == "codes":  # one code swapped for another wave's code
        codes = fields["codes"].split()
        fields["codes"] = " ".join([*codes[:-1], other_codes[0]])
    elif change == "tags":
        fields["tags"] = "school = Årbyskolan"
    elif change == "signature":
        fields["signature"] = fields["signature"][:-2] + ("AA" if not fields["signature"].endswith("AA") else "BB")
    elif change == "missing":
        fields.pop("signature")
    before = len(audit.entries(env.store))
    if change == "wave":  # the same batch posted to another wave
        import html

        r = c.client.post("/analyst/medborg-2018/codes/slips",
                          data={**{k: html.unescape(v) for k, v in fields.items()}, "output": "csv"})
    else:
        r = _post_slips(c, {**fields, "output": "csv"})
    assert r.status_code == 400
    page = r.get_data(as_text=True)
    assert "Inget laddades ned" in page and other_codes[0] not in page
    assert len(audit.entries(env.store)) == before


def test_signature_covers_wave_codes_and_tags_and_expires() -> None:
    key = b"k" * 32
    sig = sign_batch(key, "w", ["ABCD-EFGH", "JKLM-NPQR"], {"school": "A"})
    assert batch_is_signed(key, sig, "w", ["ABCD-EFGH", "JKLM-NPQR"], {"school": "A"})
    assert not batch_is_signed(key, sig, "w", ["ABCD-EFGH"], {"school": "A"})
    assert not batch_is_signed(key, sig, "w", ["ABCD-EFGH", "JKLM-NPQR"], {"school": "B"})
    assert not batch_is_signed(key, sig, "v", ["ABCD-EFGH", "JKLM-NPQR"], {"school": "A"})
    assert not batch_is_signed(b"x" * 32, sig, "w", ["ABCD-EFGH", "JKLM-NPQR"], {"school": "A"})
    assert not batch_is_signed(key, sig, "w", ["ABCD-EFGH", "JKLM-NPQR"], {"school": "A"}, max_age=-1)
    assert not batch_is_signed(key, "", "w", [], {})


# --------------------------------------------------------------- audit log
def test_actions_are_logged_without_respondent_data_or_codes(env, logged_in) -> None:
    c = logged_in("a")
    r = c.post_form("/analyst/cannabis-2018/codes", {"count": "2", "tags": "", "output": "csv"})
    issued = [line.split(",")[0] for line in r.get_data(as_text=True).splitlines()[1:]]
    answer(env.store, "cannabis-2018", {"school": 1, "gender": 1, "use": 1, "att01": 5}, code=issued[0])
    c.post_form("/analyst/cannabis-2018/", {}, action="/analyst/cannabis-2018/close")
    c.post_form("/analyst/cannabis-2018/", {}, action="/analyst/cannabis-2018/open")
    assert c.get("/analyst/cannabis-2018/downloads/raw-csv").status_code == 200
    assert c.get("/analyst/cannabis-2018/downloads/codebook-csv").status_code == 200
    token = accounts.create_api_token(env.store, env.users["a"].id)
    assert c.client.get("/api/v1/surveys/cannabis-2018/downloads/raw-xlsx",
                        headers={"Authorization": f"Bearer {token}"}).status_code == 200
    entries = audit.entries(env.store)
    assert [(e.actor, e.action, e.survey_slug) for e in entries] == [
        ("a@example.se", "raw_download", "cannabis-2018"),
        ("a@example.se", "download", "cannabis-2018"),
        ("a@example.se", "raw_download", "cannabis-2018"),
        ("a@example.se", "wave_open", "cannabis-2018"),
        ("a@example.se", "wave_close", "cannabis-2018"),
        ("a@example.se", "codes_issue", "cannabis-2018"),
        ("a@example.se", "login", None),
    ]
    assert all(e.at.second == 0 and e.at.microsecond == 0 for e in entries)
    with env.store.engine.connect() as conn:
        dump = " ".join(str(v) for row in conn.execute(text("SELECT * FROM audit_log")) for v in row)
    assert not any(code in dump or code.replace("-", "") in dump for code in issued)


def test_audit_log_is_append_only_in_the_database(env) -> None:
    audit.record(env.store, "a@example.se", "login")
    for statement in ("UPDATE audit_log SET actor = 'someone-else'", "DELETE FROM audit_log"):
        with pytest.raises(DBAPIError):
            with env.store.engine.begin() as conn:
                conn.execute(text(statement))
    assert [e.actor for e in audit.entries(env.store)] == ["a@example.se"]
    with pytest.raises(ValueError):
        audit.record(env.store, "a@example.se", "something_unknown")


def test_audit_page_and_csv_for_admins_only(env, logged_in) -> None:
    a = logged_in("a")
    assert a.get("/analyst/audit").status_code == 404
    assert a.get("/analyst/audit.csv").status_code == 404
    admin = logged_in("admin")
    page = admin.get("/analyst/audit").get_data(as_text=True)
    assert "Granskningslogg" in page and "a@example.se" in page and "admin@example.se" in page
    r = admin.get("/analyst/audit.csv")
    assert r.status_code == 200 and r.headers["Cache-Control"] == "no-store"
    assert r.headers["Content-Disposition"] == "attachment; filename=audit-log.csv"
    lines = r.data.decode("utf-8-sig").splitlines()
    assert lines[0] == "time_utc,actor,action,wave,detail"
    assert re.fullmatch(r"\d{4}-\d\d-\d\d \d\d:\d\d,a@example.se,login,,", lines[1])
    assert lines[-1].endswith(",admin@example.se,audit_export,,")
    assert audit.entries(env.store, limit=1)[0].action == "audit_export"
    assert admin.get("/analyst/audit?page=abc").status_code == 200
    assert admin.get("/analyst/audit?page=99999").status_code == 200

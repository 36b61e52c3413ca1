"""Issue 14 item 4: sessions end server-side on logout and password change,
per-account lockout with exponential back-off, the NIST password policy,
no-store on answers and codes, no existence leak in the new-wave form; item
3: full-string slugs and a Content-Disposition no name can break."""
from __future__ import annotations

import datetime as dt

import pytest

from surveys import accounts, audit
from surveys.passwords import PasswordRefused, check_password, common_passwords

from .conftest import PASSWORD, Client, csrf_token


# ------------------------------------------------------------ session end
def _copy_cookie(source: Client, env) -> Client:
    """A second client holding a copy of ``source``'s session cookie (as a
    thief who copied it would)."""
    thief = Client(env.app)
    cookie = source.client.get_cookie("session")
    assert cookie is not None
    thief.client.set_cookie("session", cookie.value)
    assert thief.get("/analyst/").status_code == 200
    return thief


def test_logout_ends_a_copied_session_cookie(env, logged_in) -> None:
    c = logged_in("a")
    thief = _copy_cookie(c, env)
    assert c.post_form("/analyst/", {}, action="/analyst/logout").status_code == 302
    r = thief.get("/analyst/cannabis-2018/")
    assert r.status_code == 302 and "/analyst/login" in r.headers["Location"]
    # the account itself logs in again normally
    assert c.login("a@example.se").status_code == 302
    assert c.get("/analyst/").status_code == 200


def test_password_change_ends_other_sessions_and_keeps_this_one(env, logged_in) -> None:
    c = logged_in("a")
    thief = _copy_cookie(c, env)
    new = "a brand new passphrase 7"
    r = c.post_form("/analyst/account/password", {"current": PASSWORD, "new": new, "repeat": new})
    assert r.status_code == 302
    assert c.get("/analyst/").status_code == 200
    assert thief.get("/analyst/").status_code == 302
    assert accounts.authenticate(env.store, "a@example.se", new) is not None
    assert accounts.authenticate(env.store, "a@example.se", PASSWORD) is None
    assert [e.action for e in audit.entries(env.store)][:1] == ["password_change"]


@pytest.mark.parametrize("current, new, repeat, message", [
    ("wrong current password", "a brand new passphrase 7", "a brand new passphrase 7",
     "Det nuvarande lösenordet är fel."),
    (PASSWORD, "a brand new passphrase 7", "another passphrase 8", "De två nya lösenorden skiljer sig åt."),
    (PASSWORD, "short", "short", "minst 12 tecken"),
    (PASSWORD, "password1234", "password1234", "vanliga lösenord"),
    (PASSWORD, "aaaaaaaaaaaaaaa", "aaaaaaaaaaaaaaa", "upprepar"),
])
def test_password_change_refusals(env, logged_in, current, new, repeat, message) -> None:
    c = logged_in("a")
    r = c.post_form("/analyst/account/password", {"current": current, "new": new, "repeat": repeat})
    assert r.status_code == 400
    assert message in r.get_data(as_text=True)
    assert accounts.authenticate(env.store, "a@example.se", PASSWORD) is not None
    assert c.get("/analyst/").status_code == 200


# ---------------------------------------------------------------- lockout
def test_lockout_backs_off_exponentially(store) -> None:
    user = accounts.create_user(store, "lock@example.se", "analyst", PASSWORD)
    t0 = dt.datetime(2026, 11, 30, 9, 0)
    for i in range(accounts.LOCKOUT_AFTER):
        assert accounts.login_attempt(store, user.email, "wrong guess", now=t0).locked is False
    # locked for one minute: even the right password is not accepted
    assert accounts.login_attempt(store, user.email, PASSWORD, now=t0 + dt.timedelta(seconds=59)) == \
        accounts.LoginOutcome(None, locked=True)
    # after it, one more wrong guess locks for two minutes, then four
    t1 = t0 + dt.timedelta(minutes=1, seconds=1)
    assert accounts.login_attempt(store, user.email, "wrong guess", now=t1).user is None
    assert accounts.login_attempt(store, user.email, PASSWORD, now=t1 + dt.timedelta(seconds=119)).locked
    t2 = t1 + dt.timedelta(minutes=2, seconds=1)
    assert accounts.login_attempt(store, user.email, "wrong guess", now=t2).user is None
    assert accounts.login_attempt(store, user.email, PASSWORD, now=t2 + dt.timedelta(minutes=3, seconds=59)).locked
    t3 = t2 + dt.timedelta(minutes=4, seconds=1)
    assert accounts.login_attempt(store, user.email, PASSWORD, now=t3).user == user
    # a success resets the count: one wrong guess does not lock again
    assert accounts.login_attempt(store, user.email, "wrong guess", now=t3).locked is False
    assert accounts.login_attempt(store, user.email, PASSWORD, now=t3).user == user


def test_lockout_minutes() -> None:
    assert [accounts.lockout_minutes(n) for n in range(4, 10)] == [0, 1, 2, 4, 8, 16]
    assert accounts.lockout_minutes(40) == accounts.LOCKOUT_MAX_MINUTES


def test_lockout_through_the_login_form_says_nothing_about_the_account(env, client: Client) -> None:
    env.app.config["LOGIN_RATE_LIMIT"] = "1000 per minute"  # the per-account limit alone
    for _ in range(accounts.LOCKOUT_AFTER):
        assert client.login("a@example.se", "wrong password").status_code == 401
    locked = client.login("a@example.se")  # the right password, but locked
    unknown = client.login("nobody@example.se", "wrong password")
    assert locked.status_code == unknown.status_code == 401
    text = locked.get_data(as_text=True)
    assert "Fel e-postadress eller lösenord." in text and "väntar" in text
    assert _error_box(text) == _error_box(unknown.get_data(as_text=True))
    # another account is not affected
    assert client.login("b@example.se").status_code == 302


def _error_box(html: str) -> str:
    start = html.index('class="error-box"')
    return html[start:html.index("</div>", start)]


# --------------------------------------------------------- password policy
@pytest.mark.parametrize("password, reason", [
    ("short pass", "too_short"),
    ("x" * 1001, "too_long"),
    ("1q2w3e4r5t6y", "common"),
    ("123456789qwerty", "common"),
    ("Password2024!!", "common"),
    ("iloveyou12345", "common"),
    ("Eskilstuna2026!", "context"),
    ("kalle.anka@example.se", "context"),
    ("abababababab", "repetitive"),
    ("abcdefghijklm", "repetitive"),
    ("hejhejhej hej", "repetitive"),
])
def test_password_policy_refuses(password, reason) -> None:
    with pytest.raises(PasswordRefused) as caught:
        check_password(password, "kalle.anka@example.se")
    assert caught.value.reason == reason


@pytest.mark.parametrize("password", ["correct horse battery", "Blåbärssylt på torsdag", "ljus i tunneln 9",
                                      "😀😀 trygghet i Årby"])
def test_password_policy_accepts_long_uncommon_passwords_without_composition_rules(password) -> None:
    check_password(password, "kalle.anka@example.se")


def test_common_password_list_is_shipped() -> None:
    common = common_passwords()
    assert len(common) > 10_000 and "password" in common and "123456" in common


def test_create_user_refusal_stores_nothing(store) -> None:
    with pytest.raises(accounts.AccountError) as caught:
        accounts.create_user(store, "x@example.se", "analyst", "password12345")
    assert caught.value.reason == "password_common"
    assert accounts.users(store) == []


# --------------------------------------------------------------- no-store
def test_no_store_on_answers_codes_and_api(env, logged_in, client: Client) -> None:
    c = logged_in("a")
    for path in ["/analyst/", "/analyst/cannabis-2018/progress", "/analyst/cannabis-2018/downloads/raw-csv",
                 "/analyst/cannabis-2018/downloads/raw-xlsx", "/analyst/cannabis-2018/downloads/scores-json"]:
        r = c.get(path)
        assert r.status_code == 200, path
        assert r.headers["Cache-Control"] == "no-store", path
    r = c.post_form("/analyst/cannabis-2018/codes", {"count": "3", "tags": "", "output": "csv"})
    assert r.status_code == 200 and r.headers["Cache-Control"] == "no-store"
    token = accounts.create_api_token(env.store, env.users["a"].id)
    auth = {"Authorization": f"Bearer {token}"}
    for path in ["/api/v1/surveys", "/api/v1/surveys/cannabis-2018/progress",
                 "/api/v1/surveys/cannabis-2018/downloads/raw-csv",
                 "/api/v1/surveys/cannabis-2018/downloads/raw-sav"]:
        r = client.get(path, headers=auth)
        assert r.status_code == 200, path
        assert r.headers["Cache-Control"] == "no-store", path
    assert client.get("/api/v1/surveys").headers["Cache-Control"] == "no-store"  # the 401 too


# ------------------------------------------------------ existence leaks
def test_new_wave_form_does_not_tell_a_stranger_a_wave_exists(env, logged_in) -> None:
    sha = env.store.survey("trygghet-2018").instrument_sha256
    before = len(env.store.surveys())
    a = logged_in("a")  # not granted trygghet-2018
    data = {"instrument": sha, "slug": "trygghet-2018", "label": "x", "mode": "open", "presets": ""}
    r = a.post_form("/analyst/waves/new", data)
    text = r.get_data(as_text=True)
    assert r.status_code == 400 and "finns redan" not in text and "kan inte användas" in text
    b = logged_in("b")  # granted it: told plainly
    r = b.post_form("/analyst/waves/new", data)
    assert r.status_code == 400 and "finns redan" in r.get_data(as_text=True)
    assert len(env.store.surveys()) == before


# ------------------------------------------------------- slugs, file names
@pytest.mark.parametrize("slug", ["ny-våg\n", "ny-vag\n", "ny-vag\r\n", "Ny-vag", "-ny", "ny vag", "ny-vag\x00"])
def test_slug_with_a_final_newline_or_other_junk_is_refused(env, logged_in, slug) -> None:
    from surveys.store import InvalidSurvey

    sha = env.store.survey("cannabis-2018").instrument_sha256
    a = logged_in("admin")
    r = a.post_form("/analyst/waves/new", {"instrument": sha, "slug": slug, "label": "x", "mode": "open",
                                           "presets": "school: A; B"})
    assert r.status_code == 400 and "Använd små bokstäver" in r.get_data(as_text=True)
    with pytest.raises(InvalidSurvey):
        env.store.create_survey(slug=slug, instrument_sha256=sha, label="x", mode="open",
                                presets={"school": ["A"]})
    assert all(s.slug.strip() == s.slug for s in env.store.surveys())
    assert len(env.store.surveys()) == 3


@pytest.mark.parametrize("name, expected", [
    ("cannabis-2018-raw.csv", "attachment; filename=cannabis-2018-raw.csv"),
    ("a\nb.csv", "attachment; filename=ab.csv"),
    ('evil"; filename=x.exe\r\nSet-Cookie: a=b', None),
    ("Årbyskolan 9A.pdf", None),
])
def test_content_disposition_cannot_be_broken(name, expected) -> None:
    from email.message import Message

    from webapp.attachments import content_disposition

    value = content_disposition(name)
    assert "\n" not in value and "\r" not in value
    if expected:
        assert value == expected
    msg = Message()
    msg["Content-Disposition"] = value
    params = dict(msg.get_params(header="content-disposition")[1:])
    assert set(params) <= {"filename", "filename*"}
    if "filename*" in params:
        assert msg.get_filename() == name.replace("\r", "").replace("\n", "")


def test_instrument_ids_are_matched_whole() -> None:
    """The JSON Schema's patterns run through Python's re.search, where "$"
    also matches before a final newline; an id ending in one is refused."""
    from pathlib import Path

    from surveys.loader import InstrumentError, load_instrument_text

    text = (Path(__file__).parents[1] / "instruments" / "mini.yaml").read_text(encoding="utf-8")
    assert load_instrument_text(text, "mini.yaml").id == "mini"
    with pytest.raises(InstrumentError) as caught:
        load_instrument_text(text.replace("id: mini", 'id: "mini\\n"', 1), "mini.yaml")
    assert "does not match the pattern ^[a-z][a-z0-9-]*$" in str(caught.value)
    assert "(?!" not in str(caught.value)


def test_store_slug_pattern_is_anchored_for_match_and_fullmatch() -> None:
    from surveys.store import SLUG_RE

    for bad in ["abc\n", "abc def", "abc/..", "-abc", ""]:
        assert SLUG_RE.match(bad) is None and SLUG_RE.fullmatch(bad) is None, repr(bad)
    assert SLUG_RE.match("cannabis-2018") and SLUG_RE.fullmatch("cannabis-2018")

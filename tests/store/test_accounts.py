"""Analyst accounts on both backends."""
from __future__ import annotations

import pytest
from sqlalchemy import select

from surveys import accounts
from surveys.models import User

from .tiny_instrument import make_survey


def test_hash_is_argon2id_and_verifies() -> None:
    h = accounts.hash_password("correct horse")
    assert h.startswith("$argon2id$")
    assert accounts.verify_password(h, "correct horse") is True
    assert accounts.verify_password(h, "Correct horse") is False
    assert accounts.verify_password("not a hash", "correct horse") is False


def test_create_and_authenticate(store) -> None:
    user = accounts.create_user(store, "  Anna.Analys@Eskilstuna.se ", "analyst", "hemligt-lösen-för-enkäter")
    assert (user.email, user.role, user.is_admin) == ("anna.analys@eskilstuna.se", "analyst", False)
    assert accounts.authenticate(store, "anna.analys@eskilstuna.se", "hemligt-lösen-för-enkäter") == user
    assert accounts.authenticate(store, "ANNA.ANALYS@eskilstuna.se", "hemligt-lösen-för-enkäter") == user
    assert accounts.authenticate(store, "anna.analys@eskilstuna.se", "fel lösen") is None
    assert accounts.authenticate(store, "okänd@eskilstuna.se", "hemligt-lösen-för-enkäter") is None
    with store.engine.connect() as conn:
        stored = conn.scalar(select(User.password_hash))
    assert stored.startswith("$argon2id$") and "hemligt" not in stored
    accounts.set_active(store, user.id, False)
    assert accounts.authenticate(store, user.email, "hemligt-lösen-för-enkäter") is None


@pytest.mark.parametrize(
    "email, role, password, message",
    [
        ("not-an-email", "analyst", "long enough for sure", "not an e-mail"),
        ("a@b.se", "boss", "long enough for sure", "role must be one of admin, analyst"),
        ("a@b.se", "analyst", "short", "at least 12"),
    ],
)
def test_create_user_refuses_bad_input(store, email, role, password, message) -> None:
    with pytest.raises(accounts.AccountError, match=message):
        accounts.create_user(store, email, role, password)
    assert accounts.users(store) == []


def test_duplicate_user_refused(store) -> None:
    accounts.create_user(store, "a@b.se", "admin", "long enough for sure")
    with pytest.raises(accounts.AccountError, match="already exists"):
        accounts.create_user(store, "A@B.se", "analyst", "other password here")


def test_grants(store) -> None:
    make_survey(store, slug="wave-a")
    make_survey(store, slug="wave-b")
    analyst = accounts.create_user(store, "an@x.se", "analyst", "first test passphrase")
    admin = accounts.create_user(store, "ad@x.se", "admin", "second test passphrase")
    accounts.grant_survey(store, analyst.id, "wave-b")
    accounts.grant_survey(store, analyst.id, "wave-b")  # idempotent
    assert accounts.granted_slugs(store, analyst.id) == ["wave-b"]
    assert accounts.can_see(store, analyst, "wave-b") and not accounts.can_see(store, analyst, "wave-a")
    assert accounts.can_see(store, admin, "wave-a")
    accounts.revoke_survey(store, analyst.id, "wave-b")
    assert not accounts.can_see(store, analyst, "wave-b")
    with pytest.raises(Exception, match="no survey 'nope'"):
        accounts.grant_survey(store, analyst.id, "nope")


def test_api_tokens_stored_as_hash(store) -> None:
    user = accounts.create_user(store, "api@x.se", "analyst", "first test passphrase")
    token = accounts.create_api_token(store, user.id)
    assert accounts.user_by_api_token(store, token) == user
    with store.engine.connect() as conn:
        assert conn.scalar(select(User.api_token_hash)) not in (None, token)
    newer = accounts.create_api_token(store, user.id)
    assert accounts.user_by_api_token(store, token) is None
    assert accounts.user_by_api_token(store, newer) == user
    accounts.revoke_api_token(store, user.id)
    assert accounts.user_by_api_token(store, newer) is None
    assert accounts.user_by_api_token(store, "") is None

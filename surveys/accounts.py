"""Analyst accounts: argon2 passwords, roles, per-survey grants, API tokens,
session versions and the per-account lockout.

Every function takes a :class:`surveys.store.Store` or an SQLAlchemy
``Engine``. API tokens are random (256 bits) and stored only as their
sha256; the clear token is returned once by :func:`create_api_token`.

Passwords follow :mod:`surveys.passwords` (NIST SP 800-63B). Each account
has a session version that every web session carries; :func:`end_sessions`
(logout) and :func:`set_password` bump it, which ends every session of the
account, copied cookies included. After :data:`LOCKOUT_AFTER` failed logins
in a row an account refuses logins for a while that doubles with each
further failure (:func:`lockout_minutes`), on top of the per-address limit
of the login form.
"""
from __future__ import annotations

import datetime as dt
import hashlib
import secrets
from dataclasses import dataclass
from typing import Union

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError
from sqlalchemy import Engine, delete, insert, select, update
from sqlalchemy.exc import IntegrityError

from surveys.models import ROLES, Survey, SurveyGrant, User
from surveys.passwords import MIN_LENGTH, PasswordRefused, check_password
from surveys.store import Store, StoreError, UnknownSurvey

Target = Union[Store, Engine]
MIN_PASSWORD_LENGTH = MIN_LENGTH
#: Failed logins in a row before the account waits.
LOCKOUT_AFTER = 5
#: The first wait, doubled for each further failure, and its cap.
LOCKOUT_FIRST_MINUTES = 1
LOCKOUT_MAX_MINUTES = 60

_hasher = PasswordHasher()
# Verified when the e-mail is unknown, so a wrong e-mail costs the same time.
_DUMMY_HASH = _hasher.hash(secrets.token_hex(16))


class AccountError(StoreError):
    """Bad e-mail, role or password, a duplicate user or an unknown user."""


@dataclass(frozen=True)
class UserInfo:
    id: int
    email: str
    role: str
    is_active: bool
    created_on: dt.date
    #: Every session carries it; a session with an older one is ended.
    session_version: int = 0

    @property
    def is_admin(self) -> bool:
        return self.role == "admin"


def _engine(target: Target) -> Engine:
    return target.engine if isinstance(target, Store) else target


def hash_password(password: str) -> str:
    """An argon2id hash of ``password``."""
    return _hasher.hash(password)


def verify_password(password_hash: str, password: str) -> bool:
    """True when ``password`` matches ``password_hash`` (False for any mismatch
    or malformed hash)."""
    try:
        return _hasher.verify(password_hash, password)
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return False


def normalise_email(email: str) -> str:
    """Trimmed, lower-case e-mail; raises :class:`AccountError` if it is not one."""
    clean = (email or "").strip().lower()
    local, _, domain = clean.partition("@")
    if not local or "." not in domain or " " in clean or len(clean) > 254:
        raise AccountError(f"'{email}' is not an e-mail address")
    return clean


def _check_password(password: str, email: str = "") -> None:
    try:
        check_password(password, email)
    except PasswordRefused as exc:
        raise AccountError(str(exc), "password_" + exc.reason, **exc.params) from None


def _info(row) -> UserInfo:
    return UserInfo(row.id, row.email, row.role, bool(row.is_active), row.created_on,
                    int(row.session_version or 0))


_columns = (User.id, User.email, User.role, User.is_active, User.created_on, User.session_version)


def create_user(target: Target, email: str, role: str, password: str) -> UserInfo:
    """Create an analyst account; raises :class:`AccountError`."""
    email = normalise_email(email)
    if role not in ROLES:
        raise AccountError(f"role must be one of {', '.join(ROLES)}, not '{role}'")
    _check_password(password, email)
    try:
        with _engine(target).begin() as conn:
            conn.execute(
                insert(User).values(
                    email=email,
                    role=role,
                    password_hash=hash_password(password),
                    is_active=True,
                    created_on=dt.date.today(),
                )
            )
    except IntegrityError as exc:
        raise AccountError(f"a user '{email}' already exists") from exc
    found = user_by_email(target, email)
    if found is None:  # deleted between the insert and the read
        raise AccountError(f"no user '{email}'")
    return found


def user_by_email(target: Target, email: str) -> UserInfo | None:
    """The user with that e-mail, or None."""
    with _engine(target).connect() as conn:
        row = conn.execute(select(*_columns).where(User.email == (email or "").strip().lower())).first()
    return _info(row) if row else None


def get_user(target: Target, user_id: int) -> UserInfo | None:
    """The user with that id, or None."""
    with _engine(target).connect() as conn:
        row = conn.execute(select(*_columns).where(User.id == user_id)).first()
    return _info(row) if row else None


def users(target: Target) -> list[UserInfo]:
    """Every user, by e-mail."""
    with _engine(target).connect() as conn:
        return [_info(r) for r in conn.execute(select(*_columns).order_by(User.email)).all()]


def _now() -> dt.datetime:
    """Now in UTC (naive, as stored), to the second."""
    return dt.datetime.now(dt.timezone.utc).replace(tzinfo=None, microsecond=0)


def lockout_minutes(failures: int) -> int:
    """How long an account waits after ``failures`` failed logins in a row:
    0 below :data:`LOCKOUT_AFTER`, then 1, 2, 4 ... minutes, at most
    :data:`LOCKOUT_MAX_MINUTES`."""
    if failures < LOCKOUT_AFTER:
        return 0
    return min(LOCKOUT_MAX_MINUTES, LOCKOUT_FIRST_MINUTES * 2 ** min(failures - LOCKOUT_AFTER, 16))


@dataclass(frozen=True)
class LoginOutcome:
    """What a login attempt came to: the user on success; ``locked`` when
    the account waits (the password was not even checked)."""

    user: UserInfo | None
    locked: bool = False


def login_attempt(target: Target, email: str, password: str, now: dt.datetime | None = None) -> LoginOutcome:
    """Check a login. A wrong password counts a failure and, from the
    :data:`LOCKOUT_AFTER`-th on, locks the account for
    :func:`lockout_minutes`; a success resets the count. A locked, unknown
    or disabled account costs the same time as a wrong password. Rehashes
    the password when the argon2 parameters have changed."""
    engine = _engine(target)
    now = now or _now()
    with engine.connect() as conn:
        row = conn.execute(
            select(*_columns, User.password_hash, User.locked_until).where(
                User.email == (email or "").strip().lower())
        ).first()
    if row is None:
        verify_password(_DUMMY_HASH, password or "")
        return LoginOutcome(None)
    if row.locked_until is not None and row.locked_until > now:
        verify_password(_DUMMY_HASH, password or "")
        return LoginOutcome(None, locked=True)
    if not verify_password(row.password_hash, password or ""):
        with engine.begin() as conn:
            conn.execute(update(User).where(User.id == row.id).values(failed_logins=User.failed_logins + 1))
            failures = conn.scalar(select(User.failed_logins).where(User.id == row.id)) or 0
            wait = lockout_minutes(failures)
            if wait:
                conn.execute(update(User).where(User.id == row.id)
                             .values(locked_until=now + dt.timedelta(minutes=wait)))
        return LoginOutcome(None)
    if not row.is_active:
        return LoginOutcome(None)
    values: dict = {"failed_logins": 0, "locked_until": None}
    if _hasher.check_needs_rehash(row.password_hash):
        values["password_hash"] = hash_password(password)
    with engine.begin() as conn:
        conn.execute(update(User).where(User.id == row.id).values(**values))
    return LoginOutcome(_info(row))


def authenticate(target: Target, email: str, password: str) -> UserInfo | None:
    """The active user whose e-mail and password match, else None (see
    :func:`login_attempt`, which also says whether the account is locked)."""
    return login_attempt(target, email, password).user


def set_password(target: Target, user_id: int, password: str) -> None:
    """Replace a user's password; ends every session of the user."""
    user = get_user(target, user_id)
    if user is None:
        raise AccountError(f"no user {user_id}")
    _check_password(password, user.email)
    with _engine(target).begin() as conn:
        conn.execute(update(User).where(User.id == user_id).values(
            password_hash=hash_password(password), session_version=User.session_version + 1,
            failed_logins=0, locked_until=None))


def end_sessions(target: Target, user_id: int) -> None:
    """End every web session of a user (logout): their session version moves on."""
    with _engine(target).begin() as conn:
        conn.execute(update(User).where(User.id == user_id).values(session_version=User.session_version + 1))


def set_active(target: Target, user_id: int, active: bool) -> None:
    """Enable or disable a user (a disabled user cannot log in or use a token)."""
    with _engine(target).begin() as conn:
        if conn.execute(update(User).where(User.id == user_id).values(is_active=bool(active))).rowcount == 0:
            raise AccountError(f"no user {user_id}")


# ------------------------------------------------------------------ grants
def _survey_id(conn, slug: str) -> int:
    sid = conn.scalar(select(Survey.id).where(Survey.slug == slug))
    if sid is None:
        raise UnknownSurvey(f"no survey '{slug}'")
    return sid


def grant_survey(target: Target, user_id: int, slug: str) -> None:
    """Let a user see a survey (idempotent)."""
    with _engine(target).begin() as conn:
        sid = _survey_id(conn, slug)
        if conn.scalar(select(User.id).where(User.id == user_id)) is None:
            raise AccountError(f"no user {user_id}")
        exists = conn.scalar(
            select(SurveyGrant.user_id).where(SurveyGrant.user_id == user_id, SurveyGrant.survey_id == sid)
        )
        if exists is None:
            conn.execute(insert(SurveyGrant).values(user_id=user_id, survey_id=sid))


def revoke_survey(target: Target, user_id: int, slug: str) -> None:
    """Take a survey away from a user."""
    with _engine(target).begin() as conn:
        sid = _survey_id(conn, slug)
        conn.execute(delete(SurveyGrant).where(SurveyGrant.user_id == user_id, SurveyGrant.survey_id == sid))


def granted_slugs(target: Target, user_id: int) -> list[str]:
    """The slugs of the surveys granted to a user (an admin's grants only)."""
    with _engine(target).connect() as conn:
        return list(
            conn.scalars(
                select(Survey.slug)
                .join(SurveyGrant, SurveyGrant.survey_id == Survey.id)
                .where(SurveyGrant.user_id == user_id)
                .order_by(Survey.slug)
            )
        )


def can_see(target: Target, user: UserInfo, slug: str) -> bool:
    """True when ``user`` may see survey ``slug`` (admins see every survey)."""
    if not user.is_active:
        return False
    if user.is_admin:
        return True
    return slug in granted_slugs(target, user.id)


# -------------------------------------------------------------- API tokens
def _token_hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def create_api_token(target: Target, user_id: int) -> str:
    """A new API token for a user, returned in clear this once; it replaces
    the user's previous token."""
    token = secrets.token_urlsafe(32)
    with _engine(target).begin() as conn:
        done = conn.execute(update(User).where(User.id == user_id).values(api_token_hash=_token_hash(token)))
        if done.rowcount == 0:
            raise AccountError(f"no user {user_id}")
    return token


def revoke_api_token(target: Target, user_id: int) -> None:
    """Remove a user's API token."""
    with _engine(target).begin() as conn:
        conn.execute(update(User).where(User.id == user_id).values(api_token_hash=None))


def user_by_api_token(target: Target, token: str) -> UserInfo | None:
    """The active user owning ``token``, or None."""
    if not token:
        return None
    with _engine(target).connect() as conn:
        row = conn.execute(
            select(*_columns).where(User.api_token_hash == _token_hash(token), User.is_active.is_(True))
        ).first()
    return _info(row) if row else None

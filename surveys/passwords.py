"""The password policy of analyst accounts, after NIST SP 800-63B (5.1.1.2).

A password needs at least :data:`MIN_LENGTH` characters (any characters,
spaces and emoji included: no composition rules) and at most
:data:`MAX_LENGTH`. It is refused when it is, or is built on, a commonly used
password (the list shipped in ``surveys/data/common-passwords.txt.gz``), a
word of the context (the service, the account's e-mail), or one short block
repeated or a plain run of characters ("aaaaaaaaaaaa", "abcdefghijkl").
Each refusal is a :class:`PasswordRefused` with a reason key that the
interfaces word in the user's language.
"""
from __future__ import annotations

import gzip
import re
from functools import lru_cache
from importlib import resources

MIN_LENGTH = 12
MAX_LENGTH = 1000
#: Words of the context: the service and where it runs.
CONTEXT_WORDS = ("survey-engine", "surveyengine", "survey", "eskilstuna", "analyst", "analytiker")

_EDGES = re.compile(r"^[\W\d_]+|[\W\d_]+$")
_REPEATED = re.compile(r"(.{1,4}?)\1+", re.DOTALL)


class PasswordRefused(ValueError):
    """The password does not meet the policy; ``reason`` names the case
    (``too_short``, ``too_long``, ``common``, ``context``, ``repetitive``)."""

    def __init__(self, message: str, reason: str, **params: object) -> None:
        super().__init__(message)
        self.reason = reason
        self.params = params


@lru_cache(maxsize=1)
def common_passwords() -> frozenset[str]:
    """The shipped list of common passwords (lower case)."""
    raw = resources.files("surveys.data").joinpath("common-passwords.txt.gz").read_bytes()
    lines = gzip.decompress(raw).decode("utf-8").splitlines()
    return frozenset(line for line in lines if line and not line.startswith("#"))


def _core(password: str) -> str:
    """The password in lower case without leading and trailing digits and
    punctuation ("Sommar2024!" -> "sommar")."""
    return _EDGES.sub("", password.lower())


def _is_run(text: str) -> bool:
    steps = {ord(b) - ord(a) for a, b in zip(text, text[1:])}
    return len(steps) == 1 and steps <= {1, -1}


def check_password(password: object, email: str = "") -> None:
    """Raise :class:`PasswordRefused` unless ``password`` meets the policy;
    ``email`` is the account's (its name is a context word)."""
    if not isinstance(password, str) or len(password) < MIN_LENGTH:
        raise PasswordRefused(f"the password must have at least {MIN_LENGTH} characters", "too_short",
                              min=MIN_LENGTH)
    if len(password) > MAX_LENGTH:
        raise PasswordRefused(f"the password must have at most {MAX_LENGTH} characters", "too_long",
                              max=MAX_LENGTH)
    lower, core = password.lower(), _core(password)
    common = common_passwords()
    if lower in common or lower.replace(" ", "") in common or (len(core) >= 4 and core in common):
        raise PasswordRefused("the password is on the list of commonly used passwords; choose another",
                              "common")
    local = (email or "").strip().lower().partition("@")[0]
    context = {w for w in (*CONTEXT_WORDS, local, (email or "").strip().lower()) if len(w) >= 4}
    if core in context or lower.replace(" ", "") in context:
        raise PasswordRefused("the password must not be the name of the service or of the account",
                              "context")
    compact = lower.replace(" ", "")
    if _REPEATED.fullmatch(compact) or _is_run(compact) or len(set(compact)) < 4:
        raise PasswordRefused("the password repeats a few characters or runs through them in order; "
                              "choose another", "repetitive")

"""Access codes: short, unambiguous, unguessable; stored only as keyed hashes.

A code is 8 characters from a 31-letter alphabet without the look-alikes
0/O, 1/l/I (about 39.6 bits, drawn with :mod:`secrets`), printed as
``XXXX-XXXX``. What a respondent types is normalised before hashing: case,
spaces and dashes do not matter.
"""
from __future__ import annotations

import hashlib
import hmac
import secrets

#: Upper-case letters and digits without 0, O, 1, I and L (l).
ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
CODE_LENGTH = 8
GROUP = 4


def generate_code() -> str:
    """A fresh random code in display form, e.g. ``K7QM-4XZP``."""
    raw = "".join(secrets.choice(ALPHABET) for _ in range(CODE_LENGTH))
    return format_code(raw)


def format_code(raw: str) -> str:
    """Group a normalised code for display: ``K7QM4XZP`` -> ``K7QM-4XZP``."""
    return "-".join(raw[i : i + GROUP] for i in range(0, len(raw), GROUP))


def normalise_code(text: str) -> str | None:
    """What a respondent typed, as the canonical code, or None if it cannot
    be a code. Case, spaces and dashes are ignored."""
    cleaned = "".join(ch for ch in text.upper() if ch not in " -\t\u2010\u2011\u2013")
    if len(cleaned) != CODE_LENGTH or any(ch not in ALPHABET for ch in cleaned):
        return None
    return cleaned


def keyed_hash(secret_key: bytes, value: str, purpose: str = "code") -> str:
    """HMAC-SHA256 (hex) of ``value`` under ``secret_key``; ``purpose``
    separates the uses (access codes, resume tokens) of one key."""
    msg = f"{purpose}:{value}".encode("utf-8")
    return hmac.new(secret_key, msg, hashlib.sha256).hexdigest()


def code_hash(secret_key: bytes, code: str) -> str | None:
    """The stored hash of a typed code, or None when it cannot be a code."""
    canonical = normalise_code(code)
    return keyed_hash(secret_key, canonical, "code") if canonical else None

"""Access codes: alphabet, format, normalisation, keyed hashing, uniqueness."""
from __future__ import annotations

import hashlib
import hmac
import re

import pytest

from surveys import codes

from .tiny_instrument import make_survey


def test_alphabet_has_no_look_alikes() -> None:
    assert not set("0O1lI") & set(codes.ALPHABET)
    assert len(set(codes.ALPHABET)) == len(codes.ALPHABET) == 31


def test_generated_codes_have_the_printed_form() -> None:
    pattern = re.compile(rf"^[{codes.ALPHABET}]{{4}}-[{codes.ALPHABET}]{{4}}$")
    drawn = [codes.generate_code() for _ in range(2000)]
    assert all(pattern.match(c) for c in drawn)
    assert len(set(drawn)) == len(drawn)
    # every letter of the alphabet turns up (a biased generator would miss some)
    assert set("".join(drawn).replace("-", "")) == set(codes.ALPHABET)


@pytest.mark.parametrize(
    "typed, expected",
    [
        ("K7QM-4XZP", "K7QM4XZP"),
        ("k7qm4xzp", "K7QM4XZP"),
        ("  k7qm - 4xzp ", "K7QM4XZP"),
        ("K7QM\u20134XZP", "K7QM4XZP"),
        ("K7QM-4XZ", None),
        ("K7QM-4XZPP", None),
        ("K7QM-4XZ0", None),  # zero is not in the alphabet
        ("K7QM-4XZ!", None),
        ("", None),
    ],
)
def test_normalisation(typed: str, expected: str | None) -> None:
    assert codes.normalise_code(typed) == expected


def test_keyed_hash_is_hmac_sha256_of_the_canonical_code() -> None:
    key = b"k"
    expected = hmac.new(key, b"code:K7QM4XZP", hashlib.sha256).hexdigest()
    assert codes.code_hash(key, "k7qm 4xzp") == expected
    assert codes.code_hash(b"other key", "K7QM4XZP") != expected
    assert codes.code_hash(key, "nonsense") is None


def test_issued_codes_are_unique_and_hashes_stored(store) -> None:
    from sqlalchemy import func, select

    from surveys.models import AccessCode

    make_survey(store)
    first = store.issue_codes("tiny-2024", 500)
    second = store.issue_codes("tiny-2024", 500)
    assert len(set(first) | set(second)) == 1000
    with store.engine.connect() as conn:
        assert conn.scalar(select(func.count(func.distinct(AccessCode.code_hash)))) == 1000
        assert conn.scalar(select(func.count(func.distinct(AccessCode.batch_id)))) == 2
    with pytest.raises(Exception, match="between 1 and"):
        store.issue_codes("tiny-2024", 0)

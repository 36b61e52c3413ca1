"""Signed code batches: the print view of a batch of codes carries a server
signature over the wave, the codes and the batch's tags, and its follow-up
downloads (the same codes as PDF or CSV) are served only when the posted
batch matches the signature. The server never keeps codes in clear, so the
print view posts them back; the signature makes sure they are the batch the
server issued for that wave, unchanged.

The token is an itsdangerous timed serializer over a sha256 digest of the
batch (the codes themselves are not repeated in it), keyed with the app's
secret and a salt of its own, valid for :data:`MAX_AGE_SECONDS`.
"""
from __future__ import annotations

import hashlib
import hmac
import json
from collections.abc import Mapping, Sequence

from itsdangerous import BadSignature, URLSafeTimedSerializer

SALT = "survey-engine/code-batch"
#: How long the print view's download buttons work.
MAX_AGE_SECONDS = 24 * 3600


def _digest(slug: str, codes: Sequence[str], tags: Mapping[str, object]) -> str:
    canonical = json.dumps({"wave": slug, "codes": list(codes),
                            "tags": {str(k): str(v) for k, v in tags.items()}},
                           sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def _serializer(secret: bytes | str) -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(secret, salt=SALT)


def sign_batch(secret: bytes | str, slug: str, codes: Sequence[str], tags: Mapping[str, object]) -> str:
    """The signature of a batch (wave ``slug``, its ``codes`` in order, ``tags``)."""
    return _serializer(secret).dumps(_digest(slug, codes, tags))


def batch_is_signed(secret: bytes | str, signature: str, slug: str, codes: Sequence[str],
                    tags: Mapping[str, object], max_age: int = MAX_AGE_SECONDS) -> bool:
    """True when ``signature`` was made by :func:`sign_batch` for exactly this
    batch, with this secret, less than ``max_age`` seconds ago."""
    try:
        signed = _serializer(secret).loads(signature or "", max_age=max_age)
    except BadSignature:  # SignatureExpired is a BadSignature too
        return False
    return isinstance(signed, str) and hmac.compare_digest(signed, _digest(slug, codes, tags))

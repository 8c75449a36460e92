"""Signed, expiring, single-use links (invitation, password reset, sign-in hand-off).

A token carries the tenant's schema, the user's id and a fingerprint of the
user's state that the token's use changes (the password hash, or the last
sign-in time): once used, the same link no longer matches and is refused.
"""

from __future__ import annotations

import hashlib

from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer


class InvalidToken(Exception):
    """The link is forged, expired, already used, or for another firm."""


def _serializer(secret_key: str, purpose: str) -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(secret_key, salt=f"assurdesk.{purpose}")


def fingerprint(*parts: object) -> str:
    return hashlib.sha256("|".join(str(part) for part in parts).encode()).hexdigest()[:16]


def make_token(secret_key: str, purpose: str, schema: str, user_id: int, state: str) -> str:
    return _serializer(secret_key, purpose).dumps({"s": schema, "u": user_id, "f": state})


def read_token(secret_key: str, purpose: str, token: str, schema: str, max_age: int) -> tuple[int, str]:
    """Return (user id, fingerprint) of a valid token for ``schema``."""
    try:
        data = _serializer(secret_key, purpose).loads(token, max_age=max_age)
    except SignatureExpired as exc:
        raise InvalidToken("expired") from exc
    except BadSignature as exc:
        raise InvalidToken("invalid") from exc
    if not isinstance(data, dict) or data.get("s") != schema:
        raise InvalidToken("invalid")
    return int(data["u"]), str(data["f"])

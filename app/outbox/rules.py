"""Rules of delivering messages to insurers: when to try again, what an
answer means, and how a request is signed. Pure: no DB, no Flask.

Retries: attempt n (1 for the first retry) waits min(30 s × 2^(n-1), 30 min),
give or take 10 % of jitter so that many messages failing together do not
come back together. At most 12 attempts, so 11 waits, in minutes:
0.5 + 1 + 2 + 4 + 8 + 16 + 30 × 5 = 181.5, about three hours (163 at least
with the jitter): an insurer or SMTP server down for an hour, or two, loses
nothing. After the twelfth failed attempt the message is FAILED
and the handler decides (resend or cancel).

Signature, the way Stripe signs its webhooks: the header
``Assurdesk-Signature: t=<unix time>,v1=<hex HMAC-SHA256(secret, "<t>.<raw body>")>``.
The insurer recomputes the HMAC over the exact bytes received and refuses a
timestamp older than five minutes (a replayed request).
"""

from __future__ import annotations

import hashlib
import hmac
import random
import time
from datetime import timedelta

MAX_ATTEMPTS = 12
FIRST_WAIT = timedelta(seconds=30)
LONGEST_WAIT = timedelta(minutes=30)
JITTER = 0.10
TIMEOUT_SECONDS = 10.0
SIGNATURE_HEADER = "Assurdesk-Signature"
SIGNATURE_TOLERANCE = 300

#: answers worth trying again although they are 4xx: the receiver is busy
#: or timed out, the request itself is fine
RETRYABLE_CLIENT_ERRORS = frozenset({408, 425, 429})


def backoff(retry: int, rand: random.Random | None = None) -> timedelta:
    """The wait before retry number ``retry`` (1-based): 30 s doubled each
    time, at most 30 minutes, with ±10 % jitter."""
    if retry < 1:
        raise ValueError("retries are numbered from 1")
    base = min(FIRST_WAIT * 2 ** (retry - 1), LONGEST_WAIT)
    spread = (rand or random).uniform(-JITTER, JITTER)
    return base * (1 + spread)


def gives_up_after(attempts: int) -> bool:
    """Whether a message tried ``attempts`` times without success is FAILED."""
    return attempts >= MAX_ATTEMPTS


def outcome_of_status(status_code: int) -> str:
    """``delivered`` for 2xx; ``retry`` for 5xx and busy answers (408, 425,
    429); ``rejected`` for any other answer: the insurer refused the request
    itself, sending it again would not change that."""
    if 200 <= status_code < 300:
        return "delivered"
    if status_code >= 500 or status_code in RETRYABLE_CLIENT_ERRORS:
        return "retry"
    return "rejected"


def _mac(secret: str, timestamp: int, body: bytes) -> str:
    return hmac.new(secret.encode(), f"{timestamp}.".encode() + body, hashlib.sha256).hexdigest()


def signature_header(secret: str, body: bytes, timestamp: int) -> str:
    """The ``Assurdesk-Signature`` value of ``body`` sent at ``timestamp``."""
    return f"t={timestamp},v1={_mac(secret, timestamp, body)}"


def parse_signature(header: str) -> tuple[int | None, list[str]]:
    """(timestamp, v1 signatures) of a header; (None, []) when malformed."""
    timestamp, signatures = None, []
    for part in (header or "").split(","):
        key, _, value = part.strip().partition("=")
        if key == "t" and value.isdigit():
            timestamp = int(value)
        elif key == "v1" and value:
            signatures.append(value)
    return timestamp, signatures


def verify_signature(secret: str, body: bytes, header: str, tolerance: int = SIGNATURE_TOLERANCE,
                     now: float | None = None) -> bool:
    """Whether ``header`` signs ``body`` with ``secret`` and is at most
    ``tolerance`` seconds old (or ahead)."""
    timestamp, signatures = parse_signature(header)
    if timestamp is None or not signatures:
        return False
    if abs((time.time() if now is None else now) - timestamp) > tolerance:
        return False
    expected = _mac(secret, timestamp, body)
    return any(hmac.compare_digest(expected, candidate) for candidate in signatures)

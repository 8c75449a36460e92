"""Outbox rules: the retry schedule (30 s doubled, at most 30 min, 12
attempts: an insurer down for an hour loses nothing), what an HTTP answer
means, and the Stripe-like signature of API placements."""

from __future__ import annotations

import random
from datetime import timedelta

import pytest

from app.outbox import rules

SECRET = "whsec_test_secret"
BODY = b'{"reference":"PLC-000001"}'
# printf '%s' '1700000000.{"reference":"PLC-000001"}' | openssl dgst -sha256 -hmac 'whsec_test_secret'
KNOWN_MAC = "a94aaf785d0a821c9da11a322536aa5a1660ffe4c252c0fd0da976e58e439233"


class NoJitter(random.Random):
    def uniform(self, a, b):
        return 0.0


class MostJitter(random.Random):
    def __init__(self, sign: int) -> None:
        super().__init__()
        self.sign = sign

    def uniform(self, a, b):
        return b if self.sign > 0 else a


def test_backoff_starts_at_30_seconds_and_doubles():
    waits = [rules.backoff(n, NoJitter()) for n in range(1, 8)]
    assert waits[:6] == [timedelta(seconds=30), timedelta(minutes=1), timedelta(minutes=2),
                         timedelta(minutes=4), timedelta(minutes=8), timedelta(minutes=16)]
    assert waits[6] == timedelta(minutes=30)  # 32 min capped at 30


def test_backoff_never_exceeds_30_minutes_and_jitter_stays_within_ten_percent():
    assert rules.backoff(11, NoJitter()) == timedelta(minutes=30)
    for n in range(1, 12):
        base = rules.backoff(n, NoJitter())
        low, high = rules.backoff(n, MostJitter(-1)), rules.backoff(n, MostJitter(1))
        assert low == base * 0.9 and high == base * 1.1
        assert low <= rules.backoff(n) <= high


def test_backoff_is_numbered_from_one():
    with pytest.raises(ValueError):
        rules.backoff(0)


def test_twelve_attempts_cover_an_insurer_down_for_more_than_an_hour():
    """11 waits between 12 attempts: 0.5+1+2+4+8+16+30×5 = 181.5 min; with
    the jitter at its lowest still over two hours and a half."""
    waits = [rules.backoff(n, NoJitter()) for n in range(1, rules.MAX_ATTEMPTS)]
    assert sum(waits, timedelta()) == timedelta(minutes=181.5)
    shortest = sum((rules.backoff(n, MostJitter(-1)) for n in range(1, rules.MAX_ATTEMPTS)), timedelta())
    assert shortest > timedelta(hours=2, minutes=40)
    assert not rules.gives_up_after(11) and rules.gives_up_after(12)


@pytest.mark.parametrize(("status", "outcome"), [
    (200, "delivered"), (201, "delivered"), (202, "delivered"), (204, "delivered"),
    (500, "retry"), (502, "retry"), (503, "retry"), (408, "retry"), (429, "retry"),
    (400, "rejected"), (401, "rejected"), (404, "rejected"), (409, "rejected"), (422, "rejected"),
    (301, "rejected"),
])
def test_5xx_and_busy_answers_are_retried_other_4xx_are_rejected(status, outcome):
    assert rules.outcome_of_status(status) == outcome


def test_signature_header_matches_a_known_vector():
    assert rules.signature_header(SECRET, BODY, 1700000000) == f"t=1700000000,v1={KNOWN_MAC}"


def test_a_valid_signature_verifies_within_five_minutes():
    header = f"t=1700000000,v1={KNOWN_MAC}"
    assert rules.verify_signature(SECRET, BODY, header, now=1700000000)
    assert rules.verify_signature(SECRET, BODY, header, now=1700000000 + 300)
    assert not rules.verify_signature(SECRET, BODY, header, now=1700000000 + 301)


def test_verification_refuses_another_body_secret_or_a_malformed_header():
    header = rules.signature_header(SECRET, BODY, 1700000000)
    assert not rules.verify_signature(SECRET, BODY + b" ", header, now=1700000000)
    assert not rules.verify_signature("another", BODY, header, now=1700000000)
    for bad in ("", "t=abc,v1=00", f"v1={KNOWN_MAC}", "t=1700000000", "garbage"):
        assert not rules.verify_signature(SECRET, BODY, bad, now=1700000000)


def test_verification_accepts_any_of_several_v1_signatures():
    """During a secret rotation the header may carry one signature per secret."""
    header = f"t=1700000000,v1={'0' * 64},v1={KNOWN_MAC}"
    assert rules.verify_signature(SECRET, BODY, header, now=1700000000)
    assert rules.parse_signature(header) == (1700000000, ["0" * 64, KNOWN_MAC])

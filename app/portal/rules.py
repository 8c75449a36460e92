"""Portal access rules, pure.

- Sign-in links (one-time, by email) live 15 minutes; invitations 7 days.
- Failed password sign-ins are slowed down, not locked out for good: after
  ``FREE_ATTEMPTS`` failures in a row for an address, each further attempt
  must wait twice as long as the last (1 s, 2 s, 4 s ... up to 15 minutes),
  the approach of OWASP's authentication guidance (throttling over hard
  lockout, so an attacker cannot lock a client out).
- A session unused for 30 days has ended.
"""

from __future__ import annotations

from datetime import datetime, timedelta

SIGN_IN_LINK_MAX_AGE = timedelta(minutes=15)
INVITATION_MAX_AGE = timedelta(days=7)
SESSION_IDLE_LIMIT = timedelta(days=30)
FREE_ATTEMPTS = 3
MAX_DELAY = timedelta(minutes=15)


def throttle_delay(consecutive_failures: int) -> timedelta:
    """How long the next attempt must wait after ``consecutive_failures``."""
    if consecutive_failures < FREE_ATTEMPTS:
        return timedelta(0)
    seconds = 2 ** (consecutive_failures - FREE_ATTEMPTS)
    return min(timedelta(seconds=seconds), MAX_DELAY)


def retry_allowed_at(last_failure_at: datetime | None, consecutive_failures: int) -> datetime | None:
    """When the next password attempt is accepted, or None if now."""
    delay = throttle_delay(consecutive_failures)
    if last_failure_at is None or not delay:
        return None
    return last_failure_at + delay


def session_expired(last_seen_at: datetime, now: datetime) -> bool:
    return now - last_seen_at > SESSION_IDLE_LIMIT

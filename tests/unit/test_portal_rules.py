"""Portal sign-in throttling and session lifetime (app.portal.rules):
throttling rather than lockout, per OWASP's authentication guidance."""

from datetime import UTC, datetime, timedelta

from app.portal import rules

NOW = datetime(2026, 11, 25, 10, 0, tzinfo=UTC)


def test_the_first_failures_cost_nothing():
    assert all(rules.throttle_delay(n) == timedelta(0) for n in range(rules.FREE_ATTEMPTS))
    assert rules.retry_allowed_at(NOW, rules.FREE_ATTEMPTS - 1) is None


def test_each_further_failure_doubles_the_wait_up_to_fifteen_minutes():
    delays = [rules.throttle_delay(rules.FREE_ATTEMPTS + k) for k in range(4)]
    assert delays == [timedelta(seconds=s) for s in (1, 2, 4, 8)]
    assert rules.throttle_delay(40) == rules.MAX_DELAY == timedelta(minutes=15)
    assert rules.retry_allowed_at(NOW, rules.FREE_ATTEMPTS + 2) == NOW + timedelta(seconds=4)


def test_no_failure_recorded_means_no_wait():
    assert rules.retry_allowed_at(None, 10) is None


def test_a_session_idle_more_than_thirty_days_has_ended():
    assert not rules.session_expired(NOW - timedelta(days=30), NOW)
    assert rules.session_expired(NOW - timedelta(days=30, seconds=1), NOW)

"""The non-payment procedure of the Code des assurances, article L113-3:
the firm's first reminder, formal notice no earlier than 10 days after the
due date, cover suspended 30 days after the notice, cancellation possible
10 days after the suspension, cover resuming at noon (Europe/Paris) the day
after payment; payment at any step stops the procedure."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from app.billing import nonpayment_rules as rules
from app.billing.nonpayment_rules import Step
from app.billing.rules import BillingRuleError


def test_first_reminder_is_configurable_and_defaults_to_five_days():
    assert rules.first_reminder_date(date(2026, 3, 1)) == date(2026, 3, 6)
    assert rules.first_reminder_date(date(2026, 3, 1), 3) == date(2026, 3, 4)
    with pytest.raises(BillingRuleError):
        rules.first_reminder_date(date(2026, 3, 1), -1)


@pytest.mark.parametrize("due, notice", [
    (date(2026, 1, 25), date(2026, 2, 4)),
    (date(2026, 2, 20), date(2026, 3, 2)),   # across a 28-day February
    (date(2028, 2, 20), date(2028, 3, 1)),   # leap year: 29 February counts
    (date(2026, 12, 31), date(2027, 1, 10)),
])
def test_l113_3_formal_notice_no_earlier_than_10_days_after_the_due_date(due, notice):
    assert rules.earliest_formal_notice(due) == notice


@pytest.mark.parametrize("sent, suspended", [
    (date(2026, 1, 31), date(2026, 3, 2)),
    (date(2028, 1, 31), date(2028, 3, 1)),   # leap year
    (date(2026, 12, 15), date(2027, 1, 14)),
])
def test_l113_3_cover_suspended_30_days_after_the_formal_notice(sent, suspended):
    assert rules.suspension_date(sent) == suspended


def test_l113_3_cancellation_possible_10_days_after_suspension():
    assert rules.earliest_cancellation(date(2028, 2, 25)) == date(2028, 3, 6)
    assert rules.earliest_cancellation(date(2026, 2, 25)) == date(2026, 3, 7)


def test_l113_3_cover_resumes_at_noon_paris_the_day_after_payment():
    resumes = rules.cover_resumes_at(date(2028, 2, 28))
    assert resumes == datetime(2028, 2, 29, 12, 0, tzinfo=ZoneInfo("Europe/Paris"))
    assert resumes.utcoffset() == timedelta(hours=1)
    summer = rules.cover_resumes_at(date(2026, 6, 30))
    assert (summer.date(), summer.utcoffset()) == (date(2026, 7, 1), timedelta(hours=2))


DUE = date(2028, 1, 31)
SENT = date(2028, 2, 10)          # earliest notice: due + 10
SUSPENDED = date(2028, 3, 11)     # sent + 30, across 29 February
CANCELLABLE = date(2028, 3, 21)   # suspension + 10


@pytest.mark.parametrize("today, sent, expected", [
    (date(2028, 1, 31), None, Step.NONE),
    (date(2028, 2, 4), None, Step.NONE),
    (date(2028, 2, 5), None, Step.REMINDER_DUE),
    (date(2028, 2, 9), None, Step.REMINDER_DUE),
    (date(2028, 2, 10), None, Step.FORMAL_NOTICE_POSSIBLE),
    (date(2028, 4, 30), None, Step.FORMAL_NOTICE_POSSIBLE),
    (SENT, SENT, Step.NOTICE_SENT),
    (SUSPENDED, SENT, Step.NOTICE_SENT),        # cover runs to the end of that day
    (SUSPENDED + timedelta(days=1), SENT, Step.SUSPENDED),
    (CANCELLABLE - timedelta(days=1), SENT, Step.SUSPENDED),
    (CANCELLABLE, SENT, Step.CANCELLABLE),
])
def test_l113_3_procedure_steps_through_a_leap_february(today, sent, expected):
    assert rules.procedure_step(DUE, today, sent) == expected


@pytest.mark.parametrize("paid_on", [
    date(2028, 2, 1),                      # before the reminder
    date(2028, 2, 6),                      # after the reminder
    date(2028, 2, 12),                     # after the notice was sent
    SUSPENDED + timedelta(days=2),         # while suspended
    CANCELLABLE + timedelta(days=3),       # while cancellable (not yet cancelled)
])
def test_l113_3_payment_at_any_step_stops_the_procedure(paid_on):
    sent = SENT if paid_on >= SENT else None
    assert rules.procedure_step(DUE, date(2028, 5, 1), sent, paid_on) == Step.STOPPED_BY_PAYMENT


def test_a_payment_by_the_due_date_means_no_procedure_and_a_future_payment_is_ignored():
    assert rules.procedure_step(DUE, date(2028, 3, 1), None, DUE) == Step.NONE
    assert rules.procedure_step(DUE, date(2028, 2, 12), None, date(2028, 2, 20)) == Step.FORMAL_NOTICE_POSSIBLE


def test_the_reminder_delay_is_configurable():
    assert rules.procedure_step(DUE, date(2028, 2, 2), reminder_days=2) == Step.REMINDER_DUE
    assert rules.procedure_step(DUE, date(2028, 2, 2), reminder_days=3) == Step.NONE


def test_l113_3_a_notice_before_the_tenth_day_is_refused():
    with pytest.raises(BillingRuleError) as error:
        rules.procedure_step(DUE, date(2028, 3, 1), SENT - timedelta(days=1))
    assert error.value.code == "notice_too_early"

"""The daily non-payment job's decisions (Code des assurances, article
L113-3): formal notice no earlier than 10 days after the due date, cover
suspended 30 days after the notice (from 00:00 the next day), cancellation
possible 10 days after the suspension date; the firm's reminder before
that; each step once; the dashboard's stage and next step."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, timedelta

import pytest

from app.billing import nonpayment_rules as rules
from app.billing.nonpayment_rules import Action, Progress, Step

DUE = date(2028, 1, 31)
REMINDER = date(2028, 2, 5)        # due + 5 (the firm's default)
NOTICE = date(2028, 2, 10)         # L113-3: due + 10
SUSPENSION_DAY = date(2028, 3, 11)  # L113-3: notice + 30, across 29 February; cover runs to its end
SUSPENDED = date(2028, 3, 12)      # the first day without cover
CANCELLABLE = date(2028, 3, 21)    # L113-3: suspension date + 10

FRESH = Progress(DUE)
REMINDED = replace(FRESH, reminder_sent_on=REMINDER)
NOTIFIED = replace(REMINDED, formal_notice_sent_on=NOTICE)
SUSPENDED_PROGRESS = replace(NOTIFIED, suspended_on=SUSPENDED)
CANCELLABLE_PROGRESS = replace(SUSPENDED_PROGRESS, cancellable_on=CANCELLABLE)


def test_l113_3_cover_is_suspended_from_the_day_after_the_thirtieth_day():
    assert rules.suspension_date(NOTICE) == SUSPENSION_DAY
    assert rules.suspended_from(NOTICE) == SUSPENDED
    assert rules.suspended_from(date(2026, 12, 15)) == date(2027, 1, 15)


def test_l113_3_cancellation_possible_ten_days_after_the_suspension_date():
    assert rules.cancellable_from(NOTICE) == CANCELLABLE
    assert rules.cancellable_from(date(2026, 2, 1)) == date(2026, 3, 13)   # 28-day February


def test_the_reminder_is_never_on_the_due_date_itself():
    assert rules.reminder_day(DUE, 5) == REMINDER
    assert rules.reminder_day(DUE, 0) == DUE + timedelta(days=1)


@pytest.mark.parametrize("progress, today, expected", [
    (FRESH, DUE, []),
    (FRESH, REMINDER - timedelta(days=1), []),
    (FRESH, REMINDER, [Action.REMINDER]),
    (REMINDED, REMINDER, []),                                  # sent once
    (REMINDED, NOTICE - timedelta(days=1), []),
    (REMINDED, NOTICE, [Action.FORMAL_NOTICE]),                # L113-3: the 10th day after the due date
    (FRESH, NOTICE + timedelta(days=20), [Action.FORMAL_NOTICE]),  # late: the notice, not the reminder
    (NOTIFIED, SUSPENSION_DAY, []),                            # cover still runs that day
    (NOTIFIED, SUSPENDED, [Action.SUSPENSION]),
    (SUSPENDED_PROGRESS, SUSPENDED, []),
    (SUSPENDED_PROGRESS, CANCELLABLE - timedelta(days=1), []),
    (SUSPENDED_PROGRESS, CANCELLABLE, [Action.CANCELLABLE]),
    (CANCELLABLE_PROGRESS, CANCELLABLE + timedelta(days=30), []),
    (NOTIFIED, CANCELLABLE + timedelta(days=1), [Action.SUSPENSION, Action.CANCELLABLE]),  # a job that came late
])
def test_l113_3_each_step_is_due_from_its_day_and_taken_once(progress, today, expected):
    assert rules.due_actions(progress, today) == expected


def test_the_reminder_delay_is_the_firms_and_a_late_one_gives_way_to_the_notice():
    assert rules.due_actions(FRESH, DUE + timedelta(days=2), reminder_days=2) == [Action.REMINDER]
    assert rules.due_actions(FRESH, DUE + timedelta(days=2), reminder_days=3) == []
    assert rules.next_action(FRESH, reminder_days=12) == (Action.FORMAL_NOTICE, NOTICE)
    assert rules.due_actions(FRESH, DUE + timedelta(days=12), reminder_days=12) == [Action.FORMAL_NOTICE]


@pytest.mark.parametrize("progress", [
    replace(SUSPENDED_PROGRESS, stopped_on=SUSPENDED + timedelta(days=2), stop_reason="paid"),
    replace(CANCELLABLE_PROGRESS, cancelled_on=CANCELLABLE),
    replace(FRESH, stopped_on=DUE + timedelta(days=3), stop_reason="cancelled"),
])
def test_a_closed_procedure_has_nothing_due_nor_next(progress):
    assert rules.due_actions(progress, CANCELLABLE + timedelta(days=60)) == []
    assert rules.next_action(progress) is None


@pytest.mark.parametrize("progress, expected", [
    (FRESH, (Action.REMINDER, REMINDER)),
    (REMINDED, (Action.FORMAL_NOTICE, NOTICE)),
    (NOTIFIED, (Action.SUSPENSION, SUSPENDED)),
    (SUSPENDED_PROGRESS, (Action.CANCELLABLE, CANCELLABLE)),
    (CANCELLABLE_PROGRESS, (Action.CANCELLATION, CANCELLABLE)),
])
def test_the_next_step_and_its_first_day(progress, expected):
    assert rules.next_action(progress) == expected


@pytest.mark.parametrize("progress, today, expected", [
    (FRESH, DUE + timedelta(days=1), Step.NONE),
    (FRESH, REMINDER, Step.REMINDER_DUE),
    (REMINDED, REMINDER, Step.REMINDER_SENT),
    (REMINDED, NOTICE, Step.FORMAL_NOTICE_POSSIBLE),
    (NOTIFIED, SUSPENSION_DAY, Step.NOTICE_SENT),
    (SUSPENDED_PROGRESS, SUSPENDED, Step.SUSPENDED),
    (CANCELLABLE_PROGRESS, CANCELLABLE, Step.CANCELLABLE),
    (replace(CANCELLABLE_PROGRESS, cancelled_on=CANCELLABLE), CANCELLABLE, Step.CANCELLED),
    (replace(SUSPENDED_PROGRESS, stopped_on=SUSPENDED, stop_reason="paid"), SUSPENDED, Step.STOPPED_BY_PAYMENT),
    (replace(REMINDED, stopped_on=NOTICE, stop_reason="refunded"), NOTICE, Step.STOPPED),
])
def test_the_stage_shown_on_the_dashboard(progress, today, expected):
    assert rules.stage(progress, today) == expected


def test_l113_3_a_formal_notice_asked_by_hand_is_refused_before_the_tenth_day():
    assert rules.formal_notice_refusal(REMINDED, NOTICE - timedelta(days=1)) == "notice_too_early"
    assert rules.formal_notice_refusal(REMINDED, NOTICE) is None
    assert rules.formal_notice_refusal(NOTIFIED, NOTICE + timedelta(days=1)) == "notice_already_sent"
    assert rules.formal_notice_refusal(replace(REMINDED, stopped_on=NOTICE, stop_reason="paid"),
                                       NOTICE) == "procedure_closed"


def test_l113_3_cancellation_only_after_a_notice_and_from_ten_days_after_the_suspension_date():
    assert rules.cancellation_refusal(REMINDED, CANCELLABLE + timedelta(days=60)) == "not_cancellable_yet"
    assert rules.cancellation_refusal(SUSPENDED_PROGRESS, CANCELLABLE - timedelta(days=1)) == "not_cancellable_yet"
    assert rules.cancellation_refusal(SUSPENDED_PROGRESS, CANCELLABLE) is None
    assert rules.cancellation_refusal(replace(CANCELLABLE_PROGRESS, cancelled_on=CANCELLABLE),
                                      CANCELLABLE) == "procedure_closed"

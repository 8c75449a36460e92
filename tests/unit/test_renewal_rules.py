"""Renewals: loi Chatel (Code des assurances L113-15-1) dates and indexation."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from app.renewals import rules
from app.renewals.rules import NoticeStatus


def test_cancellation_deadline_is_the_renewal_date_less_the_notice_period():
    assert rules.cancellation_deadline(date(2026, 3, 1), 60) == date(2025, 12, 31)
    assert rules.cancellation_deadline(date(2024, 3, 1), 1) == date(2024, 2, 29)  # leap year


def test_the_window_opens_three_months_and_closes_fifteen_days_before_the_deadline():
    """L113-15-1: sent no earlier than 3 months, no later than 15 days before the deadline."""
    window = rules.notice_window(date(2026, 9, 1), 60)
    assert window.deadline == date(2026, 7, 3)
    assert window.opens == date(2026, 4, 3)
    assert window.closes == date(2026, 6, 18)
    assert window.is_open_on(date(2026, 4, 3)) and window.is_open_on(date(2026, 6, 18))
    assert not window.is_open_on(date(2026, 4, 2)) and window.is_late_on(date(2026, 6, 19))


def test_three_months_before_a_month_end_deadline_is_clamped_to_the_month_end():
    window = rules.notice_window(date(2026, 7, 30), 30)  # deadline 30 June
    assert window.deadline == date(2026, 6, 30) and window.opens == date(2026, 3, 30)
    leap = rules.notice_window(date(2024, 6, 29), 60)  # deadline 30 April 2024
    assert leap.deadline == date(2024, 4, 30) and leap.opens == date(2024, 1, 30)
    assert rules.notice_window(date(2024, 5, 31), 0).opens == date(2024, 2, 29)  # 31 May -> 29 February
    assert rules.notice_window(date(2025, 5, 31), 0).opens == date(2025, 2, 28)


def test_a_late_notice_gives_twenty_days_from_its_sending():
    """L113-15-1: sent less than 15 days before the deadline, the client may cancel within 20 days."""
    window = rules.notice_window(date(2026, 9, 1), 60)
    on_time = rules.consequence_of_sending(window, date(2026, 6, 18))
    assert not on_time.is_late and on_time.until is None
    late = rules.consequence_of_sending(window, date(2026, 6, 25))
    assert late.is_late and late.until == date(2026, 7, 15)
    assert rules.late_cancellation_until(date(2024, 2, 20)) == date(2024, 3, 11)  # across 29 February


def test_never_sent_the_client_may_cancel_at_any_time_from_the_renewal_date():
    missing = rules.consequence_of_no_notice(date(2026, 9, 1))
    assert missing.is_late and missing.any_time_from == date(2026, 9, 1) and missing.until is None


def test_only_individuals_tacitly_renewed_contracts_need_a_notice():
    assert rules.needs_notice(is_individual=True, tacit_renewal=True)
    assert not rules.needs_notice(is_individual=False, tacit_renewal=True)
    assert not rules.needs_notice(is_individual=True, tacit_renewal=False)


@pytest.mark.parametrize("sent_on, today, status", [
    (None, date(2026, 4, 2), NoticeStatus.NOT_YET),
    (None, date(2026, 4, 3), NoticeStatus.TO_SEND),
    (None, date(2026, 6, 19), NoticeStatus.MISSING),
    (date(2026, 5, 1), date(2026, 8, 1), NoticeStatus.SENT),
    (date(2026, 6, 20), date(2026, 8, 1), NoticeStatus.LATE),
])
def test_notice_status(sent_on, today, status):
    window = rules.notice_window(date(2026, 9, 1), 60)
    assert rules.notice_status(required=True, window=window, sent_on=sent_on, today=today) == status
    assert rules.notice_status(required=False, window=window, sent_on=sent_on, today=today) == NoticeStatus.NOT_NEEDED


def test_the_job_sends_from_the_opening_day_and_late_until_the_day_before_renewal():
    window = rules.notice_window(date(2026, 9, 1), 60)
    assert not rules.should_send_on(window, date(2026, 9, 1), date(2026, 4, 2))
    assert rules.should_send_on(window, date(2026, 9, 1), date(2026, 4, 3))
    assert rules.should_send_on(window, date(2026, 9, 1), date(2026, 8, 31))
    assert not rules.should_send_on(window, date(2026, 9, 1), date(2026, 9, 1))


def test_next_renewal_keeps_the_day_of_the_effective_date():
    assert rules.next_renewal_date(effective_date=date(2024, 2, 29), renewal_date=date(2025, 2, 28),
                                   term_months=12) == date(2026, 2, 28)
    assert rules.next_renewal_date(effective_date=date(2024, 2, 29), renewal_date=date(2027, 2, 28),
                                   term_months=12) == date(2028, 2, 29)
    assert rules.next_renewal_date(effective_date=date(2025, 1, 31), renewal_date=date(2025, 7, 31),
                                   term_months=6) == date(2026, 1, 31)


def test_indexation_rounds_half_up_to_the_cent():
    assert rules.indexed_premium(Decimal("1000.00"), Decimal("2.50")) == Decimal("1025.00")
    assert rules.indexed_premium(Decimal("333.33"), Decimal("1.50")) == Decimal("338.33")  # 338.329...
    assert rules.indexed_premium(Decimal("100.10"), Decimal("5.00")) == Decimal("105.11")  # 105.105
    assert rules.indexed_premium(Decimal("480.00"), Decimal("0")) == Decimal("480.00")


def test_a_contract_cancelled_on_or_before_its_renewal_date_is_not_renewed():
    assert rules.is_renewed(renewal_date=date(2026, 9, 1), cancellation_effective_on=None)
    assert not rules.is_renewed(renewal_date=date(2026, 9, 1), cancellation_effective_on=date(2026, 9, 1))
    assert rules.is_renewed(renewal_date=date(2026, 9, 1), cancellation_effective_on=date(2026, 12, 1))

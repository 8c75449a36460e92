"""Renewal rules: the loi Chatel notice and premium indexation. Pure: no DB,
no Flask.

Code des assurances, article L113-15-1 (loi Chatel), for contracts of
individuals (outside their professional activity) that renew tacitly:

- the renewal notice reminds the date by which the policyholder may refuse
  the renewal (the *cancellation deadline*: the renewal date minus the
  contract's notice period, ``notice_days``);
- it is sent **no earlier than three months and no later than fifteen days**
  before that deadline;
- sent later (less than 15 days before the deadline, or after it), the
  policyholder may end the contract within **20 days of the sending**
  (postmark), without penalty;
- never sent, the policyholder may end the contract **at any time from the
  renewal date**, effective the day after the notice.

Businesses and contracts that do not renew tacitly need no notice.
Indexation: the premium of the new period is the net premium increased by
the firm's index rate for the line, rounded half-up to the cent.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from enum import StrEnum

from app.catalog.rules import round_cents
from app.contracts.rules import add_months, renewal_deadline

EARLIEST_MONTHS_BEFORE_DEADLINE = 3
LATEST_DAYS_BEFORE_DEADLINE = 15
LATE_CANCELLATION_DAYS = 20
#: how far ahead the renewals view looks
HORIZON_DAYS = 90


class NoticeStatus(StrEnum):
    NOT_NEEDED = "not_needed"    # a business, or no tacit renewal
    NOT_YET = "not_yet"          # the window is not open yet
    TO_SEND = "to_send"          # the window is open, nothing sent
    SENT = "sent"                # sent within the window
    LATE = "late"                # sent after the window: 20 days to cancel
    MISSING = "missing"          # window closed and nothing sent


def needs_notice(*, is_individual: bool, tacit_renewal: bool) -> bool:
    """L113-15-1 protects individuals whose contract renews tacitly."""
    return is_individual and tacit_renewal


def cancellation_deadline(renewal_date: date, notice_days: int) -> date:
    """The last day the policyholder may refuse the renewal."""
    return renewal_deadline(renewal_date, notice_days)


@dataclass(frozen=True)
class NoticeWindow:
    """The days on which a notice is on time: ``opens`` to ``closes`` inclusive."""

    deadline: date
    opens: date
    closes: date

    def is_open_on(self, day: date) -> bool:
        return self.opens <= day <= self.closes

    def is_late_on(self, day: date) -> bool:
        return day > self.closes


def notice_window(renewal_date: date, notice_days: int) -> NoticeWindow:
    """No earlier than 3 months, no later than 15 days before the deadline."""
    deadline = cancellation_deadline(renewal_date, notice_days)
    return NoticeWindow(deadline=deadline, opens=add_months(deadline, -EARLIEST_MONTHS_BEFORE_DEADLINE),
                        closes=deadline - timedelta(days=LATEST_DAYS_BEFORE_DEADLINE))


def late_cancellation_until(sent_on: date) -> date:
    """A late notice: the policyholder may cancel within 20 days of its sending."""
    return sent_on + timedelta(days=LATE_CANCELLATION_DAYS)


@dataclass(frozen=True)
class NoticeConsequence:
    """What a late or missing notice gives the policyholder: ``until`` the
    last day to cancel (late), or ``any_time_from`` (missing)."""

    is_late: bool
    until: date | None = None
    any_time_from: date | None = None


def consequence_of_sending(window: NoticeWindow, sent_on: date) -> NoticeConsequence:
    if sent_on <= window.closes:
        return NoticeConsequence(is_late=False)
    return NoticeConsequence(is_late=True, until=late_cancellation_until(sent_on))


def consequence_of_no_notice(renewal_date: date) -> NoticeConsequence:
    """Never sent: cancellation at any time from the renewal date."""
    return NoticeConsequence(is_late=True, any_time_from=renewal_date)


def should_send_on(window: NoticeWindow, renewal_date: date, day: date) -> bool:
    """The daily job sends on the first day the window is open; a notice
    missed is still sent (late) up to the day before the renewal, so the
    policyholder gets the 20-day right rather than nothing."""
    return window.opens <= day < renewal_date


def notice_status(*, required: bool, window: NoticeWindow, sent_on: date | None, today: date) -> NoticeStatus:
    if not required:
        return NoticeStatus.NOT_NEEDED
    if sent_on is not None:
        return NoticeStatus.LATE if sent_on > window.closes else NoticeStatus.SENT
    if today < window.opens:
        return NoticeStatus.NOT_YET
    return NoticeStatus.MISSING if window.is_late_on(today) else NoticeStatus.TO_SEND


def next_renewal_date(*, effective_date: date, renewal_date: date, term_months: int) -> date:
    """The renewal after ``renewal_date``, counted from the effective date so
    that month ends do not drift: a contract taking effect on 29 February
    renews on 28 February, then on 29 February again in a leap year."""
    term = term_months or 12
    periods = 1
    while (following := add_months(effective_date, periods * term)) <= renewal_date:
        periods += 1
    return following


def indexed_premium(premium_net: Decimal, index_rate: Decimal) -> Decimal:
    """The net premium increased by ``index_rate`` percent, half-up to the cent."""
    return round_cents(Decimal(premium_net) * (100 + Decimal(index_rate)) / 100)


def is_renewed(*, renewal_date: date, cancellation_effective_on: date | None) -> bool:
    """A contract cancelled with effect on or before its renewal date ends there."""
    return cancellation_effective_on is None or cancellation_effective_on > renewal_date

"""The non-payment procedure of the Code des assurances, article L113-3:
the firm's friendly reminder, then the formal notice (mise en demeure) from
the 10th day after the due date, suspension of cover 30 days after the
notice, cancellation possible 10 days after the suspension, and cover
resuming at noon the day after payment; what the daily job does and what
comes next. Pure: no DB, no Flask.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from enum import StrEnum

from app.billing.rules import PARIS, BillingRuleError

#: L113-3: the formal notice may be sent from the 10th day after the due date.
FORMAL_NOTICE_AFTER_DAYS = 10
#: L113-3: cover is suspended 30 days after the formal notice is sent.
SUSPENSION_AFTER_DAYS = 30
#: L113-3: the insurer may cancel 10 days after the suspension.
CANCELLATION_AFTER_DAYS = 10
#: The firm's first friendly reminder, before the legal procedure.
DEFAULT_REMINDER_DAYS = 5
#: L113-3, paragraph 4: a suspended contract resumes at noon the next day.
COVER_RESUMES_AT = time(12, 0)


# --- non-payment procedure (L113-3) --------------------------------------------------

class Step(StrEnum):
    """Where the non-payment procedure of one call stands."""

    NONE = "none"
    REMINDER_DUE = "reminder_due"
    FORMAL_NOTICE_POSSIBLE = "formal_notice_possible"
    NOTICE_SENT = "notice_sent"
    SUSPENDED = "suspended"
    CANCELLABLE = "cancellable"
    STOPPED_BY_PAYMENT = "stopped_by_payment"
    # recorded by the daily job on the procedure (not returned by procedure_step)
    REMINDER_SENT = "reminder_sent"
    CANCELLED = "cancelled"        # the contract was cancelled for non-payment
    STOPPED = "stopped"            # the call was cancelled or refunded


def first_reminder_date(due_date: date, days_after: int = DEFAULT_REMINDER_DAYS) -> date:
    """The day the firm's friendly reminder goes out (not a legal step)."""
    if days_after < 0:
        raise BillingRuleError("negative_delay")
    return due_date + timedelta(days=days_after)


def earliest_formal_notice(due_date: date) -> date:
    """L113-3: the first day the formal notice (mise en demeure) may be sent,
    10 days after the due date."""
    return due_date + timedelta(days=FORMAL_NOTICE_AFTER_DAYS)


def suspension_date(formal_notice_sent_on: date) -> date:
    """L113-3: 30 days after the formal notice is sent. Cover still runs on
    that day and is suspended from its end (24:00, i.e. 00:00 the next day)."""
    return formal_notice_sent_on + timedelta(days=SUSPENSION_AFTER_DAYS)


def earliest_cancellation(suspended_on: date) -> date:
    """L113-3: the first day the insurer may cancel, 10 days after the
    suspension date."""
    return suspended_on + timedelta(days=CANCELLATION_AFTER_DAYS)


def cover_resumes_at(payment_day: date) -> datetime:
    """L113-3, paragraph 4: a suspended contract resumes at noon (Europe/Paris)
    the day after the overdue premium is paid; an aware datetime."""
    return datetime.combine(payment_day + timedelta(days=1), COVER_RESUMES_AT, tzinfo=PARIS)


def procedure_step(due_date: date, today: date, formal_notice_sent_on: date | None = None,
                   paid_on: date | None = None, reminder_days: int = DEFAULT_REMINDER_DAYS) -> Step:
    """The step of the procedure on ``today`` for a call due on ``due_date``.

    A payment made on ``today`` or before ends it: ``none`` when paid by the
    due date, ``stopped_by_payment`` when paid late. A notice recorded before
    the legal earliest day is refused (``notice_too_early``)."""
    if paid_on is not None and paid_on <= today:
        return Step.NONE if paid_on <= due_date else Step.STOPPED_BY_PAYMENT
    if formal_notice_sent_on is not None:
        return _step_after_notice(due_date, today, formal_notice_sent_on)
    if today >= earliest_formal_notice(due_date):
        return Step.FORMAL_NOTICE_POSSIBLE
    if today >= first_reminder_date(due_date, reminder_days) and today > due_date:
        return Step.REMINDER_DUE
    return Step.NONE


def _step_after_notice(due_date: date, today: date, sent_on: date) -> Step:
    if sent_on < earliest_formal_notice(due_date):
        raise BillingRuleError("notice_too_early")
    suspended_on = suspension_date(sent_on)
    if today >= earliest_cancellation(suspended_on):
        return Step.CANCELLABLE
    if today > suspended_on:
        return Step.SUSPENDED
    return Step.NOTICE_SENT


# --- the daily non-payment job (L113-3): what is due, what comes next -----------------

class Action(StrEnum):
    """A step the daily job (or the handler) takes on a procedure."""

    REMINDER = "reminder"
    FORMAL_NOTICE = "formal_notice"
    SUSPENSION = "suspension"
    CANCELLABLE = "cancellable"
    CANCELLATION = "cancellation"


@dataclass(frozen=True)
class Progress:
    """What a procedure recorded so far, each step's date as it happened:
    ``suspended_on`` is the first day without cover, ``cancellable_on`` the
    first day the contract may be cancelled."""

    due_date: date
    reminder_sent_on: date | None = None
    formal_notice_sent_on: date | None = None
    suspended_on: date | None = None
    cancellable_on: date | None = None
    cancelled_on: date | None = None
    stopped_on: date | None = None
    stop_reason: str | None = None

    @property
    def closed(self) -> bool:
        return self.stopped_on is not None or self.cancelled_on is not None


def suspended_from(formal_notice_sent_on: date) -> date:
    """L113-3: the first day without cover. Cover runs to the end of the 30th
    day after the notice (:func:`suspension_date`) and is suspended from
    00:00 the next day."""
    return suspension_date(formal_notice_sent_on) + timedelta(days=1)


def cancellable_from(formal_notice_sent_on: date) -> date:
    """L113-3: the first day the contract may be cancelled, 10 days after the
    suspension date of this notice."""
    return earliest_cancellation(suspension_date(formal_notice_sent_on))


def reminder_day(due_date: date, reminder_days: int) -> date:
    """The firm's reminder day, never the due date itself (a call is late
    from the day after)."""
    return max(first_reminder_date(due_date, reminder_days), due_date + timedelta(days=1))


def due_actions(progress: Progress, today: date, reminder_days: int = DEFAULT_REMINDER_DAYS) -> list[Action]:
    """The steps the daily job takes on ``today``, in order, none twice.

    - the formal notice from its earliest legal day (L113-3: 10 days after the
      due date); when it goes, a reminder not sent yet is not sent at all;
    - else the reminder from its day (``reminder_days`` after the due date);
    - after the notice: the suspension from the day after the 30 days, then
      "cancellable" 10 days after the suspension date (both on a day the job
      comes late)."""
    if progress.closed:
        return []
    notice = progress.formal_notice_sent_on
    if notice is None:
        if today >= earliest_formal_notice(progress.due_date):
            return [Action.FORMAL_NOTICE]
        if progress.reminder_sent_on is None and today >= reminder_day(progress.due_date, reminder_days):
            return [Action.REMINDER]
        return []
    actions = []
    if progress.suspended_on is None and today >= suspended_from(notice):
        actions.append(Action.SUSPENSION)
    if progress.cancellable_on is None and today >= cancellable_from(notice):
        actions.append(Action.CANCELLABLE)
    return actions


def next_action(progress: Progress, reminder_days: int = DEFAULT_REMINDER_DAYS) -> tuple[Action, date] | None:
    """The procedure's next step and the first day it may happen; None once
    the procedure is closed. After "cancellable", the next step is the
    cancellation, at the handler's (or insurer's) choice."""
    if progress.closed:
        return None
    notice = progress.formal_notice_sent_on
    if notice is None:
        reminder, earliest = reminder_day(progress.due_date, reminder_days), earliest_formal_notice(progress.due_date)
        if progress.reminder_sent_on is None and reminder < earliest:
            return Action.REMINDER, reminder
        return Action.FORMAL_NOTICE, earliest
    if progress.suspended_on is None:
        return Action.SUSPENSION, suspended_from(notice)
    if progress.cancellable_on is None:
        return Action.CANCELLABLE, cancellable_from(notice)
    return Action.CANCELLATION, progress.cancellable_on


def stage(progress: Progress, today: date, reminder_days: int = DEFAULT_REMINDER_DAYS) -> Step:
    """Where the procedure stands on ``today`` from what it recorded."""
    if progress.stopped_on is not None:
        return Step.STOPPED_BY_PAYMENT if progress.stop_reason == "paid" else Step.STOPPED
    if progress.cancelled_on is not None:
        return Step.CANCELLED
    if progress.cancellable_on is not None and today >= progress.cancellable_on:
        return Step.CANCELLABLE
    if progress.suspended_on is not None and today >= progress.suspended_on:
        return Step.SUSPENDED
    if progress.formal_notice_sent_on is not None:
        return Step.NOTICE_SENT
    if today >= earliest_formal_notice(progress.due_date):
        return Step.FORMAL_NOTICE_POSSIBLE
    if progress.reminder_sent_on is not None:
        return Step.REMINDER_SENT
    if today >= reminder_day(progress.due_date, reminder_days):
        return Step.REMINDER_DUE
    return Step.NONE


def formal_notice_refusal(progress: Progress, today: date) -> str | None:
    """Why the formal notice may not be sent on ``today`` (asked by hand), or
    None. L113-3: never before the 10th day after the due date."""
    if progress.closed:
        return "procedure_closed"
    if progress.formal_notice_sent_on is not None:
        return "notice_already_sent"
    if today < earliest_formal_notice(progress.due_date):
        return "notice_too_early"
    return None


def cancellation_refusal(progress: Progress, effective_on: date) -> str | None:
    """Why the contract may not be cancelled for non-payment with effect on
    ``effective_on``, or None. L113-3: only after a formal notice, and from
    10 days after the suspension date."""
    if progress.closed:
        return "procedure_closed"
    notice = progress.formal_notice_sent_on
    if notice is None or effective_on < cancellable_from(notice):
        return "not_cancellable_yet"
    return None

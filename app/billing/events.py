"""What other areas do when a premium call changes: one explicit place that
billing calls, in the same transaction as the change, so that a commission
line or a non-payment procedure never disagrees with its call.

- issued: commission lines are computed (and earned, for agreements that
  earn on issue);
- paid: the commission is earned (agreements that earn on payment) and the
  non-payment procedure stops (cover resumes);
- refunded / cancelled: the commission is reversed in proportion, the
  procedure stops.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from sqlalchemy.orm import Session

from app.billing import dunning
from app.commissions import services as commissions


def calls_issued(session: Session, actor, call_ids: list[int], today: date) -> None:
    """``call_ids`` were just inserted (by any path: a contract's year, a
    month's bulk run, an endorsement's adjustment or credit note)."""
    commissions.issue_lines(session, actor, call_ids, today)


def call_paid(session: Session, actor, call, today: date) -> None:
    """``call`` has nothing left to pay (its status just became ``paid``)."""
    commissions.earn(session, actor, call, today)
    dunning.on_paid(session, actor, call, today)


def call_refunded(session: Session, actor, call, amount: Decimal, today: date) -> None:
    """``amount`` of what was paid on ``call`` was given back."""
    commissions.follow_call(session, actor, call, today)
    dunning.on_refunded(session, actor, call, today)


def call_cancelled(session: Session, actor, call, today: date) -> None:
    """``call`` was cancelled (the contract ended before its period)."""
    commissions.follow_call(session, actor, call, today)
    dunning.on_cancelled(session, actor, call, today)

"""Complaint rules, pure.

ACPR recommendation 2022-R-01 (traitement des réclamations): the firm
acknowledges a complaint within 10 working days of receiving it (unless it
answers within that time) and answers within 2 months of receiving it.
Working days: Monday to Friday, French public holidays excepted, as for
claims (:func:`app.claims.rules.add_working_days`); the two months end on
the same day of the month, clamped to the month's end (31 December -> 28 or
29 February)."""

from __future__ import annotations

from datetime import date

from app.claims.rules import add_working_days
from app.contracts.rules import add_months

ACKNOWLEDGE_WORKING_DAYS = 10
ANSWER_MONTHS = 2
MAX_SUBJECT = 200
MAX_DESCRIPTION = 4000
MAX_ANSWER = 8000


def acknowledge_by(received_on: date) -> date:
    """The last day to acknowledge: the 10th working day after receipt."""
    return add_working_days(received_on, ACKNOWLEDGE_WORKING_DAYS)


def answer_by(received_on: date) -> date:
    """The last day to answer: 2 months after receipt, month-end clamped."""
    return add_months(received_on, ANSWER_MONTHS)


def late_steps(*, acknowledge_by: date, answer_by: date, acknowledged_on: date | None, answered_on: date | None,
               today: date) -> frozenset[str]:
    """The deadlines missed: ``"acknowledge"`` when not acknowledged by its
    day (or acknowledged after it), ``"answer"`` likewise. An answer is an
    acknowledgement too."""
    late = set()
    acknowledged = acknowledged_on or answered_on
    if (acknowledged or today) > acknowledge_by:
        late.add("acknowledge")
    if (answered_on or today) > answer_by:
        late.add("answer")
    return frozenset(late)


def filing_problems(subject: str, description: str) -> dict[str, str]:
    problems = {}
    for name, value, limit in (("subject", subject, MAX_SUBJECT), ("description", description, MAX_DESCRIPTION)):
        if not value.strip():
            problems[name] = "required"
        elif len(value.strip()) > limit:
            problems[name] = "too_long"
    return problems


def action_date_problem(day: date | None, received_on: date, today: date) -> str | None:
    """What is wrong with the date of an acknowledgement or an answer: it
    may not precede the receipt nor be in the future."""
    if day is None:
        return "date_invalid"
    if day < received_on:
        return "before_receipt"
    if day > today:
        return "in_future"
    return None

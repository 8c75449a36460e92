"""Complaint rules, pure.

ACPR recommendation 2022-R-01 (traitement des réclamations): the firm
acknowledges a complaint within 10 working days of receiving it (unless it
answers within that time) and answers within 2 months of receiving it.
Working days: Monday to Friday, French public holidays excepted, as for
claims (:func:`app.claims.rules.add_working_days`); the two months end on
the same day of the month, clamped to the month's end (31 December -> 28 or
29 February)."""

from __future__ import annotations

from datetime import date, timedelta

from app.claims.rules import add_working_days, is_working_day
from app.contracts.rules import add_months

ACKNOWLEDGE_WORKING_DAYS = 10
MAX_ID = 2 ** 63 - 1   # ids are BIGINT: a longer number names nothing
ANSWER_MONTHS = 2
MAX_SUBJECT = 200
MAX_DESCRIPTION = 4000
MAX_ANSWER = 8000
OUTCOMES = ("upheld", "partly_upheld", "rejected")
CHANNELS = ("portal", "email", "phone", "letter")
#: the channels the firm enters a complaint for (the portal files its own)
STAFF_CHANNELS = ("email", "phone", "letter")


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


# --- the dashboard and the alerts --------------------------------------------------------

#: a deadline this close (in working days) is flagged on the dashboard
DUE_SOON_WORKING_DAYS = 3
#: the handler is alerted this many working days before a deadline
ALERT_WORKING_DAYS = 2
#: the statuses in which a deadline still runs
PENDING = ("open", "acknowledged")


def working_days_until(today: date, deadline: date) -> int:
    """How many working days from ``today`` (excluded) to ``deadline``
    (included): 0 on the deadline itself, negative once it passed (the
    working days since, at least -1)."""
    if deadline >= today:
        return sum(1 for offset in range(1, (deadline - today).days + 1)
                   if is_working_day(today + timedelta(days=offset)))
    return -max(1, sum(1 for offset in range(0, (today - deadline).days)
                       if is_working_day(deadline + timedelta(days=offset + 1))))


def next_step(status: str) -> str | None:
    """The step whose deadline runs now: ``"acknowledge"`` for a complaint
    received, ``"answer"`` once acknowledged, None once answered."""
    return {"open": "acknowledge", "acknowledged": "answer"}.get(status)


def alert_steps(*, status: str, acknowledge_by: date, answer_by: date, acknowledge_alert_on: date | None,
                answer_alert_on: date | None, today: date, lead: int = ALERT_WORKING_DAYS) -> tuple[str, ...]:
    """The steps to alert the handler about today: a step not yet done whose
    deadline is ``lead`` working days away or less (or already passed), and
    not alerted before — one alert per step, never for a step done."""
    steps = []
    if status == "open" and acknowledge_alert_on is None and working_days_until(today, acknowledge_by) <= lead:
        steps.append("acknowledge")
    if status in PENDING and answer_alert_on is None and working_days_until(today, answer_by) <= lead:
        steps.append("answer")
    return tuple(steps)


# --- the answer, the mediator ------------------------------------------------------------

#: the insurers' mediator most French insurers adhere to, named when a
#: complaint about an insurer is rejected (the insurer's own may differ)
INSURANCE_MEDIATOR = {"name": "La Médiation de l'Assurance", "address": "TSA 50110, 75441 Paris Cedex 09",
                      "website": "www.mediation-assurance.org"}
MAX_MEDIATOR_NAME = 200
MAX_MEDIATOR_ADDRESS = 400
MAX_MEDIATOR_WEBSITE = 200


def names_the_mediator(outcome: str | None) -> bool:
    """Whether the answer must name the mediator: when the client does not
    get all they asked for (rejected or partly upheld).

    ACPR recommendation 2022-R-01: an answer that does not fully satisfy
    the client tells them of the mediation available, with its details.
    Code de la consommation, L612-2: the consumer may refer a dispute to the
    mediator only after a written complaint to the professional, and within
    one year of it; the mediator's charter lets them refer it once they have
    the answer, or two months after the complaint when none came."""
    return outcome in ("rejected", "partly_upheld")


def answer_problems(*, outcome: str | None, text: str, mediator_set: bool) -> dict[str, str]:
    """What is wrong with an answer: its outcome (one of ``outcomes``; a
    rejection needs the firm's mediator, see :func:`names_the_mediator`)
    and its text."""
    problems = {}
    if outcome not in OUTCOMES:
        problems["outcome"] = "required" if not outcome else "choice_invalid"
    elif names_the_mediator(outcome) and not mediator_set:
        problems["outcome"] = "mediator_missing"
    text = (text or "").strip()
    if not text:
        problems["answer"] = "required"
    elif len(text) > MAX_ANSWER:
        problems["answer"] = "too_long"
    return problems


# --- the yearly register -----------------------------------------------------------------

def days_to_answer(received_on: date, answered_on: date | None) -> int | None:
    """Calendar days from receipt to the answer, None while unanswered."""
    return (answered_on - received_on).days if answered_on else None


def within_deadline(deadline: date, done_on: date | None, today: date) -> bool | None:
    """Whether a step was done by its deadline: True or False once done (or
    once the deadline passed undone: False), None while it may still be."""
    if done_on is not None:
        return done_on <= deadline
    return False if today > deadline else None


def received_problem(day: date | None, today: date) -> str | None:
    """What is wrong with the date a complaint was received: the deadlines
    run from it, so it is a real day, not in the future."""
    if day is None or day.year < 2000:
        return "date_invalid"
    if day > today:
        return "in_future"
    return None


def row_id(raw: str | None) -> int | None:
    """The id a form or a link gives, None unless it is a number an id can be."""
    raw = (raw or "").strip()
    return int(raw) if raw.isdigit() and int(raw) <= MAX_ID else None

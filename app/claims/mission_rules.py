"""Rules of experts' missions, pure: when the report is due, when an expert
who has not reported is reminded, when the handler must step in, and what
a report's conclusions may say.

The firm's practice (no statute sets these delays): the report is asked
within 15 working days of the mission letter; once that date has passed,
the expert is reminded on a working day, then every 5 working days at
most; after the third reminder the handler gets a high-priority task to
call the expert or send another. Working days are those of
:func:`app.claims.rules.add_working_days` (French public holidays off).

The liability opinion uses the shares of the convention grids (IRSA):
0, 25, 50, 75 or 100 %."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from app.claims.rules import add_working_days, is_working_day

REPORT_WORKING_DAYS = 15
REMINDER_INTERVAL_WORKING_DAYS = 5
ESCALATE_AFTER_REMINDERS = 3
LIABILITY_OPINIONS = (0, 25, 50, 75, 100)
OPEN_STATUSES = ("sent", "scheduled")
MAX_AMOUNT = Decimal("9999999999.99")   # Numeric(12, 2)
MAX_TEXT = 10_000
MAX_INSTRUCTIONS = 5_000
HORIZON = timedelta(days=366)
CENT = Decimal("0.01")


def default_report_due(sent_on: date) -> date:
    return add_working_days(sent_on, REPORT_WORKING_DAYS)


def report_due_problem(due: date | None, today: date) -> str | None:
    if due is None:
        return "date_invalid"
    if due < today:
        return "due_past"
    if due > today + HORIZON:
        return "due_too_far"
    return None


def appointment_problem(at: datetime | None, sent_on: date) -> str | None:
    if at is None:
        return "datetime_invalid"
    if at.date() < sent_on:
        return "appointment_before_mission"
    if at.date() > sent_on + HORIZON:
        return "appointment_too_far"
    return None


def reminder_due(status: str, report_due_on: date, last_reminder_on: date | None, today: date) -> bool:
    """Whether the daily pass reminds the expert of a mission today: still
    open, past its due date, on a working day, and not reminded within the
    last ``REMINDER_INTERVAL_WORKING_DAYS`` working days."""
    if status not in OPEN_STATUSES or today <= report_due_on or not is_working_day(today):
        return False
    return last_reminder_on is None or today >= add_working_days(last_reminder_on, REMINDER_INTERVAL_WORKING_DAYS)


def escalates(reminders_sent: int) -> bool:
    """The reminder just counted is the one after which the handler steps in."""
    return reminders_sent == ESCALATE_AFTER_REMINDERS


def parse_amount(text: str | None) -> tuple[Decimal | None, str | None]:
    """(the amount rounded half-up to the cent, or None when blank; the problem code)."""
    cleaned = (text or "").strip().replace("\u202f", "").replace("\xa0", "").replace(" ", "").replace("€", "")
    if not cleaned:
        return None, None
    try:
        amount = Decimal(cleaned.replace(",", "."))
    except InvalidOperation:
        return None, "amount_invalid"
    if not amount.is_finite():
        return None, "amount_invalid"
    if amount < 0:
        return None, "amount_negative"
    amount = amount.quantize(CENT, rounding=ROUND_HALF_UP)
    return (amount, None) if amount <= MAX_AMOUNT else (None, "amount_too_large")


def parse_opinion(text: str | None) -> tuple[int | None, str | None]:
    """(the expert's liability share in percent or None for no opinion; the problem code)."""
    value = (text or "").strip().rstrip("%").strip()
    if not value:
        return None, None
    if value.isdigit() and int(value) in LIABILITY_OPINIONS:
        return int(value), None
    return None, "choice_invalid"


def conclusions(values: dict) -> tuple[dict, dict[str, str]]:
    """(the report's conclusions ready to store, {field: problem code}):
    the cause (required), the assessed amount, the liability opinion, the
    conclusions' text."""
    problems: dict[str, str] = {}
    cause = (values.get("cause") or "").strip()
    text = (values.get("conclusions") or "").strip()
    if not cause:
        problems["cause"] = "required"
    for name, value in (("cause", cause), ("conclusions", text)):
        if len(value) > MAX_TEXT:
            problems[name] = "too_long"
    amount, problem = parse_amount(values.get("assessed_amount"))
    if problem:
        problems["assessed_amount"] = problem
    opinion, problem = parse_opinion(values.get("liability_opinion"))
    if problem:
        problems["liability_opinion"] = problem
    return {"cause": cause, "assessed_amount": amount, "liability_opinion": opinion,
            "conclusions": text or None}, problems

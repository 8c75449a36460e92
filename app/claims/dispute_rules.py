"""Rules of a claim's dispute: what each stage allows, how proposals follow
one another in mediation, the compromise, and the checks of amounts and
dates. Pure: no database, no Flask.

A dispute starts in mediation (médiation): each side makes proposals and
counter-proposals; a new proposal replaces the one still open (only one
offer stands at a time); accepting the open proposal is the compromise
(transaction, art. 2044 of the Code civil: the parties end the dispute by
mutual concessions, in writing), which ends the dispute. Without agreement,
the dispute goes to court (contentieux): hearings, filing deadlines, expert
meetings and the judgment are dated steps; the dispute is closed with its
outcome.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from enum import StrEnum

#: the stages of ``ClaimDispute.stage`` (``app.claims.dispute_models.DisputeStage``)
MEDIATION, LITIGATION, CLOSED = "mediation", "litigation", "closed"
CENT = Decimal("0.01")
MAX_AMOUNT = Decimal("9999999999.99")
MAX_SUMMARY = 4000
MAX_NAME = 200
MAX_CASE_NUMBER = 60
#: a hearing or deadline is scheduled at most this many years ahead
MAX_YEARS_AHEAD = 10


class ProposalStatus(StrEnum):
    OPEN = "open"
    ACCEPTED = "accepted"
    REFUSED = "refused"
    SUPERSEDED = "superseded"


class HearingKind(StrEnum):
    HEARING = "hearing"                  # audience
    FILING_DEADLINE = "filing_deadline"  # date limite de dépôt des conclusions
    EXPERT_MEETING = "expert_meeting"    # réunion d'expertise
    JUDGMENT = "judgment"                # délibéré / jugement


#: steps of the court: only once the dispute is in litigation
COURT_KINDS = frozenset({HearingKind.HEARING, HearingKind.JUDGMENT})

#: what a handler may do at each stage of the dispute
ACTIONS = {
    MEDIATION: frozenset({"propose", "answer", "litigate", "schedule", "close"}),
    LITIGATION: frozenset({"schedule", "close"}),
    CLOSED: frozenset(),
}


def allows(stage: str, action: str) -> bool:
    """Whether a dispute at ``stage`` allows ``action`` (propose, answer a
    proposal, litigate, schedule, close)."""
    return action in ACTIONS.get(stage, frozenset())


def kinds_for(stage: str) -> tuple[HearingKind, ...]:
    """The dated steps a dispute at ``stage`` may schedule: expert meetings
    and filing deadlines in mediation too, hearings and judgments in court."""
    if stage == LITIGATION:
        return tuple(HearingKind)
    if stage == MEDIATION:
        return tuple(kind for kind in HearingKind if kind not in COURT_KINDS)
    return ()


def to_cents(amount: Decimal) -> Decimal:
    """The one rounding of dispute amounts: half-up to the cent."""
    return amount.quantize(CENT, rounding=ROUND_HALF_UP)


def parse_amount(text: str | None, *, allow_zero: bool = False) -> tuple[Decimal | None, str | None]:
    """(amount, problem) of an amount in euros typed as ``12 500,50`` or
    ``12500.5``: rounded half-up to the cent, positive (or nil when
    ``allow_zero``: a claim lost in court awards nothing), at most
    9,999,999,999.99 (what ``Numeric(12, 2)`` holds)."""
    cleaned = (text or "").strip().replace("\u202f", "").replace("\xa0", "").replace(" ", "").replace(",", ".")
    cleaned = cleaned.removesuffix("€")
    if not cleaned:
        return None, "required"
    try:
        amount = Decimal(cleaned)
    except InvalidOperation:
        return None, "amount_invalid"
    if not amount.is_finite():
        return None, "amount_invalid"
    amount = to_cents(amount)
    if amount < 0 or (amount == 0 and not allow_zero):
        return None, "amount_not_positive"
    if amount > MAX_AMOUNT:
        return None, "amount_too_large"
    return amount, None


def parse_day(text: str | None) -> date | None:
    try:
        return date.fromisoformat((text or "").strip())
    except ValueError:
        return None


def day_problem(day: date | None, *, not_before: date | None, today: date) -> str | None:
    """A past step's date: known, not in the future, not before
    ``not_before`` (the loss, the dispute's opening, the proposal)."""
    if day is None:
        return "date_invalid"
    if day > today:
        return "in_future"
    if not_before is not None and day < not_before:
        return "too_early"
    return None


def schedule_problem(at: datetime | None, *, now: datetime) -> str | None:
    """A hearing or deadline ahead: known, not past, within ten years."""
    if at is None:
        return "date_invalid"
    if at < now:
        return "in_past"
    if at.year > now.year + MAX_YEARS_AHEAD:
        return "too_far"
    return None


def text_problem(text: str | None, *, required: bool, limit: int) -> str | None:
    text = (text or "").strip()
    if required and not text:
        return "required"
    if len(text) > limit:
        return "too_long"
    return None


def after_new_proposal(statuses: list[str]) -> list[str]:
    """The statuses of the earlier proposals once a new one is made: the
    open one is superseded, the others keep theirs."""
    return [ProposalStatus.SUPERSEDED.value if status == ProposalStatus.OPEN else status for status in statuses]


def compromise(proposal_amount: Decimal, made_on: date, accepted_on: date) -> tuple[Decimal, date]:
    """(compromise amount, compromise date) when a proposal is accepted:
    the proposal's amount, agreed on the day of acceptance, never before
    the proposal was made."""
    if accepted_on < made_on:
        raise ValueError("accepted before the proposal was made")
    return to_cents(proposal_amount), accepted_on

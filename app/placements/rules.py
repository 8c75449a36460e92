"""Rules of placements: references, which answer fits which state, and what
stops a placement from being sent. Pure: no DB, no Flask."""

from __future__ import annotations

from datetime import date
from decimal import ROUND_HALF_UP, Decimal

CENT = Decimal("0.01")

#: a placement waiting for the insurer; any other state is final
OPEN_STATUSES = frozenset({"sent", "info_requested"})


def reference_for(number: int) -> str:
    return f"PLC-{number:06d}"


def is_open(status: str) -> bool:
    return status in OPEN_STATUSES


def transition_problem(status: str, action: str) -> str | None:
    """Why ``action`` (accept, decline, request_information, reply, cancel,
    resend) cannot be done on a placement in ``status``, or None.

    Every answer and the handler's withdrawal need the placement still
    waiting for the insurer: an accepted, declined or cancelled placement
    never changes again (a new offer and placement are needed)."""
    if is_open(status):
        return None
    return {"accepted": "already_accepted", "declined": "already_declined",
            "cancelled": "already_cancelled"}.get(status, "not_open")


def sending_problems(*, offer_accepted: bool, offer_withdrawn: bool, has_active_placement: bool,
                     channel_problem: str | None) -> list[str]:
    """Why a placement cannot be sent for an offer (codes, most telling first):
    the client must have accepted the offer, a live placement must not exist
    for it already (never two placements of one offer), and the insurer needs
    a usable channel."""
    problems = []
    if not offer_accepted:
        problems.append("offer_not_accepted")
    if offer_withdrawn:
        problems.append("offer_withdrawn")
    if has_active_placement:
        problems.append("already_placed")
    if channel_problem:
        problems.append(channel_problem)
    return problems


def effective_date_problem(wanted: date | None, today: date) -> str | None:
    """The wanted effective date is required and not in the past."""
    if wanted is None:
        return "effective_date_required"
    if wanted < today:
        return "effective_date_past"
    return None


def amount_text(value) -> str | None:
    """A money amount as a two-decimal string (half-up), None kept."""
    if value is None or value == "":
        return None
    return str(Decimal(str(value)).quantize(CENT, rounding=ROUND_HALF_UP))

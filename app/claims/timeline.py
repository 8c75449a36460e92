"""The claim's timeline: every step of its handling, written in the same
transaction as the step itself, read back on the claim's page."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.claims.models import Claim, ClaimEvent, ClaimStatus
from app.columns import utcnow

#: entries that are not the firm working on the claim (the insurer's answers count as the insurer's, even
#: typed in by the firm): they leave a declared claim declared
NOT_HANDLING = frozenset({"declared", "assigned", "status_changed", "notice_sent", "notice_failed",
                          "insurer_acknowledged", "insurer_reference", "insurer_decision", "insurer_payment",
                          "message_client", "complaint_received"})


def _actor_label(actor) -> str | None:
    return getattr(actor, "full_name", None) or getattr(actor, "email", None) or getattr(actor, "name", None)


def record(session: Session, actor, claim: Claim, kind: str, summary: str, details: dict | None = None, *,
           side: str = "firm") -> ClaimEvent:
    """Add an entry to ``claim``'s timeline. ``summary`` is written in the
    firm's language (French) by the caller, as contract events are;
    ``details`` must be JSON-able (amounts and dates as strings)."""
    event = ClaimEvent(claim_id=claim.id, at=utcnow(), kind=kind, summary=summary[:2000], details=details or {},
                       side=side, actor_id=getattr(actor, "id", None) if side == "firm" else None,
                       actor_label=_actor_label(actor))
    session.add(event)
    session.flush()
    if side == "firm" and kind not in NOT_HANDLING:
        _take_up(session, actor, claim)
    return event


def _take_up(session: Session, actor, claim: Claim) -> None:
    """The firm's first handling step (cover check, expert, damages, a
    message...) puts a declared claim "being handled", and gives an
    unassigned claim to whoever took it up."""
    if claim.handler_id is None and getattr(actor, "id", None) is not None:
        claim.handler_id = actor.id
        record(session, actor, claim, "assigned", _actor_label(actor) or "", {"handler_id": actor.id})
    if claim.status == ClaimStatus.DECLARED.value:
        claim.status = ClaimStatus.IN_PROGRESS.value
        record(session, actor, claim, "status_changed", "",
               {"from": ClaimStatus.DECLARED.value, "to": claim.status}, side="system")


def events_of(session: Session, claim: Claim) -> list[ClaimEvent]:
    return list(session.scalars(select(ClaimEvent).where(ClaimEvent.claim_id == claim.id)
                                .order_by(ClaimEvent.at.desc(), ClaimEvent.id.desc())))

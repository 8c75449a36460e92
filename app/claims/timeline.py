"""The claim's timeline: every step of its handling, written in the same
transaction as the step itself, read back on the claim's page."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.claims.models import Claim, ClaimEvent
from app.columns import utcnow


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
    return event


def events_of(session: Session, claim: Claim) -> list[ClaimEvent]:
    return list(session.scalars(select(ClaimEvent).where(ClaimEvent.claim_id == claim.id)
                                .order_by(ClaimEvent.at.desc(), ClaimEvent.id.desc())))

"""The handler's recommendation and the client's acceptance of an offer."""

from __future__ import annotations

from datetime import UTC, date, datetime, time

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.audit import services as audit
from app.columns import utcnow
from app.quotes import rules
from app.quotes.models import AdviceDocument, NeedsAnalysis, NeedsStatus, Offer
from app.quotes.services import QuotesError, client_of, commit, completeness_of, make_customer, require_open


def recommend(session: Session, actor, needs: NeedsAnalysis, offer: Offer, *, reasons: str,
              version: int | None) -> None:
    """Mark the offer the handler recommends, with the reasons it fits."""
    require_open(needs)
    if version != needs.version:
        raise QuotesError("stale")
    if offer.is_withdrawn:
        raise QuotesError("withdrawn")
    before = {"recommended_offer_id": needs.recommended_offer_id, "reasons": needs.recommendation_reasons,
              "status": needs.status}
    needs.recommended_offer_id, needs.recommendation_reasons = offer.id, reasons.strip()
    needs.status = NeedsStatus.RECOMMENDED.value
    audit.record(session, actor, "needs.recommend", "needs_analysis", needs.id, before=before,
                 after={"recommended_offer_id": offer.id, "reasons": needs.recommendation_reasons,
                        "status": needs.status})
    commit(session)


def has_advice(session: Session, needs: NeedsAnalysis) -> bool:
    return session.scalar(select(AdviceDocument.id).where(AdviceDocument.needs_id == needs.id).limit(1)) is not None


def accepted_offer(needs: NeedsAnalysis) -> Offer | None:
    return next((offer for offer in needs.offers if offer.accepted_at is not None), None)


def acceptance_problems(session: Session, needs: NeedsAnalysis, offer: Offer) -> list[str]:
    """Why the client's acceptance of ``offer`` cannot be recorded (codes)."""
    problems = rules.acceptance_problems(
        is_complete=completeness_of(session, needs).is_complete, waiver=needs.completeness_waiver,
        has_advice=has_advice(session, needs), already_accepted=accepted_offer(needs) is not None,
        withdrawn=offer.is_withdrawn,
    )
    if needs.status == NeedsStatus.CLOSED:
        problems.insert(0, "not_open")
    return problems


def _acceptance_time(accepted_on: date) -> datetime:
    now = utcnow()
    return now if accepted_on == now.date() else datetime.combine(accepted_on, time(12), UTC)


def accept(session: Session, actor, needs: NeedsAnalysis, offer: Offer, *, accepted_on: date, how: str,
           note: str | None) -> None:
    """Record that the client accepted ``offer``: the needs analysis is
    accepted and the client becomes a customer. The placement starts here."""
    problems = acceptance_problems(session, needs, offer)
    if problems:
        raise QuotesError(problems[0])
    require_open(needs)
    if accepted_on > date.today():
        raise QuotesError("future_date")
    offer.accepted_at, offer.accepted_by_id = _acceptance_time(accepted_on), getattr(actor, "id", None)
    offer.acceptance_note = f"{how}. {note.strip()}" if (note or "").strip() else how
    before_status = needs.status
    needs.status = NeedsStatus.ACCEPTED.value
    make_customer(session, actor, client_of(session, needs))
    audit.record(session, actor, "offer.accept", "offer", offer.id,
                 after={"needs_id": needs.id, "accepted_at": offer.accepted_at, "how": how, "note": note})
    audit.record(session, actor, "needs.accept", "needs_analysis", needs.id,
                 before={"status": before_status}, after={"status": needs.status, "offer_id": offer.id})
    commit(session)

"""Data the placement tests share: the RC Pro firm of the needs tests with an
offer the client accepted, its advice document, the documents the line
needs to place, and the insurer's channel set to email or API. Made with the
models, independent of the quotes' services."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest
from sqlalchemy import select, update

from app.columns import utcnow
from tests.integration.test_needs_data import PDF, add_document, firm  # noqa: F401
from tests.insurer_server import SECRET

D = Decimal
PLACEMENT_EMAIL = "souscription@mutuelle.example"
GUARANTEES = [
    {"code": "operating_liability", "label": "Responsabilité civile exploitation", "ceiling": "5000000.00",
     "deductible": "500.00", "exclusions": None, "included": True, "option": False},
    {"code": "professional_liability", "label": "Responsabilité civile professionnelle", "ceiling": "1000000.00",
     "deductible": "1000.00", "exclusions": "Fines and penalties", "included": True, "option": False},
    {"code": "legal", "label": "Protection juridique", "ceiling": "20000.00", "deductible": None,
     "exclusions": None, "included": True, "option": True, "option_premium": "60.00"},
]


def set_channel(session, insurer_id: int, channel: str, endpoint: str | None = None) -> None:
    from app.catalog.models import Insurer

    insurer = session.get(Insurer, insurer_id)
    insurer.placement_channel = channel
    insurer.placement_email = PLACEMENT_EMAIL if channel == "email" else None
    insurer.api_endpoint, insurer.api_secret = (endpoint, SECRET) if channel == "api" else (None, None)


def make_accepted_offer(session, firm, *, accepted: bool = True) -> int:  # noqa: F811
    from app.documents import services as documents
    from app.quotes.models import AdviceDocument, NeedsAnalysis, Offer

    needs = session.get(NeedsAnalysis, firm["needs_id"])
    offer = Offer(needs_id=needs.id, source="tariff", product_id=firm["essentiel"], insurer_id=firm["insurer"],
                  label="RC Pro Essentiel", premium_net=D("540.00"), fees=D("20.00"), tax_rate=D("9.00"),
                  tax=D("50.40"), total=D("610.40"), payment_options=["annual", "quarterly"], guarantees=GUARANTEES,
                  commission_rate=D("15.00"), commission=D("81.00"), accepted_at=utcnow() if accepted else None)
    session.add(offer)
    session.flush()
    needs.recommended_offer_id, needs.recommendation_reasons = offer.id, "Best fit at the lowest price."
    needs.status = "accepted" if accepted else "recommended"
    needs.wanted_effective_date = date.today() + timedelta(days=30)
    advice = documents.store(session, None, content=PDF, filename="advice.pdf", kind="advice_document",
                             title="Advice document", client_id=firm["client_id"], content_type="application/pdf")
    session.add(AdviceDocument(needs_id=needs.id, document_id=advice.id, offer_id=offer.id))
    add_document(session, firm["client_id"], "claims_record")
    session.flush()
    return offer.id


@pytest.fixture
def offer_by_email(firm, bound):  # noqa: F811
    with bound(firm["tenant"]) as session:
        set_channel(session, firm["insurer"], "email")
        offer_id = make_accepted_offer(session, firm)
        session.commit()
    return offer_id


def send_placement(client, offer_id: int, **changes):
    """POST the review form with every supporting document ticked."""
    page = client.get(f"/placements/new/{offer_id}")
    assert page.status_code == 200, page.text
    import re

    ids = re.findall(r'name="documents" value="(\d+)"', page.text)
    data = {"wanted_effective_date": (date.today() + timedelta(days=30)).isoformat(), "documents": ids,
            "note": "The client would like the contract by the end of the month."} | changes
    return client.post(f"/placements/new/{offer_id}", data=data)


def placement_of(session, offer_id: int):
    from app.placements.models import Placement

    return session.scalars(select(Placement).where(Placement.offer_id == offer_id).order_by(Placement.id)).all()


def make_due_now(session, message_id: int) -> None:
    """The next try's time has come (what waiting the backoff would do)."""
    from app.outbox.models import OutboxMessage

    session.execute(update(OutboxMessage).where(OutboxMessage.id == message_id)
                    .values(next_attempt_at=utcnow() - timedelta(seconds=1)))
    session.commit()


def sweep(app) -> int:
    """Run the sweeper once, as the periodic job does every minute."""
    from app.outbox.jobs import sweep_outbox

    return sweep_outbox(timestamp=0)

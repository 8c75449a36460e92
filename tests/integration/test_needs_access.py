"""Tenant isolation and roles on every route of the offers area: ids of one
firm are unknown (404) on another firm's host, with that firm's own session;
read-only staff may look but every POST is refused (403)."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from app.quotes.models import AdviceDocument, NeedsAnalysis, Offer
from tests.integration.test_needs_data import (admin, firm, make_client, make_needs,  # noqa: F401
                                               make_rc_pro_catalog, other_firm_client, readonly_client)

REASONS = "The only offer covering every guarantee wanted, within budget."

GETS = [
    "/offers/{needs}", "/offers/{needs}/edit", "/offers/{needs}/close", "/offers/{needs}/comparison",
    "/offers/{needs}/offers/new", "/offers/{needs}/offers/{offer}/document", "/offers/{needs}/offers/{offer}/accept",
    "/offers/{needs}/advice/{advice}", "/offers/new?client_id={client}&line=rc_pro",
]
POSTS = [
    "/offers/{needs}/edit", "/offers/{needs}/waiver", "/offers/{needs}/request-documents", "/offers/{needs}/close",
    "/offers/{needs}/compare", "/offers/{needs}/offers/new", "/offers/{needs}/offers/{offer}/withdraw",
    "/offers/{needs}/recommend", "/offers/{needs}/advice", "/offers/{needs}/advice/{advice}/send",
    "/offers/{needs}/offers/{offer}/accept", "/offers/new?client_id={client}&line=rc_pro",
]


@pytest.fixture
def ids(admin, firm, bound) -> dict:
    """A needs analysis with an offer (with a document) and an advice document."""
    from io import BytesIO

    from tests.integration.test_needs_data import PDF

    needs_id = firm["needs_id"]
    admin.post(f"/offers/{needs_id}/compare")
    admin.post(f"/offers/{needs_id}/offers/new", content_type="multipart/form-data", data={
        "insurer_id": str(firm["insurer"]), "label": "Manual", "premium_net": "100", "covers_legal": "y",
        "document": (BytesIO(PDF), "offer.pdf")})
    with bound(firm["tenant"]) as session:
        offer_id = session.scalar(select(Offer.id).where(Offer.needs_id == needs_id, Offer.document_id.is_not(None)))
        version = session.get(NeedsAnalysis, needs_id).version
    recommended = admin.post(f"/offers/{needs_id}/recommend",
                             data={"offer_id": str(offer_id), "reasons": REASONS, "version": str(version)})
    assert recommended.status_code == 303
    assert admin.post(f"/offers/{needs_id}/advice").status_code == 303
    with bound(firm["tenant"]) as session:
        advice_id = session.scalar(select(AdviceDocument.id).where(AdviceDocument.needs_id == needs_id))
    return {"needs": needs_id, "offer": offer_id, "advice": advice_id, "client": firm["client_id"]}


def test_the_owner_reaches_every_page(admin, ids):
    for path in GETS:
        assert admin.get(path.format(**ids)).status_code == 200, path


def test_another_firm_cannot_read_or_change_these_ids(other_firm_client, ids, firm, bound, app, make_tenant):
    for path in GETS:
        assert other_firm_client.get(path.format(**ids)).status_code == 404, path
    for path in POSTS:
        assert other_firm_client.post(path.format(**ids), data={}).status_code == 404, path
    with bound(firm["tenant"]) as session:
        needs = session.get(NeedsAnalysis, ids["needs"])
        assert needs.status == "recommended"


def test_ids_of_another_needs_analysis_are_404(admin, ids, firm, bound):
    """An offer or advice id of one needs analysis is unknown under another one."""
    with bound(firm["tenant"]) as session:
        other_needs = make_needs(session, firm["client_id"])
        session.commit()
    for path in ("/offers/{needs}/offers/{offer}/document", "/offers/{needs}/offers/{offer}/accept",
                 "/offers/{needs}/advice/{advice}"):
        assert admin.get(path.format(**{**ids, "needs": other_needs})).status_code == 404, path
    assert admin.post(f"/offers/{other_needs}/offers/{ids['offer']}/withdraw").status_code == 404


def test_readonly_staff_get_403_on_every_post(readonly_client, ids):
    for path in GETS:
        if path.endswith(("edit", "close", "offers/new", "accept")) or "line=rc_pro" in path:
            continue
        assert readonly_client.get(path.format(**ids)).status_code == 200, path
    for path in POSTS:
        assert readonly_client.post(path.format(**ids), data={}).status_code == 403, path


def test_the_list_shows_only_this_firms_needs(other_firm_client, ids):
    assert "Atelier Dupont" not in other_firm_client.get("/offers/").text
    assert "Atelier Dupont" not in other_firm_client.get("/offers/new?q=dupont").text

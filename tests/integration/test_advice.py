"""The advice document (DDA, L521-4): the PDF names the client, the offers
and the reasons; it is kept with the client's documents, emailed with the
PDF attached; the client's acceptance needs it, and a complete file or a
waiver."""

from __future__ import annotations

import io
from datetime import date, timedelta

import pypdf
from sqlalchemy import select

from app.crm.models import Client, Interaction
from app.documents.models import Document
from app.quotes.models import AdviceDocument, NeedsAnalysis, Offer
from tests.integration.test_needs_data import admin, add_document, firm  # noqa: F401

REASONS = "Covers the three guarantees wanted at the lowest price, within the 700 € budget."


def _recommend(client, bound, firm) -> int:
    client.post(f"/offers/{firm['needs_id']}/compare")
    with bound(firm["tenant"]) as session:
        offer_id = session.scalar(select(Offer.id).where(Offer.needs_id == firm["needs_id"],
                                                         Offer.label == "RC Pro Essentiel"))
    response = client.post(f"/offers/{firm['needs_id']}/recommend",
                           data={"offer_id": str(offer_id), "reasons": REASONS, "version": "2"})
    assert response.status_code == 303
    return offer_id


def _generate(client, bound, firm) -> int:
    assert client.post(f"/offers/{firm['needs_id']}/advice").status_code == 303
    with bound(firm["tenant"]) as session:
        return session.scalar(select(AdviceDocument.id).where(AdviceDocument.needs_id == firm["needs_id"]))


def pdf_text(content: bytes) -> str:
    return " ".join(page.extract_text() for page in pypdf.PdfReader(io.BytesIO(content)).pages)


def test_no_advice_document_before_a_recommendation(admin, firm):
    response = admin.post(f"/offers/{firm['needs_id']}/advice", follow_redirects=True)
    assert "Recommend an offer first" in response.text


def test_the_advice_pdf_names_the_client_the_offers_and_the_reasons(admin, firm, bound):
    _recommend(admin, bound, firm)
    advice_id = _generate(admin, bound, firm)
    response = admin.get(f"/offers/{firm['needs_id']}/advice/{advice_id}")
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    text = " ".join(pdf_text(response.data).split())
    assert "Atelier Dupont Architectes" in text
    assert "RC Pro Essentiel" in text and "RC Pro Premium" in text
    assert "Covers the three guarantees wanted at the lowest price" in text
    assert "L521-4" in text
    with bound(firm["tenant"]) as session:
        advice = session.get(AdviceDocument, advice_id)
        document = session.get(Document, advice.document_id)
        assert (document.kind, document.client_id, document.content_type) == (
            "advice_document", firm["client_id"], "application/pdf")


def test_the_advice_pdf_follows_the_locale(admin_client, firm, bound):
    _recommend(admin_client, bound, firm)
    assert admin_client.post("/language", data={"language": "fr", "next": "/"}).status_code == 303
    advice_id = _generate(admin_client, bound, firm)
    pdf = admin_client.get(f"/offers/{firm['needs_id']}/advice/{advice_id}").data
    text = " ".join(pdf_text(pdf).replace("\u202f", " ").replace("\xa0", " ").split())
    assert "Atelier Dupont Architectes" in text
    assert "1 000,00 €" in text  # amounts formatted the French way
    assert "Document d'information et de conseil" in text


def test_the_advice_is_emailed_with_the_pdf_attached(admin, firm, bound, mailbox, jobs):
    _recommend(admin, bound, firm)
    advice_id = _generate(admin, bound, firm)
    response = admin.post(f"/offers/{firm['needs_id']}/advice/{advice_id}/send", follow_redirects=True)
    assert "contact@dupont.example" in response.text
    jobs()
    [message] = mailbox.to("contact@dupont.example")
    [attachment] = list(message.iter_attachments())
    assert attachment.get_content_type() == "application/pdf"
    assert "Atelier Dupont Architectes" in pdf_text(attachment.get_content())
    with bound(firm["tenant"]) as session:
        advice = session.get(AdviceDocument, advice_id)
        assert advice.sent_to == "contact@dupont.example" and advice.sent_at is not None
        kinds = session.scalars(select(Interaction.kind).where(Interaction.client_id == firm["client_id"])).all()
        assert kinds == ["email"]


def test_acceptance_is_blocked_when_incomplete_and_allowed_with_a_waiver(admin, firm, bound):
    offer_id = _recommend(admin, bound, firm)
    url = f"/offers/{firm['needs_id']}/offers/{offer_id}/accept"
    data = {"channel": "signed_proposal", "accepted_on": date.today().isoformat(), "note": "Signed in the office"}
    blocked = admin.get(url)
    assert "Answers or documents are missing" in blocked.text
    assert "Generate the advice document first" in blocked.text
    _generate(admin, bound, firm)
    # the previous insurance record, needed to place, is still missing
    refused = admin.post(url, data=data)
    assert refused.status_code == 422 and "Answers or documents are missing" in refused.text
    admin.post(f"/offers/{firm['needs_id']}/waiver", data={"reason": "The record is promised for Monday."})
    assert admin.post(url, data={**data, "accepted_on": (date.today() + timedelta(days=3)).isoformat()}).status_code == 422
    assert admin.post(url, data=data).status_code == 303
    with bound(firm["tenant"]) as session:
        offer = session.get(Offer, offer_id)
        assert offer.accepted_at is not None and offer.acceptance_note.startswith("Signed proposal")
        assert session.get(NeedsAnalysis, firm["needs_id"]).status == "accepted"
        assert session.get(Client, firm["client_id"]).status == "customer"
    again = admin.post(url, data=data)
    assert again.status_code == 422 and "already accepted" in again.text


def test_acceptance_allowed_when_complete_without_a_waiver(admin, firm, bound):
    with bound(firm["tenant"]) as session:
        add_document(session, firm["client_id"], "claims_record")
        session.commit()
    offer_id = _recommend(admin, bound, firm)
    _generate(admin, bound, firm)
    response = admin.post(f"/offers/{firm['needs_id']}/offers/{offer_id}/accept",
                          data={"channel": "on_screen", "accepted_on": date.today().isoformat()})
    assert response.status_code == 303

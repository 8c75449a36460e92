"""Placements from an accepted offer: the review shows what will be sent;
the email reaches the insurer with the PDF proposal and the JSON document;
never two placements of one offer; the insurer's answer recorded by hand
has the same outcome as through the API (contract, refusal, question)."""

from __future__ import annotations

import io
import json
from datetime import date, timedelta

import pypdf
from jsonschema import Draft202012Validator
from sqlalchemy import select

from app.placements.document import load_schema
from tests.integration.test_needs_data import PDF, admin, firm  # noqa: F401
from tests.integration.test_placements_data import (PLACEMENT_EMAIL, make_accepted_offer, offer_by_email,  # noqa: F401
                                                    placement_of, send_placement, set_channel)


def _pdf_text(content: bytes) -> str:
    return " ".join(" ".join(page.extract_text() for page in pypdf.PdfReader(io.BytesIO(content)).pages).split())


def test_the_review_shows_what_will_be_sent_the_channel_and_the_documents(admin, offer_by_email):
    page = admin.get(f"/placements/new/{offer_by_email}")
    assert page.status_code == 200
    text = page.text
    assert PLACEMENT_EMAIL in text and "Email" in text
    assert "Atelier Dupont Architectes" in text and "Responsabilité civile professionnelle" in text
    assert "610.40" in text or "610,40" in text
    assert "Advice document" in text and "Kbis extract" in text and "Previous insurance record" in text
    assert text.count('name="documents"') == 2  # the Kbis and the claims record the line needs


def test_the_needs_page_links_an_accepted_offer_to_its_placement(admin, firm, offer_by_email):
    page = admin.get(f"/offers/{firm['needs_id']}")
    assert f'/placements/new/{offer_by_email}' in page.text and "Place with the insurer" in page.text


def test_an_email_placement_reaches_the_insurer_with_the_pdf_and_the_json(admin, firm, offer_by_email, bound,
                                                                          mailbox, jobs):
    response = send_placement(admin, offer_by_email)
    assert response.status_code == 303, response.text
    with bound(firm["tenant"]) as session:
        (placement,) = placement_of(session, offer_by_email)
        reference, placement_id = placement.reference, placement.id
        assert placement.status == "sent" and placement.channel == "email"
        assert reference.startswith("PLC-") and placement.document["reference"] == reference
    jobs()
    (message,) = mailbox.to(PLACEMENT_EMAIL)
    assert reference in message["Subject"] and "Atelier Dupont Architectes" in message["Subject"]
    assert message["Reply-To"] == "admin@example.fr"
    assert reference in mailbox.text(message)
    attachments = {part.get_filename(): part for part in message.iter_attachments()}
    assert set(attachments) == {f"{reference}.pdf", f"{reference}.json"}
    pdf_text = _pdf_text(attachments[f"{reference}.pdf"].get_content())
    assert reference in pdf_text and "Atelier Dupont Architectes" in pdf_text and "Responsabilité civile" in pdf_text
    document = json.loads(attachments[f"{reference}.json"].get_content())
    assert list(Draft202012Validator(load_schema()).iter_errors(document)) == []
    assert document["reference"] == reference and document["premium"]["total"] == "610.40"
    assert document["documents"][0]["kind"] == "advice_document"
    assert sorted(d["kind"] for d in document["documents"][1:]) == ["claims_record", "kbis"]
    assert document["broker"]["handler"]["email"] == "admin@example.fr"
    assert document["answer_urls"]["accept"].endswith(f"/api/insurer/v1/placements/{reference}/accept")
    page = admin.get(f"/placements/{placement_id}")
    assert page.status_code == 200 and "Delivered" in page.text and "&lt;base64," in page.text


def test_never_two_placements_of_one_offer(admin, firm, offer_by_email, bound):
    assert send_placement(admin, offer_by_email).status_code == 303
    again = admin.get(f"/placements/new/{offer_by_email}")
    assert "already placed" in again.text
    refused = admin.post(f"/placements/new/{offer_by_email}",
                         data={"wanted_effective_date": (date.today() + timedelta(days=5)).isoformat()})
    assert refused.status_code == 409
    with bound(firm["tenant"]) as session:
        assert len(placement_of(session, offer_by_email)) == 1


def test_an_offer_not_accepted_or_an_insurer_without_channel_cannot_be_placed(admin, firm, bound):
    with bound(firm["tenant"]) as session:
        set_channel(session, firm["insurer"], "email")
        offer_id = make_accepted_offer(session, firm, accepted=False)
        session.commit()
    page = admin.get(f"/placements/new/{offer_id}")
    assert "has not accepted this offer" in page.text
    assert admin.post(f"/placements/new/{offer_id}", data={"wanted_effective_date": "2031-01-01"}).status_code == 409
    with bound(firm["tenant"]) as session:
        from app.catalog.models import Insurer
        from app.quotes.models import Offer

        session.get(Offer, offer_id).accepted_at = session.get(Offer, offer_id).created_at
        session.get(Insurer, firm["insurer"]).placement_email = None
        session.commit()
    assert "no placement email address" in admin.get(f"/placements/new/{offer_id}").text


def test_the_wanted_effective_date_cannot_be_in_the_past_and_input_is_kept(admin, firm, offer_by_email, bound):
    response = send_placement(admin, offer_by_email, wanted_effective_date=(date.today() - timedelta(days=1))
                              .isoformat(), note="Keep this note")
    assert response.status_code == 422
    assert "cannot be in the past" in response.text and "Keep this note" in response.text
    assert send_placement(admin, offer_by_email, wanted_effective_date="not a date").status_code == 422
    assert send_placement(admin, offer_by_email, documents=["999999"]).status_code == 422
    with bound(firm["tenant"]) as session:
        assert placement_of(session, offer_by_email) == []


def _placed(admin, offer_id, bound, tenant):
    assert send_placement(admin, offer_id).status_code == 303
    with bound(tenant) as session:
        placement = placement_of(session, offer_id)[0]
        return placement.id, placement.version


def test_the_insurers_acceptance_recorded_by_hand_creates_the_active_contract(admin, firm, offer_by_email, bound):
    from app.contracts.models import Contract
    from app.documents.models import Document
    from app.placements.models import Placement

    placement_id, version = _placed(admin, offer_by_email, bound, firm["tenant"])
    effective = date.today() + timedelta(days=30)
    data = {"version": str(version), "policy_number": "RCP-2030-0042", "effective_date": effective.isoformat(),
            "final_premium": "555,00", "documents": (io.BytesIO(PDF), "conditions.pdf")}
    response = admin.post(f"/placements/{placement_id}/accept", data=data, content_type="multipart/form-data")
    assert response.status_code == 303, response.text
    with bound(firm["tenant"]) as session:
        placement = session.get(Placement, placement_id)
        contract = session.get(Contract, placement.contract_id)
        assert placement.status == "accepted" and placement.answered_via == "manual"
        assert (contract.status, contract.policy_number, contract.effective_date) == ("active", "RCP-2030-0042",
                                                                                      effective)
        assert str(contract.premium_net) == "555.00" and contract.offer_id == offer_by_email
        assert session.scalar(select(Document.filename).where(Document.contract_id == contract.id)) == "conditions.pdf"
        version = placement.version
    page = admin.get(f"/placements/{placement_id}")
    assert "RCP-2030-0042" in page.text and "Accepted by the insurer" in page.text
    again = admin.post(f"/placements/{placement_id}/decline", data={"version": str(version), "reason": "Too late"})
    assert again.status_code == 409 and "already accepted" in again.text


def test_a_bad_acceptance_is_refused_next_to_its_field_keeping_the_input(admin, firm, offer_by_email, bound):
    placement_id, version = _placed(admin, offer_by_email, bound, firm["tenant"])
    response = admin.post(f"/placements/{placement_id}/accept", data={
        "version": str(version), "policy_number": "RCP-KEEP", "effective_date": "", "final_premium": "abc"})
    assert response.status_code == 422
    assert "RCP-KEEP" in response.text and "Enter a number" in response.text
    not_a_pdf = admin.post(f"/placements/{placement_id}/accept", data={
        "version": str(version), "policy_number": "RCP-1", "effective_date": date.today().isoformat(),
        "final_premium": "500", "documents": (io.BytesIO(b"MZ not a pdf"), "virus.exe")},
        content_type="multipart/form-data")
    assert not_a_pdf.status_code == 422 and "Only PDF" in not_a_pdf.text
    stale = admin.post(f"/placements/{placement_id}/decline", data={"version": str(version - 1), "reason": "No"})
    assert stale.status_code == 409 and "changed this placement meanwhile" in stale.text


def test_a_refusal_and_a_question_with_its_task_and_the_handlers_answer(admin, firm, offer_by_email, bound):
    from app.crm.models import Task
    from app.placements.models import Placement

    placement_id, version = _placed(admin, offer_by_email, bound, firm["tenant"])
    asked = admin.post(f"/placements/{placement_id}/information",
                       data={"version": str(version), "message": "Please send the 2024 turnover statement."})
    assert asked.status_code == 303
    with bound(firm["tenant"]) as session:
        placement = session.get(Placement, placement_id)
        assert placement.status == "info_requested"
        task = session.get(Task, placement.messages[0].task_id)
        assert "turnover statement" in task.details and task.done_at is None and task.client_id == firm["client_id"]
        version = placement.version
    assert admin.post(f"/placements/{placement_id}/reply", data={"version": str(version), "body": ""}).status_code == 422
    replied = admin.post(f"/placements/{placement_id}/reply",
                         data={"version": str(version), "body": "Sent by email on Monday."})
    assert replied.status_code == 303
    with bound(firm["tenant"]) as session:
        placement = session.get(Placement, placement_id)
        assert placement.status == "sent" and [n.author for n in placement.messages] == ["insurer", "broker"]
        assert session.get(Task, placement.messages[0].task_id).done_at is not None
        version = placement.version
    declined = admin.post(f"/placements/{placement_id}/decline",
                          data={"version": str(version), "reason": "Claims history too heavy."})
    assert declined.status_code == 303
    page = admin.get(f"/placements/{placement_id}")
    assert "Claims history too heavy." in page.text and "Declined by the insurer" in page.text


def test_the_list_filters_by_status_and_insurer(admin, firm, offer_by_email, bound):
    placement_id, _version = _placed(admin, offer_by_email, bound, firm["tenant"])
    listing = admin.get("/placements/")
    assert listing.status_code == 200 and "Atelier Dupont Architectes" in listing.text
    assert f"/placements/{placement_id}" in admin.get(f"/placements/?status=sent&insurer={firm['insurer']}").text
    assert "No placement matches" in admin.get("/placements/?status=accepted").text
    partial = admin.get("/placements/?status=sent", headers={"HX-Request": "true"})
    assert "<html" not in partial.text and f"/placements/{placement_id}" in partial.text

"""Letters about a claim: the claim templates merged with the claim's
fields (reference, loss, insurer's number, indemnity, deductible, paid
total, documents to provide), edited, produced as a PDF kept with the claim
and shown in the client's space, sent by email over real SMTP; a claim's
letter is out of reach from another claim; the contract's page does not
offer the claim templates; roles and tenants."""

from __future__ import annotations

import html
from decimal import Decimal

from sqlalchemy import select

from app.claims.models import Claim, ClaimAttachment, ClaimEvent
from app.contracts.models import Contract, ContractVersion, Letter
from app.crm.models import Client
from tests.integration.test_claims_disputes import make_claim
from tests.integration.test_contracts import make_contract, other_firm_client, portfolio, readonly_client  # noqa: F401
from tests.integration.test_portal_access import new_client, policyholder  # noqa: F401


def settle(bound, tenant, claim_id: int) -> None:
    """The claim as the settlement tab leaves it: a guarantee with a 150 € deductible, an indemnity, a payment."""
    with bound(tenant) as session:
        claim = session.get(Claim, claim_id)
        contract = session.get(Contract, claim.contract_id)
        guarantees = [{"code": "fire", "label": "Fire", "included": True, "ceiling": "100000.00",
                       "deductible": "150.00", "exclusions": None}]
        contract.guarantees = guarantees
        for version in session.scalars(select(ContractVersion).where(ContractVersion.contract_id == contract.id)):
            version.guarantees = guarantees
        claim.guarantee_code, claim.insurer_reference = "fire", "AX-77-889"
        claim.indemnity, claim.paid_total = Decimal("2350.00"), Decimal("1000.00")
        session.commit()


def produce(browser, claim_id: int, template: str):
    form = browser.get(f"/claims/{claim_id}/letters?template={template}")
    assert form.status_code == 200
    subject = form.text.split('id="subject"', 1)[1].split('value="', 1)[1].split('"', 1)[0]
    body = form.text.split('id="body"', 1)[1].split(">", 1)[1].split("</textarea>", 1)[0]
    return form, browser.post(f"/claims/{claim_id}/letters", data={"template": template,
                                                                   "subject": html.unescape(subject),
                                                                   "body": html.unescape(body)})


def test_a_settlement_offer_is_merged_produced_shown_to_the_client_and_sent(admin_client, policyholder, bound, tenant,
                                                                            portfolio, mailbox, jobs):
    claim_id = make_claim(bound, tenant, portfolio)
    settle(bound, tenant, claim_id)
    form, produced = produce(admin_client, claim_id, "claim_settlement_offer")
    for value in ("SIN-", "AX-77-889", "€2,350.00", "€150.00", "€1,000.00", "€1,350.00"):
        assert value in form.text, value
    assert "[claim_reference]" not in form.text and "[indemnity]" not in form.text
    assert produced.status_code == 303
    with bound(tenant) as session:
        letter = session.scalar(select(Letter))
        attachment = session.scalar(select(ClaimAttachment).where(ClaimAttachment.document_id == letter.document_id))
        assert letter.claim_id == claim_id and letter.template_code == "claim_settlement_offer"
        assert attachment.category == "letter" and attachment.visible_to_client
        letter_id, attachment_id = letter.id, attachment.id
    page = admin_client.get(f"/claims/{claim_id}/letters")
    assert "Settlement offer" in page.text and f"/letters/{letter_id}/pdf" in page.text
    pdf = admin_client.get(f"/claims/{claim_id}/letters/{letter_id}/pdf")
    assert pdf.mimetype == "application/pdf" and pdf.data.startswith(b"%PDF")
    assert policyholder.get(f"/portal/claims/{claim_id}/attachments/{attachment_id}").data.startswith(b"%PDF")
    sent = admin_client.post(f"/claims/{claim_id}/letters/{letter_id}/send")
    assert sent.status_code == 303
    jobs()
    received = [m for m in mailbox.to("lea.martin@example.fr") if "Settlement offer" in m["Subject"]]
    assert received and [part.get_content_type() for part in received[-1].iter_attachments()] == ["application/pdf"]
    with bound(tenant) as session:
        assert session.get(Letter, letter_id).sent_to == "lea.martin@example.fr"
        assert list(session.scalars(select(ClaimEvent.kind).where(
            ClaimEvent.claim_id == claim_id, ClaimEvent.kind.not_in(("status_changed", "assigned")))
            .order_by(ClaimEvent.id)))[-2:] == ["document_added", "letter_sent"]
    assert "Sent" in admin_client.get(f"/claims/{claim_id}/letters").text


def test_the_acknowledgement_lists_the_documents_to_provide(admin_client, bound, tenant, portfolio):
    claim_id = make_claim(bound, tenant, portfolio)
    page = admin_client.get(f"/claims/{claim_id}/letters")
    assert page.status_code == 200 and "Claim acknowledgement" in page.text
    assert "fire brigade" in page.text and "[documents]" not in page.text
    refusal = admin_client.get(f"/claims/{claim_id}/letters?template=claim_cover_refusal")
    assert "mediation-assurance.org" in refusal.text and "[cover_clauses]" in refusal.text
    assert admin_client.get(f"/claims/{claim_id}/letters?template=renewal_notice").status_code == 404
    contract_page = admin_client.get(f"/contracts/{portfolio['contract']}/letters/new")
    assert contract_page.status_code == 200 and "Claim acknowledgement" not in contract_page.text


def test_letter_forms_check_input(admin_client, bound, tenant, portfolio):
    claim_id = make_claim(bound, tenant, portfolio)
    empty = admin_client.post(f"/claims/{claim_id}/letters", data={"template": "claim_closure", "subject": "",
                                                                  "body": "Texte gardé"})
    assert empty.status_code == 422 and "Texte gardé" in empty.text
    assert admin_client.post(f"/claims/{claim_id}/letters", data={"template": "nope", "subject": "x",
                                                                 "body": "y"}).status_code == 400
    _form, produced = produce(admin_client, claim_id, "claim_closure")
    assert produced.status_code == 303
    with bound(tenant) as session:
        letter_id = session.scalar(select(Letter.id))
        session.get(Client, portfolio["client"]).email = None
        session.commit()
    no_email = admin_client.post(f"/claims/{claim_id}/letters/{letter_id}/send")
    assert no_email.status_code == 422 and "no email address" in no_email.text


def test_a_claims_letter_stays_with_its_claim(admin_client, readonly_client, other_firm_client, bound, tenant,
                                             portfolio):
    claim_id = make_claim(bound, tenant, portfolio)
    other_id = make_claim(bound, tenant, portfolio, number="MRH-E")
    produce(admin_client, claim_id, "claim_documents_request")
    with bound(tenant) as session:
        letter = session.scalar(select(Letter))
        letter_id, subject = letter.id, letter.subject
    assert admin_client.get(f"/claims/{other_id}/letters/{letter_id}/pdf").status_code == 404
    assert admin_client.post(f"/claims/{other_id}/letters/{letter_id}/send").status_code == 404
    assert subject not in admin_client.get(f"/claims/{other_id}/letters").text
    page = readonly_client.get(f"/claims/{claim_id}/letters")
    assert page.status_code == 200 and 'data-testid="letter-form"' not in page.text and subject in page.text
    assert readonly_client.get(f"/claims/{claim_id}/letters/{letter_id}/pdf").status_code == 200
    assert readonly_client.post(f"/claims/{claim_id}/letters", data={"template": "claim_closure", "subject": "x",
                                                                    "body": "y"}).status_code == 403
    assert readonly_client.post(f"/claims/{claim_id}/letters/{letter_id}/send").status_code == 403
    for path in ("", f"/{letter_id}/pdf"):
        assert other_firm_client.get(f"/claims/{claim_id}/letters{path}").status_code == 404
    assert other_firm_client.post(f"/claims/{claim_id}/letters", data={"template": "claim_closure"}).status_code == 404
    assert other_firm_client.post(f"/claims/{claim_id}/letters/{letter_id}/send").status_code == 404

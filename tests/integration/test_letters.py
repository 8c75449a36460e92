"""Letters: templates merged for a contract, edited, produced as PDF in the
contract's documents, emailed to the client; the firm's own wording refused
when it uses an unknown field or anything but a field."""

from __future__ import annotations

from sqlalchemy import select

from app.contracts.models import ContractEvent, Letter, LetterTemplate
from app.documents.models import Document
from tests.integration.test_letters_data import book, intruder, pdf_text, readonly  # noqa: F401


def test_the_compose_page_shows_the_merged_template(admin_client, book):
    page = admin_client.get(f"/contracts/{book['home_id']}/letters/new?template=documents_request")
    assert page.status_code == 200
    assert "HAB-778899" in page.text and "Mutuelle du Rhône" in page.text
    assert "{{" not in page.text.split('id="letter-form"')[1]
    assert "[documents]" in page.text  # no value: left for the handler to fill in


def test_an_htmx_template_change_returns_only_the_form(admin_client, book):
    page = admin_client.get(f"/contracts/{book['home_id']}/letters/new?template=formal_notice",
                            headers={"HX-Request": "true"})
    assert page.status_code == 200 and page.text.lstrip().startswith("<form")
    assert "L113-3" in page.text


def test_the_edited_text_becomes_the_pdf_kept_with_the_contract(admin_client, book, bound):
    response = admin_client.post(f"/contracts/{book['home_id']}/letters", data={
        "template": "documents_request", "subject": "Pièces à nous transmettre",
        "body": "Madame,\n\nMerci de nous envoyer votre relevé d'information {{ client_name }}.\n\nCordialement,"})
    assert response.status_code == 303
    with bound(book["tenant"]) as session:
        letter = session.scalars(select(Letter)).one()
        document = session.get(Document, letter.document_id)
        assert (document.kind, document.contract_id, document.client_id) == ("letter", book["home_id"],
                                                                             book["person_id"])
        kinds = session.scalars(select(ContractEvent.kind).where(ContractEvent.contract_id == book["home_id"])).all()
        assert "letter" in kinds
    pdf = admin_client.get(f"/letters/{letter.id}/pdf")
    assert pdf.mimetype == "application/pdf"
    text = pdf_text(pdf.data)
    assert "Merci de nous envoyer votre relevé d'information" in text
    assert "{{ client_name }}" in text  # typed text is kept, never evaluated
    assert "Marie Durand" in text and "3 rue des Lilas" in text and "HAB-778899" in text


def test_an_empty_text_is_refused_and_kept(admin_client, book):
    response = admin_client.post(f"/contracts/{book['home_id']}/letters",
                                 data={"template": "free", "subject": "Objet gardé", "body": ""})
    assert response.status_code == 422 and "Objet gardé" in response.text


def test_the_letter_is_emailed_with_its_pdf(admin_client, book, bound, mailbox, jobs):
    admin_client.post(f"/contracts/{book['home_id']}/letters", data={
        "template": "free", "subject": "Votre contrat", "body": "Madame,\n\nVotre dossier est complet.\n\nCordialement,"})
    with bound(book["tenant"]) as session:
        letter_id = session.scalar(select(Letter.id))
    response = admin_client.post(f"/letters/{letter_id}/send", follow_redirects=True)
    assert "marie.durand@example.fr" in response.text
    jobs()
    [message] = mailbox.to("marie.durand@example.fr")
    assert message["Subject"] == "Votre contrat"
    [attachment] = list(message.iter_attachments())
    assert attachment.get_content_type() == "application/pdf"
    assert "Votre dossier est complet." in pdf_text(attachment.get_content())
    with bound(book["tenant"]) as session:
        letter = session.get(Letter, letter_id)
        assert letter.sent_to == "marie.durand@example.fr" and letter.sent_at is not None
        kinds = session.scalars(select(ContractEvent.kind).where(ContractEvent.contract_id == book["home_id"])).all()
        assert "letter_sent" in kinds


def test_a_firm_template_with_an_unknown_field_or_code_is_refused(admin_client, book, bound):
    data = {"code": "claim_followup", "title": "Suivi de sinistre", "subject": "Votre sinistre",
            "body": "Bonjour {{ client_name }}, votre mot de passe est {{ password }}.", "is_active": "y"}
    refused = admin_client.post("/letters/templates/new", data=data)
    assert refused.status_code == 422
    assert "Unknown merge field “password”" in refused.text
    assert "votre mot de passe est" in refused.text  # what was typed is kept
    injected = admin_client.post("/letters/templates/new", data={**data, "body": "{{ ''.__class__ }}"})
    assert injected.status_code == 422 and "Only merge fields" in injected.text
    saved = admin_client.post("/letters/templates/new", data={**data, "body": "Bonjour {{ client_name }}."})
    assert saved.status_code == 303
    page = admin_client.get(f"/contracts/{book['home_id']}/letters/new?template=claim_followup")
    assert "Bonjour Marie Durand." in page.text
    with bound(book["tenant"]) as session:
        assert session.scalars(select(LetterTemplate.code)).all() == ["claim_followup"]


def test_a_builtin_template_reworded_then_reset(admin_client, book):
    form = admin_client.get("/letters/templates/formal_notice")
    assert form.status_code == 200 and "L113-3" in form.text
    saved = admin_client.post("/letters/templates/formal_notice", data={
        "title": "Mise en demeure du cabinet", "subject": "Mise en demeure", "is_active": "y", "stamp": "",
        "body": "Nous vous mettons en demeure de régler {{ amount }}."})
    assert saved.status_code == 303
    page = admin_client.get(f"/contracts/{book['home_id']}/letters/new?template=formal_notice")
    assert "Nous vous mettons en demeure de régler" in page.text
    stale = admin_client.post("/letters/templates/formal_notice", data={
        "title": "Autre", "subject": "Autre", "is_active": "y", "stamp": "", "body": "Texte {{ amount }}"})
    assert stale.status_code == 409 and "changed this template meanwhile" in stale.text
    assert admin_client.post("/letters/templates/formal_notice/reset").status_code == 303
    page = admin_client.get(f"/contracts/{book['home_id']}/letters/new?template=formal_notice")
    assert "L113-3" in page.text


def test_templates_need_catalog_management_and_writing_needs_write(readonly, book):
    assert readonly.get("/letters/templates").status_code == 403
    assert readonly.post("/letters/templates/new", data={}).status_code == 403
    assert readonly.get(f"/contracts/{book['home_id']}/letters/new").status_code == 403
    assert readonly.post(f"/contracts/{book['home_id']}/letters", data={}).status_code == 403


def test_a_readonly_user_cannot_send(admin_client, readonly, book, bound):
    admin_client.post(f"/contracts/{book['home_id']}/letters",
                      data={"template": "free", "subject": "S", "body": "Texte"})
    with bound(book["tenant"]) as session:
        letter_id = session.scalar(select(Letter.id))
    assert readonly.get(f"/letters/{letter_id}").status_code == 200
    assert readonly.post(f"/letters/{letter_id}/send").status_code == 403


def test_another_firm_reaches_no_letter_nor_contract(admin_client, intruder, book, bound):
    admin_client.post(f"/contracts/{book['home_id']}/letters",
                      data={"template": "free", "subject": "S", "body": "Texte"})
    with bound(book["tenant"]) as session:
        letter_id = session.scalar(select(Letter.id))
    for url in (f"/contracts/{book['home_id']}/letters/new", f"/letters/{letter_id}", f"/letters/{letter_id}/pdf"):
        assert intruder.get(url).status_code == 404, url
    assert intruder.post(f"/letters/{letter_id}/send").status_code == 404
    assert intruder.post(f"/contracts/{book['home_id']}/letters",
                         data={"template": "free", "subject": "S", "body": "T"}).status_code == 404
    assert intruder.get("/letters/templates/claim_followup").status_code == 404

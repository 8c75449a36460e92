"""Certificates of insurance: a PDF with the mandatory mentions, a
verification code and a QR code; a public page on the firm's host says only
valid / expired / cancelled for the named insured and period."""

from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy import select

from app.contracts.models import Attestation, Cancellation
from app.documents.models import Document
from tests.integration.test_letters_data import book, intruder, pdf_text, readonly  # noqa: F401


def _issue(client, contract_id: int, **period) -> None:
    if period:
        data = {name: day.isoformat() for name, day in period.items()}
    else:
        page = client.get(f"/contracts/{contract_id}/attestations")
        assert page.status_code == 200
        data = {}
        for name in ("valid_from", "valid_to"):
            data[name] = page.text.split(f'id="{name}"')[1].split('value="')[1].split('"')[0]
    response = client.post(f"/contracts/{contract_id}/attestations", data=data)
    assert response.status_code == 303, response.text


def _attestation(bound, book) -> Attestation:
    with bound(book["tenant"]) as session:
        attestation = session.scalars(select(Attestation).order_by(Attestation.id.desc())).first()
        session.expunge(attestation)
        return attestation


def test_the_decennial_certificate_carries_the_mentions_and_the_code(admin_client, book, bound):
    _issue(admin_client, book["decennial_id"])
    attestation = _attestation(bound, book)
    today = date.today()
    assert (attestation.valid_from, attestation.valid_to) == (date(today.year, 1, 1), date(today.year, 12, 31))
    with bound(book["tenant"]) as session:
        document = session.get(Document, attestation.document_id)
        assert (document.kind, document.contract_id) == ("attestation", book["decennial_id"])
    text = pdf_text(admin_client.get(f"/attestations/{attestation.id}/pdf").data)
    for mention in ("Maçonnerie Martin SARL", "732829320", "Mutuelle du Rhône", "1 place Bellecour",
                    "DEC-2024-0042", "Masonry / structural work", "metropolitan France", "site opened",
                    "ten-year liability", "3,000,000.00", "5 January 2016", attestation.code):
        assert mention in text, mention
    assert "/verify" in text
    contract_page = admin_client.get(f"/contracts/{book['decennial_id']}").text
    assert 'id="contract-attestations"' in contract_page and attestation.code in contract_page


def test_the_public_page_says_valid_with_the_insured_and_period_only(app, admin_client, book, bound, client_for):
    _issue(admin_client, book["home_id"])
    attestation = _attestation(bound, book)
    anonymous = client_for(book["tenant"])
    page = anonymous.get(f"/verify/{attestation.code}")
    assert page.status_code == 200
    assert "Valid today" in page.text and "Marie Durand" in page.text
    for private in ("3 rue des Lilas", "Lyon", "HAB-778899", "marie.durand@example.fr", "410", "Mutuelle"):
        assert private not in page.text, private
    typed = anonymous.get("/verify", query_string={"code": attestation.code.lower().replace("-", " ")})
    assert typed.status_code == 303 and typed.headers["Location"].endswith(f"/verify/{attestation.code}")


def test_expired_and_cancelled_and_revoked(admin_client, book, bound, client_for):
    today = date.today()
    _issue(admin_client, book["home_id"], valid_from=date(today.year - 1, 1, 1),
           valid_to=today - timedelta(days=1))
    expired = _attestation(bound, book)
    anonymous = client_for(book["tenant"])
    assert "Expired" in anonymous.get(f"/verify/{expired.code}").text

    _issue(admin_client, book["home_id"])
    current = _attestation(bound, book)
    with bound(book["tenant"]) as session:
        session.add(Cancellation(contract_id=book["home_id"], ground="sale", requested_by="client",
                                 notice_received_on=today - timedelta(days=12), effective_on=today - timedelta(days=2)))
        session.commit()
    assert "Cancelled" in anonymous.get(f"/verify/{current.code}").text

    _issue(admin_client, book["decennial_id"])
    revoked = _attestation(bound, book)
    assert "Valid today" in anonymous.get(f"/verify/{revoked.code}").text
    assert admin_client.post(f"/attestations/{revoked.id}/revoke").status_code == 303
    assert "Cancelled" in anonymous.get(f"/verify/{revoked.code}").text


def test_unknown_and_malformed_codes_get_the_same_neutral_404(book, client_for):
    anonymous = client_for(book["tenant"])
    unknown = anonymous.get("/verify/ABCD-EFGH-JKMN-PQRS-TUVW")
    malformed = anonymous.get("/verify/' or 1=1 --")
    typed = anonymous.get("/verify", query_string={"code": "nope"})
    for response in (unknown, malformed, typed):
        assert response.status_code == 404
        assert "There is no valid certificate with this code" in response.text


def test_another_firms_host_does_not_know_the_code(admin_client, book, bound, make_tenant, client_for):
    _issue(admin_client, book["home_id"])
    attestation = _attestation(bound, book)
    other = client_for(make_tenant("b", name="Cabinet Bravo"))
    response = other.get(f"/verify/{attestation.code}")
    assert response.status_code == 404 and "Marie Durand" not in response.text


def test_the_public_page_is_rate_limited(book, client_for):
    anonymous = client_for(book["tenant"])
    statuses = [anonymous.get("/verify/ABCD-EFGH-JKMN-PQRS-TUVW").status_code for _ in range(31)]
    assert statuses[:30] == [404] * 30 and statuses[30] == 429


def test_refusals_are_explained(admin_client, book, bound):
    today = date.today()
    outside = admin_client.post(f"/contracts/{book['home_id']}/attestations", data={
        "valid_from": date(today.year, 1, 1).isoformat(), "valid_to": date(today.year + 1, 6, 1).isoformat()})
    assert outside.status_code == 422 and "within the contract" in outside.text
    with bound(book["tenant"]) as session:
        from app.crm.models import Client
        session.get(Client, book["builder_id"]).siren = None
        session.commit()
    lacking = admin_client.post(f"/contracts/{book['decennial_id']}/attestations", data={
        "valid_from": date(today.year, 1, 1).isoformat(), "valid_to": date(today.year, 12, 31).isoformat()})
    assert lacking.status_code == 422 and "the insured&#39;s SIREN" in lacking.text
    assert admin_client.post(f"/contracts/{book['home_id']}/attestations",
                             data={"valid_from": "31/02/2026", "valid_to": ""}).status_code == 422


def test_roles_and_tenant_isolation(admin_client, readonly, intruder, book, bound):
    _issue(admin_client, book["home_id"])
    attestation = _attestation(bound, book)
    assert readonly.get(f"/contracts/{book['home_id']}/attestations").status_code == 200
    assert readonly.post(f"/contracts/{book['home_id']}/attestations", data={}).status_code == 403
    assert readonly.post(f"/attestations/{attestation.id}/revoke").status_code == 403
    for url in (f"/contracts/{book['home_id']}/attestations", f"/attestations/{attestation.id}/pdf"):
        assert intruder.get(url).status_code == 404, url
    assert intruder.post(f"/attestations/{attestation.id}/revoke").status_code == 404
    assert intruder.post(f"/contracts/{book['home_id']}/attestations", data={}).status_code == 404

"""Endorsements: pro-rata adjustment, version 2 from the date (the page shows
the old version on an earlier date), the PDF kept with the contract, the
message queued in the outbox, the insurer's confirmation."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from sqlalchemy import select

from app.contracts.models import Contract, ContractVersion, Endorsement
from app.documents.models import Document
from app.outbox.models import OutboxMessage
from tests.integration.test_contracts import (make_contract, make_insurer, other_firm_client,  # noqa: F401
                                             portfolio, readonly_client)


def endorsement_data(**changes) -> dict:
    data = {"effective_date": "2025-10-01", "kind": "guarantees", "description": "Own damage added",
            "premium_net": "850,00", "version": "1",
            "guarantees-0-code": "third_party", "guarantees-0-included": "y", "guarantees-0-ceiling": "1000000",
            "guarantees-1-code": "all_risks", "guarantees-1-included": "y", "guarantees-1-deductible": "500",
            "risk-0-name": "vehicle", "risk-0-value": "Peugeot 208"}
    return data | changes


def test_the_form_previews_the_adjustment_without_writing(admin_client, portfolio, bound, tenant):
    path = f"/contracts/{portfolio['contract']}/endorsements/new"
    assert admin_client.get(path).status_code == 200
    preview = admin_client.post(path, data=endorsement_data(preview="1"))
    assert preview.status_code == 200 and 'data-testid="adjustment-preview"' in preview.text
    assert "92 / 365" in preview.text
    with bound(tenant) as session:
        assert session.scalar(select(Endorsement.id)) is None


def test_an_endorsement_opens_version_2_and_keeps_the_old_one_for_earlier_dates(admin_client, portfolio, bound,
                                                                                  tenant):
    contract_id = portfolio["contract"]
    response = admin_client.post(f"/contracts/{contract_id}/endorsements/new", data=endorsement_data())
    assert response.status_code == 303, response.text
    with bound(tenant) as session:
        endorsement = session.scalar(select(Endorsement))
        assert (endorsement.number, endorsement.adjustment_net, endorsement.adjustment_tax,
                endorsement.adjustment_total) == (1, Decimal("63.01"), Decimal("11.34"), Decimal("74.35"))
        versions = session.scalars(select(ContractVersion).order_by(ContractVersion.number)).all()
        assert [(v.number, v.valid_from, v.valid_to) for v in versions] == [
            (1, date(2025, 1, 1), date(2025, 10, 1)), (2, date(2025, 10, 1), None)]
        assert versions[1].premium_net == Decimal("850.00") and versions[0].premium_net == Decimal("600.00")
        assert [g["code"] for g in versions[1].guarantees] == ["third_party", "all_risks"]
        contract = session.get(Contract, contract_id)
        assert contract.premium_net == Decimal("850.00") and contract.total == Decimal("1003.00")
        assert contract.risk["vehicle"] == "Peugeot 208"
        document = session.get(Document, endorsement.document_id)
        assert document.contract_id == contract_id and document.kind == "endorsement"
        assert document.content_type == "application/pdf"
        message = session.get(OutboxMessage, endorsement.message_id)
        assert (message.kind, message.subject_type, message.subject_id) == ("endorsement", "endorsement",
                                                                            endorsement.id)
        assert message.payload["endorsement"]["adjustment_total"] == "74.35"
        assert message.envelope["document_ids"] == [document.id]
    before = admin_client.get(f"/contracts/{contract_id}?as_of=2025-09-30")
    assert "version 1" in before.text and "600.00" in before.text
    after = admin_client.get(f"/contracts/{contract_id}?as_of=2025-10-01")
    assert "version 2" in after.text and "850.00" in after.text
    assert admin_client.get(f"/documents/{document.id}").data.startswith(b"%PDF")


def test_a_decrease_is_a_credit_and_a_stale_or_misdated_endorsement_is_refused(admin_client, portfolio, bound,
                                                                                 tenant):
    path = f"/contracts/{portfolio['contract']}/endorsements/new"
    outside = admin_client.post(path, data=endorsement_data(effective_date="2026-02-01"))
    assert outside.status_code == 422 and "within the current annual period" in outside.text
    assert 'value="850,00"' in outside.text
    assert admin_client.post(path, data=endorsement_data(premium_net="450")).status_code == 303
    stale = admin_client.post(path, data=endorsement_data(premium_net="450"))
    assert stale.status_code == 409
    before = admin_client.post(path, data=endorsement_data(version="2", effective_date="2025-06-01"))
    assert before.status_code == 422 and "before the current version" in before.text
    with bound(tenant) as session:
        assert session.scalar(select(Endorsement.adjustment_net)) == Decimal("-37.81")  # -150 × 92 / 365


def test_the_insurers_confirmation_is_recorded(admin_client, portfolio, bound, tenant):
    contract_id = portfolio["contract"]
    admin_client.post(f"/contracts/{contract_id}/endorsements/new", data=endorsement_data())
    with bound(tenant) as session:
        endorsement_id = session.scalar(select(Endorsement.id))
    confirm = f"/contracts/{contract_id}/endorsements/{endorsement_id}/confirm"
    assert admin_client.post(confirm, data={"insurer_reference": "AV-2025-1"}).status_code == 303
    with bound(tenant) as session:
        endorsement = session.get(Endorsement, endorsement_id)
        assert endorsement.confirmed_at is not None and endorsement.insurer_reference == "AV-2025-1"
    assert admin_client.post(f"/contracts/{contract_id}/endorsements/999/confirm").status_code == 404


def test_an_insurer_that_cannot_receive_refuses_the_endorsement(admin_client, portfolio, bound, tenant):
    with bound(tenant) as session:
        from app.catalog.models import Insurer

        session.get(Insurer, portfolio["insurer"]).placement_email = None
        session.commit()
    response = admin_client.post(f"/contracts/{portfolio['contract']}/endorsements/new", data=endorsement_data())
    assert response.status_code == 422 and "Nothing can be sent to this insurer" in response.text
    with bound(tenant) as session:
        assert session.scalar(select(Endorsement.id)) is None


def test_endorsement_routes_are_isolated_and_need_write(admin_client, other_firm_client, readonly_client, portfolio,
                                                        bound, tenant):
    contract_id = portfolio["contract"]
    admin_client.post(f"/contracts/{contract_id}/endorsements/new", data=endorsement_data())
    with bound(tenant) as session:
        endorsement_id = session.scalar(select(Endorsement.id))
    confirm = f"/contracts/{contract_id}/endorsements/{endorsement_id}/confirm"
    assert other_firm_client.post(confirm).status_code == 404
    assert other_firm_client.get(f"/contracts/{contract_id}/endorsements/new").status_code == 404
    assert readonly_client.post(confirm).status_code == 403
    assert readonly_client.post(f"/contracts/{contract_id}/endorsements/new", data={}).status_code == 403

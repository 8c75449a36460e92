"""Cancellations: the effective date by ground, refused with the deadline when
too late or too early, the letter stored with the contract, the insurer
notified through the outbox, the contract cancelled on its date."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

from sqlalchemy import select

from app.contracts import cancellations
from app.contracts.models import Cancellation, Contract, Letter
from app.contracts.rules import add_months, unused_premium
from app.documents.models import Document
from app.outbox.models import OutboxMessage
from tests.integration.test_contracts import (make_contract, other_firm_client, portfolio,  # noqa: F401
                                             readonly_client)

TODAY = date.today()
STARTED = add_months(TODAY, -13)


def motor_contract(bound, tenant, portfolio, **values) -> int:
    values = {"effective_date": STARTED, "renewal_date": add_months(STARTED, 24), "policy_number": "HAMON-1"} | values
    return make_contract(bound, tenant, client_id=portfolio["client"], insurer_id=portfolio["insurer"], **values)


def cancel_data(**changes) -> dict:
    return {"ground": "hamon", "notice_on": TODAY.isoformat(), "chosen_date": "", "reason": "Moving abroad",
            "version": "1"} | changes


def test_hamon_schedules_the_cancellation_one_month_after_notice(admin_client, portfolio, bound, tenant):
    contract_id = motor_contract(bound, tenant, portfolio)
    assert admin_client.get(f"/contracts/{contract_id}/cancel").status_code == 200
    response = admin_client.post(f"/contracts/{contract_id}/cancel", data=cancel_data())
    assert response.status_code == 303, response.text
    effective = add_months(TODAY, 1)
    with bound(tenant) as session:
        cancellation = session.scalar(select(Cancellation).where(Cancellation.contract_id == contract_id))
        contract = session.get(Contract, contract_id)
        assert cancellation.effective_on == effective and cancellation.requested_by == "client"
        expected = unused_premium(Decimal("600.00"), Decimal("18.00"), effective, contract.renewal_date)
        assert (cancellation.refund_net, cancellation.refund_total) == (expected.net, expected.total)
        assert contract.status == "active", "scheduled, not yet cancelled"
        letter = session.get(Letter, cancellation.letter_id)
        assert letter.template_code == "cancellation_notice" and letter.contract_id == contract_id
        assert session.get(Document, letter.document_id).contract_id == contract_id
        message = session.get(OutboxMessage, cancellation.message_id)
        assert (message.kind, message.subject_id) == ("cancellation", cancellation.id)
        assert message.payload["cancellation"]["effective_on"] == effective.isoformat()
    page = admin_client.get(f"/contracts/{contract_id}")
    assert 'data-testid="cancellation-scheduled"' in page.text and "Cancel the contract" not in page.text
    with bound(tenant) as session:
        assert cancellations.apply_due(session, today=effective - timedelta(days=1)) == 0
        assert cancellations.apply_due(session, today=effective) == 1
        session.commit()
        contract = session.get(Contract, contract_id)
        assert (contract.status, contract.status_since, contract.ended_on) == ("cancelled", effective, effective)
        assert contract.status_reason == "Moving abroad"


def test_a_cancellation_by_the_insurer_today_cancels_at_once(admin_client, portfolio, bound, tenant):
    contract_id = motor_contract(bound, tenant, portfolio)
    response = admin_client.post(f"/contracts/{contract_id}/cancel", data=cancel_data(
        ground="insurer", chosen_date=TODAY.isoformat(), reason="Risk aggravated"))
    assert response.status_code == 303
    with bound(tenant) as session:
        contract = session.get(Contract, contract_id)
        assert contract.status == "cancelled" and contract.ended_on == TODAY
        assert session.scalar(select(Cancellation.requested_by)) == "insurer"
    page = admin_client.get(f"/contracts/{contract_id}")
    assert "Cancelled" in page.text and "Letter" in page.text
    again = admin_client.post(f"/contracts/{contract_id}/cancel", data=cancel_data(version="2"))
    assert again.status_code == 422


def test_refusals_say_when_it_becomes_possible(admin_client, portfolio, bound, tenant):
    young = motor_contract(bound, tenant, portfolio, effective_date=add_months(TODAY, -6),
                           renewal_date=add_months(TODAY, 6), policy_number="YOUNG-1")
    early = admin_client.post(f"/contracts/{young}/cancel", data=cancel_data())
    assert early.status_code == 422 and "Possible only once the contract has run one year" in early.text
    assert 'value="Moving abroad"' in early.text
    soon = motor_contract(bound, tenant, portfolio, renewal_date=TODAY + timedelta(days=30), policy_number="SOON-1")
    late = admin_client.post(f"/contracts/{soon}/cancel", data=cancel_data(ground="renewal"))
    assert late.status_code == 422 and "Too late for this renewal" in late.text
    missing = admin_client.post(f"/contracts/{soon}/cancel", data=cancel_data(ground="insurer"))
    assert missing.status_code == 422 and "Enter the date the cancellation takes effect." in missing.text
    wrong_line = motor_contract(bound, tenant, portfolio, line="rc_pro", policy_number="RC-1")
    refused = admin_client.post(f"/contracts/{wrong_line}/cancel", data=cancel_data())
    assert refused.status_code == 422 and "does not apply to this line" in refused.text
    with bound(tenant) as session:
        assert session.scalar(select(Cancellation.id)) is None


def test_sale_of_the_vehicle_ends_ten_days_after_notice(admin_client, portfolio, bound, tenant):
    contract_id = motor_contract(bound, tenant, portfolio)
    assert admin_client.post(f"/contracts/{contract_id}/cancel", data=cancel_data(ground="sale")).status_code == 303
    with bound(tenant) as session:
        assert session.scalar(select(Cancellation.effective_on)) == TODAY + timedelta(days=10)


def test_cancellation_routes_are_isolated_and_need_write(other_firm_client, readonly_client, portfolio):
    path = f"/contracts/{portfolio['contract']}/cancel"
    assert other_firm_client.get(path).status_code == 404
    assert other_firm_client.post(path, data=cancel_data()).status_code == 404
    assert readonly_client.post(path, data=cancel_data()).status_code == 403

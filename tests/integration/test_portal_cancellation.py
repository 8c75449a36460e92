"""Cancellation in three clicks (L113-14) on the portal: form, summary with
the effective date from the contract's rules, confirmation, acknowledgement
on screen and by email; the insurer is notified through the contracts'
cancellation service; only the client's own individual contracts."""

from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy import select

from app.contracts.models import Cancellation, Contract
from app.contracts.rules import add_months
from app.outbox.models import OutboxMessage
from tests.integration.test_contracts import make_contract, portfolio  # noqa: F401
from tests.integration.test_portal_access import new_client, policyholder  # noqa: F401


def home_contract(bound, tenant, portfolio, **values):  # noqa: F811
    values = {"line": "home", "policy_number": "MRH-1", "effective_date": date.today() - timedelta(days=400)} | values
    return make_contract(bound, tenant, client_id=portfolio["client"], insurer_id=portfolio["insurer"], **values)


def test_three_clicks_cancel_a_home_contract_under_loi_hamon(policyholder, bound, tenant, portfolio, mailbox,
                                                             jobs):  # noqa: F811
    contract_id = home_contract(bound, tenant, portfolio)
    page = policyholder.get(f"/portal/contracts/{contract_id}")
    assert f"/portal/contracts/{contract_id}/cancel" in page.text                       # click 1
    assert policyholder.get(f"/portal/contracts/{contract_id}/cancel").status_code == 200
    summary = policyholder.post(f"/portal/contracts/{contract_id}/cancel", data={"reason": "price"})  # click 2
    assert summary.status_code == 200
    expected_end = add_months(date.today(), 1)
    assert "loi Hamon" in summary.text
    with bound(tenant) as session:
        version = session.get(Contract, contract_id).version
    mailbox.messages.clear()
    confirmed = policyholder.post(f"/portal/contracts/{contract_id}/cancel/confirm",             # click 3
                                  data={"reason": "price", "version": version})
    assert confirmed.status_code == 303
    receipt = policyholder.get(confirmed.headers["Location"])
    assert receipt.status_code == 200 and "Your cancellation request is received" in receipt.text
    with bound(tenant) as session:
        cancellation = session.scalar(select(Cancellation).where(Cancellation.contract_id == contract_id))
        assert cancellation.ground == "hamon" and cancellation.effective_on == expected_end
        assert cancellation.requested_by == "client" and cancellation.notice_received_on == date.today()
        assert session.scalar(select(OutboxMessage).where(OutboxMessage.subject_type == "cancellation",
                                                          OutboxMessage.subject_id == cancellation.id))
    jobs()
    receipts = [m for m in mailbox.to("lea.martin@example.fr") if "cancellation request" in m["Subject"]]
    assert receipts and "L113-14" in mailbox.text(receipts[-1])
    again = policyholder.get(f"/portal/contracts/{contract_id}")
    assert f"/portal/contracts/{contract_id}/cancel\"" not in again.text and "Cancellation requested" in again.text
    assert policyholder.get(f"/portal/contracts/{contract_id}/cancel").status_code == 404


def test_a_young_contract_ends_at_its_renewal_date(policyholder, bound, tenant, portfolio):  # noqa: F811
    start = date.today() - timedelta(days=30)
    contract_id = home_contract(bound, tenant, portfolio, effective_date=start, policy_number="MRH-2")
    summary = policyholder.post(f"/portal/contracts/{contract_id}/cancel", data={"reason": "moving"})
    with bound(tenant) as session:
        renewal = session.get(Contract, contract_id).renewal_date
    assert summary.status_code == 200 and "At the renewal date" in summary.text
    assert str(renewal.year) in summary.text


def test_no_reason_or_a_stale_summary_is_refused_with_a_message(policyholder, bound, tenant, portfolio):  # noqa: F811
    contract_id = home_contract(bound, tenant, portfolio, policy_number="MRH-3")
    missing = policyholder.post(f"/portal/contracts/{contract_id}/cancel", data={})
    assert missing.status_code == 422 and "Choose why you cancel" in missing.text
    stale = policyholder.post(f"/portal/contracts/{contract_id}/cancel/confirm", data={"reason": "price",
                                                                                        "version": 999})
    assert stale.status_code == 409 and "changed meanwhile" in stale.text
    with bound(tenant) as session:
        assert session.scalar(select(Cancellation).where(Cancellation.contract_id == contract_id)) is None


def test_another_clients_contract_cannot_be_cancelled(policyholder, bound, tenant, portfolio):  # noqa: F811
    other = new_client(bound, tenant, "x@example.fr", last_name="Xavier")
    other_contract = make_contract(bound, tenant, client_id=other, insurer_id=portfolio["insurer"], line="home",
                                   policy_number="MRH-X", effective_date=date.today() - timedelta(days=400))
    assert policyholder.get(f"/portal/contracts/{other_contract}/cancel").status_code == 404
    assert policyholder.post(f"/portal/contracts/{other_contract}/cancel", data={"reason": "price"}).status_code == 404
    assert policyholder.post(f"/portal/contracts/{other_contract}/cancel/confirm",
                             data={"reason": "price", "version": 1}).status_code == 404
    with bound(tenant) as session:
        assert session.scalar(select(Cancellation)) is None

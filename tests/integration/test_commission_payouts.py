"""Payouts to beneficiaries: a draft gathers their unpaid shares up to the
end of a period, its statement (page, PDF, CSV), marked paid once with a date
and a reference (stale refused), never paying a share twice; a reversal after
a payout goes to the next one; cancelling a draft gives the shares back;
roles and tenant isolation on every route."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from sqlalchemy import func, select

from app.audit.models import AuditEntry
from app.billing import services as billing
from app.billing.models import PremiumCall
from app.commissions import payouts
from app.commissions.models import Beneficiary, CommissionShare, Payout
from app.commissions.services import CommissionError
from app.contracts.models import Contract
from tests.integration.test_commissions import (add_beneficiary, firm, handler_client,  # noqa: F401
                                                issue_year, new_contract, other_client, readonly_client)
from tests.integration.test_contracts import portfolio  # noqa: F401

D = Decimal
JANUARY = (date(2026, 1, 1), date(2026, 1, 31))


@pytest.fixture
def earning(bound, tenant, firm):
    """An introducer at 30 % on a quarterly contract at 10 % (25.00 a call):
    four shares of 7.50, earned on issue on 15 January."""
    contract_id = new_contract(bound, tenant, firm, rate="10")
    introducer = add_beneficiary(bound, tenant, "Apporteur Petit", "30", contract_ids=[contract_id])
    call_ids = issue_year(bound, tenant, contract_id)
    return firm | {"contract_id": contract_id, "introducer": introducer, "call_ids": call_ids}


def unpaid(session, beneficiary_id: int) -> int:
    return session.scalar(select(func.count()).select_from(CommissionShare).where(
        CommissionShare.beneficiary_id == beneficiary_id, CommissionShare.payout_id.is_(None)))


def test_a_payout_is_drafted_paid_once_and_a_later_reversal_goes_to_the_next(bound, tenant, earning):
    with bound(tenant) as session:
        introducer = session.get(Beneficiary, earning["introducer"])
        with pytest.raises(CommissionError) as refused:
            payouts.draft(session, None, introducer, date(2025, 12, 1), date(2025, 12, 31))
        assert refused.value.code == "nothing_to_pay"
        session.rollback()
        payout = payouts.draft(session, None, introducer, *JANUARY)
        session.commit()
        assert (payout.amount, payout.status, unpaid(session, introducer.id)) == (D("30.00"), "draft", 0)
        rows = payouts.statement(session, payout)
        assert [row.share.amount for row in rows] == [D("7.50")] * 4
        assert {row.call_reference for row in rows} == {
            session.get(PremiumCall, call_id).reference for call_id in earning["call_ids"]}
        with pytest.raises(CommissionError) as refused:
            payouts.draft(session, None, introducer, *JANUARY)
        assert refused.value.code == "nothing_to_pay"
        session.rollback()

        payout = session.get(Payout, payout.id)
        with pytest.raises(CommissionError) as refused:
            payouts.mark_paid(session, None, payout, paid_on=date(2026, 2, 5), reference="VIR-1",
                              version=payout.version + 1)
        assert refused.value.code == "stale"
        payouts.mark_paid(session, None, payout, paid_on=date(2026, 2, 5), reference=" VIR-1 ",
                          version=payout.version)
        session.commit()
        assert (payout.status, payout.paid_on, payout.reference) == ("paid", date(2026, 2, 5), "VIR-1")
        with pytest.raises(CommissionError) as refused:
            payouts.cancel(session, None, payout, version=payout.version)
        assert refused.value.code == "payout_not_draft"
        session.rollback()

        billing.cancel_future_calls(session, None, session.get(Contract, earning["contract_id"]), date(2026, 7, 1),
                                    today=date(2026, 3, 10))
        session.commit()
        assert unpaid(session, introducer.id) == 2
        assert payouts.unpaid_total(session, introducer.id) == D("-15.00")
        with pytest.raises(CommissionError) as refused:
            payouts.draft(session, None, introducer, date(2026, 3, 1), date(2026, 3, 31))
        assert refused.value.code == "payout_not_positive"
        session.rollback()
        assert unpaid(session, introducer.id) == 2
        assert session.scalar(select(func.count()).select_from(Payout)) == 1
        actions = session.scalars(select(AuditEntry.action).where(AuditEntry.object_type == "payout")).all()
        assert actions == ["payout.create", "payout.pay"]


def test_the_payout_screens_draft_show_download_pay_and_cancel(admin_client, bound, tenant, earning):
    introducer = earning["introducer"]
    form = admin_client.get(f"/commissions/payouts/new?beneficiary={introducer}")
    assert form.status_code == 200 and "Apporteur Petit" in form.text
    for data, message in (({"beneficiary_id": "", "period_start": "2026-01-01", "period_end": "2026-01-31"},
                           "Choose a beneficiary"),
                          ({"beneficiary_id": str(introducer), "period_start": "2026-02-01",
                            "period_end": "2026-01-31"}, "must end on or after"),
                          ({"beneficiary_id": str(introducer), "period_start": "2026-13-01",
                            "period_end": "2026-01-31"}, "Not a valid date"),
                          ({"beneficiary_id": str(introducer), "period_start": "2025-12-01",
                            "period_end": "2025-12-31"}, "nothing to pay")):
        refused = admin_client.post("/commissions/payouts/new", data=data)
        assert refused.status_code == 422 and message in refused.text, message
    created = admin_client.post("/commissions/payouts/new", data={
        "beneficiary_id": str(introducer), "period_start": "2026-01-01", "period_end": "2026-01-31"})
    assert created.status_code == 303
    with bound(tenant) as session:
        payout = session.scalar(select(Payout))
        payout_id, version = payout.id, payout.version
    page = admin_client.get(f"/commissions/payouts/{payout_id}")
    assert page.status_code == 200 and 'data-testid="payout-amount">€30.00' in page.text
    assert page.text.count("€7.50") == 4
    pdf = admin_client.get(f"/commissions/payouts/{payout_id}/statement.pdf")
    assert pdf.status_code == 200 and pdf.mimetype == "application/pdf" and pdf.data.startswith(b"%PDF")
    csv = admin_client.get(f"/commissions/payouts/{payout_id}/statement.csv")
    lines = csv.data.decode("utf-8-sig").strip().splitlines()
    assert csv.mimetype == "text/csv" and lines[0].startswith("earned_on;contract") and len(lines) == 5
    assert admin_client.get(f"/commissions/payouts/{payout_id}/statement.doc").status_code == 404
    assert "Apporteur Petit" in admin_client.get("/commissions/payouts?status=draft").text
    assert "No payout yet" in admin_client.get("/commissions/payouts?status=paid").text

    missing = admin_client.post(f"/commissions/payouts/{payout_id}/pay", data={
        "paid_on": "2026-02-05", "reference": "", "version": str(version)})
    assert missing.status_code == 422 and "This field is required" in missing.text
    stale = admin_client.post(f"/commissions/payouts/{payout_id}/pay", data={
        "paid_on": "2026-02-05", "reference": "VIR-77", "version": str(version + 1)})
    assert stale.status_code == 409 and "Someone changed this meanwhile" in stale.text
    assert admin_client.post(f"/commissions/payouts/{payout_id}/cancel",
                             data={"version": str(version)}).status_code == 303
    with bound(tenant) as session:
        assert session.get(Payout, payout_id) is None and unpaid(session, introducer) == 4

    admin_client.post("/commissions/payouts/new", data={
        "beneficiary_id": str(introducer), "period_start": "2026-01-01", "period_end": "2026-01-31"})
    with bound(tenant) as session:
        payout = session.scalar(select(Payout))
        payout_id, version = payout.id, payout.version
    paid = admin_client.post(f"/commissions/payouts/{payout_id}/pay", data={
        "paid_on": "2026-02-05", "reference": "VIR-77", "version": str(version)})
    assert paid.status_code == 303
    again = admin_client.post(f"/commissions/payouts/{payout_id}/pay", data={
        "paid_on": "2026-02-06", "reference": "VIR-78", "version": str(version + 1)})
    assert again.status_code == 422 and "already paid" in again.text
    assert admin_client.post(f"/commissions/payouts/{payout_id}/cancel",
                             data={"version": str(version + 1)}).status_code == 422
    shown = admin_client.get(f"/commissions/beneficiaries/{introducer}")
    assert "VIR-77" not in shown.text and 'data-testid="unpaid">€0.00' in shown.text
    assert "VIR-77" in admin_client.get(f"/commissions/payouts/{payout_id}").text


def test_payouts_need_the_supervise_permission_to_change_and_stay_in_their_firm(
        admin_client, readonly_client, handler_client, other_client, bound, tenant, earning):
    with bound(tenant) as session:
        payout_id = payouts.draft(session, None, session.get(Beneficiary, earning["introducer"]), *JANUARY).id
        session.commit()
    reads = ["/commissions/payouts", f"/commissions/payouts/{payout_id}",
             f"/commissions/payouts/{payout_id}/statement.pdf", f"/commissions/payouts/{payout_id}/statement.csv"]
    writes = [("/commissions/payouts/new", {"beneficiary_id": str(earning["introducer"]),
                                            "period_start": "2026-01-01", "period_end": "2026-01-31"}),
              (f"/commissions/payouts/{payout_id}/pay", {"paid_on": "2026-02-05", "reference": "X"}),
              (f"/commissions/payouts/{payout_id}/cancel", {})]
    for url in reads:
        assert readonly_client.get(url).status_code == 200, url
        assert handler_client.get(url).status_code == 200, url
    for client in (readonly_client, handler_client):
        assert client.get("/commissions/payouts/new").status_code == 403
        for url, data in writes:
            assert client.post(url, data=data).status_code == 403, url
    assert "Apporteur Petit" not in other_client.get("/commissions/payouts").text
    for url in reads[1:]:
        assert other_client.get(url).status_code == 404, url
    for url, data in writes[1:]:
        assert other_client.post(url, data=data).status_code == 404, url
    foreign = other_client.post("/commissions/payouts/new", data=writes[0][1])
    assert foreign.status_code == 422 and "Choose a beneficiary" in foreign.text
    with bound(tenant) as session:
        assert session.get(Payout, payout_id).status == "draft"

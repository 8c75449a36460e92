"""Premium calls and payments (services, no screens yet): generation to the
cent for every plan and idempotent, for one contract and for a month of the
portfolio; partial payment, overpayment kept as credit, an external id
counted once, refund; overdue; a cancellation closes the calls that follow;
a tenant never sees another tenant's calls."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest
from sqlalchemy import func, select

from app.billing import services as billing
from app.billing.errors import BillingError
from app.billing.models import Payment, PaymentAllocation, PremiumCall
from app.contracts import services as contracts
from app.contracts.models import Contract
from app.contracts.rules import add_months
from tests.integration.test_contracts import make_contract, portfolio  # noqa: F401

START = date(2026, 1, 15)


def calls_of(session, contract_id: int) -> list[PremiumCall]:
    return list(session.scalars(select(PremiumCall).where(PremiumCall.contract_id == contract_id)
                                .order_by(PremiumCall.period_start, PremiumCall.id)))


def new_contract(bound, tenant, portfolio, plan: str, **values) -> int:
    values = {"effective_date": START, "premium": "1234.57", "fees": Decimal("10.01"),
              "policy_number": f"BIL-{plan}"} | values
    return make_contract(bound, tenant, client_id=portfolio["client"], insurer_id=portfolio["insurer"],
                         instalment_plan=plan, **values)


@pytest.mark.parametrize("plan,count", [("annual", 1), ("half_yearly", 2), ("quarterly", 4), ("monthly", 12)])
def test_a_year_of_calls_adds_up_to_the_annual_amounts_and_is_generated_once(bound, tenant, portfolio, plan,
                                                                            count):
    contract_id = new_contract(bound, tenant, portfolio, plan)
    with bound(tenant) as session:
        contract = session.get(Contract, contract_id)
        calls = billing.generate_for_contract(session, None, contract, START, today=START)
        session.commit()
        assert [call.number for call in calls] == list(range(1, count + 1))
        assert sum(call.net for call in calls) == contract.premium_net == Decimal("1234.57")
        assert sum(call.fees for call in calls) == contract.fees == Decimal("10.01")
        assert sum(call.tax for call in calls) == contract.tax
        assert sum(call.total for call in calls) == contract.total
        assert all(call.total == call.net + call.fees + call.tax for call in calls)
        assert all(call.tax_rate == contract.tax_rate and call.client_id == portfolio["client"] for call in calls)
        assert calls[0].period_start == calls[0].due_date == START
        assert calls[-1].period_end == add_months(START, 12)
        assert calls[0].status == "due" and calls[0].reference == f"QUI-{calls[0].id:06d}"
        first_ids = [call.id for call in calls]
    with bound(tenant) as session:
        again = billing.generate_for_contract(session, None, session.get(Contract, contract_id), START, today=START)
        session.commit()
        assert [call.id for call in again] == first_ids
        assert len(calls_of(session, contract_id)) == count


def test_existing_calls_are_kept_and_only_the_missing_ones_created(bound, tenant, portfolio):
    contract_id = new_contract(bound, tenant, portfolio, "quarterly")
    with bound(tenant) as session:
        contract = session.get(Contract, contract_id)
        billing.generate_for_contract(session, None, contract, START, today=START)
        session.commit()
        calls = calls_of(session, contract_id)
        kept = calls[0]
        kept.net = Decimal("1.00")  # as issued, whatever the contract says today
        session.delete(calls[2])
        session.commit()
        regenerated = billing.generate_for_contract(session, None, contract, START, today=START)
        session.commit()
        assert len(regenerated) == 4 and regenerated[0].id == kept.id and regenerated[0].net == Decimal("1.00")
        assert regenerated[2].number == 3 and regenerated[2].id not in {call.id for call in calls}


def test_generate_month_issues_the_portfolio_calls_due_once(bound, tenant, portfolio):
    monthly = new_contract(bound, tenant, portfolio, "monthly")                                   # 15 March
    new_contract(bound, tenant, portfolio, "quarterly", effective_date=date(2025, 12, 1))         # 1 March
    new_contract(bound, tenant, portfolio, "half_yearly", effective_date=date(2025, 9, 30))       # 30 March
    new_contract(bound, tenant, portfolio, "annual", effective_date=date(2025, 4, 1))             # April: no
    gone = new_contract(bound, tenant, portfolio, "monthly", effective_date=date(2026, 1, 10))
    with bound(tenant) as session:
        contracts.change_status(session, None, session.get(Contract, gone), to_status="cancelled",
                                reason="Sold", effective_on=date(2026, 2, 1))
        session.commit()
        preview = billing.calls_due_in(session, date(2026, 3, 1))
        assert sorted(i.due_date for _, i in preview) == [date(2026, 3, 1), date(2026, 3, 15), date(2026, 3, 30)]
        assert billing.generate_month(session, None, date(2026, 3, 20), today=date(2026, 3, 1)) == 3
        session.commit()
        assert billing.generate_month(session, None, date(2026, 3, 1), today=date(2026, 3, 1)) == 0
        session.commit()
        assert session.scalar(select(func.count()).select_from(PremiumCall)) == 3
        assert session.scalar(select(func.count(func.distinct(PremiumCall.reference)))) == 3
        march = calls_of(session, monthly)
        assert [(call.number, call.due_date) for call in march] == [(3, date(2026, 3, 15))]
        year = billing.generate_for_contract(session, None, session.get(Contract, monthly), START,
                                             today=date(2026, 3, 1))
        session.commit()
        assert len(year) == 12 and year[2].id == march[0].id
        assert len(calls_of(session, monthly)) == 12


def test_partial_payment_overpayment_credit_external_id_once_and_refund(bound, tenant, portfolio):
    contract_id = new_contract(bound, tenant, portfolio, "quarterly", premium="1000.00", fees=Decimal("0.00"))
    client_id = portfolio["client"]
    with bound(tenant) as session:
        calls = billing.generate_for_contract(session, None, session.get(Contract, contract_id), START, today=START)
        session.commit()
        first, second, third = calls[0], calls[1], calls[2]
        partial = billing.record_payment(session, None, client_id=client_id, amount=first.total - 10,
                                         method="cheque", received_on=START, today=START)
        session.commit()
        assert (first.paid, first.status, partial.unallocated) == (first.total - 10, "partly_paid", 0)
        transfer = billing.record_payment(
            session, None, client_id=client_id, amount=Decimal("10") + second.total + Decimal("5.00"),
            method="transfer", received_on=START, reference="VIR MARTIN", external_id="BANK-LINE-1",
            call_ids=[first.id, second.id], today=START)
        session.commit()
        assert (first.status, second.status, third.status) == ("paid", "paid", "due")
        assert transfer.unallocated == Decimal("5.00") == billing.client_credit(session, client_id)
        replay = billing.record_payment(session, None, client_id=client_id, amount="999.99", method="transfer",
                                        received_on=START, external_id="BANK-LINE-1", today=START)
        session.commit()
        assert replay.id == transfer.id
        assert session.scalar(select(func.count()).select_from(Payment)) == 2
        assert session.scalar(select(func.count()).select_from(PaymentAllocation)) == 3
        assert third.paid == 0 and billing.client_credit(session, client_id) == Decimal("5.00")

        billing.refund_payment(session, None, transfer, refunded_on=START, version=transfer.version, today=START)
        session.commit()
        assert (first.refunded, first.status) == (Decimal("10.00"), "partly_paid")
        assert (second.refunded, second.status) == (second.total, "refunded")
        assert billing.client_credit(session, client_id) == 0
        with pytest.raises(BillingError) as refused:
            billing.refund_payment(session, None, transfer, refunded_on=START)
        assert refused.value.code == "already_refunded"

        assert billing.refresh_overdue(session, START + timedelta(days=1)) == 1
        session.commit()
        assert first.status == "overdue" and second.status == "refunded" and third.status == "due"


def test_payment_refusals(bound, tenant, portfolio):
    with bound(tenant) as session:
        for amount, method, code in (("0", "cheque", "payment_not_positive"), ("abc", "cheque", "amount_invalid"),
                                     ("10", "cash", "method_invalid")):
            with pytest.raises(BillingError) as refused:
                billing.record_payment(session, None, client_id=portfolio["client"], amount=amount, method=method,
                                       received_on=START)
            assert refused.value.code == code
        with pytest.raises(BillingError) as refused:
            billing.record_payment(session, None, client_id=portfolio["client"], amount="10", method="card",
                                   received_on=START, call_ids=[123456])
        assert refused.value.code == "call_not_open"


def test_a_cancellation_cancels_the_calls_that_follow_and_credits_their_money(admin_client, bound, tenant,
                                                                             portfolio):
    today = date.today()
    start = add_months(today.replace(day=1), -2)
    contract_id = new_contract(bound, tenant, portfolio, "monthly", effective_date=start)
    with bound(tenant) as session:
        contract = session.get(Contract, contract_id)
        calls = billing.generate_for_contract(session, None, contract, start)
        session.commit()
        ahead = [call for call in calls if call.period_start >= today]
        paid_ahead = ahead[0]
        before_ids = [call.id for call in calls if call.period_start < today]
        billing.record_payment(session, None, client_id=portfolio["client"], amount=paid_ahead.total,
                               method="card", received_on=today, call_ids=[paid_ahead.id])
        session.commit()
        assert paid_ahead.status == "paid"
        version, paid_ahead_id = contract.version, paid_ahead.id
    response = admin_client.post(f"/contracts/{contract_id}/cancel", data={
        "ground": "insurer", "notice_on": today.isoformat(), "chosen_date": today.isoformat(),
        "reason": "Risk aggravated", "version": str(version)})
    assert response.status_code == 303, response.text
    with bound(tenant) as session:
        contract = session.get(Contract, contract_id)
        paid_ahead = session.get(PremiumCall, paid_ahead_id)
        assert contract.status == "cancelled"
        for call in calls_of(session, contract_id):
            expected = "cancelled" if call.period_start >= today else call.status
            assert call.status == expected and (call.cancelled_at is not None) == (call.period_start >= today)
        assert len([call for call in calls_of(session, contract_id) if call.status == "cancelled"]) == len(calls) - len(before_ids)
        assert paid_ahead.paid == 0 and billing.client_credit(session, portfolio["client"]) == paid_ahead.total
        # what paid the cancelled call is released (the month's credit note may pay the current month)
        assert session.scalar(select(func.count()).select_from(PaymentAllocation)
                              .where(PaymentAllocation.call_id == paid_ahead_id)) == 0
        again = billing.generate_for_contract(session, None, contract, start)
        assert [call.id for call in again] == before_ids


def test_a_call_of_one_tenant_is_invisible_from_another(bound, tenant, portfolio, make_tenant):
    contract_id = new_contract(bound, tenant, portfolio, "quarterly")
    with bound(tenant) as session:
        calls = billing.generate_for_contract(session, None, session.get(Contract, contract_id), START)
        session.commit()
        call_id, reference = calls[0].id, calls[0].reference
    other = make_tenant("b")
    with bound(other) as session:
        assert session.get(PremiumCall, call_id) is None
        assert session.scalars(select(PremiumCall).where(PremiumCall.reference == reference)).first() is None
        assert session.scalar(select(func.count()).select_from(PremiumCall)) == 0
        assert billing.generate_month(session, None, START) == 0

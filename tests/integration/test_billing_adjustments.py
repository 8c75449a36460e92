"""Premium calls after an endorsement or a cancellation (app.billing.adjustments):
an increase adds an adjustment pro rata for the current month and brings the
months called ahead to the new premium; a decrease gives credit notes, whose
money pays the call they correct or becomes the payer's credit; a monthly
contract paid three months and cancelled mid-month credits the unused days of
the month, cancels the calls after it, and the cancellation shows exactly what
was credited — nothing twice."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal

from sqlalchemy import select

from app.billing import services as billing
from app.billing.adjustments import CREDIT_NOTE_METHOD
from app.billing.models import Payment, PremiumCall
from app.contracts import cancellations
from app.contracts.models import Cancellation, Contract, Endorsement
from app.contracts.rules import add_months, annual_period, unused_premium
from tests.integration.test_contracts import make_contract, portfolio  # noqa: F401
from tests.integration.test_endorsements import endorsement_data

D = Decimal
START = date(2026, 1, 1)
TODAY = date.today()


def cents(value) -> Decimal:
    return Decimal(value).quantize(D("0.01"), rounding=ROUND_HALF_UP)


def monthly_contract(bound, tenant, portfolio, premium: str, start: date = START, **values) -> int:
    return make_contract(bound, tenant, client_id=portfolio["client"], insurer_id=portfolio["insurer"],
                         effective_date=start, premium=premium, instalment_plan="monthly",
                         policy_number=f"ADJ-{premium}-{start}", **values)


def issue_year(bound, tenant, contract_id: int, start: date = START) -> list[PremiumCall]:
    with bound(tenant) as session:
        calls = billing.generate_for_contract(session, None, session.get(Contract, contract_id), start)
        session.commit()
        return calls


def calls_of(session, contract_id: int, kind: str | None = None) -> list[PremiumCall]:
    query = select(PremiumCall).where(PremiumCall.contract_id == contract_id)
    if kind:
        query = query.where(PremiumCall.kind == kind)
    return list(session.scalars(query.order_by(PremiumCall.period_start, PremiumCall.id)))


def cancel(admin_client, bound, tenant, contract_id: int, effective: date = TODAY) -> None:
    with bound(tenant) as session:
        version = session.get(Contract, contract_id).version
    response = admin_client.post(f"/contracts/{contract_id}/cancel", data={
        "ground": "insurer", "notice_on": TODAY.isoformat(), "chosen_date": effective.isoformat(),
        "reason": "Risk aggravated", "version": str(version)})
    assert response.status_code == 303, response.text


def pay(session, client_id: int, calls: list[PremiumCall]) -> None:
    billing.record_payment(session, None, client_id=client_id, amount=sum(c.total for c in calls), method="transfer",
                           received_on=TODAY, call_ids=[c.id for c in calls])
    session.commit()


def test_an_increase_adjusts_the_current_month_pro_rata_and_the_months_called_ahead(admin_client, bound, tenant,
                                                                                   portfolio):
    contract_id = monthly_contract(bound, tenant, portfolio, "1200.00")
    issue_year(bound, tenant, contract_id)
    response = admin_client.post(f"/contracts/{contract_id}/endorsements/new", data=endorsement_data(
        effective_date="2026-03-16", premium_net="1 800,00"))
    assert response.status_code == 303, response.text
    with bound(tenant) as session:
        endorsement = session.scalar(select(Endorsement).where(Endorsement.contract_id == contract_id))
        adjustments = calls_of(session, contract_id, "adjustment")
        assert [(c.period_start, c.net, c.tax, c.total) for c in adjustments] == [
            (date(2026, 3, 1), D("26.30"), D("4.73"), D("31.03"))] + [          # 600 x 16 / 365, tax 18 %
            (add_months(START, k), D("50.00"), D("9.00"), D("59.00")) for k in range(3, 12)]   # 150 - 100
        assert all(c.number == endorsement.number == 1 and c.endorsement_id == endorsement.id for c in adjustments)
        assert all(c.tax_rate == D("18.00") and c.fees == 0 and c.status in ("due", "overdue") for c in adjustments)
        assert adjustments[0].due_date == TODAY and adjustments[-1].due_date == max(TODAY, date(2026, 12, 1))
        assert adjustments[0].reference == f"QUI-{adjustments[0].id:06d}"
        instalments = calls_of(session, contract_id, "instalment")
        april = [c for c in instalments + adjustments if c.period_start == date(2026, 4, 1)]
        assert sum(c.net for c in april) == D("150.00") and sum(c.total for c in april) == D("177.00")
        assert billing.client_credit(session, portfolio["client"]) == 0


def test_a_decrease_gives_credit_notes_that_pay_their_own_month_or_become_credit(admin_client, bound, tenant,
                                                                               portfolio):
    contract_id = monthly_contract(bound, tenant, portfolio, "1800.00")
    calls = issue_year(bound, tenant, contract_id)
    with bound(tenant) as session:
        pay(session, portfolio["client"], calls_of(session, contract_id)[:4])      # January to April
    response = admin_client.post(f"/contracts/{contract_id}/endorsements/new", data=endorsement_data(
        effective_date="2026-03-16", premium_net="1200"))
    assert response.status_code == 303, response.text
    with bound(tenant) as session:
        notes = calls_of(session, contract_id, "credit_note")
        assert [(c.period_start, c.net, c.tax, c.total) for c in notes] == [
            (date(2026, 3, 1), D("-26.30"), D("-4.73"), D("-31.03"))] + [
            (add_months(START, k), D("-50.00"), D("-9.00"), D("-59.00")) for k in range(3, 12)]
        assert all(c.status == "paid" and c.due_date == TODAY for c in notes)
        settling = {p.reference: p for p in session.scalars(select(Payment).where(
            Payment.method == CREDIT_NOTE_METHOD))}
        assert set(settling) == {c.reference for c in notes}
        assert all(p.amount == -c.total and p.external_id == f"credit-note:{c.id}" for c in notes
                   for p in [settling[c.reference]])
        # March and April were paid: their credit notes are credit; May on: half of each month paid by its note
        assert billing.client_credit(session, portfolio["client"]) == D("31.03") + D("59.00")
        may = next(c for c in calls_of(session, contract_id, "instalment") if c.period_start == date(2026, 5, 1))
        assert may.paid == D("59.00") and may.outstanding == D("118.00")        # 177.00 called, 118.00 now
        assert settling[notes[2].reference].unallocated == 0
        march_note = settling[notes[0].reference].id
    page = admin_client.get(f"/premiums/payments/{march_note}")
    assert page.status_code == 200 and "Credit note" in page.text
    assert 'data-testid="payment-credit">€31.03<' in page.text
    listed = admin_client.get("/premiums/payments?method=credit_note")
    assert 'data-testid="payment-count">\n    10 payments' in listed.text


def test_a_monthly_contract_paid_three_months_and_cancelled_mid_month_credits_the_unused_days_once(
        admin_client, bound, tenant, portfolio):
    start = add_months(TODAY - timedelta(days=10), -2)          # the third month started ten days ago
    contract_id = monthly_contract(bound, tenant, portfolio, "1095.00", start=start)
    issue_year(bound, tenant, contract_id, start)
    with bound(tenant) as session:
        paid = calls_of(session, contract_id)[:3]
        pay(session, portfolio["client"], paid)
        third = paid[2]
        assert third.period_start < TODAY < third.period_end
    cancel(admin_client, bound, tenant, contract_id)
    unused_days = (third.period_end - TODAY).days
    net = cents(D("1095.00") * unused_days / annual_period(add_months(start, 12)).days)
    expected = net + cents(net * D("0.18"))
    with bound(tenant) as session:
        notes = calls_of(session, contract_id, "credit_note")
        assert [(c.number, c.period_start, c.net, c.total) for c in notes] == [(0, third.period_start, -net,
                                                                                -expected)]
        after = [c for c in calls_of(session, contract_id, "instalment") if c.period_start > TODAY]
        assert len(after) == 9 and all(c.status == "cancelled" for c in after)
        assert [c.status for c in calls_of(session, contract_id, "instalment")[:3]] == ["paid"] * 3
        assert billing.client_credit(session, portfolio["client"]) == expected
        cancellation = session.scalar(select(Cancellation).where(Cancellation.contract_id == contract_id))
        assert (cancellation.refund_net, cancellation.refund_total) == (net, expected)
        contract = session.get(Contract, contract_id)
        annual = unused_premium(contract.premium_net, contract.tax_rate, TODAY, contract.renewal_date)
        assert annual.total > 8 * expected, "the annual refund is not credited besides"
        assert len(session.scalars(select(Payment).where(Payment.method == CREDIT_NOTE_METHOD)).all()) == 1
    page = admin_client.get(f"/contracts/{contract_id}")
    assert page.status_code == 200
    refund_cell = page.text.split('data-testid="refund">', 1)[1].split("</dd>", 1)[0]
    assert refund_cell.startswith(f"€{expected:,.2f} ") and f"net €{net:,.2f}" in refund_cell


def test_money_paid_ahead_is_part_of_the_refund_and_credited_once(admin_client, bound, tenant, portfolio):
    start = add_months(TODAY - timedelta(days=10), -2)
    contract_id = monthly_contract(bound, tenant, portfolio, "1095.00", start=start)
    issue_year(bound, tenant, contract_id, start)
    with bound(tenant) as session:
        paid = calls_of(session, contract_id)[:4]
        pay(session, portfolio["client"], paid)
        third_start, fourth_id, fourth_total = paid[2].period_start, paid[3].id, paid[3].total
    cancel(admin_client, bound, tenant, contract_id)
    with bound(tenant) as session:
        cancellation = session.scalar(select(Cancellation).where(Cancellation.contract_id == contract_id))
        note = calls_of(session, contract_id, "credit_note")[0]
        assert note.period_start == third_start
        assert cancellation.refund_total == -note.total + fourth_total
        assert billing.client_credit(session, portfolio["client"]) == cancellation.refund_total
        assert session.get(PremiumCall, fourth_id).status == "cancelled"


def test_a_scheduled_cancellation_refunds_what_billing_credits_when_its_day_comes(admin_client, bound, tenant,
                                                                                portfolio):
    start = add_months(TODAY - timedelta(days=10), -2)
    contract_id = monthly_contract(bound, tenant, portfolio, "1095.00", start=start)
    issue_year(bound, tenant, contract_id, start)
    effective = add_months(start, 4) + timedelta(days=5)                  # inside the fifth month
    with bound(tenant) as session:
        pay(session, portfolio["client"], calls_of(session, contract_id)[:5])
    cancel(admin_client, bound, tenant, contract_id, effective)
    with bound(tenant) as session:
        cancellation = session.scalar(select(Cancellation).where(Cancellation.contract_id == contract_id))
        forecast = cancellation.refund_total
        assert calls_of(session, contract_id, "credit_note") == [] and forecast > 0
        assert cancellations.apply_due(session, today=effective) == 1
        session.commit()
        note = calls_of(session, contract_id, "credit_note")[0]
        assert note.period_start == add_months(start, 4)
        assert cancellation.refund_total == forecast == -note.total
        assert billing.client_credit(session, portfolio["client"]) == forecast


def test_a_contract_without_calls_keeps_the_refund_on_the_annual_premium(admin_client, bound, tenant, portfolio):
    contract_id = make_contract(bound, tenant, client_id=portfolio["client"], insurer_id=portfolio["insurer"],
                                effective_date=add_months(TODAY, -9), policy_number="NO-CALLS")
    cancel(admin_client, bound, tenant, contract_id)
    with bound(tenant) as session:
        contract = session.get(Contract, contract_id)
        cancellation = session.scalar(select(Cancellation).where(Cancellation.contract_id == contract_id))
        expected = unused_premium(contract.premium_net, contract.tax_rate, TODAY, contract.renewal_date)
        assert (cancellation.refund_net, cancellation.refund_total) == (expected.net, expected.total)
        assert session.scalar(select(PremiumCall.id)) is None

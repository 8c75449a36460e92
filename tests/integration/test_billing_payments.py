"""Payment screens: the list (filters, totals, pages, CSV/XLSX), recording a
payment (pre-filled from a call or a client, the payer's open calls loaded by
htmx, partial payment, overpayment kept as credit), refusals next to the
fields with 422, the same bank reference twice is two payments while an
external id is counted once, refund after confirmation (a stale one
refused), using a payer's credit; roles and tenants."""

from __future__ import annotations

import io
import re
from datetime import date, timedelta
from decimal import Decimal

import pytest
from openpyxl import load_workbook
from sqlalchemy import func, select

from app.billing import services as billing
from app.billing.models import Payment, PremiumCall
from app.contracts.models import Contract
from app.contracts.rules import add_months
from app.crm import services as clients
from tests.integration.test_contracts import (make_contract, other_firm_client, portfolio,  # noqa: F401
                                             readonly_client)

D = Decimal
TODAY = date.today()
START = add_months(TODAY.replace(day=1), 1)     # calls due ahead: "due", "partly paid"
HTMX = {"HX-Request": "true", "HX-Target": "payment-calls"}


@pytest.fixture
def calls(bound, tenant, portfolio) -> list[int]:
    """The four quarterly calls (1,000.00 net a year, 18 % tax: 295.00 each) of the portfolio's client."""
    contract_id = make_contract(bound, tenant, client_id=portfolio["client"], insurer_id=portfolio["insurer"],
                                effective_date=START, premium="1000.00", instalment_plan="quarterly",
                                policy_number="PAY-Q")
    with bound(tenant) as session:
        issued = billing.generate_for_contract(session, None, session.get(Contract, contract_id), START)
        session.commit()
        assert [call.total for call in issued] == [D("295.00")] * 4
        return [call.id for call in issued]


@pytest.fixture
def other_payer(bound, tenant, portfolio) -> dict:
    """Another client of the same firm, with one call of their own."""
    with bound(tenant) as session:
        client = clients.create(session, None, {"kind": "individual", "last_name": "Durand", "first_name": "Paul"})
        session.commit()
        client_id, reference = client.id, client.reference
    contract_id = make_contract(bound, tenant, client_id=client_id, insurer_id=portfolio["insurer"],
                                effective_date=START, premium="500.00", policy_number="PAY-OTHER")
    with bound(tenant) as session:
        call = billing.generate_for_contract(session, None, session.get(Contract, contract_id), START)[0]
        session.commit()
        return {"client": client_id, "reference": reference, "call": call.id}


def form_data(portfolio, **changes) -> dict:
    return {"payer": portfolio["client_reference"], "amount": "295,00", "method": "transfer",
            "received_on": TODAY.isoformat(), "reference": "VIR MARTIN"} | changes


def count_of(response) -> int:
    """The number of payments the list says it found."""
    return int(re.search(r'data-testid="payment-count">\s*(\d+) payments?', response.text).group(1))


def record(bound, tenant, client_id: int, amount: str, **values) -> int:
    values = {"method": "transfer", "received_on": TODAY} | values
    with bound(tenant) as session:
        payment = billing.record_payment(session, None, client_id=client_id, amount=amount, **values)
        session.commit()
        return payment.id


def test_recording_a_partial_payment_and_an_overpayment_through_the_form(admin_client, bound, tenant, portfolio,
                                                                         calls):
    page = admin_client.get(f"/premiums/payments/new?client_id={portfolio['client']}")
    assert page.status_code == 200 and f'value="{portfolio["client_reference"]}"' in page.text
    assert page.text.count('name="call_ids"') == 4
    partial = admin_client.post("/premiums/payments/new", data=form_data(portfolio, amount="100,50",
                                                                        call_ids=[str(calls[1])]))
    assert partial.status_code == 303, partial.text
    with bound(tenant) as session:
        second = session.get(PremiumCall, calls[1])
        assert (second.paid, second.status) == (D("100.50"), "partly_paid")
        assert session.get(PremiumCall, calls[0]).paid == 0
    over = admin_client.post("/premiums/payments/new", data=form_data(portfolio, amount="1 234,56", method="cheque",
                                                                     reference="CHQ 7700123"))
    assert over.status_code == 303
    detail = admin_client.get(over.headers["Location"])
    assert detail.status_code == 200
    credit = D("1234.56") - 3 * D("295.00") - (D("295.00") - D("100.50"))
    assert f'data-testid="payment-credit">€{credit:,.2f}<' in detail.text
    assert f'data-testid="payer-credit">€{credit:,.2f}<' in detail.text
    assert all(f"/premiums/calls/{call_id}" in detail.text for call_id in calls)
    assert 'data-action="payment.record"' in detail.text and "Payment recorded" in detail.text
    with bound(tenant) as session:
        assert billing.client_credit(session, portfolio["client"]) == credit
        assert all(session.get(PremiumCall, call_id).status == "paid" for call_id in calls)
        cheque = session.get(Payment, int(over.headers["Location"].rsplit("/", 1)[1]))
        assert (cheque.method, cheque.reference, cheque.external_id) == ("cheque", "CHQ 7700123", None)


def test_the_form_is_prefilled_from_a_call_and_shows_what_stays_as_credit(admin_client, bound, tenant, portfolio,
                                                                          calls):
    page = admin_client.get(f"/premiums/payments/new?call_id={calls[2]}")
    assert page.status_code == 200
    assert f'value="{calls[2]}" id="call-{calls[2]}" checked' in page.text and 'value="295.00"' in page.text
    fragment = admin_client.get("/premiums/payments/new", headers=HTMX, query_string={
        "payer": portfolio["client_reference"], "amount": "1 000,00", "method": "card",
        "received_on": TODAY.isoformat(), "call_ids": [str(calls[0]), str(calls[3])]})
    assert fragment.status_code == 200 and "<html" not in fragment.text
    assert 'data-testid="credit-preview"' in fragment.text and "€410.00" in fragment.text   # 1,000 - 2 x 295
    assert fragment.text.count("checked") == 2
    suggestions = admin_client.get("/premiums/payments/payers?payer=mart")
    assert f'<option value="{portfolio["client_reference"]}">' in suggestions.text
    assert admin_client.get("/premiums/payments/new?call_id=987654321").status_code == 404
    assert admin_client.get("/premiums/payments/new?client_id=987654321").status_code == 404


BAD_INPUT = [
    ({"amount": "abc"}, "Enter a number, such as 12500.50."),
    ({"amount": "0"}, "The amount must be more than zero."),
    ({"amount": "-12,00"}, "The amount must be more than zero."),
    ({"amount": ""}, "This field is required."),
    ({"received_on": (TODAY + timedelta(days=1)).isoformat()}, "cannot be in the future"),
    ({"received_on": "31/02/2026"}, "Not a valid date value."),
    ({"payer": "CLI-999999"}, "No client has this reference"),
    ({"method": "cash"}, "Not a valid choice."),
    ({"call_ids": ["not-a-number"]}, "One of the chosen premium calls has nothing left to pay."),
]


def test_bad_input_is_refused_next_to_its_field_and_typed_values_are_kept(admin_client, bound, tenant, portfolio,
                                                                          calls):
    for changes, message in BAD_INPUT:
        response = admin_client.post("/premiums/payments/new", data=form_data(portfolio, reference="Typed ref",
                                                                               **changes))
        assert response.status_code == 422 and message in response.text, changes
        assert 'value="Typed ref"' in response.text
    with bound(tenant) as session:
        assert session.scalar(select(func.count()).select_from(Payment)) == 0


def test_another_clients_call_is_refused_in_the_payment_form(admin_client, bound, tenant, portfolio, calls,
                                                             other_payer):
    response = admin_client.post("/premiums/payments/new", data=form_data(
        portfolio, amount="1 234,56", call_ids=[str(calls[0]), str(other_payer["call"])]))
    assert response.status_code == 422
    assert 'data-testid="calls-error"' in response.text and 'value="1 234,56"' in response.text
    with bound(tenant) as session:
        assert session.scalar(select(func.count()).select_from(Payment)) == 0
        assert session.get(PremiumCall, other_payer["call"]).paid == 0


def test_the_same_bank_reference_twice_is_two_payments_an_external_id_is_counted_once(admin_client, bound, tenant,
                                                                                      portfolio, calls):
    for _ in range(2):
        assert admin_client.post("/premiums/payments/new", data=form_data(portfolio)).status_code == 303
    for _ in range(2):
        record(bound, tenant, portfolio["client"], "295.00", reference="VIR MARTIN", external_id="BANK-LINE-42")
    listing = admin_client.get("/premiums/payments?q=VIR MARTIN")
    assert count_of(listing) == 3
    imported = admin_client.get("/premiums/payments?q=bank-line-42")
    assert count_of(imported) == 1 and "BANK-LINE-42" in imported.text
    with bound(tenant) as session:
        assert session.scalar(select(func.count()).select_from(Payment)) == 3
        assert [session.get(PremiumCall, c).status for c in calls] == ["paid", "paid", "paid", "due"]


def test_the_list_filters_totals_pages_and_exports(admin_client, bound, tenant, portfolio, calls, other_payer):
    record(bound, tenant, portfolio["client"], "300.00", method="cheque", reference="CHQ 1", call_ids=[calls[0]])
    refunded = record(bound, tenant, portfolio["client"], "100.00", received_on=TODAY - timedelta(days=40))
    with bound(tenant) as session:
        billing.refund_payment(session, None, session.get(Payment, refunded), refunded_on=TODAY)
        session.commit()
    for n in range(50):
        record(bound, tenant, other_payer["client"], "10.00", method="card", received_on=TODAY - timedelta(days=2),
               external_id=f"pi_{n}")
    first = admin_client.get("/premiums/payments")
    assert first.status_code == 200 and count_of(first) == 52 and "Page 1 of 2" in first.text
    totals = first.text.split('data-testid="payment-totals"', 1)[1]
    # 300 (295 paid, 5 credit) + 100 (refunded, had paid a call) + 50 x 10 on the other payer's call
    assert "€900.00" in totals and "€895.00" in totals and "€5.00" in totals
    assert admin_client.get("/premiums/payments?page=2").text.count("/premiums/payments/") >= 2
    cheque = admin_client.get("/premiums/payments?method=cheque")
    assert count_of(cheque) == 1 and "€295.00" in cheque.text and "€5.00" in cheque.text
    assert count_of(admin_client.get("/premiums/payments?status=refunded")) == 1
    assert count_of(admin_client.get("/premiums/payments?credit=1")) == 1
    assert count_of(admin_client.get("/premiums/payments?q=martin&status=recorded")) == 1
    window = admin_client.get(f"/premiums/payments?from={(TODAY - timedelta(days=41)).isoformat()}"
                              f"&to={(TODAY - timedelta(days=39)).isoformat()}")
    assert count_of(window) == 1
    fragment = admin_client.get("/premiums/payments?method=card", headers={"HX-Request": "true"})
    assert "<html" not in fragment.text and count_of(fragment) == 50
    assert "No payment matches" in admin_client.get("/premiums/payments?q=nobody").text
    csv = admin_client.get("/premiums/payments/export.csv?method=cheque")
    assert csv.status_code == 200 and csv.mimetype == "text/csv"
    lines = csv.data.decode("utf-8-sig").strip().splitlines()
    assert len(lines) == 2 and "CHQ 1" in lines[1] and "Cheque" in lines[1]
    xlsx = admin_client.get("/premiums/payments/export.xlsx")
    rows = list(load_workbook(io.BytesIO(xlsx.data)).active.iter_rows(values_only=True))
    assert len(rows) == 53 and rows[0][0] == "received_on"
    assert admin_client.get("/premiums/payments/export.pdf").status_code == 404


def test_a_refund_is_confirmed_first_and_a_stale_one_is_refused(admin_client, bound, tenant, portfolio, calls):
    payment_id = record(bound, tenant, portfolio["client"], "300.00", call_ids=[calls[0]])
    confirm = admin_client.get(f"/premiums/payments/{payment_id}/refund")
    assert confirm.status_code == 200 and 'data-testid="refund-form"' in confirm.text
    assert "€5.00" in confirm.text and "QUI-" in confirm.text
    with bound(tenant) as session:
        version = session.get(Payment, payment_id).version
    bad_date = admin_client.post(f"/premiums/payments/{payment_id}/refund", data={
        "refunded_on": (TODAY + timedelta(days=3)).isoformat(), "version": str(version)})
    assert bad_date.status_code == 422 and "cannot be in the future" in bad_date.text
    stale = admin_client.post(f"/premiums/payments/{payment_id}/refund", data={
        "refunded_on": TODAY.isoformat(), "version": str(version - 1)})
    assert stale.status_code == 409 and "Someone changed this meanwhile" in stale.text
    done = admin_client.post(f"/premiums/payments/{payment_id}/refund", data={
        "refunded_on": TODAY.isoformat(), "version": str(version)})
    assert done.status_code == 303
    with bound(tenant) as session:
        payment, call = session.get(Payment, payment_id), session.get(PremiumCall, calls[0])
        assert (payment.status, payment.refunded_on, payment.unallocated) == ("refunded", TODAY, 0)
        assert (call.refunded, call.status) == (D("295.00"), "refunded")
    again = admin_client.post(f"/premiums/payments/{payment_id}/refund", data={
        "refunded_on": TODAY.isoformat(), "version": str(version + 1)})
    assert again.status_code == 409 and "already refunded" in again.text
    page = admin_client.get(f"/premiums/payments/{payment_id}")
    assert 'data-action="payment.refund"' in page.text and 'data-testid="refund-link"' not in page.text


def test_the_credit_pays_open_calls_when_asked(admin_client, bound, tenant, portfolio, calls):
    payment_id = record(bound, tenant, portfolio["client"], "400.00", call_ids=[calls[0]])     # 105.00 credit
    used = admin_client.post(f"/premiums/clients/{portfolio['client']}/use-credit",
                             data={"next": f"/premiums/payments/{payment_id}"})
    assert used.status_code == 303 and used.headers["Location"] == f"/premiums/payments/{payment_id}"
    assert "€105.00 of credit paid open premium calls." in admin_client.get(used.headers["Location"]).text
    with bound(tenant) as session:
        assert session.get(PremiumCall, calls[1]).paid == D("105.00")
        assert billing.client_credit(session, portfolio["client"]) == 0
    nothing = admin_client.post(f"/premiums/clients/{portfolio['client']}/use-credit", data={"next": "//evil.example"})
    assert nothing.status_code == 303 and nothing.headers["Location"] == f"/clients/{portfolio['client']}"
    assert "has no credit" in admin_client.get(nothing.headers["Location"]).text


def test_read_only_users_look_but_cannot_record_refund_or_use_credit(readonly_client, bound, tenant, portfolio,
                                                                      calls):
    payment_id = record(bound, tenant, portfolio["client"], "400.00")
    assert readonly_client.get("/premiums/payments").status_code == 200
    assert readonly_client.get(f"/premiums/payments/{payment_id}").status_code == 200
    assert "Record a payment" not in readonly_client.get("/premiums/payments").text
    assert readonly_client.get("/premiums/payments/new").status_code == 403
    assert readonly_client.post("/premiums/payments/new", data=form_data(portfolio)).status_code == 403
    assert readonly_client.get(f"/premiums/payments/{payment_id}/refund").status_code == 403
    assert readonly_client.post(f"/premiums/payments/{payment_id}/refund",
                                data={"refunded_on": TODAY.isoformat(), "version": "1"}).status_code == 403
    assert readonly_client.post(f"/premiums/clients/{portfolio['client']}/use-credit").status_code == 403
    with bound(tenant) as session:
        assert session.scalar(select(func.count()).select_from(Payment)) == 1
        assert session.get(Payment, payment_id).status == "recorded"


def test_another_firm_reaches_none_of_these_payments(other_firm_client, bound, tenant, portfolio, calls):
    payment_id = record(bound, tenant, portfolio["client"], "400.00")
    assert other_firm_client.get(f"/premiums/payments/{payment_id}").status_code == 404
    assert other_firm_client.get(f"/premiums/payments/{payment_id}/refund").status_code == 404
    assert other_firm_client.post(f"/premiums/payments/{payment_id}/refund",
                                  data={"refunded_on": TODAY.isoformat(), "version": "1"}).status_code == 404
    assert other_firm_client.post(f"/premiums/clients/{portfolio['client']}/use-credit").status_code == 404
    assert other_firm_client.get(f"/premiums/payments/new?call_id={calls[0]}").status_code == 404
    assert other_firm_client.get(f"/premiums/payments/new?client_id={portfolio['client']}").status_code == 404
    assert count_of(other_firm_client.get("/premiums/payments")) == 0
    refused = other_firm_client.post("/premiums/payments/new", data=form_data(portfolio, call_ids=[str(calls[0])]))
    assert refused.status_code == 422 and "No client has this reference" in refused.text
    with bound(tenant) as session:
        assert session.get(Payment, payment_id).status == "recorded"
        assert session.get(PremiumCall, calls[0]).paid == D("295.00")

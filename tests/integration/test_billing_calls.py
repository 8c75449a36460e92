"""Premium call screens: the list (filters, totals, pages, CSV/XLSX export,
a bad month), a call's page (amounts, payments, history, commission,
procedure), the contract's section and its year's issue, the client's
premiums summary; roles and tenant isolation on every route."""

from __future__ import annotations

import io
from datetime import date
from decimal import Decimal

import pytest
from openpyxl import load_workbook
from sqlalchemy import delete, select

from app.billing import services as billing
from app.billing.generation_forms import next_month
from app.billing.models import NonPaymentProcedure, PremiumCall
from app.commissions.models import CommissionLine
from app.contracts.models import Contract
from app.contracts.rules import add_months
from app.crm import services as clients
from tests.conftest import add_user, sign_in
from tests.integration.test_contracts import make_contract, make_insurer

HTMX = {"HX-Request": "true"}
NEXT = next_month()


@pytest.fixture
def book(bound, tenant):
    """Two insurers, a payer with an email and one without, three contracts
    whose instalments fall due on the first of NEXT: monthly, quarterly,
    half-yearly (one each, started before today)."""
    with bound(tenant) as session:
        lea = clients.create(session, None, {"kind": "individual", "last_name": "Martin", "first_name": "Léa",
                                             "email": "lea@example.fr"})
        paul = clients.create(session, None, {"kind": "individual", "last_name": "Bérard", "first_name": "Paul"})
        session.commit()
        lea_id, paul_id = lea.id, paul.id
    alpha, beta = make_insurer(bound, tenant, "Mutuelle Alpha"), make_insurer(bound, tenant, "Assur Beta")
    monthly = make_contract(bound, tenant, client_id=lea_id, insurer_id=alpha, instalment_plan="monthly",
                            effective_date=add_months(NEXT, -3), premium="1200.00", fees=Decimal("12.00"),
                            policy_number="MON-1")
    quarterly = make_contract(bound, tenant, client_id=lea_id, insurer_id=beta, line="home",
                              instalment_plan="quarterly", effective_date=add_months(NEXT, -3), premium="400.00",
                              policy_number="QUA-1")
    half = make_contract(bound, tenant, client_id=paul_id, insurer_id=alpha, instalment_plan="half_yearly",
                         effective_date=add_months(NEXT, -6), premium="300.00", policy_number="HAL-1")
    return {"lea": lea_id, "paul": paul_id, "alpha": alpha, "beta": beta, "monthly": monthly,
            "quarterly": quarterly, "half": half}


def issue_year(bound, tenant, contract_id: int) -> list[int]:
    """The contract's calls for its first insurance year; their ids."""
    with bound(tenant) as session:
        contract = session.get(Contract, contract_id)
        calls = billing.generate_for_contract(session, None, contract, contract.effective_date)
        session.commit()
        return [call.id for call in calls]


def calls_where(bound, tenant, *conditions) -> list[PremiumCall]:
    with bound(tenant) as session:
        calls = list(session.scalars(select(PremiumCall).where(*conditions).order_by(PremiumCall.id)))
        session.expunge_all()
        return calls


def row_count(response) -> int:
    return response.text.count('data-testid="call-status"')


@pytest.fixture
def issued(bound, tenant, book):
    """Every call of the three contracts' first year (12 + 4 + 2), the first monthly one paid."""
    ids = {name: issue_year(bound, tenant, book[name]) for name in ("monthly", "quarterly", "half")}
    with bound(tenant) as session:
        first = session.get(PremiumCall, ids["monthly"][0])
        billing.record_payment(session, None, client_id=book["lea"], amount=first.total, method="transfer",
                               received_on=date.today(), reference=first.reference, call_ids=[first.id])
        session.commit()
    return ids


@pytest.fixture
def reader(app, tenant, client_for):
    add_user(app, tenant, "reader@example.fr", "readonly")
    client = client_for(tenant)
    assert sign_in(client, "reader@example.fr").status_code == 303
    return client


def test_the_list_shows_every_call_with_the_totals_of_the_filtered_set(admin_client, bound, tenant, book, issued):
    response = admin_client.get("/premiums/")
    assert response.status_code == 200
    assert "18 premium calls" in response.text and row_count(response) == 18
    calls = calls_where(bound, tenant)
    total = sum(call.total for call in calls)
    footer = response.text.split('data-testid="call-totals"')[1]
    assert f"€{total:,.2f}" in footer
    assert "Martin Léa" in response.text or "Léa Martin" in response.text
    overdue = [call for call in calls if call.due_date < date.today() and call.id != issued["monthly"][0]]
    assert all(call.status == "overdue" for call in calls_where(bound, tenant, PremiumCall.id.in_(
        [call.id for call in overdue])))
    assert row_count(admin_client.get("/premiums/?status=overdue")) == len(overdue)
    assert row_count(admin_client.get("/premiums/?status=paid")) == 1
    assert row_count(admin_client.get("/premiums/?status=open")) == 17


@pytest.mark.parametrize("query,expected", [
    ("insurer={beta}", 4), ("line=home", 4), ("due={next}", 3), ("kind=instalment", 18), ("q=berard", 2),
    ("q=QUA-1", 4), ("q={reference}", 1), ("client={paul}", 2), ("contract={monthly}", 12),
    ("q=berard&due={next}", 1),
])
def test_filters_narrow_the_list_and_its_totals(admin_client, bound, tenant, book, issued, query, expected):
    reference = calls_where(bound, tenant, PremiumCall.id == issued["quarterly"][1])[0].reference
    url = "/premiums/?" + query.format(next=NEXT.strftime("%Y-%m"), reference=reference, **book)
    response = admin_client.get(url)
    assert response.status_code == 200
    assert row_count(response) == expected
    assert f"Total of the {expected} calls" in response.text


def test_the_due_date_sorts_latest_or_earliest_first(admin_client, bound, tenant, book, issued):
    calls = sorted(calls_where(bound, tenant), key=lambda call: (call.due_date, call.id))
    latest = admin_client.get("/premiums/").text
    earliest = admin_client.get("/premiums/?sort=due&line=motor").text
    assert latest.index(calls[-1].reference) < latest.index(calls[0].reference)
    assert earliest.index(calls[0].reference) < earliest.index(calls[-1].reference)
    assert '<input type="hidden" name="sort" value="due">' in earliest


def test_htmx_filtering_answers_the_results_only(admin_client, book, issued):
    response = admin_client.get("/premiums/?line=home", headers=HTMX)
    assert response.status_code == 200
    assert response.text.lstrip().startswith('<div id="call-results">') and "<html" not in response.text
    assert row_count(response) == 4


def test_no_match_and_no_call_yet_have_their_own_empty_states(admin_client, book, issued):
    response = admin_client.get("/premiums/?kind=credit_note")
    assert "No premium call matches these criteria." in response.text and row_count(response) == 0


def test_an_empty_book_says_so(admin_client):
    response = admin_client.get("/premiums/")
    assert response.status_code == 200 and "No premium call yet." in response.text


def test_a_bad_due_month_is_a_400_with_a_message(admin_client, book, issued):
    response = admin_client.get("/premiums/?due=2026-13")
    assert response.status_code == 400
    assert "Enter a month as YYYY-MM, such as 2026-03." in response.text and row_count(response) == 0
    live = admin_client.get("/premiums/?due=march", headers=HTMX)
    assert "Enter a month as YYYY-MM" in live.text
    assert admin_client.get("/premiums/export.csv?due=nope").status_code == 400
    assert row_count(admin_client.get(f"/premiums/?due={NEXT.month:02d}/{NEXT.year}")) == 3


def test_pages_of_fifty(admin_client, bound, tenant, book, issued):
    for number in range(4):
        contract_id = make_contract(bound, tenant, client_id=book["lea"], insurer_id=book["alpha"],
                                    instalment_plan="monthly", effective_date=add_months(NEXT, -1),
                                    policy_number=f"EXTRA-{number}")
        issue_year(bound, tenant, contract_id)
    first = admin_client.get("/premiums/")
    assert row_count(first) == 50 and "Page 1 of 2" in first.text and "66 premium calls" in first.text
    second = admin_client.get("/premiums/?page=2")
    assert row_count(second) == 16 and "Page 2 of 2" in second.text
    assert "Total of the 66 calls" in second.text


def test_export_the_filtered_set_as_csv_and_xlsx(admin_client, bound, tenant, book, issued):
    csv_response = admin_client.get("/premiums/export.csv?line=home")
    assert csv_response.status_code == 200 and csv_response.mimetype == "text/csv"
    lines = csv_response.data.decode("utf-8-sig").strip().splitlines()
    assert lines[0].startswith("reference;kind;status") and len(lines) == 1 + 4
    references = {call.reference for call in calls_where(bound, tenant, PremiumCall.contract_id == book["quarterly"])}
    assert {line.split(";")[0] for line in lines[1:]} == references
    xlsx = admin_client.get("/premiums/export.xlsx?status=paid")
    rows = list(load_workbook(io.BytesIO(xlsx.data)).active.iter_rows(values_only=True))
    assert len(rows) == 2 and rows[1][2] == "paid"
    assert admin_client.get("/premiums/export.pdf").status_code == 404


def test_the_call_page_shows_amounts_payments_history_commission_and_procedure(admin_client, bound, tenant, book,
                                                                               issued):
    paid_id, late_id = issued["monthly"][0], issued["half"][0]
    paid = calls_where(bound, tenant, PremiumCall.id == paid_id)[0]
    with bound(tenant) as session:
        session.execute(delete(CommissionLine).where(CommissionLine.call_id == paid_id))  # replaced by a known one
        session.add(CommissionLine(call_id=paid_id, contract_id=book["monthly"], insurer_id=book["alpha"],
                                   line="motor", due_date=paid.due_date, base_net=paid.net, rate=Decimal("12.50"),
                                   amount=Decimal("12.34"), status="earned", earned_on=date.today()))
        session.add(NonPaymentProcedure(call_id=late_id, contract_id=book["half"], step="notice_sent",
                                        reminder_sent_on=date(2026, 1, 5), formal_notice_sent_on=date(2026, 1, 12)))
        session.commit()
    page = admin_client.get(f"/premiums/calls/{paid_id}")
    assert page.status_code == 200
    for text in (paid.reference, "Net premium", f"€{paid.net:,.2f}", f"€{paid.tax:,.2f}", f"€{paid.total:,.2f}",
                 "Bank transfer", "Mutuelle Alpha", "Commission", "€12.34", "12.5%", "Earned",
                 f"/contracts/{book['monthly']}", f"/clients/{book['lea']}", "Paid", "Download the notice (PDF)"):
        assert text in page.text, text
    assert page.text.count("Premium call issued") == 1
    late = admin_client.get(f"/premiums/calls/{late_id}")
    assert "Non-payment procedure (L113-3)" in late.text and "Jan 12, 2026" in late.text
    assert "No payment yet." in late.text
    assert admin_client.get("/premiums/calls/999999").status_code == 404


def test_the_contract_page_loads_its_calls_and_issues_the_current_year(admin_client, bound, tenant, book):
    page = admin_client.get(f"/contracts/{book['monthly']}")
    assert f'hx-get="/premiums/contracts/{book["monthly"]}/calls"' in page.text
    section = admin_client.get(f"/premiums/contracts/{book['monthly']}/calls", headers=HTMX)
    assert section.status_code == 200 and "<html" not in section.text and "No premium call yet." in section.text
    assert "Issue the calls of the insurance year from" in section.text
    response = admin_client.post(f"/premiums/contracts/{book['monthly']}/calls")
    assert response.status_code == 303 and response.location.endswith(f"/contracts/{book['monthly']}#premium-calls")
    calls = calls_where(bound, tenant, PremiumCall.contract_id == book["monthly"])
    assert len(calls) == 12 and calls[0].period_start == add_months(NEXT, -3)
    assert "12 premium calls issued" in admin_client.get(f"/contracts/{book['monthly']}").text
    admin_client.post(f"/premiums/contracts/{book['monthly']}/calls")
    assert len(calls_where(bound, tenant, PremiumCall.contract_id == book["monthly"])) == 12
    standalone = admin_client.get(f"/premiums/contracts/{book['monthly']}/calls")
    assert "<html" in standalone.text and standalone.text.count('data-testid="call-status"') == 12


def test_an_ended_contract_issues_nothing_with_a_message(admin_client, bound, tenant, book):
    with bound(tenant) as session:
        session.get(Contract, book["half"]).status = "expired"
        session.commit()
    response = admin_client.post(f"/premiums/contracts/{book['half']}/calls")
    assert response.status_code == 422
    assert "This contract has ended" in response.text
    assert calls_where(bound, tenant, PremiumCall.contract_id == book["half"]) == []


def test_the_client_page_shows_the_premiums_summary(admin_client, bound, tenant, book, issued):
    page = admin_client.get(f"/clients/{book['lea']}")
    assert f'hx-get="/premiums/clients/{book["lea"]}/premiums"' in page.text
    summary = admin_client.get(f"/premiums/clients/{book['lea']}/premiums", headers=HTMX)
    assert summary.status_code == 200
    lea_open = [call for call in calls_where(bound, tenant, PremiumCall.client_id == book["lea"])
                if call.status in ("due", "partly_paid", "overdue")]
    assert f"{len(lea_open)} open calls" in summary.text
    assert f"€{sum(call.total for call in lea_open):,.2f}" in summary.text
    with bound(tenant) as session:
        billing.record_payment(session, None, client_id=book["paul"], amount="1000.00", method="cheque",
                               received_on=date.today())
        session.commit()
    paul = admin_client.get(f"/premiums/clients/{book['paul']}/premiums", headers=HTMX)
    paul_total = sum(call.total for call in calls_where(bound, tenant, PremiumCall.client_id == book["paul"]))
    assert "0 open calls" in paul.text and f"€{Decimal('1000.00') - paul_total:,.2f}" in paul.text
    plain = admin_client.get(f"/premiums/clients/{book['paul']}/premiums")
    assert plain.status_code == 303 and plain.location.endswith(f"/premiums/?client={book['paul']}")


def test_read_only_staff_read_but_change_nothing(reader, bound, tenant, book, issued):
    call_id = issued["quarterly"][0]
    for url in ("/premiums/", f"/premiums/calls/{call_id}", f"/premiums/calls/{call_id}/notice.pdf",
                f"/premiums/contracts/{book['quarterly']}/calls", "/premiums/export.csv", "/premiums/generate"):
        assert reader.get(url).status_code == 200, url
    page = reader.get(f"/premiums/calls/{call_id}")
    assert "Email the notice" not in page.text
    assert "Issue the calls" not in reader.get(f"/premiums/contracts/{book['quarterly']}/calls").text
    for url in (f"/premiums/calls/{call_id}/notice", f"/premiums/contracts/{book['quarterly']}/calls",
                "/premiums/generate"):
        assert reader.post(url, data={"month": NEXT.strftime("%Y-%m")}).status_code == 403, url
    assert len(calls_where(bound, tenant)) == 18


def test_another_firm_reaches_none_of_these_calls(make_tenant, client_for, bound, tenant, book, issued):
    other = make_tenant("b")
    outsider = client_for(other)
    assert sign_in(outsider, "admin@example.fr").status_code == 303
    call_id = issued["monthly"][1]
    for url in (f"/premiums/calls/{call_id}", f"/premiums/calls/{call_id}/notice.pdf",
                f"/premiums/contracts/{book['monthly']}/calls", f"/premiums/clients/{book['lea']}/premiums"):
        assert outsider.get(url, headers=HTMX if "clients" in url else {}).status_code == 404, url
    for url in (f"/premiums/calls/{call_id}/notice", f"/premiums/contracts/{book['monthly']}/calls"):
        assert outsider.post(url).status_code == 404, url
    listing = outsider.get(f"/premiums/?contract={book['monthly']}")
    assert listing.status_code == 200 and row_count(listing) == 0

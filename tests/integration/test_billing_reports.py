"""The premiums and commissions dashboard and the accountant's exports, on a
small known portfolio: sums by month, insurer and line, collection, overdue
buckets; the journals' content in CSV (parsed) and XLSX (opened: amounts are
numbers, days are dates); roles, audit, another firm, bad periods."""

from __future__ import annotations

import csv
import io
import re
from datetime import date, datetime, timedelta, timezone
from decimal import Decimal

import pytest
from openpyxl import load_workbook
from sqlalchemy import select

from app.audit.models import AuditEntry
from app.billing import journals, reports
from app.billing.models import Payment, PaymentAllocation, PremiumCall
from app.billing.reports import Grouping, Period
from app.commissions.models import CommissionLine
from app.crm import services as clients
from tests.conftest import add_user, sign_in
from tests.integration.test_contracts import make_contract, make_insurer, portfolio  # noqa: F401

D = Decimal
YEAR = Period(date(2020, 1, 1), date(2021, 1, 1))
QUARTER = {"from": "2020-01", "to": "2020-03"}


def _call(session, contract_id, client_id, insurer_id, line, due, net, total, *, paid="0", status="due",
          kind="instalment", cancelled_at=None) -> PremiumCall:
    number = session.scalar(select(PremiumCall.id).order_by(PremiumCall.id.desc()).limit(1)) or 0
    call = PremiumCall(reference=f"QUI-T{number + 1:05d}", contract_id=contract_id, client_id=client_id,
                       insurer_id=insurer_id, line=line, kind=kind, number=number + 1, period_start=due,
                       period_end=due + timedelta(days=30), due_date=due, net=D(net), fees=D("0"),
                       tax_rate=D("18.00"), tax=D(total) - D(net), total=D(total), paid=D(paid), refunded=D("0"),
                       status=status, cancelled_at=cancelled_at)
    session.add(call)
    session.flush()
    return call


def _commission(session, call, amount, earned_on, *, reversed_amount="0", reversed_on=None) -> None:
    session.add(CommissionLine(call_id=call.id, contract_id=call.contract_id, insurer_id=call.insurer_id,
                               line=call.line, due_date=call.due_date, base_net=call.net, rate=D("15.00"),
                               amount=D(amount), earned_when="issue", status="earned", earned_on=earned_on,
                               reversed_amount=D(reversed_amount), reversed_on=reversed_on))


def _payment(session, client_id, method, amount, received_on, allocations, *, unallocated="0") -> None:
    payment = Payment(payer_client_id=client_id, method=method, amount=D(amount), unallocated=D(unallocated),
                      received_on=received_on, reference=f"REF {method}", status="recorded")
    session.add(payment)
    session.flush()
    for call, share in allocations:
        session.add(PaymentAllocation(payment_id=payment.id, call_id=call.id, amount=D(share)))


@pytest.fixture
def known(bound, tenant, portfolio):  # noqa: F811
    """Two insurers, two lines, calls of early 2020 with payments and commissions."""
    beta = make_insurer(bound, tenant, "Beta Mutuelle")
    home = make_contract(bound, tenant, client_id=portfolio["client"], insurer_id=beta, line="home",
                         policy_number="HOME-1")
    with bound(tenant) as session:
        other = clients.create(session, None, {"kind": "individual", "last_name": "Zola", "first_name": "Paul"})
        session.flush()
        motor, client, alpha = portfolio["contract"], portfolio["client"], portfolio["insurer"]
        c1 = _call(session, motor, client, alpha, "motor", date(2020, 1, 10), "100", "118", paid="118",
                   status="paid")
        c2 = _call(session, motor, client, alpha, "motor", date(2020, 2, 10), "100", "118", paid="50",
                   status="partly_paid")
        c3 = _call(session, home, client, beta, "home", date(2020, 2, 20), "200", "260", status="overdue")
        c4 = _call(session, home, client, beta, "home", date(2020, 3, 5), "-50", "-65", status="paid",
                   kind="credit_note")
        _call(session, motor, client, alpha, "motor", date(2020, 1, 20), "100", "118", status="cancelled",
              cancelled_at=datetime(2020, 3, 20, 10, tzinfo=timezone.utc))
        c6 = _call(session, home, client, alpha, "home", date(2019, 12, 31), "999", "999", status="overdue")
        c7 = _call(session, motor, other.id, alpha, "motor", date(2020, 1, 5), "40", "50", paid="50",
                   status="paid")
        _commission(session, c1, "15.00", date(2020, 1, 10))
        _commission(session, c2, "15.00", date(2020, 2, 10), reversed_amount="5.00", reversed_on=date(2020, 3, 1))
        _commission(session, c3, "30.00", date(2020, 2, 20))
        _commission(session, c4, "-7.50", date(2020, 3, 5))
        _commission(session, c6, "10.00", date(2019, 12, 31), reversed_amount="10.00",
                    reversed_on=date(2020, 1, 5))
        _payment(session, client, "transfer", "118", date(2020, 1, 12), [(c1, "118")])
        _payment(session, client, "cheque", "80", date(2020, 2, 15), [(c2, "50")], unallocated="30")
        _payment(session, other.id, "card", "50", date(2020, 1, 4), [(c7, "50")])
        session.commit()
    return portfolio | {"beta": beta}


def _by_key(rows):
    return {row.key if not row.label else row.label: row for row in rows}


def test_premium_volume_by_month_insurer_and_line(bound, tenant, known):
    with bound(tenant) as session:
        volume = reports.premium_figures(session, YEAR).volume
        months = volume[Grouping.MONTH]
        assert len(months) == 12 and [row.key for row in months][:3] == [date(2020, 1, 1), date(2020, 2, 1),
                                                                           date(2020, 3, 1)]
        assert [(row.count, row.total, row.net) for row in months[:4]] == [
            (2, D("168"), D("140")), (2, D("378"), D("300")), (1, D("-65"), D("-50")), (0, 0, 0)]
        insurers = _by_key(volume[Grouping.INSURER])
        assert [(name, row.count, row.total, row.net) for name, row in insurers.items()] == [
            ("Beta Mutuelle", 2, D("195"), D("150")), ("Mutuelle Alpha", 3, D("286"), D("240"))]
        lines = _by_key(volume[Grouping.LINE])
        assert {name: (row.count, row.total) for name, row in lines.items()} == {
            "Home (MRH)": (2, D("195")), "Motor": (3, D("286"))}


def test_commissions_earned_and_reversed_by_month_insurer_and_line(bound, tenant, known):
    with bound(tenant) as session:
        figures = reports.commission_figures(session, YEAR)
        months = figures[Grouping.MONTH]
        assert [(row.earned, row.reversed) for row in months[:4]] == [
            (D("15"), D("10")), (D("45"), 0), (D("-7.5"), D("5")), (0, 0)]
        insurers = _by_key(figures[Grouping.INSURER])
        assert {name: (row.earned, row.reversed, row.balance) for name, row in insurers.items()} == {
            "Beta Mutuelle": (D("22.5"), 0, D("22.5")), "Mutuelle Alpha": (D("30"), D("15"), D("15"))}
        lines = _by_key(figures[Grouping.LINE])
        assert {name: (row.earned, row.reversed) for name, row in lines.items()} == {
            "Home (MRH)": (D("22.5"), D("10")), "Motor": (D("30"), D("5"))}


def test_collection_and_dashboard_totals(bound, tenant, known):
    with bound(tenant) as session:
        rows = reports.premium_figures(session, YEAR).collection
        assert [(row.collected, row.outstanding) for row in rows[:3]] == [
            (D("168"), 0), (D("50"), D("68") + D("260")), (0, 0)]
        board = reports.dashboard(session, YEAR, date(2020, 6, 1))
        assert (board.calls, board.total, board.net) == (5, D("481"), D("390"))
        assert (board.earned, board.reversed, board.collected, board.outstanding) == (
            D("52.5"), D("15"), D("218"), D("328"))


def test_overdue_amounts_by_days_late(bound, tenant, portfolio):  # noqa: F811
    today = date.today()
    with bound(tenant) as session:
        args = (portfolio["contract"], portfolio["client"], portfolio["insurer"], "motor")
        for days, total, paid, status in ((1, "100", "0", "overdue"), (30, "50", "20", "partly_paid"),
                                          (31, "70", "0", "due"), (60, "10", "0", "overdue"),
                                          (61, "200", "0", "overdue"), (90, "5", "0", "overdue"),
                                          (91, "300", "0", "overdue"), (400, "1000", "0", "overdue"),
                                          (0, "999", "0", "due"), (-5, "999", "0", "due"),
                                          (45, "999", "999", "paid"), (45, "999", "0", "cancelled")):
            _call(session, *args, today - timedelta(days=days), total, total, paid=paid, status=status)
        session.commit()
        buckets = reports.overdue_buckets(session, today)
    assert [(b.code, b.count, b.amount) for b in buckets] == [
        ("0-30", 2, D("130")), ("31-60", 2, D("80")), ("61-90", 2, D("205")), ("90+", 2, D("1300"))]


def test_period_input():
    today = date(2026, 11, 25)
    assert reports.parse_period(None, None, today) == Period(date(2025, 12, 1), date(2026, 12, 1))
    assert reports.parse_period("2026-02", "2026-02", today) == Period(date(2026, 2, 1), date(2026, 3, 1))
    assert reports.parse_period("2026-02", "", today).end == date(2026, 12, 1)
    for first, last, code in (("2026-13", "2026-12", "period_invalid"), ("26-01", None, "period_invalid"),
                              ("2026-05", "2026-04", "period_reversed"), ("2020-01", "2025-01", "period_too_long")):
        with pytest.raises(reports.BillingError) as refused:
            reports.parse_period(first, last, today)
        assert refused.value.code == code


def test_dashboard_page_shows_charts_with_their_tables(admin_client, known):
    page = admin_client.get("/premiums/reports", query_string=QUARTER)
    assert page.status_code == 200
    html = page.text
    assert html.count('role="img"') == 3 and html.count("<table") == 3
    assert "Premium volume by insurer" in html and "Beta Mutuelle" in html and "€378.00" in html
    assert 'data-testid="report-summary"' in html and "€481.00" in html
    assert "<script>" not in html and " style=" not in html
    commissions = admin_client.get("/premiums/reports", query_string=QUARTER | {"tab": "commissions"},
                                   headers={"HX-Request": "true", "HX-Target": "report-panel"})
    assert commissions.status_code == 200 and commissions.text.lstrip().startswith('<div id="report-panel"')
    assert "Commissions by line" in commissions.text and "€52.50" in commissions.text
    assert re.search(r'class="nav-link active"[^>]*data-tab="commissions"', commissions.text)
    collection = admin_client.get("/premiums/reports", query_string=QUARTER | {"tab": "collection"})
    assert 'data-testid="overdue-buckets"' in collection.text and "Over 90 days" in collection.text
    assert "€328.00" in collection.text


def test_empty_period_says_so(admin_client, known):
    page = admin_client.get("/premiums/reports", query_string={"from": "2010-01", "to": "2010-06"})
    assert page.status_code == 200 and page.text.count("Nothing in this period.") == 3


@pytest.mark.parametrize("query, message", [
    ({"from": "2020-13"}, "Enter the period&#39;s months as YYYY-MM"),
    ({"from": "abc", "to": "2020-01"}, "Enter the period&#39;s months as YYYY-MM"),
    ({"from": "2020-05", "to": "2020-01"}, "must come before its last month"),
    ({"from": "2010-01", "to": "2020-01"}, "at most 60 months"),
])
def test_bad_period_is_a_400_with_a_message(admin_client, query, message):
    page = admin_client.get("/premiums/reports", query_string=query)
    assert page.status_code == 400 and message in page.text
    export = admin_client.get("/premiums/reports/calls.csv", query_string=query)
    assert export.status_code == 400 and message in export.text


def test_bad_export_requests(admin_client):
    assert admin_client.get("/premiums/reports/balances.csv?at=2020-02-30").status_code == 400
    assert "Enter the date as YYYY-MM-DD" in admin_client.get("/premiums/reports/balances.xlsx?at=x").text
    assert admin_client.get("/premiums/reports/ledger.csv").status_code == 404
    assert admin_client.get("/premiums/reports/calls.pdf").status_code == 404


def _csv(response) -> list[list[str]]:
    assert response.status_code == 200 and response.mimetype == "text/csv"
    assert "attachment" in response.headers["Content-Disposition"]
    text = response.data.decode("utf-8-sig")
    return list(csv.reader(io.StringIO(text), delimiter=";"))


def _xlsx(response) -> list[tuple]:
    assert response.status_code == 200 and response.mimetype.endswith("spreadsheetml.sheet")
    return list(load_workbook(io.BytesIO(response.data)).active.iter_rows(values_only=True))


def test_premium_calls_journal(admin_client, known):
    rows = _csv(admin_client.get("/premiums/reports/calls.csv", query_string=QUARTER))
    header, body = rows[0], rows[1:]
    assert header[:3] == ["Premium call", "Issued on", "Due date"] and "Net premium" in header
    assert [row[2] for row in body] == ["2020-01-05", "2020-01-10", "2020-01-20", "2020-02-10", "2020-02-20",
                                        "2020-03-05"]
    cancelled = body[2]
    assert cancelled[header.index("Status")] == "Cancelled" and cancelled[header.index("Total")] == "118,00"
    assert body[5][header.index("Kind")] == "Credit note" and body[5][header.index("Net premium")] == "-50,00"
    sheet = _xlsx(admin_client.get("/premiums/reports/calls.xlsx", query_string=QUARTER))
    assert list(sheet[0]) == header
    first = dict(zip(header, sheet[1]))
    assert first["Due date"] == datetime(2020, 1, 5) and first["Total"] == 50 and isinstance(first["Net premium"],
                                                                                             (int, float))
    assert first["Insurer"] == "Mutuelle Alpha" and first["Line"] == "Motor"


def test_payments_journal_rows_add_up_to_each_payment(admin_client, known):
    rows = _csv(admin_client.get("/premiums/reports/payments.csv", query_string=QUARTER))
    header, body = rows[0], rows[1:]
    amount, target = header.index("Amount"), header.index("Allocated to")
    assert [(row[header.index("Method")], row[target], row[amount]) for row in body] == [
        ("Card", "QUI-T00007", "50,00"), ("Bank transfer", "QUI-T00001", "118,00"),
        ("Cheque", "QUI-T00002", "50,00"), ("Cheque", "Credit kept", "30,00")]
    sheet = _xlsx(admin_client.get("/premiums/reports/payments.xlsx", query_string=QUARTER))
    assert sum(row[amount] for row in sheet[1:]) == 248
    assert sheet[1][header.index("Received on")] == datetime(2020, 1, 4)


def test_commissions_journal_by_insurer(admin_client, known):
    rows = _csv(admin_client.get("/premiums/reports/commissions.csv", query_string=QUARTER))
    header, body = rows[0], rows[1:]
    assert [(row[0], row[1], row[2], row[-1]) for row in body] == [
        ("Beta Mutuelle", "2020-02-20", "Earned", "30,00"), ("Beta Mutuelle", "2020-03-05", "Earned", "-7,50"),
        ("Mutuelle Alpha", "2020-01-05", "Reversed", "-10,00"), ("Mutuelle Alpha", "2020-01-10", "Earned", "15,00"),
        ("Mutuelle Alpha", "2020-02-10", "Earned", "15,00"), ("Mutuelle Alpha", "2020-03-01", "Reversed", "-5,00")]
    sheet = _xlsx(admin_client.get("/premiums/reports/commissions.xlsx", query_string=QUARTER))
    assert sum(row[-1] for row in sheet[1:]) == pytest.approx(52.5 - 15)


def test_balances_at_a_date(admin_client, known):
    rows = _csv(admin_client.get("/premiums/reports/balances.csv", query_string={"at": "2020-02-28"}))
    assert rows[0] == ["Client reference", "Client", "Amount called", "Paid", "Outstanding", "Credit"]
    assert [row[1:] for row in rows[1:]] == [["Martin Léa", "1613,00", "168,00", "1445,00", "30,00"]]
    later = _xlsx(admin_client.get("/premiums/reports/balances.xlsx", query_string={"at": "2020-03-31"}))
    assert [row[1:] for row in later[1:]] == [("Martin Léa", 1430, 168, 1262, 30)]


def test_journals_read_in_chunks_keep_every_row(bound, tenant, known, monkeypatch):
    monkeypatch.setattr(journals, "CHUNK", 2)
    with bound(tenant) as session:
        assert len(list(journals.premium_calls(session, YEAR))) == 1 + 6


def test_read_only_may_read_and_export_and_exports_are_audited(app, tenant, client_for, bound, known):
    add_user(app, tenant, "reader@example.fr", "readonly")
    reader = client_for(tenant)
    assert sign_in(reader, "reader@example.fr").status_code == 303
    assert reader.get("/premiums/reports", query_string=QUARTER).status_code == 200
    assert reader.get("/premiums/reports/calls.xlsx", query_string=QUARTER).status_code == 200
    assert reader.get("/premiums/reports/balances.csv?at=2020-02-28").status_code == 200
    with bound(tenant) as session:
        entries = session.scalars(select(AuditEntry).where(AuditEntry.action == "premium_report.export")
                                  .order_by(AuditEntry.id)).all()
        assert [entry.actor_label for entry in entries] == ["reader@example.fr"] * 2
        assert [entry.after["journal"] for entry in entries] == ["calls", "balances"]
        assert entries[0].after["from"] == "2020-01-01" and entries[1].after["at"] == "2020-02-28"


def test_signed_out_visitors_are_sent_to_sign_in(client_for, tenant):
    response = client_for(tenant).get("/premiums/reports/calls.csv")
    assert response.status_code == 302 and "/login" in response.headers["Location"]


def test_another_firm_sees_none_of_these_figures(make_tenant, client_for, known):
    other = make_tenant("b")
    client = client_for(other)
    assert sign_in(client, "admin@example.fr").status_code == 303
    page = client.get("/premiums/reports", query_string=QUARTER)
    assert page.status_code == 200 and "Beta Mutuelle" not in page.text and "€481.00" not in page.text
    assert _csv(client.get("/premiums/reports/calls.csv", query_string=QUARTER))[1:] == []
    assert _csv(client.get("/premiums/reports/balances.csv", query_string={"at": "2020-02-28"}))[1:] == []


def test_french_page_formats_numbers_the_french_way(admin_client, known):
    admin_client.post("/language", data={"language": "fr"})
    page = admin_client.get("/premiums/reports", query_string=QUARTER | {"tab": "collection"})
    assert page.status_code == 200
    assert re.search(r"328,00\s€", page.text)

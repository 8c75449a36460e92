"""Insurer commission statements (bordereaux): the column mapping saved per
insurer (sample, headers, validation, reuse), the import of a month read with
it (CSV and XLSX, bad rows listed and nothing imported, files refused by
content and size), the reconciliation line by line against the firm's
commission lines due in the month — the issue's statement with a missing, an
extra and an under-paid line — its totals per insurer and month, the
re-import of a month (replaced after confirmation, disputes kept), the
statement's tabs, pages and exports; roles and tenant isolation on every
route.

Commission lines are written directly here (with their contract and premium
call), so these tests do not depend on how the commission services make them.
"""

from __future__ import annotations

import io
import re
import uuid
from datetime import date
from decimal import Decimal as D
from pathlib import Path

import pytest
from openpyxl import Workbook, load_workbook
from sqlalchemy import event, func, insert, select

from app.audit.models import AuditEntry
from app.billing.models import PremiumCall
from app.commissions import statements
from app.commissions.models import CommissionDispute, CommissionLine, InsurerStatement, StatementLine, StatementMapping
from app.commissions.statement_formats import Mapping, StatementRow
from app.commissions.statements import StatementError
from app.contracts.models import Contract
from app.crm import services as clients
from app.extensions import db
from tests.conftest import add_user, sign_in
from tests.integration.test_contracts import make_contract, make_insurer

DATA = Path(__file__).parent.parent / "data" / "statements"
JAN = date(2026, 1, 1)
HEADER = "N° police;Assuré;Date d'échéance;Prime HT;Taux;Commission"
AXA_COLUMNS = {"policy_number": "N° police", "client_name": "Assuré", "due_date": "Date d'échéance",
               "premium": "Prime HT", "rate": "Taux", "amount": "Commission"}


def csv_file(*lines: str) -> bytes:
    return "\r\n".join((HEADER,) + lines).encode("utf-8")


def add_lines(bound, tenant, client_id: int, insurer_id: int, specs) -> dict[str, int]:
    """Commission lines of ``insurer_id``, one per ``(policy number, due date,
    amount[, reversed amount])``, each with its contract and premium call;
    returns {policy number: commission line id}."""
    ids = {}
    for policy, due, amount, *reversed_amount in specs:
        contract_id = make_contract(bound, tenant, client_id=client_id, insurer_id=insurer_id, effective_date=due,
                                    policy_number=policy)
        with bound(tenant) as session:
            call = PremiumCall(reference=f"QUI-{uuid.uuid4().hex[:8]}", contract_id=contract_id, client_id=client_id,
                               insurer_id=insurer_id, line="motor", kind="instalment", number=1, period_start=due,
                               period_end=date(due.year + 1, due.month, due.day), due_date=due, net=D("1000.00"),
                               fees=D("0"), tax_rate=D("18.00"), tax=D("180.00"), total=D("1180.00"))
            session.add(call)
            session.flush()
            line = CommissionLine(call_id=call.id, contract_id=contract_id, insurer_id=insurer_id, line="motor",
                                  due_date=due, base_net=D("1000.00"), rate=D("15.00"), amount=D(amount),
                                  reversed_amount=D(reversed_amount[0]) if reversed_amount else D("0"),
                                  earned_when="issue", status="earned")
            session.add(line)
            session.commit()
            ids[policy] = line.id
    return ids


def save_mapping(bound, tenant, insurer_id: int, **options) -> None:
    with bound(tenant) as session:
        statements.save_mapping(session, None, insurer_id, Mapping(columns=AXA_COLUMNS, **options))
        session.commit()


@pytest.fixture
def book(bound, tenant):
    """A client, the insurer Alpha (its mapping saved) and its commission
    lines: four due in January 2026, one in February; a line of another
    insurer in January; a January line fully reversed."""
    with bound(tenant) as session:
        client = clients.create(session, None, {"kind": "individual", "last_name": "Martin", "first_name": "Léa"})
        session.commit()
        client_id = client.id
    alpha, beta = make_insurer(bound, tenant, "Alpha"), make_insurer(bound, tenant, "Beta")
    lines = add_lines(bound, tenant, client_id, alpha, [
        ("AX-1001", date(2026, 1, 1), "180.00"), ("AX-1002", date(2026, 1, 15), "120.00"),
        ("AX-1003", date(2026, 1, 20), "300.00"), ("AX-1004", date(2026, 1, 25), "50.00"),
        ("AX-1005", date(2026, 2, 1), "75.00"), ("AX-1006", date(2026, 1, 10), "40.00", "-40.00")])
    add_lines(bound, tenant, client_id, beta, [("BT-1", date(2026, 1, 5), "99.00")])
    save_mapping(bound, tenant, alpha)
    return {"client": client_id, "alpha": alpha, "beta": beta, "lines": lines}


#: the issue's statement: AX-1001 paid in full, AX-1002 under-paid, "ax 1003" (AX-1003 as the insurer writes it)
#: in full, AX-1004 missing, AX-9999 extra (unknown to us)
ISSUE_STATEMENT = csv_file("AX-1001;Martin Léa;01/01/2026;1 200,00;15;180,00",
                           "AX-1002;Durand Paul;15/01/2026;800,00;15;110,50",
                           "ax 1003;Petit SARL;20/01/2026;2 400,00;12,5;300,00",
                           "AX-9999;Inconnu;12/01/2026;100,00;10;10,00",
                           ";;;;;600,50")


def upload(client, insurer_id: int, content: bytes, month: str = "2026-01", name: str = "alpha-2026-01.csv"):
    return client.post("/commissions/statements/import", content_type="multipart/form-data",
                       data={"insurer_id": str(insurer_id), "month": month, "file": (io.BytesIO(content), name)})


def imported(bound, tenant, insurer_id: int, month: date = JAN):
    with bound(tenant) as session:
        statement = statements.statement_for(session, insurer_id, month)
        lines = session.scalars(select(StatementLine).where(StatementLine.statement_id == statement.id)
                                .order_by(StatementLine.id)).all()
        session.expunge_all()
        return statement, lines


# --- the issue's reconciliation -------------------------------------------------------------------------------

def test_reconciliation_of_a_statement_with_a_missing_an_extra_and_an_under_paid_line(admin_client, bound, tenant,
                                                                                       book):
    response = upload(admin_client, book["alpha"], ISSUE_STATEMENT)
    assert response.status_code == 303, response.text
    statement, lines = imported(bound, tenant, book["alpha"])
    assert response.headers["Location"].endswith(f"/commissions/statements/{statement.id}")
    assert [(line.row_number, line.policy_number, line.status, line.expected, line.received, line.difference)
            for line in lines] == [
        (2, "AX-1001", "matched", D("180.00"), D("180.00"), D("0.00")),
        (3, "AX-1002", "amount_differs", D("120.00"), D("110.50"), D("-9.50")),
        (4, "ax 1003", "matched", D("300.00"), D("300.00"), D("0.00")),
        (5, "AX-9999", "unknown_to_us", None, D("10.00"), D("10.00")),
        (None, "AX-1004", "missing_from_statement", D("50.00"), None, D("-50.00")),
    ]
    ids = book["lines"]
    assert [line.commission_line_id for line in lines] == [ids["AX-1001"], ids["AX-1002"], ids["AX-1003"], None,
                                                           ids["AX-1004"]]
    missing = lines[-1]
    assert (missing.client_name, missing.due_date, missing.premium, missing.rate) == (
        "Martin Léa", date(2026, 1, 25), D("1000.00"), D("15.00"))
    assert (statement.line_count, statement.filename, statement.month) == (4, "alpha-2026-01.csv", JAN)
    assert statement.totals["all"] == {"count": 5, "expected": "650.00", "received": "600.50", "difference": "-49.50",
                                       "counts": {"matched": 2, "amount_differs": 1, "missing_from_statement": 1,
                                                  "unknown_to_us": 1}}
    assert statement.totals["amount_differs"] == {"count": 1, "expected": "120.00", "received": "110.50",
                                                  "difference": "-9.50"}
    page = admin_client.get(response.headers["Location"])
    assert page.status_code == 200
    for text in ("Alpha · January 2026", "€650.00", "€600.50", "-€49.50", "due from Jan 1, 2026 to Jan 31, 2026",
                 "Missing from the statement", "Unknown to us", "Amount differs"):
        assert text in page.text, text
    with bound(tenant) as session:
        entry = session.scalars(select(AuditEntry).where(AuditEntry.action == "insurer_statement.import")).one()
        assert entry.after["lines"] == 4 and entry.object_id == str(statement.id)


def test_the_window_is_the_month_of_the_due_date_and_a_line_of_another_month_is_unknown(admin_client, bound, tenant,
                                                                                         book):
    content = csv_file("AX-1005;Martin;01/02/2026;500,00;15;75,00", "AX-1001;Martin;01/01/2026;1 200,00;15;180,00")
    assert upload(admin_client, book["alpha"], content).status_code == 303
    _statement, lines = imported(bound, tenant, book["alpha"])
    assert [(line.policy_number, line.status) for line in lines] == [
        ("AX-1005", "unknown_to_us"), ("AX-1001", "matched"), ("AX-1002", "missing_from_statement"),
        ("AX-1003", "missing_from_statement"), ("AX-1004", "missing_from_statement")]
    assert "BT-1" not in {line.policy_number for line in lines}          # another insurer's line
    assert "AX-1006" not in {line.policy_number for line in lines}       # fully reversed: nothing expected


def test_matching_on_the_day_when_the_mapping_says_so(bound, tenant, book):
    rows = [StatementRow(2, "AX-1001", date(2026, 1, 2), D("1200"), D("180.00")),
            StatementRow(3, "AX-1002", date(2026, 1, 15), D("800"), D("120.00"))]
    with bound(tenant) as session:
        statement = statements.reconcile_statement(session, None, book["alpha"], JAN, rows, match_by="day")
        session.commit()
        assert statement.totals["all"]["counts"] == {"matched": 1, "amount_differs": 0, "missing_from_statement": 3,
                                                     "unknown_to_us": 1}


def test_an_xlsx_statement_is_imported_like_a_csv(admin_client, bound, tenant, book):
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(list(HEADER.split(";")))
    sheet.append(["AX-1001", "Martin Léa", date(2026, 1, 1), 1200, 15, 180])
    sheet.append(["AX-1002", "Durand Paul", date(2026, 1, 15), 800, 15, 110.5])
    buffer = io.BytesIO()
    workbook.save(buffer)
    assert upload(admin_client, book["alpha"], buffer.getvalue(), name="alpha.xlsx").status_code == 303
    _statement, lines = imported(bound, tenant, book["alpha"])
    assert [(line.policy_number, line.status, line.difference) for line in lines[:2]] == [
        ("AX-1001", "matched", D("0.00")), ("AX-1002", "amount_differs", D("-9.50"))]


# --- bad files --------------------------------------------------------------------------------------------------

def statement_count(bound, tenant) -> int:
    with bound(tenant) as session:
        return session.scalar(select(func.count()).select_from(InsurerStatement))


def test_bad_rows_are_listed_with_their_row_and_nothing_is_imported(admin_client, bound, tenant, book):
    response = upload(admin_client, book["alpha"], (DATA / "bad_rows.csv").read_bytes())
    assert response.status_code == 422
    assert "5 problems to fix in the file; nothing is imported until they are fixed." in response.text
    for text in ("2026-01-15", "Not a date in the chosen format.", "Empty, but required.",
                 "Not a number written with a decimal comma (1 234,56)."):
        assert text in response.text, text
    assert statement_count(bound, tenant) == 0


@pytest.mark.parametrize("content,status,message", [
    (b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj\x00<<>>", 415, "neither a CSV text file nor an Excel .xlsx workbook"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 64, 415, "old Excel file (.xls)"),
    (b"Police;Montant\r\nAX-1;12\r\n", 422, "The file has no column named"),
    (b"", 422, "The file is empty."),
    (csv_file("AX-1001;Martin;01/03/2026;1 200,00;15;180,00"), 422, "No line of the file is dated in January 2026"),
])
def test_files_refused_as_a_whole_say_why(admin_client, bound, tenant, book, content, status, message):
    response = upload(admin_client, book["alpha"], content)
    assert response.status_code == status and message in response.text
    assert statement_count(bound, tenant) == 0


def test_a_file_over_the_size_limit_is_refused(admin_client, book, monkeypatch):
    from app.commissions import statement_formats
    from app.commissions.views import statements as views

    monkeypatch.setattr(views, "MAX_BYTES", 100)
    monkeypatch.setattr(statement_formats, "MAX_BYTES", 100)
    response = upload(admin_client, book["alpha"], ISSUE_STATEMENT)
    assert response.status_code == 413 and "The file is larger than" in response.text


def test_an_insurer_without_mapping_is_sent_to_set_one_up(admin_client, book):
    response = upload(admin_client, book["beta"], ISSUE_STATEMENT)
    assert response.status_code == 422
    assert "Say first how to read this insurer&#39;s files" in response.text
    assert f"/commissions/statements/mappings/{book['beta']}" in response.text


def test_a_missing_month_or_file_is_named(admin_client, book):
    response = admin_client.post("/commissions/statements/import", data={"insurer_id": str(book["alpha"])})
    assert response.status_code == 422 and "Choose the month." in response.text


# --- re-import ------------------------------------------------------------------------------------------------

def test_importing_a_month_again_asks_first_then_replaces_and_keeps_its_disputes(admin_client, bound, tenant, book):
    assert upload(admin_client, book["alpha"], ISSUE_STATEMENT).status_code == 303
    first, lines = imported(bound, tenant, book["alpha"])
    under_paid = next(line for line in lines if line.status == "amount_differs")
    opened = admin_client.post(f"/commissions/statements/{first.id}/lines/{under_paid.id}/dispute", data={})
    assert opened.status_code == 303
    corrected = csv_file("AX-1001;Martin;01/01/2026;1 200,00;15;180,00", "AX-1002;Durand;15/01/2026;800,00;15;115,00")
    asked = upload(admin_client, book["alpha"], corrected, name="alpha-corrected.csv")
    assert asked.status_code == 200 and "January 2026 is already reconciled for Alpha. Replace it?" in asked.text
    assert imported(bound, tenant, book["alpha"])[0].id == first.id                # nothing changed yet
    token = asked.text.split('name="token" type="hidden" value="')[1].split('"')[0]
    replaced = admin_client.post("/commissions/statements/import/replace",
                                 data={"token": token, "insurer_id": str(book["alpha"]), "month": "2026-01"})
    assert replaced.status_code == 303
    second, lines = imported(bound, tenant, book["alpha"])
    assert second.id != first.id and second.filename == "alpha-corrected.csv" and statement_count(bound, tenant) == 1
    new_line = next(line for line in lines if line.policy_number == "AX-1002")
    assert (new_line.status, new_line.difference) == ("amount_differs", D("-5.00"))
    with bound(tenant) as session:
        dispute = session.scalars(select(CommissionDispute)).one()
        assert dispute.statement_line_id == new_line.id and dispute.amount == D("9.50")
        assert session.scalar(select(func.count()).select_from(StatementLine)) == len(lines)
        assert session.scalars(select(AuditEntry.action).where(AuditEntry.object_type == "insurer_statement")
                               ).all() == ["insurer_statement.import", "insurer_statement.replace"]


def test_the_service_refuses_a_month_already_reconciled_unless_told_to_replace(bound, tenant, book):
    rows = [StatementRow(2, "AX-1001", date(2026, 1, 1), D("1200"), D("180.00"))]
    with bound(tenant) as session:
        statements.reconcile_statement(session, None, book["alpha"], date(2026, 1, 31), rows)
        session.commit()
        with pytest.raises(StatementError) as refused:
            statements.reconcile_statement(session, None, book["alpha"], JAN, rows)
        assert refused.value.code == "month_already_imported"
        session.rollback()
        with pytest.raises(StatementError) as refused:
            statements.reconcile_statement(session, None, 999_999, JAN, rows)
        assert refused.value.code == "insurer_unknown"


def test_a_forged_or_foreign_replace_token_is_refused(admin_client, bound, tenant, book, make_tenant, client_for):
    assert upload(admin_client, book["alpha"], ISSUE_STATEMENT).status_code == 303
    asked = upload(admin_client, book["alpha"], ISSUE_STATEMENT)
    token = asked.text.split('name="token" type="hidden" value="')[1].split('"')[0]
    other = make_tenant("b")
    stranger = client_for(other)
    assert sign_in(stranger, "admin@example.fr").status_code == 303
    for client, sent in ((stranger, token), (admin_client, "forged")):
        response = client.post("/commissions/statements/import/replace",
                               data={"token": sent, "insurer_id": str(book["alpha"]), "month": "2026-01"})
        assert response.status_code == 303
        assert "This upload has expired: choose the file again." in client.get(response.headers["Location"]).text
    assert admin_client.post("/commissions/statements/import/replace", data={}).status_code == 400
    with bound(tenant) as session:
        assert session.scalars(select(AuditEntry.action).where(AuditEntry.object_type == "insurer_statement")
                               ).all() == ["insurer_statement.import"]


# --- a large statement: one read, bulk writes ------------------------------------------------------------------

def test_a_large_statement_is_read_in_one_query_and_written_in_bulk(app, bound, tenant, book):
    """The number of statements sent to PostgreSQL does not grow with the file
    (speed itself is the benchmark's business, in bench/)."""
    count = 3_000
    with bound(tenant) as session:
        contract = session.get(Contract, session.scalar(select(CommissionLine.contract_id)))
        calls = session.execute(insert(PremiumCall).returning(PremiumCall.id), [
            {"reference": f"QUI-B{n:06d}", "contract_id": contract.id, "client_id": book["client"],
             "insurer_id": book["alpha"], "line": "motor", "kind": "adjustment", "number": n + 10,
             "period_start": date(2026, 3, 1), "period_end": date(2026, 4, 1), "due_date": date(2026, 3, 1),
             "net": D("100"), "tax_rate": D("0"), "tax": D("0"), "total": D("100")} for n in range(count)]).scalars()
        session.execute(insert(CommissionLine), [
            {"call_id": call_id, "contract_id": contract.id, "insurer_id": book["alpha"], "line": "motor",
             "due_date": date(2026, 3, 1), "base_net": D("100"), "rate": D("10"), "amount": D("10.00"),
             "reversed_amount": D("0"), "earned_when": "issue", "status": "earned"} for call_id in calls])
        session.commit()
        rows = [StatementRow(n + 2, contract.policy_number, date(2026, 3, 1), D("100"),
                             D("10.00") if n % 100 else D("9.00")) for n in range(count - 10)]
        executed = []
        listener = lambda *args: executed.append(args[2])  # noqa: E731
        event.listen(db.engine, "before_cursor_execute", listener)
        try:
            statement = statements.reconcile_statement(session, None, book["alpha"], date(2026, 3, 1), rows)
            session.commit()
        finally:
            event.remove(db.engine, "before_cursor_execute", listener)
        assert statement.totals["all"]["counts"] == {"matched": count - 40, "amount_differs": 30,
                                                     "missing_from_statement": 10, "unknown_to_us": 0}
        assert session.scalar(select(func.count()).select_from(StatementLine)) == count
        reads = [sql for sql in executed if re.search(r"FROM \S+\.commission_line\b", sql)]
        assert len(reads) == 1                         # the expected lines, in one query
        assert len(executed) <= 12, executed           # the 3,000 lines written by one COPY, not by INSERTs


# --- mapping screen -------------------------------------------------------------------------------------------

def test_the_mapping_screen_lists_the_headers_validates_saves_and_offers_it_again(admin_client, bound, tenant, book):
    beta = book["beta"]
    assert "No mapping yet" in admin_client.get(f"/commissions/statements/mappings/{beta}").text
    sent = admin_client.post(f"/commissions/statements/mappings/{beta}/sample", content_type="multipart/form-data",
                             data={"header_row": "3", "sheet": "",
                                   "file": (io.BytesIO((DATA / "generali_comma_decimal_point.csv").read_bytes()),
                                            "generali.csv")})
    assert sent.status_code == 303
    page = admin_client.get(sent.headers["Location"])
    assert page.status_code == 200 and "5 columns found" in page.text and "GN-501" in page.text
    assert '<option selected value="Policy">Policy</option>' in page.text        # guessed from the header
    token = sent.headers["Location"].split("sample=")[1].split("&")[0]
    choice = {"policy_number": "Policy", "due_date": "Period", "premium": "Premium", "amount": "Commission",
              "rate": "", "client_name": "Insured", "decimal": "point", "date_format": "%Y-%m",
              "match_by": "month", "header_row": "3", "sheet": "", "sample": token}
    missing = admin_client.post(f"/commissions/statements/mappings/{beta}", data=choice | {"amount": ""})
    assert missing.status_code == 422 and "Choose the column holding this." in missing.text
    twice = admin_client.post(f"/commissions/statements/mappings/{beta}", data=choice | {"premium": "Commission"})
    assert twice.status_code == 422 and "already chosen for another field" in twice.text
    by_day = admin_client.post(f"/commissions/statements/mappings/{beta}", data=choice | {"match_by": "day"})
    assert by_day.status_code == 422 and "can only be matched on the month" in by_day.text
    comma = admin_client.post(f"/commissions/statements/mappings/{beta}", data=choice | {"decimal": "comma"})
    assert comma.status_code == 422 and "Not read in the sample&#39;s first rows, e.g. row 4 “1,000.00”" in comma.text
    with bound(tenant) as session:
        assert session.get(StatementMapping, beta) is None
    saved = admin_client.post(f"/commissions/statements/mappings/{beta}", data=choice)
    assert saved.status_code == 303
    with bound(tenant) as session:
        mapping = statements.mapping_of(session, beta)
        assert mapping.columns == {"policy_number": "Policy", "due_date": "Period", "premium": "Premium",
                                   "amount": "Commission", "client_name": "Insured"}
        assert (mapping.decimal_comma, mapping.date_format, mapping.header_row) == (False, "%Y-%m", 3)
        assert session.scalars(select(AuditEntry.action).where(AuditEntry.object_type == "statement_mapping",
                                                               AuditEntry.object_id == str(beta))
                               ).all() == ["statement_mapping.save"]
    again = admin_client.get(f"/commissions/statements/mappings/{beta}")
    assert '<option selected value="Insured">Insured</option>' in again.text
    assert '<option selected value="point">' in again.text and '<option selected value="%Y-%m">' in again.text
    imported_again = upload(admin_client, beta, (DATA / "generali_comma_decimal_point.csv").read_bytes())
    assert imported_again.status_code == 303                                           # the mapping is reused


def test_a_sample_that_is_not_a_spreadsheet_is_refused_on_the_mapping_screen(admin_client, book):
    response = admin_client.post(f"/commissions/statements/mappings/{book['beta']}/sample",
                                 content_type="multipart/form-data",
                                 data={"header_row": "1", "file": (io.BytesIO(b"\x89PNG\r\n\x1a\n\x00\x00"), "a.csv")})
    assert response.status_code == 415 and "neither a CSV text file" in response.text
    no_file = admin_client.post(f"/commissions/statements/mappings/{book['beta']}/sample", data={"header_row": "1"})
    assert no_file.status_code == 422
    expired = admin_client.get(f"/commissions/statements/mappings/{book['beta']}?sample=forged")
    assert expired.status_code == 200 and "This upload has expired" in expired.text


# --- screens ----------------------------------------------------------------------------------------------------

def test_the_list_gives_the_totals_per_insurer_and_month(admin_client, bound, tenant, book):
    assert upload(admin_client, book["alpha"], ISSUE_STATEMENT).status_code == 303
    rows = [StatementRow(2, "AX-1005", date(2026, 2, 1), D("500"), D("70.00"))]
    save_mapping(bound, tenant, book["beta"])
    with bound(tenant) as session:
        statements.reconcile_statement(session, None, book["alpha"], date(2026, 2, 1), rows)
        statements.reconcile_statement(session, None, book["beta"], JAN,
                                       [StatementRow(2, "BT-1", JAN, D("600"), D("99.00"))])
        session.commit()
    page = admin_client.get("/commissions/statements")
    assert page.status_code == 200 and "3 statements" in page.text
    table = page.text.split('data-testid="statement-table"')[1]
    assert table.index("February 2026") < table.index("January 2026")
    totals = page.text.split('data-testid="statement-totals"')[1].split("</tr>")[0]
    assert "€824.00" in totals and "€769.50" in totals and "-€54.50" in totals
    only_alpha = admin_client.get(f"/commissions/statements?insurer={book['alpha']}&year=2026")
    assert "2 statements" in only_alpha.text and "Beta" not in only_alpha.text.split("statement-table")[1]
    assert "No statement matches" in admin_client.get("/commissions/statements?year=2020").text


def test_the_statement_page_has_tabs_pages_and_exports(admin_client, bound, tenant, book, monkeypatch):
    from app.commissions.views import statements as views

    assert upload(admin_client, book["alpha"], ISSUE_STATEMENT).status_code == 303
    statement, _lines = imported(bound, tenant, book["alpha"])
    url = f"/commissions/statements/{statement.id}"
    missing = admin_client.get(f"{url}?status=missing_from_statement")
    assert "AX-1004" in missing.text and "AX-1001" not in missing.text.split('data-testid="statement-lines"')[1]
    fragment = admin_client.get(f"{url}?status=amount_differs", headers={"HX-Request": "true"})
    assert fragment.text.startswith('<div id="statement-lines">')
    assert "Expected €120.00, received €110.50" in fragment.text
    monkeypatch.setattr(views, "LINES_PER_PAGE", 2)
    second = admin_client.get(f"{url}?page=2")
    assert "Page 2 of 3" in second.text and "ax 1003" in second.text and "AX-1001" not in second.text
    csv = admin_client.get(f"{url}/export.csv")
    assert csv.status_code == 200 and csv.mimetype == "text/csv"
    text = csv.data.decode("utf-8-sig").splitlines()
    assert text[0].startswith("Row;Policy number;Client;Due date") and len(text) == 6
    assert "AX-1002" in text[2] and "-9,50" in text[2] and "Amount differs" in text[2]
    xlsx = admin_client.get(f"{url}/export.xlsx?status=missing_from_statement")
    sheet = load_workbook(io.BytesIO(xlsx.data)).active
    assert [row[1] for row in sheet.iter_rows(values_only=True)] == ["Policy number", "AX-1004"]
    assert admin_client.get(f"{url}/export.pdf").status_code == 404
    with bound(tenant) as session:
        assert session.scalar(select(func.count()).select_from(AuditEntry)
                              .where(AuditEntry.action == "insurer_statement.export")) == 2


# --- roles and tenants ----------------------------------------------------------------------------------------

def routes(bound, tenant, book, admin_client) -> tuple[list[str], list[str]]:
    assert upload(admin_client, book["alpha"], ISSUE_STATEMENT).status_code == 303
    statement, lines = imported(bound, tenant, book["alpha"])
    ids = {"statement": statement.id, "line": lines[1].id, "insurer": book["alpha"]}
    gets = ["/commissions/statements/{statement}", "/commissions/statements/{statement}/export.csv",
            "/commissions/statements/{statement}/export.xlsx", "/commissions/statements/mappings/{insurer}",
            "/commissions/statements/{statement}/lines/{line}/dispute"]
    posts = ["/commissions/statements/mappings/{insurer}", "/commissions/statements/mappings/{insurer}/sample",
             "/commissions/statements/{statement}/lines/{line}/dispute"]
    return [path.format(**ids) for path in gets], [path.format(**ids) for path in posts]


def test_readonly_staff_look_but_cannot_import_map_or_dispute(app, admin_client, client_for, bound, tenant, book):
    gets, posts = routes(bound, tenant, book, admin_client)
    add_user(app, tenant, "reader@example.fr", "readonly")
    reader = client_for(tenant)
    assert sign_in(reader, "reader@example.fr").status_code == 303
    for path in gets + ["/commissions/statements", "/commissions/statements/mappings",
                        "/commissions/statements/import"]:
        assert reader.get(path).status_code == 200, path
    for path in posts + ["/commissions/statements/import", "/commissions/statements/import/replace"]:
        assert reader.post(path, data={}).status_code == 403, path
    assert upload(reader, book["alpha"], ISSUE_STATEMENT).status_code == 403
    page = reader.get("/commissions/statements")
    assert "Import a statement" not in page.text


def test_another_firm_gets_404_on_every_route(admin_client, make_tenant, client_for, bound, tenant, book):
    gets, posts = routes(bound, tenant, book, admin_client)
    other = make_tenant("b")
    stranger = client_for(other)
    assert sign_in(stranger, "admin@example.fr").status_code == 303
    for path in gets:
        assert stranger.get(path).status_code == 404, path
    for path in posts:
        assert stranger.post(path, data={}).status_code == 404, path
    assert "No statement imported yet." in stranger.get("/commissions/statements").text
    refused = upload(stranger, book["alpha"], ISSUE_STATEMENT)
    assert refused.status_code == 422 and "Choose an insurer." in refused.text
    with bound(tenant) as session:
        assert session.scalar(select(func.count()).select_from(InsurerStatement)) == 1

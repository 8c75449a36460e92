"""Bank statements: import of a French bank's CSV export and of a CAMT.053
file, automatic matching of transfers to premium calls by reference and
amount, idempotency (the same file twice records nothing twice), the
unmatched screen with its reasons, manual assignment to calls or to a
client, set aside and back, the export; bad files refused with a reason;
roles and tenant isolation on every route."""

from __future__ import annotations

import csv
import io
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from sqlalchemy import func, select

from app.audit.models import AuditEntry
from app.billing import bank
from app.billing import services as billing
from app.billing.models import BankLine, BankStatement, Payment, PremiumCall
from app.contracts.models import Contract
from app.crm import services as clients
from tests.conftest import add_user, sign_in
from tests.integration.test_contracts import make_contract, make_insurer

D = Decimal
DATA = Path(__file__).parent.parent / "data" / "bank"
START = date(2026, 1, 1)
IBAN = "FR7630006000011234567890189"


def owing(bound, tenant, insurer_id: int, name: str, amount: str, policy: str) -> dict:
    """A client with one annual call owing exactly ``amount``."""
    with bound(tenant) as session:
        client = clients.create(session, None, {"kind": "individual", "last_name": name})
        session.commit()
        client_id, client_reference = client.id, client.reference
    contract_id = make_contract(bound, tenant, client_id=client_id, insurer_id=insurer_id, effective_date=START,
                                instalment_plan="annual", premium="100.00", policy_number=policy)
    with bound(tenant) as session:
        [call] = billing.generate_for_contract(session, None, session.get(Contract, contract_id), START,
                                               today=START)
        call.net, call.fees, call.tax, call.total = D(amount), D("0.00"), D("0.00"), D(amount)
        session.commit()
        return {"call": call.id, "reference": call.reference, "client": client_id,
                "client_reference": client_reference}


@pytest.fixture
def book(bound, tenant):
    """Léa owes 154.32 on call A (named in the first transfer), Dupont 120.00
    on call B (named, but 100.00 comes), two garages owe 89.90 each."""
    insurer = make_insurer(bound, tenant)
    return {"a": owing(bound, tenant, insurer, "Martin", "154.32", "P-A"),
            "b": owing(bound, tenant, insurer, "Dupont", "120.00", "P-B"),
            "g1": owing(bound, tenant, insurer, "Garage Nord", "89.90", "P-G1"),
            "g2": owing(bound, tenant, insurer, "Garage Sud", "89.90", "P-G2")}


def sample(name: str, book: dict) -> bytes:
    """A sample file whose call references are those of ``book``."""
    content = (DATA / name).read_bytes()
    return (content.replace(b"000101", f"{book['a']['call']:06d}".encode())
            .replace(b"000102", f"{book['b']['call']:06d}".encode()))


CSV_FILE = "releve-credit-agricole-2026-03.csv"
CAMT_FILE = "camt053-bnp-2026-03.xml"


def upload(client, content: bytes, name: str = "releve.csv", account: str = ""):
    return client.post("/premiums/bank/import", data={"file": (io.BytesIO(content), name), "account": account},
                       content_type="multipart/form-data")


def lines(bound, tenant) -> list[BankLine]:
    with bound(tenant) as session:
        found = list(session.scalars(select(BankLine).order_by(BankLine.booked_on, BankLine.id)))
        session.expunge_all()
        return found


def call(bound, tenant, call_id: int) -> PremiumCall:
    with bound(tenant) as session:
        found = session.get(PremiumCall, call_id)
        session.expunge(found)
        return found


def count(bound, tenant, model) -> int:
    with bound(tenant) as session:
        return session.scalar(select(func.count()).select_from(model))


def line_with(bound, tenant, amount: str) -> BankLine:
    return next(line for line in lines(bound, tenant) if line.amount == D(amount))


@pytest.fixture
def reader(app, tenant, client_for):
    add_user(app, tenant, "reader@example.fr", "readonly")
    client = client_for(tenant)
    assert sign_in(client, "reader@example.fr").status_code == 303
    return client


@pytest.fixture
def imported(admin_client, bound, tenant, book):
    response = upload(admin_client, sample(CSV_FILE, book), CSV_FILE, IBAN)
    assert response.status_code == 303, response.text
    return response


# --- import and automatic matching ---------------------------------------------------------

def test_a_csv_import_matches_the_exact_transfer_and_leaves_the_others(admin_client, bound, tenant, book,
                                                                       imported):
    with bound(tenant) as session:
        statement = session.scalar(select(BankStatement))
        assert (statement.format, statement.account_iban, statement.line_count, statement.matched_count) == (
            "csv", IBAN, 5, 1)
        assert imported.headers["Location"].endswith(f"/premiums/bank/{statement.id}")
    found = lines(bound, tenant)
    assert [(line.amount, line.status) for line in found] == [
        (D("154.32"), "matched"), (D("100.00"), "unmatched"), (D("89.90"), "unmatched"),
        (D("89.90"), "unmatched"), (D("2345.67"), "unmatched")]
    matched = found[0]
    assert matched.call_id == book["a"]["call"] and matched.counterparty == "LEA MARTIN"
    paid = call(bound, tenant, book["a"]["call"])
    assert (paid.status, paid.paid) == ("paid", D("154.32"))
    with bound(tenant) as session:
        payment = session.get(Payment, matched.payment_id)
        assert (payment.method, payment.amount, payment.external_id, payment.payer_client_id, payment.unallocated) \
            == ("transfer", D("154.32"), "bank:" + matched.external_id, book["a"]["client"], D("0.00"))
        assert session.scalar(select(func.count()).select_from(Payment)) == 1
        actions = set(session.scalars(select(AuditEntry.action)))
        assert {"bank_statement.import", "bank_line.match", "payment.record"} <= actions
    assert call(bound, tenant, book["b"]["call"]).status != "paid"
    page = admin_client.get(imported.headers["Location"])
    assert page.status_code == 200 and "5 new lines imported, 1 matched to premium calls." in page.text
    assert page.text.count('data-testid="bank-line"') == 5 and book["a"]["reference"] in page.text


def test_the_unmatched_screen_says_why_and_offers_the_calls(admin_client, bound, tenant, book, imported):
    page = admin_client.get("/premiums/bank/unmatched")
    assert page.status_code == 200
    assert page.text.count('data-testid="unmatched-line"') == 4
    reasons = page.text.count
    assert reasons('data-reason="partial"') == 1 and reasons('data-reason="several_same_amount"') == 2
    assert reasons('data-reason="nothing"') == 1
    assert (f"Reference {book['b']['reference']} found, but the transfer is €20.00 short: it owes €120.00."
            in page.text)
    assert "2 premium calls owe this amount" in page.text
    assert book["g1"]["reference"] in page.text and book["g2"]["reference"] in page.text
    assert "No reference found and no premium call owes this amount." in page.text
    assert 'data-testid="quick-credit"' not in page.text  # the garages are two payers
    line = admin_client.get(f"/premiums/bank/lines/{line_with(bound, tenant, '2345.67').id}")
    assert line.status_code == 200 and "COMMISSIONS FEVRIER 2026" in line.text


def test_a_line_that_matches_since_its_import_is_offered_in_one_click(admin_client, bound, tenant, book,
                                                                       imported):
    with bound(tenant) as session:  # an endorsement brought the call down to what came
        called = session.get(PremiumCall, book["b"]["call"])
        called.net = called.total = D("100.00")
        session.commit()
    page = admin_client.get("/premiums/bank/unmatched")
    assert 'data-reason="exact"' in page.text
    assert f"{book['b']['reference']} now owes exactly this amount." in page.text
    line = line_with(bound, tenant, "100.00")
    assert f'name="calls" value="{book["b"]["reference"]}"' in page.text
    assert admin_client.post(f"/premiums/bank/lines/{line.id}/assign", data={
        "calls": book["b"]["reference"], "version": line.version}).status_code == 303
    assert call(bound, tenant, book["b"]["call"]).status == "paid"


def test_one_call_owing_the_amount_without_reference_is_suggested_not_recorded(admin_client, bound, tenant,
                                                                               book):
    content = "Date;Libellé;Montant\n12/03/2026;VIR SEPA RECU /DE M DUPONT /MOTIF ASSURANCE;120,00\n"
    assert upload(admin_client, content.encode()).status_code == 303
    assert [line.status for line in lines(bound, tenant)] == ["unmatched"]
    assert call(bound, tenant, book["b"]["call"]).paid == D("0.00")
    page = admin_client.get("/premiums/bank/unmatched")
    assert 'data-reason="same_amount"' in page.text
    assert f"only {book['b']['reference']} owes this amount" in page.text


def test_calls_of_one_payer_owing_the_amount_offer_that_payer(admin_client, bound, tenant, book):
    insurer = make_insurer(bound, tenant, "Assur Gamma")
    first = owing(bound, tenant, insurer, "Transports Martins", "547.73", "P-T1")
    with bound(tenant) as session:
        contract_id = session.get(PremiumCall, first["call"]).contract_id
        [second] = billing.generate_for_contract(session, None, session.get(Contract, contract_id),
                                                 date(2027, 1, 1), today=START)
        second.net, second.fees, second.tax, second.total = D("547.73"), D("0.00"), D("0.00"), D("547.73")
        session.commit()
    content = "Date;Libellé;Montant\n12/03/2026;VIR SEPA RECU /DE MARTINS TRANSPORTS /MOTIF ECHEANCE;547,73\n"
    assert upload(admin_client, content.encode()).status_code == 303
    page = admin_client.get("/premiums/bank/unmatched")
    assert 'data-reason="several_same_amount"' in page.text and 'data-testid="quick-credit"' in page.text
    assert f'name="client" value="{first["client_reference"]}"' in page.text
    line = lines(bound, tenant)[0]
    assert admin_client.post(f"/premiums/bank/lines/{line.id}/credit", data={
        "client": first["client_reference"], "version": line.version}).status_code == 303
    assert call(bound, tenant, first["call"]).status == "paid"


def test_references_of_two_payers_in_one_transfer_are_not_matched(admin_client, bound, tenant, book):
    content = (f"Date;Libellé;Montant\n12/03/2026;VIR {book['a']['reference']} {book['b']['reference']};"
               "274,32\n")
    assert upload(admin_client, content.encode()).status_code == 303
    assert [line.status for line in lines(bound, tenant)] == ["unmatched"]
    assert 'data-reason="several_payers"' in admin_client.get("/premiums/bank/unmatched").text


def test_importing_the_same_file_twice_records_nothing_twice(admin_client, bound, tenant, book, imported):
    again = upload(admin_client, sample(CSV_FILE, book), CSV_FILE, IBAN)
    assert again.status_code == 303 and again.headers["Location"].endswith("/premiums/bank")
    page = admin_client.get("/premiums/bank")
    assert "The 5 lines of this file were already imported: nothing was recorded twice." in page.text
    assert (count(bound, tenant, BankStatement), count(bound, tenant, BankLine), count(bound, tenant, Payment)) \
        == (1, 5, 1)
    assert call(bound, tenant, book["a"]["call"]).paid == D("154.32")
    assert page.text.count('data-testid="statement-row"') == 1


def test_a_camt053_import_matches_by_the_structured_reference_and_is_idempotent(admin_client, bound, tenant,
                                                                                 book):
    content = sample(CAMT_FILE, book)
    assert upload(admin_client, content, CAMT_FILE).status_code == 303
    found = lines(bound, tenant)
    assert [(line.amount, line.status) for line in found] == [
        (D("154.32"), "matched"), (D("100.00"), "unmatched"), (D("89.90"), "unmatched"),
        (D("89.90"), "unmatched"), (D("2345.67"), "unmatched")]
    assert found[0].external_id == "ref:FR7630004008190001234567879:2026030200123"
    with bound(tenant) as session:
        assert session.scalar(select(BankStatement.account_iban)) == "FR7630004008190001234567879"
    assert upload(admin_client, content, CAMT_FILE).status_code == 303
    assert (count(bound, tenant, BankLine), count(bound, tenant, Payment)) == (5, 1)


def test_the_same_transfers_in_a_csv_then_a_camt_file_are_two_lines_but_one_payment(admin_client, bound, tenant,
                                                                                      book, imported):
    """A CSV line has no entry reference, a CAMT line has the bank's: their
    external ids differ, so the CAMT lines are new lines (documented in
    app.billing.bank_formats). The call paid by the CSV line is closed, so
    the CAMT line naming it stays unmatched: the money is not counted twice."""
    assert upload(admin_client, sample(CAMT_FILE, book), CAMT_FILE).status_code == 303
    assert (count(bound, tenant, BankStatement), count(bound, tenant, BankLine), count(bound, tenant, Payment)) \
        == (2, 10, 1)
    assert call(bound, tenant, book["a"]["call"]).paid == D("154.32")
    page = admin_client.get("/premiums/bank/unmatched")
    assert f"{book['a']['reference']} is named in the label but has nothing left to pay (paid)." in page.text


def test_after_a_partial_payment_a_transfer_of_the_rest_matches(admin_client, bound, tenant, book):
    first = f"Date;Libellé;Montant\n05/03/2026;VIR {book['b']['reference']};100,00\n"
    rest = f"Date;Libellé;Montant\n06/03/2026;VIR SOLDE {book['b']['reference']};20,00\n"
    assert upload(admin_client, first.encode()).status_code == 303
    line = lines(bound, tenant)[0]
    assert line.status == "unmatched"
    assert admin_client.post(f"/premiums/bank/lines/{line.id}/assign", data={
        "calls": book["b"]["reference"], "version": line.version}).status_code == 303
    assert upload(admin_client, rest.encode()).status_code == 303
    assert [line.status for line in lines(bound, tenant)] == ["matched", "matched"]
    assert call(bound, tenant, book["b"]["call"]).status == "paid"


def test_a_file_of_debits_only_records_nothing_and_says_so(admin_client, bound, tenant):
    content = "Date;Libellé;Débit;Crédit\n03/03/2026;PRLV URSSAF;1 250,00;\n20/03/2026;CB CARREFOUR;45,12;\n"
    response = upload(admin_client, content.encode())
    assert response.status_code == 303
    page = admin_client.get(response.headers["Location"])
    assert "No money received in this file: its 2 lines (debits, pending entries…) are left out." in page.text
    assert count(bound, tenant, BankStatement) == 0


# --- what a person does ------------------------------------------------------------------

def test_assigning_an_under_payment_to_its_call_pays_it_in_part(admin_client, bound, tenant, book, imported):
    line = line_with(bound, tenant, "100.00")
    response = admin_client.post(f"/premiums/bank/lines/{line.id}/assign", data={
        "calls": book["b"]["reference"].lower().replace("-", ""), "version": line.version,
        "next": "/premiums/bank/unmatched"})
    assert response.status_code == 303 and response.headers["Location"].endswith("/premiums/bank/unmatched")
    after = lines(bound, tenant)[1]
    assert (after.status, after.call_id) == ("matched", book["b"]["call"])
    called = call(bound, tenant, book["b"]["call"])
    assert (called.paid, called.status) == (D("100.00"), "overdue" if date.today() > START else "partly_paid")
    with bound(tenant) as session:
        assert session.scalar(select(BankStatement.matched_count)) == 2
        assert session.scalar(select(AuditEntry).where(AuditEntry.action == "bank_line.assign")) is not None
    assert "€100.00 recorded for " + book["b"]["reference"] in admin_client.get("/premiums/bank/unmatched").text


def test_assigning_more_than_owed_keeps_the_rest_as_credit(admin_client, bound, tenant, book, imported):
    line = line_with(bound, tenant, "2345.67")
    response = admin_client.post(f"/premiums/bank/lines/{line.id}/assign", data={
        "calls": book["g1"]["reference"], "version": line.version})
    assert response.status_code == 303
    assert call(bound, tenant, book["g1"]["call"]).status == "paid"
    with bound(tenant) as session:
        payment = session.scalar(select(Payment).where(Payment.external_id == "bank:" + line.external_id))
        assert payment.unallocated == D("2345.67") - D("89.90")
    page = admin_client.get(response.headers["Location"])
    assert "€2,255.77 kept as the payer&#39;s credit." in page.text and 'data-testid="line-payment"' in page.text


def test_assigning_to_a_client_pays_their_oldest_calls_then_credit(admin_client, bound, tenant, book, imported):
    line = line_with(bound, tenant, "2345.67")
    response = admin_client.post(f"/premiums/bank/lines/{line.id}/credit", data={
        "client": book["b"]["client_reference"], "version": line.version})
    assert response.status_code == 303
    assert call(bound, tenant, book["b"]["call"]).status == "paid"
    with bound(tenant) as session:
        payment = session.scalar(select(Payment).where(Payment.external_id == "bank:" + line.external_id))
        assert (payment.payer_client_id, payment.unallocated) == (book["b"]["client"], D("2225.67"))
    assert lines(bound, tenant)[-1].status == "matched" and lines(bound, tenant)[-1].call_id is None


@pytest.mark.parametrize("action, data, message, status", [
    ("assign", {"calls": "QUI-999999"}, "No premium call has this reference.", 422),
    ("assign", {"calls": "the garage"}, "Type the reference of a premium call, such as QUI-000123.", 422),
    ("assign", {"calls": ""}, "Type the reference of a premium call, such as QUI-000123.", 422),
    ("credit", {"client": "CLI-999999"}, "No client has this reference.", 422),
    ("credit", {"client": ""}, "Type the client's reference, such as CLI-000123.", 422),
    ("ignore", {"note": "  "}, "Say what this money is, such as an insurer's commission.", 422),
    ("unignore", {}, "This bank line is not set aside.", 409),
])
def test_bad_actions_are_refused_next_to_the_field(admin_client, bound, tenant, book, imported, action, data,
                                                    message, status):
    line = line_with(bound, tenant, "2345.67")
    response = admin_client.post(f"/premiums/bank/lines/{line.id}/{action}", data={"version": line.version} | data)
    assert response.status_code == status and message in response.text
    assert line_with(bound, tenant, "2345.67").status == "unmatched"
    if "calls" in data:
        assert f'value="{data["calls"]}"' in response.text  # what was typed is kept


def test_calls_of_two_payers_or_a_paid_call_cannot_be_assigned(admin_client, bound, tenant, book, imported):
    line = line_with(bound, tenant, "2345.67")
    both = f"{book['g1']['reference']} {book['b']['reference']}"
    response = admin_client.post(f"/premiums/bank/lines/{line.id}/assign", data={"calls": both,
                                                                                  "version": line.version})
    assert response.status_code == 422 and "different payers" in response.text
    response = admin_client.post(f"/premiums/bank/lines/{line.id}/assign", data={
        "calls": book["a"]["reference"], "version": line.version})
    assert response.status_code == 422 and "has nothing left to pay" in response.text
    assert count(bound, tenant, Payment) == 1


def test_set_aside_with_a_note_then_bring_back(admin_client, bound, tenant, book, imported):
    line = line_with(bound, tenant, "2345.67")
    response = admin_client.post(f"/premiums/bank/lines/{line.id}/ignore", data={
        "note": "Commission AXA février", "version": line.version, "next": "/premiums/bank/unmatched"})
    assert response.status_code == 303
    ignored = line_with(bound, tenant, "2345.67")
    assert (ignored.status, ignored.note) == ("ignored", "Commission AXA février")
    page = admin_client.get("/premiums/bank/unmatched")
    assert page.text.count('data-testid="unmatched-line"') == 3
    aside = admin_client.get("/premiums/bank/unmatched?status=ignored")
    assert aside.text.count('data-testid="unmatched-line"') == 1 and "Commission AXA février" in aside.text
    stale = admin_client.post(f"/premiums/bank/lines/{line.id}/unignore", data={"version": line.version})
    assert stale.status_code == 409 and "Someone changed this meanwhile" in stale.text
    again = admin_client.post(f"/premiums/bank/lines/{line.id}/assign", data={
        "calls": book["g1"]["reference"], "version": ignored.version})
    assert again.status_code == 409 and "already matched or set aside" in again.text
    back = admin_client.post(f"/premiums/bank/lines/{line.id}/unignore", data={"version": ignored.version})
    assert back.status_code == 303
    assert (line_with(bound, tenant, "2345.67").status, line_with(bound, tenant, "2345.67").note) == (
        "unmatched", None)
    with bound(tenant) as session:
        actions = list(session.scalars(select(AuditEntry.action).where(AuditEntry.object_type == "bank_line",
                                                                       AuditEntry.object_id == str(line.id))))
        assert actions == ["bank_line.ignore", "bank_line.unignore"]


def test_a_stale_assignment_is_refused_and_records_nothing(admin_client, bound, tenant, book, imported):
    line = line_with(bound, tenant, "100.00")
    ok = admin_client.post(f"/premiums/bank/lines/{line.id}/assign", data={"calls": book["b"]["reference"],
                                                                          "version": line.version})
    assert ok.status_code == 303
    twice = admin_client.post(f"/premiums/bank/lines/{line.id}/assign", data={"calls": book["b"]["reference"],
                                                                             "version": line.version})
    assert twice.status_code == 409 and "Someone changed this meanwhile" in twice.text
    assert call(bound, tenant, book["b"]["call"]).paid == D("100.00") and count(bound, tenant, Payment) == 2


def test_the_unmatched_lines_export_as_csv_with_the_reason(admin_client, bound, tenant, book, imported):
    response = admin_client.get("/premiums/bank/unmatched.csv")
    assert response.status_code == 200 and response.mimetype == "text/csv"
    rows = list(csv.reader(io.StringIO(response.data.decode("utf-8-sig")), delimiter=";"))
    assert rows[0][:3] == ["Date", "Amount", "Label"] and len(rows) == 5
    partial = next(row for row in rows if row[1] == "100,00")
    assert "€20.00 short" in partial[7] and partial[8] == book["b"]["reference"]
    assert admin_client.get("/premiums/bank/unmatched.xlsx").status_code == 200
    assert admin_client.get("/premiums/bank/unmatched.pdf").status_code == 404
    with bound(tenant) as session:
        assert session.scalar(select(func.count()).where(AuditEntry.action == "bank_line.export")) == 2


def test_lists_paginate_and_filter(admin_client, bound, tenant, book, imported, monkeypatch):
    from app.billing.views import bank as views

    monkeypatch.setattr(views, "PER_PAGE", 2)
    statement_id = lines(bound, tenant)[0].statement_id
    first = admin_client.get(f"/premiums/bank/{statement_id}")
    assert first.text.count('data-testid="bank-line"') == 2 and "Page 1 of 3" in first.text
    assert f"/premiums/bank/{statement_id}?page=2" in first.text
    unmatched = admin_client.get(f"/premiums/bank/{statement_id}?status=unmatched&page=2")
    assert unmatched.text.count('data-testid="bank-line"') == 2 and "status=unmatched&amp;page=1" in unmatched.text
    assert admin_client.get("/premiums/bank/unmatched?page=2").text.count('data-testid="unmatched-line"') == 2
    assert admin_client.get("/premiums/bank?page=9").status_code == 200
    assert admin_client.get("/premiums/bank/unmatched?page=99999999999999999999999").status_code == 200


# --- bad files -----------------------------------------------------------------------------

BOMB = (b'<?xml version="1.0"?><!DOCTYPE d [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;">'
        b'<!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;">]>'
        b'<Document xmlns="urn:iso:std:iso:20022:tech:xsd:camt.053.001.02">&c;</Document>')


@pytest.mark.parametrize("content, name, message", [
    (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "photo.png", "This is not a bank statement"),
    (b"", "empty.csv", "The file has no transaction"),
    (b"nom;prenom\nMartin;Lea\n", "clients.csv", "No column of dates and amounts found"),
    (BOMB, "bomb.xml", "declares a document type (DTD): refused for safety"),
    (b"<Document><Stmt></Document>", "broken.xml", "The XML file is damaged near line 1."),
    (b'<Document xmlns="urn:iso:std:iso:20022:tech:xsd:pain.001.001.03"/>', "pain.xml", "is not a CAMT.053"),
    ("Date;Libellé;Montant\n31/02/2026;VIR;10,00\n01/03/2026;VIR;dix\n".encode(), "bad.csv",
     "Line 3: “dix” is not an amount in euros"),
])
def test_a_bad_file_is_refused_with_a_clear_message(admin_client, bound, tenant, content, name, message):
    response = upload(admin_client, content, name)
    assert response.status_code == 422 and message in response.text
    assert count(bound, tenant, BankStatement) == 0 and count(bound, tenant, BankLine) == 0


def test_bad_rows_are_all_named(admin_client):
    response = upload(admin_client, "Date;Libellé;Montant\n31/02/2026;VIR;10,00\n01/03/2026;VIR;dix\n".encode())
    assert "Line 2: “31/02/2026” is not a date" in response.text and 'data-testid="row-problems"' in response.text


def test_too_many_lines_a_too_large_file_a_missing_file_and_a_bad_iban_are_refused(admin_client, monkeypatch):
    monkeypatch.setattr(bank, "MAX_LINES", 2)
    response = upload(admin_client, b"Date;Libelle;Montant\n" + b"01/03/2026;VIR;1,00\n" * 3)
    assert response.status_code == 422 and "The file has 3 credit lines, more than 2" in response.text
    monkeypatch.setattr(bank, "MAX_BYTES", 100)
    response = upload(admin_client, b"Date;Libelle;Montant\n" + b"01/03/2026;VIR;1,00\n" * 10)
    assert response.status_code == 413 and "larger than" in response.text
    missing = admin_client.post("/premiums/bank/import", data={}, content_type="multipart/form-data")
    assert missing.status_code == 422 and "Choose the file to import." in missing.text
    bad_iban = upload(admin_client, b"Date;Libelle;Montant\n01/03/2026;VIR;1,00\n", account="FR76 1234")
    assert bad_iban.status_code == 422 and "This IBAN is not valid" in bad_iban.text
    assert 'value="FR76 1234"' in bad_iban.text


def test_a_camt_file_of_another_account_than_typed_is_refused(admin_client, book):
    response = upload(admin_client, sample(CAMT_FILE, book), CAMT_FILE, IBAN)
    assert response.status_code == 422 and "statement of account FR7630004008190001234567879" in response.text


# --- roles and tenants -------------------------------------------------------------------

def test_a_read_only_colleague_sees_but_cannot_change(reader, bound, tenant, book, imported):
    line = line_with(bound, tenant, "2345.67")
    statement_id = line.statement_id
    for url in ("/premiums/bank", "/premiums/bank/import", f"/premiums/bank/{statement_id}",
                "/premiums/bank/unmatched", "/premiums/bank/unmatched.csv", f"/premiums/bank/lines/{line.id}"):
        assert reader.get(url).status_code == 200, url
    page = reader.get("/premiums/bank/unmatched")
    assert 'data-testid="quick-assign"' not in page.text
    assert 'data-testid="assign-calls"' not in reader.get(f"/premiums/bank/lines/{line.id}").text
    assert upload(reader, sample(CSV_FILE, book)).status_code == 403
    for action in ("assign", "credit", "ignore", "unignore"):
        response = reader.post(f"/premiums/bank/lines/{line.id}/{action}", data={
            "version": line.version, "calls": book["g1"]["reference"], "client": book["g1"]["client_reference"],
            "note": "x"})
        assert response.status_code == 403, action
    assert line_with(bound, tenant, "2345.67").status == "unmatched"


def test_another_firm_reaches_none_of_these_lines(make_tenant, client_for, bound, tenant, book, imported):
    line = line_with(bound, tenant, "2345.67")
    other = make_tenant("b")
    outsider = client_for(other)
    assert sign_in(outsider, "admin@example.fr").status_code == 303
    for url in (f"/premiums/bank/{line.statement_id}", f"/premiums/bank/lines/{line.id}"):
        assert outsider.get(url).status_code == 404, url
    for action in ("assign", "credit", "ignore", "unignore"):
        assert outsider.post(f"/premiums/bank/lines/{line.id}/{action}", data={
            "version": line.version, "calls": "QUI-000001", "client": "CLI-000001", "note": "x"}).status_code == 404
    assert outsider.get("/premiums/bank/unmatched").text.count('data-testid="unmatched-line"') == 0
    assert "No bank statement imported yet." in outsider.get("/premiums/bank").text
    assert line_with(bound, tenant, "2345.67").status == "unmatched"


def test_signed_out_visitors_are_sent_to_sign_in(client_for, tenant):
    visitor = client_for(tenant)
    for url in ("/premiums/bank", "/premiums/bank/unmatched", "/premiums/bank/import"):
        response = visitor.get(url)
        assert response.status_code == 302 and "/login" in response.headers["Location"], url
    assert visitor.post("/premiums/bank/lines/1/ignore", data={"note": "x", "version": 1}).status_code == 302

"""Bank statement parsers: CSV as French banks export it (semicolon or comma,
decimal comma, dd/mm/yyyy or ISO dates, one amount column or debit/credit
columns, a preamble before the header, cp1252 or UTF-8 with a BOM) and
ISO 20022 CAMT.053 (001.02 and later). Only credit lines are kept; external
ids are stable across imports of the same file and keep identical transfers
apart; XML with a DTD is refused."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest

from app.billing import bank_camt, bank_formats
from app.billing.bank_formats import FormatProblem

D = Decimal
DATA = Path(__file__).parent.parent / "data" / "bank"
CSV_SAMPLE = (DATA / "releve-credit-agricole-2026-03.csv").read_bytes()
CAMT_SAMPLE = (DATA / "camt053-bnp-2026-03.xml").read_bytes()
IBAN = "FR7630006000011234567890189"


def problem(content: bytes, account: str | None = None) -> FormatProblem:
    with pytest.raises(FormatProblem) as caught:
        bank_formats.parse(content, account)
    return caught.value


# --- amounts and dates -------------------------------------------------------------------

@pytest.mark.parametrize("text, amount", [
    ("154,32", "154.32"), ("1 250,00", "1250.00"), ("1\u00a0250,00", "1250.00"), ("1\u202f250,5", "1250.50"),
    ("-45,12", "-45.12"), ("+12,00", "12.00"), ("1.234,56", "1234.56"), ("1,234.56", "1234.56"),
    ("1234.56", "1234.56"), ("89,90 €", "89.90"), ("12 EUR", "12.00"), (",50", "0.50")])
def test_amounts_are_read_with_a_decimal_comma_or_point(text, amount):
    assert bank_formats.parse_amount(text) == D(amount)


@pytest.mark.parametrize("text", ["", "abc", "12,345", "1.234", "1,2,3", "12..5", "--5", "NaN", "1e3"])
def test_an_amount_not_to_the_cent_is_refused(text):
    with pytest.raises(ValueError):
        bank_formats.parse_amount(text)


@pytest.mark.parametrize("text", ["02/03/2026", "02/03/26", "02-03-2026", "02.03.2026", "2026-03-02",
                                  "2026-03-02T10:15:00+01:00", "2026/03/02"])
def test_dates_are_read_french_style_or_iso(text):
    assert bank_formats.parse_date(text) == date(2026, 3, 2)


@pytest.mark.parametrize("text", ["31/02/2026", "2026-13-01", "mars 2026", ""])
def test_a_bad_date_is_refused(text):
    with pytest.raises(ValueError):
        bank_formats.parse_date(text)


# --- CSV ---------------------------------------------------------------------------------

def test_a_credit_agricole_export_keeps_its_credits_only():
    statement = bank_formats.parse(CSV_SAMPLE, IBAN)
    assert statement.format == "csv" and statement.account == IBAN
    assert [(line.booked_on, line.amount) for line in statement.lines] == [
        (date(2026, 3, 2), D("154.32")), (date(2026, 3, 5), D("100.00")), (date(2026, 3, 10), D("89.90")),
        (date(2026, 3, 10), D("89.90")), (date(2026, 3, 16), D("2345.67"))]
    assert statement.skipped == {"debit": 3}
    first = statement.lines[0]
    assert first.label == "VIR SEPA RECU /DE LEA MARTIN /MOTIF QUI-000101 ASSURANCE AUTO MARS /REF 2026030200123"
    assert first.counterparty == "LEA MARTIN" and first.bank_reference is None


def test_csv_external_ids_are_stable_and_keep_identical_transfers_apart():
    once, again = bank_formats.parse(CSV_SAMPLE, IBAN), bank_formats.parse(CSV_SAMPLE, IBAN)
    ids = [line.external_id for line in once.lines]
    assert ids == [line.external_id for line in again.lines]
    assert len(set(ids)) == len(ids) == 5  # the two 89,90 of 10 March stay two lines
    assert ids != [line.external_id for line in bank_formats.parse(CSV_SAMPLE).lines]  # the account counts


def test_the_same_file_in_utf8_with_a_bom_and_comma_separated_reads_the_same():
    text = CSV_SAMPLE.decode("cp1252")
    as_utf8 = "\ufeff".encode() + text.encode("utf-8")
    assert [line.external_id for line in bank_formats.parse(as_utf8).lines] == [
        line.external_id for line in bank_formats.parse(CSV_SAMPLE).lines]
    comma = ("Date,Libellé,Montant (EUR)\n"
             '2026-03-02,"VIR QUI-000101 MARTIN","154,32"\n'
             '2026-03-03,PRLV URSSAF,"-1 250,00"\n')
    statement = bank_formats.parse(comma.encode())
    assert [(line.booked_on, line.amount, line.label) for line in statement.lines] == [
        (date(2026, 3, 2), D("154.32"), "VIR QUI-000101 MARTIN")]
    assert statement.skipped == {"debit": 1}


def test_a_bnp_style_export_with_one_signed_amount_column():
    content = ("Date opération;Catégorie opération;Libellé opération;Montant opération;Pointage opération\n"
               "05/03/2026;Virement;VIR SEPA RECU /DE M DURAND /MOTIF QUI 000045;1 020,10;0\n"
               "06/03/2026;Carte;CB TOTAL ENERGIES;-62,30;0\n").encode("cp1252")
    statement = bank_formats.parse(content)
    assert [(line.amount, line.counterparty) for line in statement.lines] == [(D("1020.10"), "M DURAND")]


def test_extra_label_columns_and_the_currency_column():
    content = ("Date de l'opération;Libellé;Détail de l'écriture;Montant de l'opération;Devise\n"
               "05/03/2026;VIR RECU;QUI-000045 DURAND;120,00;EUR\n"
               "06/03/2026;VIR RECU;FROM LONDON;50,00;GBP\n").encode("utf-8")
    statement = bank_formats.parse(content)
    assert [line.label for line in statement.lines] == ["VIR RECU QUI-000045 DURAND"]
    assert statement.skipped == {"currency": 1}


def test_bad_rows_are_named_by_their_line_and_nothing_is_kept():
    content = ("Date;Libellé;Débit;Crédit\n"
               "02/03/2026;VIR A;;10,00\n"
               "31/02/2026;VIR B;;10,00\n"
               "03/03/2026;VIR C;;dix euros\n"
               "04/03/2026;VIR D;;\n").encode()
    found = problem(content)
    assert found.code == "bad_rows"
    assert found.problems == [(3, "row_date", "31/02/2026"), (4, "row_amount", "dix euros"), (5, "row_amount", "")]


def test_a_row_with_an_amount_but_no_date_is_bad_unless_it_is_the_balance():
    assert problem(b"Date;Libelle;Montant\n;VIR X;12,00\n").problems == [(2, "row_date", "")]
    statement = bank_formats.parse(b"Date;Libelle;Montant\n01/03/2026;VIR X;12,00\n;Solde au 31/03;1 200,00\n")
    assert len(statement.lines) == 1


@pytest.mark.parametrize("content, code", [
    (b"", "file_empty"), (b"   \r\n", "file_empty"),
    (b"Date;Libelle;Montant\n", "file_empty"),
    (b"nom;prenom;ville\nMartin;Lea;Lyon\n", "csv_no_header"),
    (b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj", "file_unreadable"),
    (b"PK\x03\x04\x14\x00\x06\x00", "file_unreadable"),
    (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "file_unreadable"),
])
def test_files_that_are_not_statements_are_refused_with_a_reason(content, code):
    assert problem(content).code == code


def test_an_account_typed_for_a_csv_must_be_a_valid_iban():
    assert problem(CSV_SAMPLE, "FR76 3000 6000 0112 3456 7890 188").code == "iban_invalid"
    assert bank_formats.parse(CSV_SAMPLE, "fr76 3000 6000 0112 3456 7890 189").account == IBAN


# --- CAMT.053 ----------------------------------------------------------------------------

def test_a_camt053_statement_keeps_booked_credits_with_the_banks_references():
    statement = bank_formats.parse(CAMT_SAMPLE)
    assert statement.format == "camt053" and statement.account == "FR7630004008190001234567879"
    assert statement.skipped == {"debit": 2, "pending": 1}
    rows = [(line.booked_on, line.amount, line.label, line.counterparty, line.bank_reference)
            for line in statement.lines]
    assert rows == [
        (date(2026, 3, 2), D("154.32"), "QUI-000101 ASSURANCE AUTO MARS", "LEA MARTIN", "2026030200123"),
        (date(2026, 3, 5), D("100.00"), "QUI-000102", "SARL BOULANGERIE DUPONT", "2026030500789"),
        (date(2026, 3, 10), D("89.90"), "COTISATION", "GARAGE DU CENTRE", "2026031000321/1"),
        (date(2026, 3, 10), D("89.90"), "COTISATION", "GARAGE DU CENTRE", "2026031000321/2"),
        (date(2026, 3, 16), D("2345.67"), "COMMISSIONS FEVRIER 2026 BORDEREAU 2026-02", "AXA FRANCE IARD", None)]
    ids = [line.external_id for line in statement.lines]
    assert ids[0] == "ref:FR7630004008190001234567879:2026030200123"
    assert ids[4].startswith("sha256:") and len(set(ids)) == 5
    assert ids == [line.external_id for line in bank_formats.parse(CAMT_SAMPLE).lines]


def camt(version: str, entries: str, account: str = "<IBAN>FR7630004008190001234567879</IBAN>") -> bytes:
    return (f'<?xml version="1.0" encoding="UTF-8"?>\n'
            f'<Document xmlns="urn:iso:std:iso:20022:tech:xsd:camt.053.001.{version}"><BkToCstmrStmt>'
            f'<GrpHdr><MsgId>M1</MsgId></GrpHdr><Stmt><Id>S1</Id><Acct><Id>{account}</Id></Acct>{entries}'
            f'</Stmt></BkToCstmrStmt></Document>').encode()


ENTRY_V08 = ('<Ntry><NtryRef>N-7</NtryRef><Amt Ccy="EUR">250.5</Amt><CdtDbtInd>CRDT</CdtDbtInd>'
             '<Sts><Cd>BOOK</Cd></Sts><BookgDt><DtTm>2026-03-09T14:02:11+01:00</DtTm></BookgDt>'
             '<NtryDtls><TxDtls><Amt Ccy="EUR">250.50</Amt><RltdPties><Dbtr><Pty><Nm>ACME SAS</Nm></Pty></Dbtr>'
             '</RltdPties><RmtInf><Ustrd>FACTURE</Ustrd><Ustrd>QUI-000077</Ustrd></RmtInf></TxDtls></NtryDtls></Ntry>')


def test_later_camt053_versions_read_their_own_shapes():
    statement = bank_formats.parse(camt("08", ENTRY_V08))
    [line] = statement.lines
    assert (line.booked_on, line.amount, line.label, line.counterparty) == (
        date(2026, 3, 9), D("250.50"), "FACTURE QUI-000077", "ACME SAS")
    assert line.external_id == "ref:FR7630004008190001234567879:N-7"


def test_camt_reversals_and_other_currencies_are_left_out():
    entries = ('<Ntry><Amt Ccy="EUR">10.00</Amt><CdtDbtInd>CRDT</CdtDbtInd><RvslInd>true</RvslInd>'
               '<Sts>BOOK</Sts><BookgDt><Dt>2026-03-01</Dt></BookgDt></Ntry>'
               '<Ntry><Amt Ccy="USD">10.00</Amt><CdtDbtInd>CRDT</CdtDbtInd>'
               '<Sts>BOOK</Sts><BookgDt><Dt>2026-03-01</Dt></BookgDt></Ntry>')
    statement = bank_formats.parse(camt("02", entries))
    assert statement.lines == [] and statement.skipped == {"reversal": 1, "currency": 1}


def test_an_account_without_iban_is_named_by_its_other_id():
    statement = bank_formats.parse(camt("02", ENTRY_V08, "<Othr><Id>00012345678</Id></Othr>"))
    assert statement.account == "00012345678"


@pytest.mark.parametrize("content, code", [
    (camt("02", ENTRY_V08, "<IBAN>FR7630004008190001234567870</IBAN>"), "iban_invalid"),
    (camt("02", ENTRY_V08.replace("<Amt Ccy=\"EUR\">250.5</Amt>", "<Amt Ccy=\"EUR\">2x</Amt>")), "camt_entry"),
    (camt("02", ENTRY_V08.replace("<DtTm>2026-03-09T14:02:11+01:00</DtTm>", "<Dt>hier</Dt>")), "camt_entry"),
    (camt("02", "").replace(b"camt.053.001.02", b"camt.052.001.02"), "xml_not_camt053"),
    (b'<?xml version="1.0"?><Document><BkToCstmrStmt/></Document>', "xml_not_camt053"),
    (b"<Document><unclosed></Document>", "xml_invalid"),
    (camt("02", ""), "file_empty"),
])
def test_a_bad_camt_file_is_refused_with_a_reason(content, code):
    assert problem(content).code == code


def test_several_accounts_in_one_file_are_refused():
    two = camt("02", ENTRY_V08).replace(
        b"</Stmt>", b"</Stmt><Stmt><Id>S2</Id><Acct><Id><IBAN>FR7630006000011234567890189</IBAN></Id></Acct></Stmt>")
    assert problem(two).code == "camt_several_accounts"


def test_the_account_typed_must_be_the_one_of_the_camt_file():
    assert problem(CAMT_SAMPLE, IBAN).code == "account_differs"
    assert bank_formats.parse(CAMT_SAMPLE, "FR76 3000 4008 1900 0123 4567 879").lines


BILLION_LAUGHS = b"""<?xml version="1.0"?>
<!DOCTYPE lolz [
 <!ENTITY lol "lol">
 <!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
 <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
 <!ENTITY lol4 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">
]>
<Document xmlns="urn:iso:std:iso:20022:tech:xsd:camt.053.001.02">&lol4;</Document>"""
EXTERNAL_ENTITY = b"""<?xml version="1.0"?>
<!DOCTYPE Document [<!ENTITY secret SYSTEM "file:///etc/passwd">]>
<Document xmlns="urn:iso:std:iso:20022:tech:xsd:camt.053.001.02"><x>&secret;</x></Document>"""
EXTERNAL_DTD = b"""<?xml version="1.0"?>
<!DOCTYPE Document SYSTEM "http://127.0.0.1:9/evil.dtd">
<Document xmlns="urn:iso:std:iso:20022:tech:xsd:camt.053.001.02"/>"""


@pytest.mark.parametrize("content", [BILLION_LAUGHS, EXTERNAL_ENTITY, EXTERNAL_DTD])
def test_a_document_type_declaration_is_refused_before_any_entity(content):
    assert problem(content).code == "xml_dtd"


def test_a_utf16_camt_file_is_read():
    statement = bank_formats.parse(CAMT_SAMPLE.replace(b'encoding="UTF-8"', b'encoding="UTF-16"')
                                   .decode().encode("utf-16"))
    assert len(statement.lines) == 5


def test_the_safe_reader_builds_an_elementtree():
    root = bank_camt.safe_xml(b'<a xmlns="urn:x"><b k="v">t</b></a>')
    assert root.tag == "{urn:x}a" and root.find("{urn:x}b").get("k") == "v"

"""Bank statements read from the files banks give: CSV as French banks
export it, and ISO 20022 CAMT.053 XML. Pure: bytes in, credit lines out,
no database, no Flask.

Only credit lines are kept (money received); debits, pending entries,
reversals and other currencies are counted and left out.

Each line gets an ``external_id`` that stays the same when the same file is
imported again: the bank's own entry reference (CAMT ``AcctSvcrRef``, else
``NtryRef``) when the file gives one, else a digest of the account, date,
amount, label and the line's occurrence among identical lines of the file,
so that two identical transfers on the same day stay two lines. A transfer
seen first in a CSV export and then in a CAMT file has two different ids
(the CSV carries no entry reference) and is recorded twice as a bank line;
its payment is still recorded once only if the first line was matched
(a matched call has nothing left to pay).

The CAMT.053 reader is in :mod:`app.billing.bank_camt`.
"""

from __future__ import annotations

import csv
import hashlib
import io
import re
import unicodedata
from collections import Counter
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from schwifty import IBAN
from schwifty.exceptions import SchwiftyException

CSV_DELIMITERS = (";", "\t", ",")
HEADER_SEARCH_ROWS = 30
#: PDF, zip (XLSX, ODS), old Excel, PNG, JPEG: files people pick by mistake
BINARY_SIGNATURES = (b"%PDF", b"PK\x03\x04", b"\xd0\xcf\x11\xe0", b"\x89PNG", b"\xff\xd8\xff")
MAX_ROW_PROBLEMS = 20
CENT = Decimal("0.01")


class FormatProblem(Exception):
    """The file cannot be read as a statement. ``code`` says why; ``problems``
    lists the bad rows ((line number, code, value)) of a CSV file."""

    def __init__(self, code: str, problems: list[tuple[int, str, str]] | None = None, **params) -> None:
        super().__init__(code)
        self.code, self.problems, self.params = code, problems or [], params


@dataclass(frozen=True)
class ParsedLine:
    """A credit line: money received on the account."""

    booked_on: date
    amount: Decimal
    label: str
    counterparty: str | None
    external_id: str
    bank_reference: str | None = None


@dataclass
class ParsedStatement:
    format: str
    account: str | None
    lines: list[ParsedLine]
    #: lines left out, by reason: debit, pending, reversal, currency
    skipped: Counter = field(default_factory=Counter)


def check_iban(value: str) -> str:
    """The IBAN in its compact form; FormatProblem("iban_invalid") otherwise."""
    try:
        return IBAN(value).compact
    except SchwiftyException as exc:
        raise FormatProblem("iban_invalid", value=value[:40]) from exc


def parse(content: bytes, account: str | None = None) -> ParsedStatement:
    """Read ``content`` as CAMT.053 when it is XML, else as CSV. ``account``
    (an IBAN) names the account of a CSV file, which does not say it; a
    CAMT file names its own and must agree."""
    if not content.strip():
        raise FormatProblem("file_empty")
    binary = b"\x00" in content[:4096] and not content.startswith((b"\xff\xfe", b"\xfe\xff"))
    if binary or content.startswith(BINARY_SIGNATURES):
        raise FormatProblem("file_unreadable")
    account = check_iban(account) if account else None
    if content.lstrip(b"\xef\xbb\xbf\xff\xfe\x00 \t\r\n").startswith((b"<", b"\x00<")):
        from app.billing.bank_camt import parse_camt053  # it builds on this module's types

        statement = parse_camt053(content)
        if account and statement.account and statement.account != account:
            raise FormatProblem("account_differs", account=statement.account)
        return statement
    return parse_csv(content, account)


def _digest(account: str | None, booked_on: date, amount: Decimal, label: str, occurrence: int) -> str:
    key = "|".join([account or "", booked_on.isoformat(), f"{amount:.2f}", " ".join(label.split()).lower(),
                    str(occurrence)])
    return "sha256:" + hashlib.sha256(key.encode()).hexdigest()


def with_external_ids(account: str | None, rows: list[tuple]) -> list[ParsedLine]:
    """``rows`` are (booked_on, amount, label, counterparty, bank reference);
    the bank's reference makes the id when there is one, else the digest."""
    seen: Counter = Counter()
    lines = []
    for booked_on, amount, label, counterparty, reference in rows:
        if reference:
            external_id = f"ref:{account or ''}:{reference}"[:255]
        else:
            key = (booked_on, amount, " ".join(label.split()).lower())
            external_id = _digest(account, booked_on, amount, label, seen[key])
            seen[key] += 1
        lines.append(ParsedLine(booked_on, amount, label, counterparty, external_id, reference))
    return lines


# --- amounts and dates -----------------------------------------------------------------

def parse_amount(text: str) -> Decimal:
    """``1 234,56``, ``-12,50``, ``1.234,56``, ``1234.56``, ``+12,50 €`` as a
    Decimal; ValueError when it is not an amount to the cent."""
    cleaned = re.sub(r"[\s\u00a0\u202f€]|EUR", "", text or "", flags=re.IGNORECASE)
    if "," in cleaned and "." in cleaned:
        decimal_mark = "," if cleaned.rfind(",") > cleaned.rfind(".") else "."
        cleaned = cleaned.replace("." if decimal_mark == "," else ",", "")
    cleaned = cleaned.replace(",", ".")
    if not re.fullmatch(r"[+-]?(\d+(\.\d{1,2})?|\.\d{1,2})", cleaned):
        raise ValueError(text)
    try:
        return Decimal(cleaned).quantize(CENT)
    except InvalidOperation as exc:
        raise ValueError(text) from exc


DATE_FORMATS = ("%d/%m/%Y", "%d/%m/%y", "%d-%m-%Y", "%d.%m.%Y", "%Y-%m-%d", "%Y/%m/%d")


def parse_date(text: str) -> date:
    """``31/03/2026``, ``31/03/26``, ``31.03.2026`` or ISO (a time part is dropped)."""
    value = (text or "").strip()
    if re.fullmatch(r"\d{4}-\d{2}-\d{2}[T ].*", value):
        value = value[:10]
    for fmt in DATE_FORMATS:
        try:
            return datetime.strptime(value, fmt).date()
        except ValueError:
            continue
    raise ValueError(text)


# --- CSV -------------------------------------------------------------------------------

#: Column names French banks use, accents and case ignored, most specific first.
DATE_NAMES = ("date operation", "date d operation", "date de l operation", "date comptable",
              "date de comptabilisation", "booking date", "dateop", "date", "date valeur", "date de valeur",
              "value date")
LABEL_NAMES = ("libelle", "libelle operation", "libelle de l operation", "libelle simplifie", "label", "intitule",
               "description", "operation", "nature de l operation")
EXTRA_LABEL_NAMES = ("libelle complementaire", "informations complementaires", "detail", "details",
                     "detail de l ecriture", "reference", "ref", "motif", "communication")
AMOUNT_NAMES = ("montant", "montant operation", "montant de l operation", "amount", "somme")
CURRENCY_NAMES = ("devise", "currency")
DEBIT_NAMES = ("debit", "debits", "montant debit")
CREDIT_NAMES = ("credit", "credits", "montant credit")
COUNTERPARTY_NAMES = ("tiers", "nom du tiers", "beneficiaire", "emetteur", "donneur d ordre", "contrepartie",
                      "counterparty", "payer")
#: "VIR SEPA RECU /DE LEA MARTIN /MOTIF ...": the payer named in the label.
PAYER_IN_LABEL = re.compile(r"/DE\s+(.+?)\s*(?:/|$)")
#: Footer lines with no date that are not transactions.
SUMMARY_LABEL = re.compile(r"^\s*(solde|total|balance|ancien solde|nouveau solde)\b", re.IGNORECASE)


def column_name(cell: str) -> str:
    """``Date d'opération``, ``Montant (EUR)`` as ``date d operation``, ``montant``."""
    text = unicodedata.normalize("NFKD", str(cell or "")).encode("ascii", "ignore").decode().lower()
    text = re.sub(r"\((eur|euros?|€)\)|\b(eur|euros?)\b", " ", text)
    return " ".join(re.sub(r"[^a-z0-9]+", " ", text).split())


def _find(headers: list[str], names: tuple[str, ...]) -> int | None:
    for name in names:
        if name in headers:
            return headers.index(name)
    return None


@dataclass(frozen=True)
class CsvColumns:
    date: int
    label: int | None
    amount: int | None
    debit: int | None
    credit: int | None
    counterparty: int | None
    currency: int | None
    extra: tuple[int, ...]


def csv_columns(cells: list[str]) -> CsvColumns | None:
    """The columns of a header row, or None when the row is not a header
    (it needs a date and an amount, or a debit and a credit column)."""
    headers = [column_name(cell) for cell in cells]
    found = {kind: _find(headers, names) for kind, names in
             (("date", DATE_NAMES), ("label", LABEL_NAMES), ("amount", AMOUNT_NAMES), ("debit", DEBIT_NAMES),
              ("credit", CREDIT_NAMES), ("counterparty", COUNTERPARTY_NAMES), ("currency", CURRENCY_NAMES))}
    if found["date"] is None or (found["amount"] is None and found["credit"] is None):
        return None
    extra = tuple(index for index, name in enumerate(headers) if name in EXTRA_LABEL_NAMES)
    return CsvColumns(extra=extra, **found)


def decode(content: bytes) -> str:
    """UTF-8 (with or without a BOM), UTF-16 with a BOM, else Windows-1252."""
    if content.startswith((b"\xff\xfe", b"\xfe\xff")):
        return content.decode("utf-16")
    try:
        return content.decode("utf-8-sig")
    except UnicodeDecodeError:
        return content.decode("cp1252", errors="replace")


def _header(text: str) -> tuple[list[list[str]], int, CsvColumns]:
    """(rows, index of the header row, its columns), trying each delimiter."""
    for delimiter in CSV_DELIMITERS:
        try:
            rows = list(csv.reader(io.StringIO(text), delimiter=delimiter))
        except csv.Error as exc:
            raise FormatProblem("file_unreadable") from exc
        for index, cells in enumerate(rows[:HEADER_SEARCH_ROWS]):
            columns = csv_columns(cells)
            if columns is not None:
                return rows, index, columns
    raise FormatProblem("csv_no_header")


def _cell(cells: list[str], index: int | None) -> str:
    return cells[index].strip() if index is not None and index < len(cells) else ""


def _csv_amount(cells: list[str], columns: CsvColumns) -> Decimal:
    """Signed: credit positive, debit negative."""
    if columns.amount is not None and _cell(cells, columns.amount):
        return parse_amount(_cell(cells, columns.amount))
    credit, debit = _cell(cells, columns.credit), _cell(cells, columns.debit)
    if credit:
        return abs(parse_amount(credit))
    if debit:
        return -abs(parse_amount(debit))
    raise ValueError("")


def _csv_label(cells: list[str], columns: CsvColumns) -> str:
    """The label and the extra columns banks split it into, on one line."""
    parts = [_cell(cells, columns.label)] + [_cell(cells, index) for index in columns.extra]
    return " ".join(" ".join(part for part in dict.fromkeys(parts) if part).split())


def _csv_row(number: int, cells: list[str], columns: CsvColumns) -> tuple | None:
    """(booked_on, signed amount, label, counterparty, currency) of one row,
    None for a blank or summary row; FormatProblem names a bad one."""
    if not any(cell.strip() for cell in cells):
        return None
    label = _csv_label(cells, columns)
    if not _cell(cells, columns.date):
        if SUMMARY_LABEL.match(label) or not label:
            return None
        raise FormatProblem("row_date", [(number, "row_date", "")])
    try:
        booked_on = parse_date(_cell(cells, columns.date))
    except ValueError:
        raise FormatProblem("row_date", [(number, "row_date", _cell(cells, columns.date)[:40])]) from None
    try:
        amount = _csv_amount(cells, columns)
    except ValueError as exc:
        raise FormatProblem("row_amount", [(number, "row_amount", str(exc)[:40])]) from None
    currency = _cell(cells, columns.currency).upper() or "EUR"
    payer = PAYER_IN_LABEL.search(label)
    counterparty = _cell(cells, columns.counterparty) or (payer.group(1)[:255] if payer else None)
    return booked_on, amount, label, counterparty, currency


def parse_csv(content: bytes, account: str | None = None) -> ParsedStatement:
    """Credit lines of a CSV export. Every bad row is named (up to twenty)
    and nothing is kept when one is bad."""
    rows, header_index, columns = _header(decode(content))
    kept, problems, skipped = [], [], Counter()
    for number, cells in enumerate(rows[header_index + 1:], start=header_index + 2):
        try:
            row = _csv_row(number, cells, columns)
        except FormatProblem as problem:
            problems.extend(problem.problems)
            if len(problems) >= MAX_ROW_PROBLEMS:
                break
            continue
        if row is None:
            continue
        booked_on, amount, label, counterparty, currency = row
        if amount <= 0:
            skipped["debit"] += 1
            continue
        if currency not in ("EUR", "€"):
            skipped["currency"] += 1
            continue
        kept.append((booked_on, amount, label, counterparty, None))
    if problems:
        raise FormatProblem("bad_rows", problems)
    if not kept and not skipped:
        raise FormatProblem("file_empty")
    return ParsedStatement("csv", account, with_external_ids(account, kept), skipped)

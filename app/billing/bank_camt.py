"""CAMT.053 (ISO 20022 bank-to-customer statement, ``camt.053.001.02`` and
later versions) read into credit lines. Pure.

XML is read with expat through ElementTree's tree builder, refusing any
document type declaration: without a DTD no entity can be declared, expanded
(billion laughs) or fetched (XXE). That is what ``defusedxml`` does, in the
twenty lines it takes here, without a new dependency.
"""

from __future__ import annotations

import re
from collections import Counter
from datetime import date
from decimal import Decimal, InvalidOperation
from xml.etree.ElementTree import Element, TreeBuilder
from xml.parsers import expat

from app.billing.bank_formats import CENT, FormatProblem, ParsedStatement, check_iban, parse_date, with_external_ids

CAMT053 = re.compile(r"urn:iso:std:iso:20022:tech:xsd:camt\.053\.001\.(\d{2})")


def _refuse(*_args) -> None:
    raise FormatProblem("xml_dtd")


def safe_xml(content: bytes) -> Element:
    """The document's root element. A document type declaration (hence any
    entity) is refused before expat reads it."""
    builder = TreeBuilder()
    parser = expat.ParserCreate(namespace_separator="}")
    parser.SetParamEntityParsing(expat.XML_PARAM_ENTITY_PARSING_NEVER)
    parser.StartDoctypeDeclHandler = _refuse
    parser.EntityDeclHandler = _refuse
    parser.UnparsedEntityDeclHandler = _refuse
    parser.ExternalEntityRefHandler = _refuse
    parser.buffer_text = True
    parser.StartElementHandler = lambda tag, attrs: builder.start("{" + tag if "}" in tag else tag, attrs)
    parser.EndElementHandler = lambda tag: builder.end("{" + tag if "}" in tag else tag)
    parser.CharacterDataHandler = builder.data
    try:
        parser.Parse(content, True)
    except expat.ExpatError as exc:
        raise FormatProblem("xml_invalid", line=exc.lineno) from None
    return builder.close()


class Camt:
    """Find children in the document's namespace with short paths: ``"Ntry/Amt"``."""

    def __init__(self, namespace: str) -> None:
        self.ns = namespace

    def path(self, path: str) -> str:
        return "/".join(f"{{{self.ns}}}{part}" for part in path.split("/"))

    def find(self, element: Element, path: str) -> Element | None:
        return element.find(self.path(path))

    def findall(self, element: Element, path: str) -> list[Element]:
        return element.findall(self.path(path))

    def first_text(self, element: Element | None, *paths: str) -> str:
        """The first non-blank text among ``paths``."""
        if element is None:
            return ""
        for path in paths:
            found = element.find(self.path(path))
            if found is not None and (found.text or "").strip():
                return " ".join(found.text.split())
        return ""


def _account(camt: Camt, statements: list[Element]) -> str | None:
    accounts = set()
    for statement in statements:
        iban = camt.first_text(statement, "Acct/Id/IBAN")
        accounts.add(check_iban(iban) if iban else camt.first_text(statement, "Acct/Id/Othr/Id") or None)
    if len(accounts) > 1:
        raise FormatProblem("camt_several_accounts")
    return accounts.pop() if accounts else None


def _camt_date(camt: Camt, entry: Element) -> date:
    text = camt.first_text(entry, "BookgDt/Dt", "BookgDt/DtTm", "ValDt/Dt", "ValDt/DtTm")
    try:
        return parse_date(text)
    except ValueError:
        raise FormatProblem("camt_entry", line=camt.first_text(entry, "NtryRef") or text) from None


def _camt_amount(camt: Camt, element: Element, *paths: str) -> tuple[Decimal, str] | None:
    for path in paths:
        found = camt.find(element, path)
        if found is not None and (found.text or "").strip():
            try:
                return Decimal(found.text.strip()).quantize(CENT), found.get("Ccy", "EUR")
            except InvalidOperation:
                raise FormatProblem("camt_entry", line=found.text.strip()[:40]) from None
    return None


def _remittance(camt: Camt, element: Element) -> list[str]:
    parts = [" ".join((node.text or "").split()) for node in camt.findall(element, "RmtInf/Ustrd")]
    parts += [camt.first_text(node, "CdtrRefInf/Ref") for node in camt.findall(element, "RmtInf/Strd")]
    return [part for part in parts if part]


def _debtor(camt: Camt, details: Element | None) -> str | None:
    return camt.first_text(details, "RltdPties/Dbtr/Nm", "RltdPties/Dbtr/Pty/Nm", "RltdPties/UltmtDbtr/Nm",
                     "RltdPties/UltmtDbtr/Pty/Nm") or None


def _status_booked(camt: Camt, entry: Element) -> bool:
    status = camt.first_text(entry, "Sts/Cd", "Sts")
    return status in ("", "BOOK")


def _entry_lines(camt: Camt, entry: Element) -> list[tuple]:
    """(booked_on, amount, label, counterparty, reference) of an entry: one
    per transaction when a batch entry details each one with its amount."""
    booked_on = _camt_date(camt, entry)
    reference = camt.first_text(entry, "AcctSvcrRef", "NtryRef") or None
    details = camt.findall(entry, "NtryDtls/TxDtls")
    entry_info = camt.first_text(entry, "AddtlNtryInf")
    if len(details) > 1:
        rows = []
        for index, detail in enumerate(details, start=1):
            found = _camt_amount(camt, detail, "Amt", "AmtDtls/TxAmt/Amt", "AmtDtls/InstdAmt/Amt")
            if found is None:
                break
            own_reference = camt.first_text(detail, "Refs/AcctSvcrRef")
            label = " ".join(_remittance(camt, detail) or [camt.first_text(detail, "AddtlTxInf") or entry_info])
            rows.append((booked_on, found[0], label, _debtor(camt, detail),
                         own_reference or (f"{reference}/{index}" if reference else None)))
        else:
            return rows
    detail = details[0] if details else None
    found = _camt_amount(camt, entry, "Amt")
    if found is None:
        raise FormatProblem("camt_entry", line=reference or booked_on.isoformat())
    parts = (_remittance(camt, detail) if detail is not None else []) or [entry_info]
    return [(booked_on, found[0], " ".join(part for part in parts if part), _debtor(camt, detail), reference)]


def parse_camt053(content: bytes) -> ParsedStatement:
    """Booked credit entries (``CdtDbtInd`` CRDT, in euros, not reversals)
    of every ``Stmt`` of a CAMT.053 document, version 001.02 or later."""
    root = safe_xml(content)
    namespace = root.tag[1:].split("}")[0] if root.tag.startswith("{") else ""
    version = CAMT053.fullmatch(namespace)
    if version is None or int(version.group(1)) < 2 or not root.tag.endswith("}Document"):
        raise FormatProblem("xml_not_camt053")
    camt = Camt(namespace)
    statements = camt.findall(root, "BkToCstmrStmt/Stmt")
    account = _account(camt, statements)
    rows, skipped = [], Counter()
    for statement in statements:
        for entry in camt.findall(statement, "Ntry"):
            amount = camt.find(entry, "Amt")
            currency = "EUR" if amount is None else amount.get("Ccy", "EUR")
            if camt.first_text(entry, "CdtDbtInd") != "CRDT":
                skipped["debit"] += 1
            elif camt.first_text(entry, "RvslInd").lower() == "true":
                skipped["reversal"] += 1
            elif not _status_booked(camt, entry):
                skipped["pending"] += 1
            elif currency != "EUR":
                skipped["currency"] += 1
            else:
                rows.extend(_entry_lines(camt, entry))
    rows = [row for row in rows if row[1] > 0]
    if not rows and not skipped:
        raise FormatProblem("file_empty")
    return ParsedStatement("camt053", account, with_external_ids(account, rows), skipped)

"""Bank statements: import a file, record its new credit lines once, match
each to the premium calls it pays, and the actions on what did not match.

A line already known by its ``external_id`` (see
:mod:`app.billing.bank_formats`) is skipped, so importing the same file
twice records nothing twice. A new line whose label names open calls
(``QUI-000123``) for exactly what they owe, all of one payer, is recorded as
a transfer through :func:`app.billing.payments.record_payment` with the
external id ``bank:<line id>`` (counted once there too) and the line is
matched. Anything else stays unmatched for a person: a reference with
another amount, an amount several calls owe, no clue at all.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from itertools import islice

from sqlalchemy import select, update
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.orm import Session
from sqlalchemy.orm.exc import StaleDataError

from app.audit import services as audit
from app.billing import bank_formats, payments, rules
from app.billing.bank_formats import FormatProblem, ParsedLine
from app.billing.errors import BillingError
from app.billing.models import BankLine, BankLineStatus, BankStatement, Payment, PaymentMethod, PremiumCall
from app.billing.services import reference_for

MAX_BYTES = 5 * 1024 * 1024
MAX_LINES = 5_000
INSERT_BATCH = 1_000
OPEN = payments.OPEN
#: the prefix of call references ("QUI"), as the generation writes them
CALL_PREFIX = rules.reference_key(reference_for(1))[0]


@dataclass
class ImportResult:
    """What an import did. ``statement`` is None when every line was known."""

    statement: BankStatement | None
    new: int = 0
    known: int = 0
    matched: int = 0
    skipped: Counter = field(default_factory=Counter)


@dataclass(frozen=True)
class Candidate:
    """An open call a transfer may pay."""

    id: int
    reference: str
    client_id: int
    outstanding: Decimal


def referenced_numbers(text: str) -> list[int]:
    """The call numbers written in a bank label ("VIR ... qui000123")."""
    return [number for _prefix, number in rules.references_in(text, {CALL_PREFIX})]


class OpenCallIndex:
    """The open calls the given lines may pay: those their labels name, and
    those owing exactly one of their amounts. Loaded in one query; a call is
    dropped once paid in full, so a later line cannot pay it again."""

    def __init__(self, calls: list[Candidate]) -> None:
        self.by_reference: dict[str, Candidate] = {}
        self.by_amount: dict[Decimal, dict[str, Candidate]] = {}
        for call in calls:
            self.by_reference[call.reference] = call
            self.by_amount.setdefault(call.outstanding, {})[call.reference] = call

    @classmethod
    def load(cls, session: Session, lines: list) -> OpenCallIndex:
        """The index of the open calls ``lines`` may pay, oldest due first."""
        references = {reference_for(n) for line in lines for n in referenced_numbers(line.label)}
        amounts = {line.amount for line in lines}
        outstanding = PremiumCall.total - (PremiumCall.paid - PremiumCall.refunded)
        rows = session.execute(
            select(PremiumCall.id, PremiumCall.reference, PremiumCall.client_id, outstanding)
            .where(PremiumCall.status.in_(OPEN), PremiumCall.total > 0,
                   PremiumCall.reference.in_(references) | outstanding.in_(amounts))
            .order_by(PremiumCall.due_date, PremiumCall.id))
        return cls([Candidate(*row) for row in rows])

    def for_line(self, label: str, amount: Decimal) -> list[Candidate]:
        """The calls the label names, and two of those owing ``amount``: two
        are enough for :func:`app.billing.rules.match_transfer` to tell one
        call of that amount from several."""
        named = [self.by_reference[reference] for reference in
                 dict.fromkeys(reference_for(n) for n in referenced_numbers(label)) if reference in self.by_reference]
        same = [call for call in islice(self.by_amount.get(amount, {}).values(), 2) if call not in named]
        return named + same

    def match(self, label: str, amount: Decimal) -> tuple[rules.TransferMatch, list[Candidate]]:
        """:func:`app.billing.rules.match_transfer` on the line's candidates
        (the same answer as on all open calls: no other call can count)."""
        candidates = self.for_line(label, amount)
        result = rules.match_transfer(label, amount, [rules.OpenCall(c.reference, c.outstanding) for c in candidates])
        return result, [self.by_reference[reference] for reference in result.references]

    def paid(self, calls: list[Candidate]) -> None:
        for call in calls:
            self.by_reference.pop(call.reference, None)
            self.by_amount.get(call.outstanding, {}).pop(call.reference, None)


# --- import -----------------------------------------------------------------------------

def _insert_lines(session: Session, statement: BankStatement, lines: list[ParsedLine]) -> list[int]:
    """Insert the lines not known yet (a concurrent import of the same file
    loses nothing and doubles nothing: the unique external id decides)."""
    inserted: list[int] = []
    for offset in range(0, len(lines), INSERT_BATCH):
        rows = [{"statement_id": statement.id, "external_id": line.external_id, "booked_on": line.booked_on,
                 "amount": line.amount, "label": line.label, "counterparty": line.counterparty,
                 "status": BankLineStatus.UNMATCHED.value, "version": 1}
                for line in lines[offset:offset + INSERT_BATCH]]
        statement_sql = (insert(BankLine).values(rows)
                         .on_conflict_do_nothing(constraint="uq_bank_line_external_id").returning(BankLine.id))
        inserted.extend(session.scalars(statement_sql))
    return inserted


def _known_ids(session: Session, lines: list[ParsedLine]) -> set[str]:
    ids = [line.external_id for line in lines]
    known: set[str] = set()
    for offset in range(0, len(ids), INSERT_BATCH):
        known.update(session.scalars(select(BankLine.external_id)
                                     .where(BankLine.external_id.in_(ids[offset:offset + INSERT_BATCH]))))
    return known


def import_statement(session: Session, actor, *, filename: str, content: bytes, account: str | None = None,
                     today: date | None = None) -> ImportResult:
    """Read ``content`` (CSV or CAMT.053), record its new credit lines as a
    statement and match them. Raises FormatProblem for a file that is not a
    statement (nothing is written)."""
    today = today or date.today()
    if len(content) > MAX_BYTES:
        raise FormatProblem("file_too_large")
    parsed = bank_formats.parse(content, (account or "").strip() or None)
    if len(parsed.lines) > MAX_LINES:
        raise FormatProblem("too_many_lines", count=len(parsed.lines), most=MAX_LINES)
    known = _known_ids(session, parsed.lines)
    new_lines = [line for line in parsed.lines if line.external_id not in known]
    result = ImportResult(None, known=len(parsed.lines), skipped=parsed.skipped)
    if not new_lines:
        return result
    statement = BankStatement(filename=(filename or "statement")[:255], format=parsed.format,
                              account_iban=parsed.account[:34] if parsed.account else None,
                              imported_by_id=getattr(actor, "id", None))
    session.add(statement)
    session.flush()
    inserted = _insert_lines(session, statement, new_lines)
    if not inserted:  # a concurrent import of the same file recorded them meanwhile
        session.delete(statement)
        return result
    result.statement, result.new, result.known = statement, len(inserted), len(parsed.lines) - len(inserted)
    statement.line_count = len(inserted)
    result.matched = match_lines(session, actor, statement, today)
    statement.matched_count = result.matched
    audit.record(session, actor, "bank_statement.import", "bank_statement", statement.id, after={
        "filename": statement.filename, "format": statement.format, "account": statement.account_iban,
        "new": result.new, "known": result.known, "matched": result.matched, "skipped": dict(parsed.skipped)})
    return result


def match_lines(session: Session, actor, statement: BankStatement, today: date) -> int:
    """Record the payment of each unmatched line of ``statement`` that pays
    open calls of one payer exactly; returns how many were matched."""
    lines = list(session.scalars(select(BankLine).where(BankLine.statement_id == statement.id,
                                                        BankLine.status == BankLineStatus.UNMATCHED.value)
                                 .order_by(BankLine.booked_on, BankLine.id)))
    index = OpenCallIndex.load(session, lines)
    matched = 0
    for line in lines:
        result, calls = index.match(line.label, line.amount)
        if result.kind is not rules.MatchKind.MATCHED or len({call.client_id for call in calls}) != 1:
            continue
        try:
            _record(session, actor, line, calls[0].client_id, [call.id for call in calls], today)
        except BillingError:
            continue  # refused before writing anything (a call closed meanwhile): the line waits for a person
        audit.record(session, actor, "bank_line.match", "bank_line", line.id,
                     after={"calls": [call.reference for call in calls], "payment_id": line.payment_id,
                            "amount": line.amount})
        index.paid(calls)
        matched += 1
    return matched


def _record(session: Session, actor, line: BankLine, client_id: int, call_ids: list[int] | None,
            today: date) -> Payment:
    """The transfer of ``line`` recorded for ``client_id`` (on ``call_ids``,
    or on their oldest open calls then as credit); the line is matched."""
    payment = payments.record_payment(
        session, actor, client_id=client_id, amount=line.amount, method=PaymentMethod.TRANSFER.value,
        received_on=line.booked_on, reference=line.label[:500], external_id=f"bank:{line.external_id}"[:255],
        call_ids=call_ids, today=today)
    line.status, line.payment_id = BankLineStatus.MATCHED.value, payment.id
    line.call_id = call_ids[0] if call_ids else None
    return payment


# --- what a person does with an unmatched line ------------------------------------------

def _check(line: BankLine, version: int | None, status: BankLineStatus) -> None:
    if version is not None and version != line.version:
        raise BillingError("stale")
    if line.status != status.value:
        raise BillingError("bank_line_not_unmatched" if status is BankLineStatus.UNMATCHED
                           else "bank_line_not_ignored")


def _flush(session: Session) -> None:
    try:
        session.flush()
    except StaleDataError:
        raise BillingError("stale") from None


def _count_matched(session: Session, statement_id: int, change: int) -> None:
    session.execute(update(BankStatement).where(BankStatement.id == statement_id)
                    .values(matched_count=BankStatement.matched_count + change))


def calls_by_references(session: Session, text: str) -> list[PremiumCall]:
    """The calls whose references are written in ``text`` ("QUI-000123,
    qui124"), in that order; BillingError when one is unknown or none given."""
    numbers = list(dict.fromkeys(referenced_numbers(text)))
    if not numbers:
        raise BillingError("bank_call_reference_missing")
    references = [reference_for(number) for number in numbers]
    calls = {call.reference: call for call in
             session.scalars(select(PremiumCall).where(PremiumCall.reference.in_(references)))}
    if len(calls) != len(references):
        raise BillingError("bank_call_unknown")
    return [calls[reference] for reference in references]


def assign_to_calls(session: Session, actor, line: BankLine, calls: list[PremiumCall], *, version: int | None,
                    today: date | None = None) -> Payment:
    """Record the line's transfer on ``calls`` (one payer). Less than they
    owe pays them in part; more is kept as the payer's credit."""
    _check(line, version, BankLineStatus.UNMATCHED)
    if len({call.client_id for call in calls}) != 1:
        raise BillingError("bank_calls_of_several_payers")
    if any(call.status not in OPEN for call in calls):
        raise BillingError("call_not_open")
    before = {"status": line.status}
    payment = _record(session, actor, line, calls[0].client_id, [call.id for call in calls], today or date.today())
    _flush(session)
    _count_matched(session, line.statement_id, 1)
    audit.record(session, actor, "bank_line.assign", "bank_line", line.id, before=before, after={
        "status": line.status, "calls": [call.reference for call in calls], "payment_id": payment.id,
        "amount": line.amount, "credit": payment.unallocated})
    return payment


def assign_to_client(session: Session, actor, line: BankLine, client_id: int, *, version: int | None,
                     today: date | None = None) -> Payment:
    """Record the line's transfer as money of ``client_id``: it pays their
    oldest open calls first and the rest is kept as their credit."""
    _check(line, version, BankLineStatus.UNMATCHED)
    before = {"status": line.status}
    payment = _record(session, actor, line, client_id, None, today or date.today())
    _flush(session)
    _count_matched(session, line.statement_id, 1)
    audit.record(session, actor, "bank_line.credit", "bank_line", line.id, before=before, after={
        "status": line.status, "client_id": client_id, "payment_id": payment.id, "amount": line.amount,
        "credit": payment.unallocated})
    return payment


def ignore(session: Session, actor, line: BankLine, note: str, *, version: int | None) -> BankLine:
    """Set the line aside as not a premium (an insurer's commission, a
    refund...), with why."""
    _check(line, version, BankLineStatus.UNMATCHED)
    note = " ".join((note or "").split())[:500]
    if not note:
        raise BillingError("bank_note_missing")
    line.status, line.note = BankLineStatus.IGNORED.value, note
    _flush(session)
    audit.record(session, actor, "bank_line.ignore", "bank_line", line.id, before={"status": "unmatched"},
                 after={"status": line.status, "note": note})
    return line


def unignore(session: Session, actor, line: BankLine, *, version: int | None) -> BankLine:
    """Bring an ignored line back to the unmatched ones."""
    _check(line, version, BankLineStatus.IGNORED)
    before = {"status": line.status, "note": line.note}
    line.status, line.note = BankLineStatus.UNMATCHED.value, None
    _flush(session)
    audit.record(session, actor, "bank_line.unignore", "bank_line", line.id, before=before,
                 after={"status": line.status})
    return line

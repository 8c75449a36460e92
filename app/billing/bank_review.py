"""What the bank screens read: statements with their counts, a statement's
lines, the lines waiting for a person, and for each of those the calls it
may pay and why it was not matched by itself."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.auth.models import User
from app.billing import rules
from app.billing.bank import OPEN, referenced_numbers
from app.billing.models import BankLine, BankLineStatus, BankStatement, Payment, PremiumCall
from app.billing.services import reference_for
from app.crm.models import Client

ZERO = Decimal("0.00")
#: calls of the same amount shown for a line; the others are counted
SAME_AMOUNT_SHOWN = 5
REVIEW_STATUSES = (BankLineStatus.UNMATCHED.value, BankLineStatus.IGNORED.value)


@dataclass(frozen=True)
class StatementRow:
    statement: BankStatement
    imported_by: str | None
    lines: int
    matched: int
    unmatched: int
    ignored: int
    amount: Decimal


def _counted(query):
    status = BankLine.status
    return query.add_columns(
        func.count(BankLine.id), func.count(BankLine.id).filter(status == BankLineStatus.MATCHED.value),
        func.count(BankLine.id).filter(status == BankLineStatus.UNMATCHED.value),
        func.count(BankLine.id).filter(status == BankLineStatus.IGNORED.value),
        func.coalesce(func.sum(BankLine.amount), ZERO))


def statements_page(session: Session, page: int, per_page: int) -> tuple[list[StatementRow], int]:
    """One page of statements, newest first, with their line counts."""
    total = session.scalar(select(func.count()).select_from(BankStatement)) or 0
    query = _counted(select(BankStatement, User.full_name)
                     .outerjoin(User, User.id == BankStatement.imported_by_id)
                     .outerjoin(BankLine, BankLine.statement_id == BankStatement.id)
                     .group_by(BankStatement.id, User.full_name)
                     .order_by(BankStatement.created_at.desc(), BankStatement.id.desc())
                     .limit(per_page).offset((page - 1) * per_page))
    return [StatementRow(*row) for row in session.execute(query)], total


def statement_row(session: Session, statement_id: int) -> StatementRow | None:
    query = _counted(select(BankStatement, User.full_name)
                     .outerjoin(User, User.id == BankStatement.imported_by_id)
                     .outerjoin(BankLine, BankLine.statement_id == BankStatement.id)
                     .where(BankStatement.id == statement_id).group_by(BankStatement.id, User.full_name))
    row = session.execute(query).first()
    return StatementRow(*row) if row else None


@dataclass(frozen=True)
class LineRow:
    line: BankLine
    call_reference: str | None
    client_id: int | None
    client_name: str | None
    statement_filename: str


def _line_rows(query) -> select:
    return (query.add_columns(PremiumCall.reference, Client.id, Client.display_name, BankStatement.filename)
            .join(BankStatement, BankStatement.id == BankLine.statement_id)
            .outerjoin(PremiumCall, PremiumCall.id == BankLine.call_id)
            .outerjoin(Payment, Payment.id == BankLine.payment_id)
            .outerjoin(Client, Client.id == Payment.payer_client_id))


def lines_page(session: Session, *, statement_id: int | None = None, status: str = "", page: int = 1,
               per_page: int = 50) -> tuple[list[LineRow], int]:
    """One page of lines (of a statement, of a status), by date."""
    where = []
    if statement_id is not None:
        where.append(BankLine.statement_id == statement_id)
    if status:
        where.append(BankLine.status == status)
    total = session.scalar(select(func.count()).select_from(BankLine).where(*where)) or 0
    order = ((BankLine.booked_on, BankLine.id) if statement_id is not None
             else (BankLine.booked_on.desc(), BankLine.id.desc()))
    query = _line_rows(select(BankLine).where(*where)).order_by(*order).limit(per_page).offset((page - 1) * per_page)
    return [LineRow(*row) for row in session.execute(query)], total


def review_counts(session: Session) -> dict[str, int]:
    """How many lines wait (unmatched) and how many were set aside (ignored)."""
    rows = session.execute(select(BankLine.status, func.count()).where(BankLine.status.in_(REVIEW_STATUSES))
                           .group_by(BankLine.status)).all()
    return {status: 0 for status in REVIEW_STATUSES} | dict(rows)


# --- suggestions ------------------------------------------------------------------------

@dataclass(frozen=True)
class CallInfo:
    id: int
    reference: str
    client_id: int
    client_name: str
    client_reference: str
    due_date: date
    outstanding: Decimal
    status: str


@dataclass
class Suggestion:
    """Why a line was not matched, and the calls to offer. ``reason``:
    ``exact`` (it matches now: calls issued after the import), ``partial``
    and ``over`` (a reference, another amount: ``difference`` is received
    minus owed), ``same_amount`` (no reference, one call owes the amount),
    ``several_same_amount``, ``several_payers``, ``nothing``. ``closed``:
    calls the label names that have nothing left to pay."""

    reason: str
    calls: list[CallInfo] = field(default_factory=list)
    difference: Decimal = ZERO
    others: int = 0
    closed: list[CallInfo] = field(default_factory=list)
    #: every call owing the amount is of one payer
    one_payer: bool = False

    @property
    def owed(self) -> Decimal:
        return sum((call.outstanding for call in self.calls), ZERO)

    @property
    def payer(self) -> CallInfo | None:
        """When every call owing the amount is of one payer: a call naming
        that payer (the transfer may go to them, oldest first)."""
        return self.calls[0] if self.reason == "several_same_amount" and self.one_payer else None

    @property
    def choices(self) -> list[list[CallInfo]]:
        """What a person may assign the line to in one click: the calls
        found together, or one of the calls owing the same amount."""
        if self.reason == "several_same_amount":
            return [[call] for call in self.calls]
        return [self.calls] if self.calls and self.reason != "several_payers" else []


OUTSTANDING = PremiumCall.total - (PremiumCall.paid - PremiumCall.refunded)
CALL_COLUMNS = (PremiumCall.id.label("id"), PremiumCall.reference.label("reference"),
                PremiumCall.client_id.label("client_id"), Client.display_name.label("client_name"),
                Client.reference.label("client_reference"), PremiumCall.due_date.label("due_date"),
                OUTSTANDING.label("outstanding"), PremiumCall.status.label("status"))


def _named_calls(session: Session, lines: list[BankLine]) -> dict[str, CallInfo]:
    references = {reference_for(n) for line in lines for n in referenced_numbers(line.label)}
    if not references:
        return {}
    rows = session.execute(select(*CALL_COLUMNS).join(Client, Client.id == PremiumCall.client_id)
                           .where(PremiumCall.reference.in_(references)))
    return {row.reference: CallInfo(*row) for row in rows}


@dataclass(frozen=True)
class SameAmount:
    """The open calls owing one amount: the first ones (oldest due first),
    how many there are, and of how many payers."""

    calls: list[CallInfo]
    count: int
    payers: int


def _same_amount_calls(session: Session, lines: list[BankLine]) -> dict[Decimal, SameAmount]:
    amounts = {line.amount for line in lines}
    owing = (PremiumCall.status.in_(OPEN), PremiumCall.total > 0, OUTSTANDING.in_(amounts))
    rank = func.row_number().over(partition_by=OUTSTANDING, order_by=(PremiumCall.due_date, PremiumCall.id))
    inner = (select(*CALL_COLUMNS, rank.label("rank")).join(Client, Client.id == PremiumCall.client_id)
             .where(*owing).subquery())
    shown: dict[Decimal, list[CallInfo]] = {}
    for row in session.execute(select(inner).where(inner.c.rank <= SAME_AMOUNT_SHOWN).order_by(inner.c.rank)):
        shown.setdefault(row.outstanding, []).append(CallInfo(*row[:8]))
    totals = session.execute(select(OUTSTANDING, func.count(), func.count(PremiumCall.client_id.distinct()))
                             .where(*owing).group_by(OUTSTANDING))
    return {amount: SameAmount(shown.get(amount, []), count, payers) for amount, count, payers in totals}


def _suggestion(line: BankLine, named: dict[str, CallInfo], same: dict[Decimal, tuple[list[CallInfo], int]]
                ) -> Suggestion:
    mentioned = [named[reference_for(n)] for n in dict.fromkeys(referenced_numbers(line.label))
                 if reference_for(n) in named]
    open_named = [call for call in mentioned if call.status in OPEN and call.outstanding > 0]
    closed = [call for call in mentioned if call not in open_named]
    owing = same.get(line.amount, SameAmount([], 0, 0))
    same_calls = owing.calls
    candidates = {call.reference: call for call in open_named + same_calls}
    result = rules.match_transfer(line.label, line.amount,
                                  [rules.OpenCall(c.reference, c.outstanding) for c in candidates.values()])
    calls = [candidates[reference] for reference in result.references]
    if result.kind is rules.MatchKind.MATCHED:
        reason = "exact" if len({call.client_id for call in calls}) == 1 else "several_payers"
        return Suggestion(reason, calls, closed=closed)
    if result.kind in (rules.MatchKind.PARTIAL, rules.MatchKind.OVER):
        return Suggestion(result.kind.value, calls, result.difference, closed=closed)
    if result.kind is rules.MatchKind.PROBABLE:
        return Suggestion("same_amount", calls, closed=closed)
    if owing.count > 1:
        shown = same_calls[:SAME_AMOUNT_SHOWN]
        return Suggestion("several_same_amount", shown, others=owing.count - len(shown), closed=closed,
                          one_payer=owing.payers == 1)
    return Suggestion("nothing", closed=closed)


def suggestions(session: Session, lines: list[BankLine]) -> dict[int, Suggestion]:
    """The suggestion of each line, by line id, in two queries."""
    if not lines:
        return {}
    named, same = _named_calls(session, lines), _same_amount_calls(session, lines)
    return {line.id: _suggestion(line, named, same) for line in lines}


def export_lines(session: Session, status: str, batch: int = 500):
    """(line, statement file name, suggestion) of every line of ``status``, by date."""
    offset = 0
    while True:
        rows = session.execute(select(BankLine, BankStatement.filename)
                               .join(BankStatement, BankStatement.id == BankLine.statement_id)
                               .where(BankLine.status == status)
                               .order_by(BankLine.booked_on, BankLine.id).limit(batch).offset(offset)).all()
        if not rows:
            return
        found = suggestions(session, [line for line, _name in rows])
        for line, filename in rows:
            yield line, filename, found[line.id]
        offset += batch

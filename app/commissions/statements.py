"""Insurer commission statements (bordereaux): the column mapping saved per
insurer, the import of a statement for a month and its reconciliation with
the firm's commission lines, the list of statements and a statement's lines.

The window: a statement for a month is reconciled with the firm's commission
lines of that insurer whose DUE DATE falls in that month (one query), less
what stands reversed; a line fully reversed is not expected. A statement line
matches one of them on the policy number and the due date's month (or the
day itself, as the insurer's mapping says); lines dated in another month
come out ``unknown_to_us``.

Importing a month that already has a reconciliation replaces it when asked
to (the screens ask for confirmation first) and is refused otherwise: the
lines are written anew, and the disputes opened on the old lines are kept
and moved onto the new line of the same commission line.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Sequence

from psycopg import sql
from sqlalchemy import delete, extract, func, select, update
from sqlalchemy.orm import Session

from app import spreadsheets
from app.audit import services as audit
from app.catalog.models import Insurer
from app.commissions import reconciliation_rules
from app.commissions.models import (CommissionDispute, CommissionLine, InsurerStatement, StatementLine,
                                    StatementMapping)
from app.commissions.statement_formats import Mapping, Parsed, StatementRow, file_kind, parse
from app.contracts.models import Contract
from app.contracts.rules import add_months
from app.crm.models import Client
from tenants import bound_schema

STAGED = spreadsheets.StagedFiles("assurdesk.insurer-statement")


class StatementError(Exception):
    """A statement operation refused; ``code`` says why, ``params`` fill the message."""

    def __init__(self, code: str, **params) -> None:
        super().__init__(code)
        self.code, self.params = code, params


def month_start(day: date) -> date:
    return day.replace(day=1)


def insurers(session: Session) -> list[Insurer]:
    return list(session.scalars(select(Insurer).order_by(Insurer.name)))


def insurer_of(session: Session, insurer_id: int | None) -> Insurer | None:
    return session.get(Insurer, insurer_id) if insurer_id else None


# --- mappings ----------------------------------------------------------------------------------

def mapping_of(session: Session, insurer_id: int) -> Mapping | None:
    saved = session.get(StatementMapping, insurer_id)
    return Mapping.from_saved(saved.columns, saved.options) if saved else None


def mapped_insurer_ids(session: Session) -> set[int]:
    return set(session.scalars(select(StatementMapping.insurer_id)))


def save_mapping(session: Session, actor, insurer_id: int, mapping: Mapping) -> StatementMapping:
    """Keep how ``insurer_id``'s files are read; the next import uses it."""
    problems = mapping.problems()
    if problems:
        raise StatementError(next(iter(problems.values())))
    saved = session.get(StatementMapping, insurer_id)
    before = {"columns": saved.columns, "options": saved.options} if saved else None
    if saved is None:
        saved = StatementMapping(insurer_id=insurer_id)
        session.add(saved)
    saved.columns, saved.options = dict(mapping.columns), mapping.options()
    audit.record(session, actor, "statement_mapping.save", "statement_mapping", insurer_id, before=before,
                 after={"columns": saved.columns, "options": saved.options})
    return saved


# --- files between two steps -------------------------------------------------------------------

def stage(session: Session, secret: str, filename: str, content: bytes) -> str:
    """Keep an upload (a sample, a statement to confirm); return its signed token."""
    file_kind(content)
    return STAGED.stage(session, secret, filename, content)


def staged(session: Session, secret: str, token: str) -> tuple[str, bytes]:
    """(file name, content) of a staged upload of this firm; ``upload_expired`` otherwise."""
    try:
        _key, filename, content = STAGED.staged(session, secret, token)
    except spreadsheets.ImportProblem as exc:
        raise StatementError("upload_expired") from exc
    return filename, content


def read_statement(content: bytes, mapping: Mapping) -> Parsed:
    """The file read with the insurer's mapping (FormatProblem when it cannot be)."""
    return parse(content, mapping)


# --- reconciliation ----------------------------------------------------------------------------

def statement_for(session: Session, insurer_id: int, month: date) -> InsurerStatement | None:
    return session.scalars(select(InsurerStatement).where(InsurerStatement.insurer_id == insurer_id,
                                                          InsurerStatement.month == month_start(month))).first()


def _expected_rows(session: Session, insurer_id: int, month: date) -> list:
    """The firm's commission lines of the insurer due in ``month``, with their
    policy number and client: the one query of a reconciliation."""
    first = month_start(month)
    return session.execute(
        select(CommissionLine.id, CommissionLine.due_date, CommissionLine.base_net, CommissionLine.rate,
               CommissionLine.amount, CommissionLine.reversed_amount, Contract.policy_number,
               Client.display_name)
        .join(Contract, Contract.id == CommissionLine.contract_id)
        .join(Client, Client.id == Contract.client_id)
        .where(CommissionLine.insurer_id == insurer_id, CommissionLine.due_date >= first,
               CommissionLine.due_date < add_months(first, 1))
        .order_by(CommissionLine.due_date, CommissionLine.id)).all()


#: StatementLine's columns as written by :func:`copy_lines`, after ``statement_id``
LINE_COLUMNS = ("row_number", "policy_number", "due_date", "premium", "client_name", "rate", "received",
                "expected", "difference", "status", "commission_line_id")
COPY_TYPES = ("int8", "int4", "varchar", "date", "numeric", "varchar", "numeric", "numeric", "numeric", "numeric",
              "varchar", "int8")


def _line_values(outcome: reconciliation_rules.ReconciledLine, ours, theirs: StatementRow | None) -> tuple:
    """A StatementLine's columns (LINE_COLUMNS): the statement's values, ours for a missing line."""
    if theirs is None:
        return (None, (ours.policy_number or "")[:60], ours.due_date, ours.base_net, ours.display_name[:200],
                ours.rate, None, outcome.expected.amount, outcome.difference, outcome.status.value, ours.id)
    return (theirs.row_number, theirs.policy_number[:60], theirs.due_date, theirs.premium,
            (theirs.client_name or (ours.display_name if ours else "") or "")[:200] or None, theirs.rate,
            outcome.statement.amount, outcome.expected.amount if ours else None, outcome.difference,
            outcome.status.value, ours.id if ours else None)


def _reconcile(expected_rows: list, rows: Sequence[StatementRow], insurer_id: int, by_month: bool
               ) -> tuple[reconciliation_rules.Reconciliation, list[tuple]]:
    """Run :func:`reconciliation_rules.reconcile` and turn its outcomes into StatementLine values."""
    key = str(insurer_id)
    ours, theirs = {}, {}
    expected = []
    for row in expected_rows:
        net = reconciliation_rules.expected_net(row.amount, row.reversed_amount)
        if net != 0:
            day = reconciliation_rules.match_date(row.due_date, by_month)
            line = reconciliation_rules.CommissionLine(key, row.policy_number or "", day, net)
            expected.append(line)
            ours[id(line)] = row
    received = []
    for row in rows:
        day = reconciliation_rules.match_date(row.due_date, by_month)
        line = reconciliation_rules.CommissionLine(key, row.policy_number, day, row.amount)
        received.append(line)
        theirs[id(line)] = row
    result = reconciliation_rules.reconcile(expected, received)
    values = [_line_values(outcome, ours.get(id(outcome.expected)), theirs.get(id(outcome.statement)))
              for outcome in result.lines]
    return result, values


def copy_lines(session: Session, statement_id: int, values: list[tuple]) -> None:
    """Write a reconciliation's lines with PostgreSQL's COPY, in the session's
    transaction: a 50,000-line statement in one statement, where row-by-row
    INSERTs cost seconds. COPY is raw SQL, so the table is qualified with the
    schema the session is bound to (never the placeholder)."""
    if not values:
        return
    command = sql.SQL("COPY {} ({}) FROM STDIN").format(
        sql.Identifier(bound_schema(session), StatementLine.__tablename__),
        sql.SQL(", ").join(sql.Identifier(column) for column in ("statement_id",) + LINE_COLUMNS))
    cursor = session.connection().connection.driver_connection.cursor()
    with cursor, cursor.copy(command) as copy:
        copy.set_types(COPY_TYPES)
        for item in values:
            copy.write_row((statement_id, *item))


def _money(totals: reconciliation_rules.Totals, count: int) -> dict:
    return {"count": count, "expected": str(totals.expected), "received": str(totals.received),
            "difference": str(totals.difference)}


def totals_json(result: reconciliation_rules.Reconciliation) -> dict:
    """``InsurerStatement.totals``: per status, and ``all`` for the whole statement."""
    data = {status: _money(totals, totals.counts[status])
            for status, totals in reconciliation_rules.status_totals(result.lines).items()}
    whole = reconciliation_rules.add_up(list(result.totals.values()))
    data["all"] = _money(whole, sum(whole.counts.values())) | {"counts": whole.counts}
    return data


def totals_of(statement: InsurerStatement) -> reconciliation_rules.Totals:
    """A statement's totals read back from its ``totals``."""
    whole = statement.totals.get("all", {})
    return reconciliation_rules.Totals(Decimal(whole.get("expected", "0")), Decimal(whole.get("received", "0")),
                                       {status.value: statement.totals.get(status.value, {}).get("count", 0)
                                        for status in reconciliation_rules.LineStatus})


def status_part(statement: InsurerStatement, status: str | None) -> reconciliation_rules.Totals | None:
    """The totals of one status of a statement, read back from its ``totals``."""
    if not status:
        return None
    part = statement.totals.get(status, {})
    return reconciliation_rules.Totals(Decimal(part.get("expected", "0")), Decimal(part.get("received", "0")))


def _summary(statement: InsurerStatement) -> dict:
    return {"insurer_id": statement.insurer_id, "month": statement.month, "filename": statement.filename,
            "lines": statement.line_count, "totals": statement.totals.get("all", {})}


def _lock_insurer(session: Session, insurer_id: int) -> None:
    """One import at a time per insurer: two imports of a month cannot both land."""
    found = session.execute(select(Insurer.id).where(Insurer.id == insurer_id).with_for_update()).first()
    if found is None:
        raise StatementError("insurer_unknown")


def _remove(session: Session, statement: InsurerStatement) -> dict[int, int]:
    """Delete a reconciliation; return its disputes' {dispute id: commission line id}."""
    disputed = dict(session.execute(
        select(CommissionDispute.id, StatementLine.commission_line_id)
        .join(StatementLine, StatementLine.id == CommissionDispute.statement_line_id)
        .where(StatementLine.statement_id == statement.id)).all())
    session.execute(delete(InsurerStatement).where(InsurerStatement.id == statement.id),
                    execution_options={"synchronize_session": False})
    session.expunge(statement)
    return disputed


def _move_disputes(session: Session, statement_id: int, disputed: dict[int, int]) -> None:
    """Put the kept disputes on the new line of their commission line."""
    new_lines = dict(session.execute(
        select(StatementLine.commission_line_id, StatementLine.id)
        .where(StatementLine.statement_id == statement_id,
               StatementLine.commission_line_id.in_(set(disputed.values())))).all())
    for dispute_id, commission_line_id in disputed.items():
        session.execute(update(CommissionDispute).where(CommissionDispute.id == dispute_id)
                        .values(statement_line_id=new_lines.get(commission_line_id),
                                version=CommissionDispute.version + 1),
                        execution_options={"synchronize_session": False})


def _check_month(rows: Sequence[StatementRow], month: date) -> None:
    first = month_start(month)
    if rows and not any(month_start(row.due_date) == first for row in rows):
        raise StatementError("month_mismatch", month=first)


def reconcile_statement(session: Session, actor, insurer_id: int, month: date, rows: Sequence[StatementRow], *,
                        filename: str = "", replace: bool = False, match_by: str | None = None
                        ) -> InsurerStatement:
    """Reconcile the statement ``rows`` of ``insurer_id`` for ``month`` with
    the firm's commission lines due in that month; write its StatementLines
    (one bulk insert) and totals. ``match_by`` ("month" or "day") defaults to
    the insurer's mapping. A month already reconciled is replaced when
    ``replace``, else refused (``month_already_imported``)."""
    month = month_start(month)
    _check_month(rows, month)
    _lock_insurer(session, insurer_id)
    if match_by is None:
        saved = mapping_of(session, insurer_id)
        match_by = saved.match_by if saved else "month"
    previous, disputed = statement_for(session, insurer_id, month), {}
    if previous is not None and not replace:
        raise StatementError("month_already_imported", month=month)
    before = _summary(previous) if previous is not None else None
    if previous is not None:
        disputed = _remove(session, previous)
    result, values = _reconcile(_expected_rows(session, insurer_id, month), rows, insurer_id, match_by == "month")
    statement = InsurerStatement(insurer_id=insurer_id, month=month, filename=(filename or "statement")[:255],
                                 line_count=len(rows), totals=totals_json(result),
                                 imported_by_id=getattr(actor, "id", None))
    session.add(statement)
    session.flush()
    copy_lines(session, statement.id, values)
    if disputed:
        _move_disputes(session, statement.id, disputed)
    audit.record(session, actor, "insurer_statement.replace" if before else "insurer_statement.import",
                 "insurer_statement", statement.id, before=before, after=_summary(statement))
    return statement


# --- reading -----------------------------------------------------------------------------------

@dataclass(frozen=True)
class StatementFilters:
    insurer_id: int | None = None
    year: int | None = None


def _filtered(query, filters: StatementFilters):
    if filters.insurer_id:
        query = query.where(InsurerStatement.insurer_id == filters.insurer_id)
    if filters.year:
        query = query.where(extract("year", InsurerStatement.month) == filters.year)
    return query


def statements_page(session: Session, filters: StatementFilters, page: int, per_page: int
                    ) -> tuple[list[tuple[InsurerStatement, str]], int, reconciliation_rules.Totals]:
    """One page of statements, newest month first, with the insurer's name;
    their count; the totals of every statement the filters keep."""
    query = _filtered(select(InsurerStatement, Insurer.name).join(Insurer, Insurer.id == InsurerStatement.insurer_id),
                      filters)
    rows = [tuple(row) for row in session.execute(
        query.order_by(InsurerStatement.month.desc(), Insurer.name).limit(per_page).offset((page - 1) * per_page))]
    every = session.scalars(_filtered(select(InsurerStatement), filters)).all()
    return rows, len(every), reconciliation_rules.add_up([totals_of(statement) for statement in every])


def statement_years(session: Session) -> list[int]:
    years = session.scalars(select(extract("year", InsurerStatement.month)).distinct())
    return sorted((int(year) for year in years), reverse=True)


def get(session: Session, statement_id: int) -> InsurerStatement | None:
    return session.get(InsurerStatement, statement_id)


def _lines_query(statement_id: int, status: str | None):
    query = (select(StatementLine, CommissionDispute.id, CommissionDispute.status)
             .outerjoin(CommissionDispute, CommissionDispute.statement_line_id == StatementLine.id)
             .where(StatementLine.statement_id == statement_id))
    return query.where(StatementLine.status == status) if status else query


def lines_page(session: Session, statement_id: int, status: str | None, page: int, per_page: int
               ) -> tuple[list[tuple[StatementLine, int | None, str | None]], int]:
    """One page of a statement's lines (statement order, then the missing
    ones), each with its dispute's id and status; and their count."""
    count = select(func.count()).select_from(StatementLine).where(StatementLine.statement_id == statement_id)
    total = session.scalar(count.where(StatementLine.status == status) if status else count) or 0
    rows = session.execute(_lines_query(statement_id, status).order_by(StatementLine.id)
                           .limit(per_page).offset((page - 1) * per_page)).all()
    return [tuple(row) for row in rows], total


def export_rows(session: Session, statement_id: int, status: str | None, headers: list[str], status_label,
                dispute_label) -> list[list]:
    """Every line of the reconciliation (of ``status``), header first, for CSV/XLSX."""
    rows: list[list] = [headers]
    for line, _dispute_id, dispute_status in session.execute(_lines_query(statement_id, status)
                                                             .order_by(StatementLine.id)):
        rows.append([line.row_number, line.policy_number, line.client_name, line.due_date, line.premium, line.rate,
                     line.expected, line.received, line.difference, status_label(line.status),
                     dispute_label(dispute_status) if dispute_status else ""])
    return rows


def line_of(session: Session, statement_id: int, line_id: int) -> StatementLine | None:
    line = session.get(StatementLine, line_id)
    return line if line is not None and line.statement_id == statement_id else None

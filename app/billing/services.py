"""Premium calls: generation per contract and for a month of the portfolio
(idempotent: the unique key of a call's period makes a second run create
nothing), cancellation of the calls after a contract ends, and the overdue
status. Payments (collection, credit, refunds) are in
:mod:`app.billing.payments` and re-exported here. Every change is audited.

Instalments are anchored on the contract's main renewal date: the insurance
year runs from ``renewal_date - 12 months k`` (see :func:`year_starts`), and
its calls come from :func:`app.billing.rules.instalments`. A call is issued
for a period that starts inside the contract's life (on or after its
effective date, before its end or its scheduled cancellation).
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from psycopg import sql
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.audit import services as audit
from app.billing import events, rules
from app.billing.errors import BillingError
from app.billing.models import CallKind, PremiumCall
from app.billing.payments import (apply_credit, client_credit, open_calls, record_payment,  # noqa: F401
                                  refund_payment, release_allocations, restatus)
from app.columns import utcnow
from app.contracts.models import Cancellation, Contract, ContractStatus
from app.contracts.rules import add_months
from tenants import bound_schema

__all__ = ["BillingError", "ContractTerms", "apply_credit", "calls_due_in", "cancel_future_calls", "client_credit",
           "generate_for_contract", "generate_month", "open_calls", "record_payment", "refresh_overdue",
           "refund_payment", "year_starts"]

ZERO = rules.ZERO
#: the columns a generated call is written with (the others take their defaults)
COPY_COLUMNS = ("id", "reference", "contract_id", "client_id", "insurer_id", "line", "kind", "number", "period_start",
                "period_end", "due_date", "net", "fees", "tax_rate", "tax", "total", "paid", "refunded", "status",
                "version")
NOT_LATE = (rules.CallStatus.DUE.value, rules.CallStatus.PARTLY_PAID.value)
ENDED = (ContractStatus.CANCELLED.value, ContractStatus.EXPIRED.value)


def reference_for(number: int) -> str:
    return f"QUI-{number:06d}"


@dataclass(frozen=True)
class ContractTerms:
    """What generation reads of a contract (a row of the bulk query, or a
    contract object through :meth:`of`). ``ends_on``: the contract's end or
    its scheduled cancellation date, whichever comes first (exclusive)."""

    id: int
    payer_id: int
    insurer_id: int
    line: str
    premium_net: Decimal
    fees: Decimal
    tax_rate: Decimal
    instalment_plan: str
    effective_date: date
    renewal_date: date
    ends_on: date | None

    @classmethod
    def of(cls, contract: Contract, cancelled_on: date | None = None) -> ContractTerms:
        ends = [day for day in (contract.ended_on, cancelled_on) if day is not None]
        return cls(contract.id, contract.payer_id or contract.client_id, contract.insurer_id, contract.line,
                   contract.premium_net, contract.fees, contract.tax_rate, contract.instalment_plan,
                   contract.effective_date, contract.renewal_date, min(ends) if ends else None)

    def schedule(self, year_start: date) -> list[rules.Instalment]:
        return rules.instalments(self.premium_net, self.fees, self.tax_rate, self.instalment_plan, year_start)

    def calls(self, instalment: rules.Instalment) -> bool:
        """Whether ``instalment`` is inside the contract's life."""
        return instalment.period_start >= self.effective_date and (
            self.ends_on is None or instalment.period_start < self.ends_on)


def year_starts(renewal_date: date, month: date) -> list[date]:
    """The starts of the (at most two) insurance years, anchored on the
    renewal date, that may hold an instalment due in ``month``."""
    months = (month.year - renewal_date.year) * 12 + month.month - renewal_date.month
    k = months // 12
    return [add_months(renewal_date, 12 * j) for j in (k - 1, k)]


def month_bounds(month: date) -> tuple[date, date]:
    first = month.replace(day=1)
    return first, add_months(first, 1)


def _row(terms: ContractTerms, instalment: rules.Instalment, call_id: int, today: date) -> dict:
    status = rules.call_status(instalment.total, ZERO, ZERO, instalment.due_date, today, cancelled=False)
    return {"id": call_id, "reference": reference_for(call_id), "contract_id": terms.id, "client_id": terms.payer_id,
            "insurer_id": terms.insurer_id, "line": terms.line, "kind": CallKind.INSTALMENT.value,
            "number": instalment.number, "period_start": instalment.period_start,
            "period_end": instalment.period_end, "due_date": instalment.due_date, "net": instalment.net,
            "fees": instalment.fees, "tax_rate": terms.tax_rate, "tax": instalment.tax, "total": instalment.total,
            "paid": ZERO, "refunded": ZERO, "status": status.value, "version": 1}


def _next_numbers(session: Session, count: int) -> list[int]:
    """Reserve ``count`` ids of the call sequence in one query, so that the
    reference is written with the row. Numbers reserved by a run that then
    finds the row already there are skipped (references may have gaps)."""
    if count == 0:
        return []
    sequence = func.pg_get_serial_sequence(f"{bound_schema(session)}.premium_call", "id")
    return list(session.scalars(select(func.nextval(sequence)).select_from(func.generate_series(1, count))))


def _insert_missing(session: Session, actor, wanted: list[tuple[ContractTerms, rules.Instalment]],
                    today: date) -> list[int]:
    """Insert the calls of ``wanted``; a row whose period already has its
    call (a concurrent run) is skipped by the unique key. Returns the ids
    inserted.

    The rows go through PostgreSQL's COPY into a temporary table, then one
    ``INSERT ... SELECT ... ON CONFLICT DO NOTHING``: building multi-row
    VALUES statements cost most of a 100,000-contract run (SQL compilation
    and parameter conversion, see bench/premiums.py)."""
    if not wanted:
        return []
    ids = _next_numbers(session, len(wanted))
    rows = (_row(terms, instalment, call_id, today) for (terms, instalment), call_id in zip(wanted, ids))
    inserted = _copy_insert(session, rows)
    if inserted:
        events.calls_issued(session, actor, inserted, today)
    return inserted


def _copy_insert(session: Session, rows) -> list[int]:
    """COPY ``rows`` (dicts of COPY_COLUMNS) into a temporary copy of the
    tenant's premium_call table, then insert those whose period is not
    called yet; returns their ids. Raw SQL, so the table is qualified with
    the schema the session is bound to (never the placeholder)."""
    target = sql.Identifier(bound_schema(session), PremiumCall.__tablename__)
    staging = sql.Identifier(f"premium_call_staging_{uuid.uuid4().hex}")
    columns = sql.SQL(", ").join(sql.Identifier(column) for column in COPY_COLUMNS)
    cursor = session.connection().connection.driver_connection.cursor()
    with cursor:
        cursor.execute(sql.SQL("CREATE TEMPORARY TABLE {} (LIKE {} INCLUDING DEFAULTS) ON COMMIT DROP")
                       .format(staging, target))
        with cursor.copy(sql.SQL("COPY {} ({}) FROM STDIN").format(staging, columns)) as copy:
            for row in rows:
                copy.write_row([row[column] for column in COPY_COLUMNS])
        cursor.execute(sql.SQL("INSERT INTO {target} ({columns}) SELECT {columns} FROM {staging} "
                               "ON CONFLICT ON CONSTRAINT uq_premium_call_period DO NOTHING RETURNING id")
                       .format(target=target, columns=columns, staging=staging))
        inserted = [row[0] for row in cursor.fetchall()]
        cursor.execute(sql.SQL("DROP TABLE {}").format(staging))
    return inserted


def _scheduled_cancellation(session: Session, contract_id: int) -> date | None:
    return session.scalar(select(func.min(Cancellation.effective_on)).where(Cancellation.contract_id == contract_id))


def generate_for_contract(session: Session, actor, contract: Contract, year_start: date, *,
                          today: date | None = None) -> list[PremiumCall]:
    """The instalment calls of ``contract`` for the insurance year starting
    on ``year_start``: those already issued are kept as they are, the missing
    ones created. Returns the year's calls, by number."""
    today = today or date.today()
    if contract.status in ENDED and contract.ended_on is None:
        raise BillingError("contract_ended")
    terms = ContractTerms.of(contract, _scheduled_cancellation(session, contract.id))
    schedule = [instalment for instalment in terms.schedule(year_start) if terms.calls(instalment)]
    starts = [instalment.period_start for instalment in schedule]
    year_calls = select(PremiumCall).where(PremiumCall.contract_id == contract.id,
                                           PremiumCall.kind == CallKind.INSTALMENT.value,
                                           PremiumCall.period_start.in_(starts))
    existing = {(call.period_start, call.number) for call in session.scalars(year_calls)}
    missing = [(terms, instalment) for instalment in schedule
               if (instalment.period_start, instalment.number) not in existing]
    created = set(_insert_missing(session, actor, missing, today))
    calls = list(session.scalars(year_calls.order_by(PremiumCall.number)))
    for call in calls:
        if call.id in created:
            audit.record(session, actor, "premium_call.create", "premium_call", call.id, after=snapshot(call))
    return calls


def snapshot(call: PremiumCall) -> dict:
    return {name: getattr(call, name) for name in (
        "reference", "contract_id", "client_id", "kind", "number", "period_start", "period_end", "due_date", "net",
        "fees", "tax_rate", "tax", "total", "paid", "refunded", "status")}


def _active_terms(session: Session, month_end: date) -> list[ContractTerms]:
    """One query: the active contracts started before ``month_end``, with
    their scheduled cancellation date if any."""
    rows = session.execute(
        select(Contract.id, func.coalesce(Contract.payer_id, Contract.client_id), Contract.insurer_id, Contract.line,
               Contract.premium_net, Contract.fees, Contract.tax_rate, Contract.instalment_plan,
               Contract.effective_date, Contract.renewal_date,
               func.least(Contract.ended_on, Cancellation.effective_on))
        .outerjoin(Cancellation, Cancellation.contract_id == Contract.id)
        .where(Contract.status == ContractStatus.ACTIVE.value, Contract.effective_date < month_end)
        .order_by(Contract.id))
    return [ContractTerms(*row) for row in rows]


def calls_due_in(session: Session, month: date) -> list[tuple[ContractTerms, rules.Instalment]]:
    """The instalments of active contracts due in ``month`` (any day of it),
    whether already called or not: the preview of :func:`generate_month`."""
    first, end = month_bounds(month)
    due = []
    for terms in _active_terms(session, end):
        seen = set()
        for year_start in year_starts(terms.renewal_date, first):
            for instalment in terms.schedule(year_start):
                if first <= instalment.due_date < end and terms.calls(instalment) \
                        and instalment.period_start not in seen:
                    seen.add(instalment.period_start)
                    due.append((terms, instalment))
    return due


def generate_month(session: Session, actor, month: date, *, today: date | None = None) -> int:
    """Issue the missing calls due in ``month`` across the portfolio (active
    contracts): one query for the contracts, one for the calls already
    issued, batched inserts of the missing rows. Returns how many were
    created; a second run creates none."""
    today = today or date.today()
    first, end = month_bounds(month)
    due = calls_due_in(session, month)
    existing = {tuple(row) for row in session.execute(
        select(PremiumCall.contract_id, PremiumCall.period_start, PremiumCall.number)
        .where(PremiumCall.kind == CallKind.INSTALMENT.value, PremiumCall.due_date >= first,
               PremiumCall.due_date < end))}
    missing = [(terms, instalment) for terms, instalment in due
               if (terms.id, instalment.period_start, instalment.number) not in existing]
    created = _insert_missing(session, actor, missing, today)
    audit.record(session, actor, "premium_call.generate_month", "premium_call", None,
                 after={"month": first, "due": len(due), "created": len(created)})
    return len(created)


def cancel_future_calls(session: Session, actor, contract: Contract, from_day: date, *,
                        today: date | None = None) -> list[PremiumCall]:
    """Cancel the calls of ``contract`` whose period starts on or after
    ``from_day`` (what follows a cancellation). Money already allocated to
    them goes back to the payer's credit. Returns the calls cancelled."""
    today = today or date.today()
    calls = list(session.scalars(
        select(PremiumCall).where(PremiumCall.contract_id == contract.id, PremiumCall.period_start >= from_day,
                                  PremiumCall.cancelled_at.is_(None))
        .order_by(PremiumCall.period_start, PremiumCall.id).with_for_update()))
    for call in calls:
        before = {"status": call.status, "paid": call.paid}
        released = release_allocations(session, actor, call)
        call.cancelled_at = utcnow()
        restatus(call, today)
        events.call_cancelled(session, actor, call, today)
        audit.record(session, actor, "premium_call.cancel", "premium_call", call.id, before=before,
                     after={"status": call.status, "paid": call.paid, "from_day": from_day,
                            "credited": released})
    return calls


def refresh_overdue(session: Session, today: date | None = None) -> int:
    """Set overdue the calls still owed after their due date; returns how many changed."""
    today = today or date.today()
    calls = list(session.scalars(
        select(PremiumCall).where(PremiumCall.status.in_(NOT_LATE), PremiumCall.due_date < today,
                                  PremiumCall.cancelled_at.is_(None))
        .order_by(PremiumCall.id)))
    changed = [call for call in calls if restatus(call, today)]
    if changed:
        audit.record(session, None, "premium_call.overdue", "premium_call", None,
                     after={"on": today, "references": [call.reference for call in changed]})
    return len(changed)


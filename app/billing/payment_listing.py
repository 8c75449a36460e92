"""What the payment screens read: the list (filters by method, period
received, status, credit left and a text on the payer, the bank reference or
the external id), its totals and export rows; a payment's allocations and
history; a payer's open calls with what a payment would do to them."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import Select, and_, func, or_, select
from sqlalchemy.orm import Session

from app.audit.models import AuditEntry
from app.billing import payments, rules
from app.billing.models import Payment, PaymentAllocation, PremiumCall
from app.contracts.models import Contract
from app.crm.models import Client
from app.crm.rules import normalise

ZERO = rules.ZERO
EXPORT_COLUMNS = ("received_on", "payer_reference", "payer_name", "method", "amount", "allocated", "credit_left",
                  "reference", "external_id", "status", "refunded_on")

#: what recorded payments put on calls (a refunded payment keeps its allocations as history)
ALLOCATED = (select(func.coalesce(func.sum(PaymentAllocation.amount), ZERO))
             .where(PaymentAllocation.payment_id == Payment.id).correlate(Payment).scalar_subquery())


@dataclass
class PaymentFilters:
    q: str = ""
    method: str = ""
    received_from: date | None = None
    received_to: date | None = None
    status: str = ""
    with_credit: bool = False

    @property
    def any(self) -> bool:
        return bool(self.q or self.method or self.received_from or self.received_to or self.status
                    or self.with_credit)


@dataclass(frozen=True)
class Totals:
    count: int
    amount: Decimal
    allocated: Decimal
    credit: Decimal


def _unwild(text: str) -> str:
    return text.replace("%", "").replace("_", "")


def _text(query: Select, q: str) -> Select:
    typed = f"%{_unwild(q.strip().lower())}%"
    folded = f"%{_unwild(normalise(q))}%"
    return query.where(or_(Client.sort_name.like(folded), func.lower(Client.reference).like(typed),
                           func.lower(Payment.reference).like(typed), func.lower(Payment.external_id).like(typed)))


def _where(query: Select, filters: PaymentFilters) -> Select:
    if filters.q.strip():
        query = _text(query, filters.q)
    if filters.method:
        query = query.where(Payment.method == filters.method)
    if filters.received_from:
        query = query.where(Payment.received_on >= filters.received_from)
    if filters.received_to:
        query = query.where(Payment.received_on <= filters.received_to)
    if filters.status:
        query = query.where(Payment.status == filters.status)
    if filters.with_credit:
        query = query.where(Payment.unallocated > 0)
    return query


def filtered(filters: PaymentFilters) -> Select:
    """(payment, payer name, payer reference, allocated), newest first."""
    query = (select(Payment, Client.display_name, Client.reference, ALLOCATED.label("allocated"))
             .join(Client, Client.id == Payment.payer_client_id))
    return _where(query, filters).order_by(Payment.received_on.desc(), Payment.id.desc())


def page_of(session: Session, filters: PaymentFilters, page: int, per_page: int) -> list[tuple]:
    return [tuple(row) for row in session.execute(filtered(filters).offset((page - 1) * per_page).limit(per_page))]


def totals(session: Session, filters: PaymentFilters) -> Totals:
    """Count and sums of the whole filtered set (every page)."""
    base = _where(select(Payment.id, Payment.amount, Payment.unallocated, ALLOCATED.label("allocated"))
                  .join(Client, Client.id == Payment.payer_client_id), filters).subquery()
    row = session.execute(select(func.count(), func.coalesce(func.sum(base.c.amount), ZERO),
                                 func.coalesce(func.sum(base.c.allocated), ZERO),
                                 func.coalesce(func.sum(base.c.unallocated), ZERO))).one()
    return Totals(*row)


def export_rows(session: Session, filters: PaymentFilters, labels: dict) -> Iterator[list]:
    """The header, then one row per payment (every page); ``labels`` names the methods."""
    yield list(EXPORT_COLUMNS)
    for payment, name, reference, allocated in session.execute(filtered(filters).execution_options(yield_per=500)):
        cells = {"received_on": payment.received_on, "payer_reference": reference, "payer_name": name,
                 "method": str(labels.get(payment.method, payment.method)), "amount": payment.amount,
                 "allocated": allocated, "credit_left": payment.unallocated, "reference": payment.reference,
                 "external_id": payment.external_id, "status": payment.status, "refunded_on": payment.refunded_on}
        yield [cells[name] for name in EXPORT_COLUMNS]


def allocations(session: Session, payment: Payment) -> list[tuple[PaymentAllocation, PremiumCall, str]]:
    """(allocation, call, contract reference) of ``payment``, in the order made."""
    return [tuple(row) for row in session.execute(
        select(PaymentAllocation, PremiumCall, Contract.reference)
        .join(PremiumCall, PremiumCall.id == PaymentAllocation.call_id)
        .join(Contract, Contract.id == PremiumCall.contract_id)
        .where(PaymentAllocation.payment_id == payment.id).order_by(PaymentAllocation.id))]


@dataclass(frozen=True)
class HistoryLine:
    """One audit entry about a payment, as its page shows it."""

    at: datetime
    action: str
    actor: str
    amount: Decimal | None
    call_id: int | None
    call_reference: str | None


def history(session: Session, payment: Payment) -> list[HistoryLine]:
    """The audit entries of ``payment`` and of the calls it paid or was released from, newest first."""
    about_calls = and_(AuditEntry.object_type == "premium_call",
                       AuditEntry.after["payment_id"].astext == str(payment.id))
    entries = list(session.scalars(select(AuditEntry).where(or_(
        and_(AuditEntry.object_type == "payment", AuditEntry.object_id == str(payment.id)), about_calls))
        .order_by(AuditEntry.at.desc(), AuditEntry.id.desc())))
    call_ids = {int(entry.object_id) for entry in entries if entry.object_type == "premium_call"}
    references = dict(session.execute(select(PremiumCall.id, PremiumCall.reference)
                                      .where(PremiumCall.id.in_(call_ids))).all()) if call_ids else {}
    lines = []
    for entry in entries:
        call_id = int(entry.object_id) if entry.object_type == "premium_call" else None
        lines.append(HistoryLine(entry.at, entry.action, entry.actor_label, _amount((entry.after or {}).get("amount")),
                                 call_id, references.get(call_id)))
    return lines


def _amount(value) -> Decimal | None:
    try:
        return Decimal(str(value)) if value not in (None, "") else None
    except ArithmeticError:
        return None


def open_calls(session: Session, client_id: int) -> list[tuple[PremiumCall, str]]:
    """(call, contract reference) the payer still owes, oldest due first."""
    calls = payments.open_calls(session, client_id)
    references = dict(session.execute(select(Contract.id, Contract.reference)
                                      .where(Contract.id.in_({call.contract_id for call in calls}))).all())
    return [(call, references.get(call.contract_id, "")) for call in calls]


@dataclass(frozen=True)
class Preview:
    """What a payment of ``amount`` would pay on each open call (by id) and leave as credit."""

    shares: dict[int, Decimal]
    credit: Decimal


def preview(calls: list[PremiumCall], chosen: list[int], amount: Decimal | None) -> Preview | None:
    """Spread ``amount`` over the ``chosen`` calls (all of them when none is
    chosen), oldest first, as :func:`app.billing.payments.record_payment` will."""
    if amount is None or amount <= 0:
        return None
    paid = [call for call in calls if call.id in chosen] if chosen else calls
    by_reference = {call.reference: call.id for call in paid}
    shares, credit = rules.allocate(amount, [rules.OpenCall(call.reference, call.outstanding) for call in paid])
    return Preview({by_reference[reference]: share for reference, share in shares}, credit)

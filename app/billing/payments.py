"""Collection: payments recorded against a payer's open calls (oldest first,
by :func:`app.billing.rules.allocate`), the overpayment kept as credit on the
payment (``Payment.unallocated``), credit used later, refunds. A payment with
an ``external_id`` already recorded (a bank line, a Stripe event replayed) is
returned as it is: nothing is counted twice. Every change is audited."""

from __future__ import annotations

from datetime import date
from decimal import Decimal, InvalidOperation

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from app.audit import services as audit
from app.billing import events, rules
from app.billing.errors import BillingError
from app.billing.models import Payment, PaymentAllocation, PaymentMethod, PaymentStatus, PremiumCall
from app.catalog.rules import round_cents

ZERO = rules.ZERO
OPEN = (rules.CallStatus.DUE.value, rules.CallStatus.PARTLY_PAID.value, rules.CallStatus.OVERDUE.value)


def restatus(call: PremiumCall, today: date) -> bool:
    """Set the call's status from its amounts and dates; True if it changed."""
    status = rules.call_status(call.total, call.paid, call.refunded, call.due_date, today,
                               cancelled=call.cancelled_at is not None).value
    changed = status != call.status
    call.status = status
    return changed


def open_calls(session: Session, client_id: int, call_ids: list[int] | None = None, *,
               lock: bool = False) -> list[PremiumCall]:
    """The payer's calls still owed, oldest due first."""
    query = (select(PremiumCall).where(PremiumCall.client_id == client_id, PremiumCall.status.in_(OPEN),
                                       PremiumCall.total > 0)
             .order_by(PremiumCall.due_date, PremiumCall.id))
    if call_ids is not None:
        query = query.where(PremiumCall.id.in_(call_ids))
    return list(session.scalars(query.with_for_update() if lock else query))


def client_credit(session: Session, client_id: int) -> Decimal:
    """The payer's credit: what their recorded payments brought beyond the calls they paid."""
    return session.scalar(select(func.coalesce(func.sum(Payment.unallocated), ZERO)).where(
        Payment.payer_client_id == client_id, Payment.status == PaymentStatus.RECORDED.value))


def _amount(value) -> Decimal:
    try:
        amount = round_cents(Decimal(value))
    except (InvalidOperation, TypeError, ValueError) as exc:
        raise BillingError("amount_invalid") from exc
    if not amount.is_finite() or amount <= 0:
        raise BillingError("payment_not_positive")
    return amount


def _allocate(session: Session, actor, payment: Payment, amount: Decimal, calls: list[PremiumCall],
              today: date) -> Decimal:
    """Spread ``amount`` of ``payment`` over ``calls`` (oldest first);
    returns what is left over."""
    by_reference = {call.reference: call for call in calls}
    shares, left = rules.allocate(amount, [rules.OpenCall(call.reference, call.outstanding) for call in calls])
    for reference, share in shares:
        call = by_reference[reference]
        before = {"paid": call.paid, "status": call.status}
        call.paid += share
        restatus(call, today)
        if call.status == rules.CallStatus.PAID.value:
            events.call_paid(session, actor, call, today)
        session.add(PaymentAllocation(payment_id=payment.id, call_id=call.id, amount=share))
        audit.record(session, actor, "premium_call.pay", "premium_call", call.id, before=before,
                     after={"paid": call.paid, "status": call.status, "payment_id": payment.id, "amount": share})
    return left


def _by_external_id(session: Session, external_id: str) -> Payment | None:
    return session.scalar(select(Payment).where(Payment.external_id == external_id))


def record_payment(session: Session, actor, *, client_id: int, amount, method: str, received_on: date,
                   reference: str | None = None, external_id: str | None = None,
                   call_ids: list[int] | None = None, today: date | None = None) -> Payment:
    """Record money received from ``client_id`` and allocate it to their open
    calls (only ``call_ids`` when given), oldest due first; what is left is
    kept as their credit. The same ``external_id`` twice returns the first
    payment and changes nothing."""
    today = today or date.today()
    amount = _amount(amount)
    if method not in {m.value for m in PaymentMethod}:
        raise BillingError("method_invalid")
    external_id = (external_id or "").strip() or None
    if external_id and (first := _by_external_id(session, external_id)) is not None:
        return first
    calls = open_calls(session, client_id, call_ids, lock=True)
    if call_ids is not None and len(calls) != len(set(call_ids)):
        raise BillingError("call_not_open")
    payment = Payment(payer_client_id=client_id, method=method, amount=amount, unallocated=ZERO,
                      received_on=received_on, reference=(reference or "").strip() or None, external_id=external_id,
                      status=PaymentStatus.RECORDED.value, created_by_id=getattr(actor, "id", None))
    try:
        with session.begin_nested():
            session.add(payment)
            session.flush()
    except IntegrityError:
        if external_id and (first := _by_external_id(session, external_id)) is not None:
            return first  # recorded meanwhile by a concurrent import or webhook
        raise
    payment.unallocated = _allocate(session, actor, payment, amount, calls, today)
    audit.record(session, actor, "payment.record", "payment", payment.id, after={
        "client_id": client_id, "method": method, "amount": amount, "received_on": received_on,
        "reference": payment.reference, "external_id": external_id, "credit": payment.unallocated})
    return payment


def apply_credit(session: Session, actor, client_id: int, *, today: date | None = None) -> Decimal:
    """Use the payer's credit on their open calls, oldest payments and calls
    first; returns the amount used."""
    today = today or date.today()
    used = ZERO
    payments = session.scalars(
        select(Payment).where(Payment.payer_client_id == client_id, Payment.status == PaymentStatus.RECORDED.value,
                              Payment.unallocated > 0)
        .order_by(Payment.received_on, Payment.id).with_for_update())
    for payment in payments:
        calls = open_calls(session, client_id, lock=True)
        if not calls:
            break
        before = payment.unallocated
        payment.unallocated = _allocate(session, actor, payment, before, calls, today)
        used += before - payment.unallocated
        audit.record(session, actor, "payment.apply_credit", "payment", payment.id,
                     before={"credit": before}, after={"credit": payment.unallocated})
    return used


def refund_payment(session: Session, actor, payment: Payment, *, refunded_on: date, version: int | None = None,
                   today: date | None = None) -> Payment:
    """Give the whole payment back: the calls it paid count it as refunded
    (and are owed again, or ``refunded`` when nothing is kept), its credit
    goes with it. A stale ``version`` or a second refund is refused."""
    today = today or date.today()
    if version is not None and version != payment.version:
        raise BillingError("stale")
    if payment.status != PaymentStatus.RECORDED.value:
        raise BillingError("already_refunded")
    rows = session.execute(select(PaymentAllocation, PremiumCall)
                           .join(PremiumCall, PremiumCall.id == PaymentAllocation.call_id)
                           .where(PaymentAllocation.payment_id == payment.id)
                           .order_by(PaymentAllocation.id).with_for_update()).all()
    for allocation, call in rows:
        before = {"refunded": call.refunded, "status": call.status}
        call.refunded += allocation.amount
        restatus(call, today)
        events.call_refunded(session, actor, call, allocation.amount, today)
        audit.record(session, actor, "premium_call.refund", "premium_call", call.id, before=before,
                     after={"refunded": call.refunded, "status": call.status, "payment_id": payment.id})
    before = {"status": payment.status, "credit": payment.unallocated}
    payment.status, payment.refunded_on, payment.unallocated = PaymentStatus.REFUNDED.value, refunded_on, ZERO
    audit.record(session, actor, "payment.refund", "payment", payment.id, before=before,
                 after={"status": payment.status, "refunded_on": refunded_on, "amount": payment.amount})
    return payment


def release_allocations(session: Session, actor, call: PremiumCall) -> Decimal:
    """Take back what recorded payments allocated to ``call`` (being
    cancelled): each amount returns to its payment's credit. Returns the
    total released."""
    rows = session.execute(select(PaymentAllocation, Payment)
                           .join(Payment, Payment.id == PaymentAllocation.payment_id)
                           .where(PaymentAllocation.call_id == call.id,
                                  Payment.status == PaymentStatus.RECORDED.value)
                           .order_by(PaymentAllocation.id).with_for_update()).all()
    released = ZERO
    for allocation, payment in rows:
        payment.unallocated += allocation.amount
        call.paid -= allocation.amount
        released += allocation.amount
        audit.record(session, actor, "payment.release", "payment", payment.id,
                     after={"call_id": call.id, "amount": allocation.amount, "credit": payment.unallocated})
        session.delete(allocation)
    return released

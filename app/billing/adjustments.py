"""Premium calls that follow an endorsement or a cancellation, in the same
transaction as the contract's change (the rules are in
:mod:`app.billing.adjustment_rules`).

**Endorsement** (:func:`endorsement_calls`, called by
``app.contracts.endorsements.endorse`` once the contract has its new
premium): the calls already issued are corrected, one call per instalment
period: kind ``adjustment`` when it asks for more premium, ``credit_note``
when it gives premium back; ``number`` is the endorsement's number (the
period's start, the kind and the number are the call's unique key), linked
by ``endorsement_id``; tax at the contract's rate of the day, fees never
adjusted. An adjustment is due on the later of its issue day and the start
of the period it corrects (a period called ahead pays its extra premium with
it). Periods not called yet need nothing: generation calls them at the new
premium. Calls issued ahead are *adjusted*, not cancelled and issued again:
their payments, reminders and commission lines stay as they are, and a
period's calls then add up exactly to what a call issued after the change
would be.

**Cancellation**: :func:`cancellation_refund` tells the cancellation what it
will give back (the refund it records and shows), and :func:`close_calls`,
called when the contract is closed, cancels the calls after the effective
date (their money goes back to the payer's credit, by
:func:`app.billing.services.cancel_future_calls`) and issues the credit note
of the unused days of the period holding the date (``number`` 0: one
cancellation per contract). The cancellation's refund is then set to what
billing actually credited: the credit note plus the money of the calls
cancelled, nothing on the annual premium besides, so nothing is counted
twice. A contract none of whose premium is called here (collected elsewhere)
keeps the refund on the annual premium of :mod:`app.contracts.rules`.

**Credit notes**: a credit note has nothing to collect; it is settled at
once by a :class:`~app.billing.models.Payment` of method ``credit_note``
(:data:`CREDIT_NOTE_METHOD`) for what it gives back, received on its issue
day, ``reference`` = the credit note's reference, ``external_id``
``credit-note:<call id>``. That payment first pays what is still owed on
the period it corrects (its instalment, when unpaid); the rest is its
``unallocated``, i.e. the
payer's credit like any overpayment: ``client_credit`` counts it,
``apply_credit`` uses it, ``refund_payment`` pays it out. The credit note's
status is therefore ``paid`` (settled) from its issue, and
``events.call_paid`` follows ``events.calls_issued`` for it.
"""

from __future__ import annotations

from datetime import date

from sqlalchemy import exists, func, select
from sqlalchemy.orm import Session

from app.audit import services as audit
from app.billing import adjustment_rules, events, payments, rules
from app.billing import services as billing
from app.billing.adjustment_rules import CalledPeriod, Correction, Released
from app.billing.models import CallKind, Payment, PaymentAllocation, PaymentStatus, PremiumCall
from app.contracts import rules as contract_rules
from app.contracts.models import Cancellation, Contract, Endorsement

ZERO = rules.ZERO
#: the method of the payment that settles a credit note (not money received)
CREDIT_NOTE_METHOD = "credit_note"
#: the number of a cancellation's credit note (an endorsement's is its number, from 1)
CANCELLATION_NUMBER = 0


def called_periods(session: Session, contract: Contract) -> list[CalledPeriod]:
    """The instalment periods of ``contract`` called and not cancelled, each
    with the net and tax of all its standing calls added up."""
    calls = session.scalars(select(PremiumCall).where(PremiumCall.contract_id == contract.id,
                                                      PremiumCall.cancelled_at.is_(None))
                            .order_by(PremiumCall.period_start, PremiumCall.id))
    instalments: dict[date, PremiumCall] = {}
    sums: dict[date, tuple] = {}
    for call in calls:
        if call.kind == CallKind.INSTALMENT.value:
            instalments.setdefault(call.period_start, call)
        net, tax = sums.get(call.period_start, (ZERO, ZERO))
        sums[call.period_start] = (net + call.net, tax + call.tax)
    return [CalledPeriod(call.number, start, call.period_end, *sums[start]) for start, call in instalments.items()]


def endorsement_calls(session: Session, actor, contract: Contract, endorsement: Endorsement, *,
                      today: date | None = None) -> list[PremiumCall]:
    """Correct the calls already issued for the endorsement's change of
    premium; returns the calls issued (none when the premium is unchanged)."""
    if endorsement.previous_premium_net == endorsement.new_premium_net:
        return []
    corrections = adjustment_rules.endorsement_corrections(
        called_periods(session, contract), old_annual_net=endorsement.previous_premium_net,
        new_annual_net=endorsement.new_premium_net, annual_fees=contract.fees, tax_rate=contract.tax_rate,
        plan=contract.instalment_plan, effective_on=endorsement.effective_date, renewal_date=contract.renewal_date)
    return _issue(session, actor, contract, corrections, number=endorsement.number, endorsement_id=endorsement.id,
                  origin={"endorsement_id": endorsement.id}, today=today or date.today())


def _has_calls(session: Session, contract: Contract) -> bool:
    return bool(session.scalar(select(exists().where(PremiumCall.contract_id == contract.id))))


def _released(session: Session, contract: Contract, from_day: date) -> list[Released]:
    """The money recorded payments put on the calls that a cancellation from
    ``from_day`` cancels (what :func:`app.billing.payments.release_allocations` gives back)."""
    rows = session.execute(
        select(PremiumCall.net, PremiumCall.total, func.sum(PaymentAllocation.amount))
        .join(PaymentAllocation, PaymentAllocation.call_id == PremiumCall.id)
        .join(Payment, Payment.id == PaymentAllocation.payment_id)
        .where(PremiumCall.contract_id == contract.id, PremiumCall.period_start >= from_day,
               PremiumCall.cancelled_at.is_(None), Payment.status == PaymentStatus.RECORDED.value)
        .group_by(PremiumCall.id, PremiumCall.net, PremiumCall.total))
    return [Released(net, total, amount) for net, total, amount in rows]


def _credit(session: Session, contract: Contract, effective_on: date) -> Correction | None:
    return adjustment_rules.cancellation_correction(
        called_periods(session, contract), annual_net=contract.premium_net, tax_rate=contract.tax_rate,
        effective_on=effective_on, renewal_date=contract.renewal_date)


def cancellation_refund(session: Session, contract: Contract, effective_on: date) -> contract_rules.Adjustment:
    """What a cancellation of ``contract`` effective on ``effective_on``
    gives back, as billing will credit it (see the module's docstring)."""
    if not _has_calls(session, contract):
        return contract_rules.unused_premium(contract.premium_net, contract.tax_rate, effective_on,
                                             contract.renewal_date)
    return adjustment_rules.cancellation_refund(_credit(session, contract, effective_on),
                                                _released(session, contract, effective_on))


def close_calls(session: Session, actor, contract: Contract, cancellation: Cancellation, *,
                today: date | None = None) -> list[PremiumCall]:
    """Cancel the calls after the cancellation's date (their money to the
    payer's credit), issue the credit note of the unused days of the period
    holding it, and set the cancellation's refund to what was credited.
    Returns the credit notes issued."""
    today = today or date.today()
    effective_on = cancellation.effective_on
    has_calls = _has_calls(session, contract)
    released = _released(session, contract, effective_on)
    credit = _credit(session, contract, effective_on)
    billing.cancel_future_calls(session, actor, contract, effective_on, today=today)
    issued = _issue(session, actor, contract, [credit] if credit else [], number=CANCELLATION_NUMBER,
                    endorsement_id=None, origin={"cancellation_id": cancellation.id}, today=today)
    if has_calls:
        _record_refund(session, actor, cancellation, adjustment_rules.cancellation_refund(credit, released))
    return issued


def _record_refund(session: Session, actor, cancellation: Cancellation,
                   refund: contract_rules.Adjustment) -> None:
    before = {"refund_net": cancellation.refund_net, "refund_total": cancellation.refund_total}
    cancellation.computation = refund.computation
    if (refund.net, refund.total) == (cancellation.refund_net, cancellation.refund_total):
        return
    cancellation.refund_net, cancellation.refund_total = refund.net, refund.total
    audit.record(session, actor, "cancellation.refund", "cancellation", cancellation.id, before=before,
                 after={"refund_net": refund.net, "refund_total": refund.total})


def _due_date(correction: Correction, today: date) -> date:
    return today if correction.total < 0 else max(today, correction.period_start)


def _issue(session: Session, actor, contract: Contract, corrections: list[Correction], *, number: int,
           endorsement_id: int | None, origin: dict, today: date) -> list[PremiumCall]:
    """Insert one call per correction, tell the other areas, settle the credit notes."""
    if not corrections:
        return []
    calls = []
    for correction, call_id in zip(corrections, billing._next_numbers(session, len(corrections))):
        kind = CallKind.ADJUSTMENT if correction.total > 0 else CallKind.CREDIT_NOTE
        due = _due_date(correction, today)
        call = PremiumCall(
            id=call_id, reference=billing.reference_for(call_id), contract_id=contract.id,
            client_id=contract.payer_id or contract.client_id, insurer_id=contract.insurer_id, line=contract.line,
            kind=kind.value, number=number, period_start=correction.period_start, period_end=correction.period_end,
            due_date=due, net=correction.net, fees=ZERO, tax_rate=contract.tax_rate, tax=correction.tax,
            total=correction.total, paid=ZERO, refunded=ZERO, endorsement_id=endorsement_id,
            status=rules.call_status(correction.total, ZERO, ZERO, due, today, cancelled=False).value)
        session.add(call)
        calls.append(call)
    session.flush()
    for call, correction in zip(calls, corrections):
        audit.record(session, actor, "premium_call.create", "premium_call", call.id,
                     after=billing.snapshot(call) | origin | {"computation": correction.computation})
    events.calls_issued(session, actor, [call.id for call in calls], today)
    for call in calls:
        if call.kind == CallKind.CREDIT_NOTE.value:
            settle_credit_note(session, actor, call, today)
    return calls


def settle_credit_note(session: Session, actor, call: PremiumCall, today: date) -> Payment:
    """The payment that gives the credit note's amount to the payer: it pays
    what is still owed on the period it corrects first, the rest is their credit."""
    amount = -call.total
    payment = Payment(payer_client_id=call.client_id, method=CREDIT_NOTE_METHOD, amount=amount, unallocated=ZERO,
                      received_on=today, reference=call.reference, external_id=f"credit-note:{call.id}",
                      status=PaymentStatus.RECORDED.value, created_by_id=getattr(actor, "id", None))
    session.add(payment)
    session.flush()
    owed = [open_call for open_call in payments.open_calls(session, call.client_id, lock=True)
            if open_call.contract_id == call.contract_id and open_call.period_start == call.period_start]
    payment.unallocated = payments._allocate(session, actor, payment, amount, owed, today) if owed else amount
    events.call_paid(session, actor, call, today)
    audit.record(session, actor, "payment.credit_note", "payment", payment.id, after={
        "client_id": call.client_id, "call_id": call.id, "reference": call.reference, "amount": amount,
        "credit": payment.unallocated})
    return payment

"""What a portal account reads of its premiums: the payer's calls still owed
(with a payment under way shown as such), the payer's payments with what
each paid, and one payment for its receipt. Keyed by the account's client
(the payer), so another client's ids find nothing."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.billing import stripe_rules
from app.billing.models import Payment, PaymentAllocation, PremiumCall, StripeIntent
from app.billing.listing import last_day
from app.billing.payments import open_calls
from app.contracts.models import Contract
from app.portal.models import PortalAccount

#: how many payments the history shows
HISTORY_LIMIT = 50


@dataclass(frozen=True)
class CallLine:
    call: PremiumCall
    contract: Contract
    #: "processing" while a Stripe payment is under way, "action_required"
    #: while one waits for 3-D Secure, else the call's own status
    state: str

    @property
    def payable(self) -> bool:
        return self.state not in ("processing", "action_required")

    @property
    def last_day(self):
        return last_day(self.call)


def _intent_states(session: Session, client_id: int) -> dict[int, str]:
    """For each call of the payer with a Stripe payment not recorded yet, that payment's state."""
    rows = session.execute(select(StripeIntent.call_ids, StripeIntent.status)
                           .where(StripeIntent.client_id == client_id, StripeIntent.payment_id.is_(None),
                                  StripeIntent.failure_message.is_(None),
                                  StripeIntent.status.in_([*stripe_rules.UNDER_WAY_STATUSES, "requires_action"])))
    states: dict[int, str] = {}
    for call_ids, status in rows:
        state = "action_required" if status == "requires_action" else "processing"
        for call_id in call_ids:
            if states.get(call_id) != "processing":
                states[call_id] = state
    return states


def calls_to_pay(session: Session, account: PortalAccount) -> list[CallLine]:
    """The payer's calls still owed, earliest due first."""
    calls = open_calls(session, account.client_id)
    if not calls:
        return []
    contracts = {contract.id: contract for contract in session.scalars(
        select(Contract).where(Contract.id.in_({call.contract_id for call in calls})))}
    states = _intent_states(session, account.client_id)
    return [CallLine(call, contracts[call.contract_id], states.get(call.id, call.status)) for call in calls]


@dataclass(frozen=True)
class PaidCall:
    reference: str
    contract_label: str
    contract_reference: str
    period_start: object
    period_last_day: object
    amount: Decimal


@dataclass(frozen=True)
class PaymentLine:
    payment: Payment
    calls: list[PaidCall]


def _paid_calls(session: Session, payment_ids: list[int]) -> dict[int, list[PaidCall]]:
    rows = session.execute(
        select(PaymentAllocation.payment_id, PaymentAllocation.amount, PremiumCall, Contract.label,
               Contract.reference)
        .join(PremiumCall, PremiumCall.id == PaymentAllocation.call_id)
        .join(Contract, Contract.id == PremiumCall.contract_id)
        .where(PaymentAllocation.payment_id.in_(payment_ids))
        .order_by(PaymentAllocation.payment_id, PremiumCall.due_date, PremiumCall.id))
    found: dict[int, list[PaidCall]] = {}
    for payment_id, amount, call, label, reference in rows:
        found.setdefault(payment_id, []).append(
            PaidCall(call.reference, label, reference, call.period_start, last_day(call), amount))
    return found


def history(session: Session, account: PortalAccount, limit: int = HISTORY_LIMIT) -> list[PaymentLine]:
    """The payer's payments, latest first, with the calls each paid."""
    payments = list(session.scalars(select(Payment).where(Payment.payer_client_id == account.client_id)
                                    .order_by(Payment.received_on.desc(), Payment.id.desc()).limit(limit)))
    paid = _paid_calls(session, [payment.id for payment in payments]) if payments else {}
    return [PaymentLine(payment, paid.get(payment.id, [])) for payment in payments]


def receipt_of(session: Session, account: PortalAccount, payment_id: int) -> PaymentLine | None:
    """One payment of the account's payer, with the calls it paid, or None."""
    payment = session.scalar(select(Payment).where(Payment.id == payment_id,
                                                   Payment.payer_client_id == account.client_id))
    return line_of(session, payment) if payment is not None else None


def line_of(session: Session, payment: Payment) -> PaymentLine:
    return PaymentLine(payment, _paid_calls(session, [payment.id]).get(payment.id, []))

"""Following a payment the portal started, until Stripe's webhook records
it: its state for the client (:mod:`app.portal.payment_rules`), and while
3-D Secure waits for the payer, what Stripe.js needs to ask for it. Keyed by
the account: another account's payment is not found."""

from __future__ import annotations

from dataclasses import dataclass

import stripe
from sqlalchemy import select
from sqlalchemy.orm import Session

from app.billing import stripe_gateway, stripe_rules
from app.billing.errors import BillingError
from app.billing.models import Payment, PaymentStatus, StripeIntent
from app.portal import payment_rules
from app.portal.models import PortalAccount
from app.portal.payment_models import PortalPayment
from app.portal.payments import GATEWAY_CODES, PaymentError, firm_account


def payment_of(session: Session, account: PortalAccount, payment_id: int) -> PortalPayment | None:
    """One of this account's portal payments, or None."""
    return session.scalar(select(PortalPayment).where(PortalPayment.id == payment_id,
                                                      PortalPayment.account_id == account.id))


@dataclass(frozen=True)
class Progress:
    state: payment_rules.PaymentState
    intent: StripeIntent | None
    failure: str | None


def progress(session: Session, payment: PortalPayment, platform=None) -> Progress:
    """Where the payment is. While 3-D Secure is pending, Stripe is asked
    (the payer may have just authenticated); the money itself is only ever
    recorded by the webhook."""
    intent = session.get(StripeIntent, payment.stripe_intent_id) if payment.stripe_intent_id else None
    if intent is None:
        return Progress(payment_rules.PaymentState.FAILED, None, payment.failure_message)
    if intent.status == "requires_action" and intent.payment_id is None and not intent.failure_message:
        intent = _follow_stripe(session, intent, platform)
    recorded = session.get(Payment, intent.payment_id) if intent.payment_id else None
    state = payment_rules.payment_state(intent.status, recorded is not None, intent.failure_message,
                                        refunded=recorded is not None
                                        and recorded.status == PaymentStatus.REFUNDED.value)
    return Progress(state, intent, intent.failure_message or payment.failure_message)


def _follow_stripe(session: Session, intent: StripeIntent, platform=None) -> StripeIntent:
    """Bring a 3-D Secure intent's status up to what Stripe says now (its row locked, as the webhook locks it)."""
    locked = session.scalar(select(StripeIntent).where(StripeIntent.id == intent.id).with_for_update()
                            .execution_options(populate_existing=True))
    if locked.status != "requires_action" or locked.payment_id is not None:
        return locked
    try:
        _settings, firm = firm_account(session, platform)
        found = firm.client.v1.payment_intents.retrieve(locked.intent_id, options=firm.options()).to_dict()
    except (PaymentError, stripe.StripeError):
        return locked  # asked again at the next refresh
    locked.status = found.get("status") or locked.status
    if locked.status == "requires_payment_method":
        locked.failure_message = stripe_rules.failure_message(found) or "authentication_failed"
    session.flush()
    return locked


def browser_confirmation(session: Session, progress_: Progress, platform=None) -> stripe_gateway.BrowserPayment:
    """What ``confirmCardPayment`` needs for a payment waiting for 3-D Secure."""
    try:
        return stripe_gateway.browser_payment(session, progress_.intent, platform)
    except BillingError as exc:
        raise PaymentError(GATEWAY_CODES.get(exc.code, "refused")) from None

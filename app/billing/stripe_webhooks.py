"""Stripe's webhook on the firm's host: the signature is checked with the
firm's signing secret, each event is kept once by its id (a replay changes
nothing), and only three events move money:

- ``payment_intent.succeeded`` records the payment (external id = the intent
  id, so never twice) on the intent's calls still open; what they no longer
  owe (paid meanwhile by other means) stays as the payer's credit;
- ``payment_intent.payment_failed`` keeps the failure on the intent; the
  calls do not change; a failure older than a success changes nothing;
- ``charge.refunded`` refunds that payment; arriving before the success, it
  waits on its event row (``refund_pending``) and the success applies it.

So any order of arrival ends in the same state. The events of one intent
are handled one at a time (its row is locked); two deliveries of one event
at once are counted once (the event id is unique, inserted in a savepoint).
An event about an intent this firm does not know (another firm's) changes
nothing, and its content is not kept.
"""

from __future__ import annotations

import json
from datetime import date, datetime

import stripe
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from app.audit import services as audit
from app.billing import firm_settings, stripe_rules
from app.billing.firm_settings import PlatformStripe
from app.billing.models import BillingSettings, Payment, PaymentStatus, PremiumCall, StripeEvent, StripeIntent
from app.billing.payments import open_calls, record_payment, refund_payment
from app.billing.rules import PARIS
from app.billing.stripe_rules import Outcome, StripeMode
from app.portal import receipts


class WebhookRefused(Exception):
    """The request is not a genuine event for this firm; ``code`` says why."""

    def __init__(self, code: str) -> None:
        super().__init__(code)
        self.code = code


def signing_secret(settings: BillingSettings | None, platform: PlatformStripe) -> str | None:
    """The firm's secret; for a connected account without one, the platform's Connect endpoint secret."""
    if settings is not None and settings.stripe_webhook_secret:
        return settings.stripe_webhook_secret
    if firm_settings.stripe_mode(settings) == StripeMode.CONNECTED and platform.webhook_secret:
        return platform.webhook_secret
    return None


def verify(payload: bytes, signature: str | None, settings: BillingSettings | None,
           platform: PlatformStripe) -> dict:
    """The event, once Stripe's signature proves it; raises :class:`WebhookRefused`."""
    secret = signing_secret(settings, platform)
    if not secret:
        raise WebhookRefused("not_configured")
    try:
        stripe.Webhook.construct_event(payload, signature, secret)
        event = json.loads(payload)
    except stripe.SignatureVerificationError:
        raise WebhookRefused("bad_signature") from None
    except ValueError:  # signed, but not UTF-8 JSON
        raise WebhookRefused("bad_payload") from None
    if not isinstance(event, dict) or not event.get("id") or not event.get("type"):
        raise WebhookRefused("bad_payload")
    return event


def _object(event: dict) -> dict:
    obj = (event.get("data") or {}).get("object")
    return obj if isinstance(obj, dict) else {}


def receive(session: Session, event: dict, settings: BillingSettings | None, schema: str) -> Outcome | None:
    """Keep ``event`` once and act on it; None when it was received already."""
    obj = _object(event)
    intent_id = stripe_rules.intent_id_of(event["type"], obj)
    row = StripeEvent(event_id=str(event["id"])[:255], type=str(event["type"])[:80],
                      object_id=(intent_id or obj.get("id") or None), outcome="received", payload={})
    try:
        with session.begin_nested():
            session.add(row)
            session.flush()
    except IntegrityError:
        return None
    outcome, ours = _act(session, event, obj, intent_id, settings, schema)
    row.outcome = outcome.value
    row.payload = stripe_rules.stored_payload(event) if ours else {}
    return outcome


def record_error(session: Session, event: dict, code: str) -> None:
    """Keep an event whose handling failed, for a person to look at (outcome ``error``)."""
    obj = _object(event)
    session.add(StripeEvent(event_id=str(event["id"])[:255], type=str(event["type"])[:80],
                            object_id=stripe_rules.intent_id_of(event["type"], obj) or obj.get("id"),
                            outcome=Outcome.ERROR.value, payload={"error": code}))


def _act(session: Session, event: dict, obj: dict, intent_id: str | None, settings: BillingSettings | None,
         schema: str) -> tuple[Outcome, bool]:
    """What the event does; the flag says whether it is this firm's (its content is kept)."""
    if event["type"] not in stripe_rules.HANDLED_EVENTS or not intent_id:
        return Outcome.IGNORED, False
    connected = settings.stripe_account_id if settings is not None else None
    if connected and event.get("account") and event["account"] != connected:
        return Outcome.OTHER_ACCOUNT, False
    intent = _locked_intent(session, intent_id) or _adopt(session, event["type"], obj, schema)
    if intent is None:
        return Outcome.UNKNOWN_INTENT, False
    day = _day(event)
    if event["type"] == "payment_intent.succeeded":
        return _succeeded(session, intent, obj, day), True
    if event["type"] == "payment_intent.payment_failed":
        return _failed(session, intent, obj), True
    return _refunded(session, intent, obj, day), True


def _day(event: dict) -> date:
    created = event.get("created")
    if isinstance(created, int):
        return datetime.fromtimestamp(created, PARIS).date()
    return datetime.now(PARIS).date()


def _locked_intent(session: Session, intent_id: str) -> StripeIntent | None:
    return session.scalar(select(StripeIntent).where(StripeIntent.intent_id == intent_id).with_for_update()
                          .execution_options(populate_existing=True))


def _adopt(session: Session, event_type: str, obj: dict, schema: str) -> StripeIntent | None:
    """An intent this firm made but has not stored (the request that created
    it failed after Stripe answered, or has not committed yet): its metadata
    names this firm, the payer and calls of that payer."""
    metadata = obj.get("metadata") or {}
    call_ids = stripe_rules.call_ids_of(metadata)
    if not event_type.startswith("payment_intent.") or metadata.get("tenant") != schema or not call_ids:
        return None
    try:
        client_id = int(metadata.get("client_id"))
    except (TypeError, ValueError):
        return None
    # The calls first, as the request creating an intent locks them: that
    # request, if still running, commits its row before this one goes on.
    found = session.scalars(select(PremiumCall.id).where(PremiumCall.id.in_(call_ids),
                                                         PremiumCall.client_id == client_id).with_for_update()).all()
    if len(found) != len(call_ids):
        return None
    row = StripeIntent(intent_id=obj["id"], client_id=client_id, call_ids=call_ids, currency="EUR",
                       amount=stripe_rules.from_cents(obj.get("amount") or 0), status=obj.get("status") or "unknown")
    try:
        with session.begin_nested():
            session.add(row)
            session.flush()
    except IntegrityError:
        pass  # stored meanwhile by the request that created it
    return _locked_intent(session, obj["id"])


def _succeeded(session: Session, intent: StripeIntent, obj: dict, day: date) -> Outcome:
    intent.status, intent.failure_message = "succeeded", None
    if intent.payment_id is not None:
        return Outcome.ALREADY_RECORDED
    method_type = stripe_rules.payment_method_type(obj, intent.payment_method_type)
    intent.payment_method_type = method_type
    still_open = [call.id for call in open_calls(session, intent.client_id, intent.call_ids, lock=True)]
    payment = record_payment(session, None, client_id=intent.client_id,
                             amount=stripe_rules.from_cents(stripe_rules.received_cents(obj)),
                             method=stripe_rules.METHOD_OF_TYPE[method_type], received_on=day,
                             reference=f"Stripe {intent.intent_id}", external_id=intent.intent_id,
                             call_ids=still_open)
    intent.payment_id = payment.id
    _apply_pending_refunds(session, intent, payment, day)
    receipts.payment_recorded(session, payment)
    return Outcome.RECORDED


def _apply_pending_refunds(session: Session, intent: StripeIntent, payment: Payment, day: date) -> None:
    """A refund that arrived before the success is applied now."""
    pending = session.scalars(select(StripeEvent).where(
        StripeEvent.type == "charge.refunded", StripeEvent.object_id == intent.intent_id,
        StripeEvent.outcome == Outcome.REFUND_PENDING.value).order_by(StripeEvent.id).with_for_update())
    for event in pending:
        if payment.status == PaymentStatus.RECORDED.value:
            refund_payment(session, None, payment, refunded_on=day)
            event.outcome = Outcome.REFUNDED.value
        else:
            event.outcome = Outcome.ALREADY_REFUNDED.value


def _failed(session: Session, intent: StripeIntent, obj: dict) -> Outcome:
    if intent.payment_id is not None or intent.status == "succeeded":
        return Outcome.STALE  # an earlier attempt's failure, delivered after the success
    before = {"status": intent.status, "failure": intent.failure_message}
    intent.status = obj.get("status") or "requires_payment_method"
    intent.failure_message = stripe_rules.failure_message(obj) or "payment_failed"
    audit.record(session, None, "stripe_intent.fail", "stripe_intent", intent.id, before=before,
                 after={"status": intent.status, "failure": intent.failure_message})
    return Outcome.FAILED


def _refunded(session: Session, intent: StripeIntent, charge: dict, day: date) -> Outcome:
    if not stripe_rules.is_full_refund(charge):
        return Outcome.PARTIAL_REFUND
    payment = session.get(Payment, intent.payment_id, with_for_update=True) if intent.payment_id else None
    if payment is None:
        return Outcome.REFUND_PENDING
    if payment.status != PaymentStatus.RECORDED.value:
        return Outcome.ALREADY_REFUNDED
    refund_payment(session, None, payment, refunded_on=day)
    return Outcome.REFUNDED

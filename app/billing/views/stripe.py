"""Premiums screens: Stripe. The firm's recent PaymentIntents and webhook
events, a PaymentIntent for one premium call, and the webhook Stripe calls
(public, no CSRF token: Stripe's signature is the proof)."""

from __future__ import annotations

from flask import abort, flash, g, jsonify, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from sqlalchemy import select

from app.auth.access import public
from app.billing import firm_settings, stripe_gateway, stripe_webhooks
from app.billing.errors import BillingError
from app.billing.models import BillingSettings, PremiumCall, StripeEvent, StripeIntent
from app.billing.stripe_rules import Outcome
from app.billing.views import bp
from app.billing.views.settings import gateway_message
from app.crm.models import Client
from app.extensions import csrf, db

RECENT = 50

INTENT_LABELS = {
    "requires_payment_method": _l("Waiting for the payer"),
    "requires_confirmation": _l("To confirm"),
    "requires_action": _l("Waiting for the payer's authentication"),
    "processing": _l("Processing"),
    "requires_capture": _l("Authorised"),
    "succeeded": _l("Paid"),
    "canceled": _l("Cancelled"),
}
METHOD_LABELS = {"card": _l("Card"), "sepa_debit": _l("SEPA Direct Debit")}
OUTCOME_LABELS = {
    Outcome.RECORDED: _l("Payment recorded"),
    Outcome.FAILED: _l("Payment failed"),
    Outcome.REFUNDED: _l("Payment refunded"),
    Outcome.REFUND_PENDING: _l("Refund waiting for the payment"),
    Outcome.PARTIAL_REFUND: _l("Partial refund: to handle by hand"),
    Outcome.ALREADY_REFUNDED: _l("Already refunded"),
    Outcome.ALREADY_RECORDED: _l("Already recorded"),
    Outcome.STALE: _l("Older than the payment: nothing changed"),
    Outcome.IGNORED: _l("Not used"),
    Outcome.UNKNOWN_INTENT: _l("Not a payment of the firm"),
    Outcome.OTHER_ACCOUNT: _l("Another Stripe account"),
    Outcome.ERROR: _l("Could not be handled"),
}


def _safe_next(target: str | None) -> str | None:
    if target and target.startswith("/") and not target.startswith("//") and "\\" not in target:
        return target
    return None


@bp.get("/stripe")
def stripe_index():
    intents = db.session.execute(select(StripeIntent, Client.display_name)
                                 .join(Client, Client.id == StripeIntent.client_id)
                                 .order_by(StripeIntent.id.desc()).limit(RECENT)).all()
    call_ids = {call_id for intent, _name in intents for call_id in intent.call_ids}
    references = dict(db.session.execute(select(PremiumCall.id, PremiumCall.reference)
                                         .where(PremiumCall.id.in_(call_ids))).all()) if call_ids else {}
    events = db.session.scalars(select(StripeEvent).order_by(StripeEvent.id.desc()).limit(RECENT)).all()
    settings = db.session.get(BillingSettings, 1)
    return render_template("billing/stripe/index.html", intents=intents, references=references, events=events,
                           mode=firm_settings.stripe_mode(settings).value, intent_labels=INTENT_LABELS,
                           method_labels=METHOD_LABELS, outcome_labels={k.value: v for k, v in OUTCOME_LABELS.items()})


@bp.post("/calls/<int:call_id>/stripe-intent")
def create_stripe_intent(call_id: int):
    call = db.session.get(PremiumCall, call_id) or abort(404)
    back = _safe_next(request.form.get("next")) or url_for("billing.show", call_id=call.id)
    try:
        intent = stripe_gateway.create_intent(db.session, current_user, [call])
    except stripe_gateway.StripeDeclined as exc:
        db.session.commit()  # the declined intent stays on record
        flash(gateway_message(exc), "danger")
        return redirect(back, code=303)
    except BillingError as exc:
        db.session.rollback()
        flash(gateway_message(exc), "danger")
        return redirect(back, code=303)
    db.session.commit()
    flash(_("Stripe payment %(intent)s for %(reference)s: %(status)s.", intent=intent.intent_id,
            reference=call.reference, status=intent.status), "success")
    return redirect(back, code=303)


@bp.post("/stripe/webhook")
@public
def stripe_webhook():
    settings = db.session.get(BillingSettings, 1)
    try:
        event = stripe_webhooks.verify(request.get_data(), request.headers.get("Stripe-Signature"), settings,
                                       stripe_gateway.current_platform())
    except stripe_webhooks.WebhookRefused as exc:
        db.session.rollback()
        return jsonify(error=exc.code), 400
    try:
        outcome = stripe_webhooks.receive(db.session, event, settings, g.tenant.schema_name)
    except BillingError as exc:
        db.session.rollback()
        stripe_webhooks.record_error(db.session, event, exc.code)
        outcome = "error"
    db.session.commit()
    return jsonify(received=True, outcome=str(outcome) if outcome else "replayed")


csrf.exempt(stripe_webhook)

"""The firm's Stripe account, server side: PaymentIntents for premium calls
and a connection check.

Every call builds its own :class:`stripe.StripeClient` with the firm's key
(or the platform's key and the firm's connected account in the
``Stripe-Account`` header): no module-level Stripe state, so two firms never
share a key or an account. Only the HTTP connection pool is shared.

Stripe's failures (a declined card, a refused key, the network) become a
:class:`StripeGatewayError` with a code the screens translate and Stripe's
own words in ``detail``.
"""

from __future__ import annotations

import threading
from collections.abc import Mapping
from dataclasses import dataclass

import stripe
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from app.audit import services as audit
from app.billing import firm_settings, stripe_rules
from app.billing.errors import BillingError
from app.billing.firm_settings import PlatformStripe
from app.billing.models import BillingSettings, PremiumCall, StripeIntent
from app.billing.payments import OPEN
from app.billing.stripe_rules import CallToPay, StripeMode
from app.contracts.models import Contract
from tenants import bound_schema

_http_lock = threading.Lock()
_http_clients: dict[float, stripe.HTTPClient] = {}


class StripeGatewayError(BillingError):
    """Stripe refused or could not be reached; ``detail`` is what Stripe said."""

    def __init__(self, code: str, detail: str | None = None) -> None:
        super().__init__(code)
        self.detail = detail


class StripeDeclined(StripeGatewayError):
    """The payment was declined. The intent is stored (flushed) with its
    failure: the caller may commit it."""

    def __init__(self, detail: str | None, intent: StripeIntent | None) -> None:
        super().__init__("stripe_card_declined", detail)
        self.intent = intent


def platform_from_config(config: Mapping) -> PlatformStripe:
    return PlatformStripe(api_base=config.get("STRIPE_API_BASE") or stripe.DEFAULT_API_BASE,
                          secret_key=config.get("STRIPE_SECRET_KEY") or "",
                          publishable_key=config.get("STRIPE_PUBLISHABLE_KEY") or "",
                          webhook_secret=config.get("STRIPE_WEBHOOK_SECRET") or "",
                          timeout_seconds=float(config.get("STRIPE_TIMEOUT_SECONDS") or 20))


def current_platform() -> PlatformStripe:
    from flask import current_app

    return platform_from_config(current_app.config)


def _http_client(timeout: float) -> stripe.HTTPClient:
    """One HTTP client per process (it keeps a connection pool per thread)."""
    with _http_lock:
        if timeout not in _http_clients:
            _http_clients[timeout] = stripe.RequestsClient(timeout=timeout)
        return _http_clients[timeout]


@dataclass(frozen=True)
class Account:
    """A client for one firm's Stripe account and the options every request carries."""

    client: stripe.StripeClient
    stripe_account: str | None

    def options(self, **extra) -> dict:
        options = {"stripe_account": self.stripe_account} if self.stripe_account else {}
        return options | {key: value for key, value in extra.items() if value}


def account_for(settings: BillingSettings | None, platform: PlatformStripe) -> Account:
    """The firm's account; raises ``stripe_not_configured`` when it has none."""
    mode = firm_settings.stripe_mode(settings)
    if mode == StripeMode.CONNECTED and platform.secret_key:
        api_key, connected = platform.secret_key, settings.stripe_account_id
    elif mode == StripeMode.OWN_KEYS:
        api_key, connected = settings.stripe_secret_key, None
    else:
        raise StripeGatewayError("stripe_not_configured")
    client = stripe.StripeClient(api_key, base_addresses={"api": platform.api_base}, max_network_retries=1,
                                 http_client=_http_client(platform.timeout_seconds))
    return Account(client, connected)


def _translated(exc: stripe.StripeError) -> StripeGatewayError:
    detail = exc.user_message or None
    if isinstance(exc, stripe.CardError):
        return StripeGatewayError("stripe_card_declined", detail)
    if isinstance(exc, (stripe.AuthenticationError, stripe.PermissionError)):
        return StripeGatewayError("stripe_keys_refused", detail)
    if isinstance(exc, stripe.APIConnectionError):
        return StripeGatewayError("stripe_unreachable")
    if isinstance(exc, stripe.RateLimitError):
        return StripeGatewayError("stripe_busy")
    if isinstance(exc, stripe.InvalidRequestError):
        return StripeGatewayError("stripe_request_refused", detail)
    return StripeGatewayError("stripe_error", detail)


@dataclass(frozen=True)
class ConnectionCheck:
    livemode: bool
    available: list[tuple[str, object]]


def check_connection(session: Session, platform: PlatformStripe | None = None) -> ConnectionCheck:
    """Ask Stripe for the account's balance with the stored settings: it
    proves the key (and the connected account) work."""
    account = account_for(session.get(BillingSettings, 1), platform or current_platform())
    try:
        balance = account.client.v1.balance.retrieve(options=account.options())
    except stripe.StripeError as exc:
        raise _translated(exc) from None
    data = balance.to_dict()
    available = data.get("available") or []
    if isinstance(available, dict):  # localstripe answers one amount, Stripe a list
        available = [available]
    return ConnectionCheck(livemode=bool(data.get("livemode")), available=[
        (str(item.get("currency", "eur")).upper(), stripe_rules.from_cents(item.get("amount") or 0))
        for item in available])


# --- PaymentIntents -----------------------------------------------------------------

def _locked_calls(session: Session, calls) -> list[tuple[PremiumCall, str]]:
    """The calls (objects or ids) locked for update, with their contract's reference."""
    ids = sorted({getattr(call, "id", call) for call in calls})
    if not ids:
        raise BillingError("call_not_open")
    rows = session.execute(select(PremiumCall, Contract.reference)
                           .join(Contract, Contract.id == PremiumCall.contract_id)
                           .where(PremiumCall.id.in_(ids)).order_by(PremiumCall.id)
                           .with_for_update(of=PremiumCall)).all()
    if len(rows) != len(ids):
        raise BillingError("call_not_open")
    if len({call.client_id for call, _ in rows}) != 1:
        raise BillingError("stripe_mixed_payers")
    if any(call.status not in OPEN or call.outstanding <= 0 for call, _ in rows):
        raise BillingError("call_not_open")
    return [(call, reference) for call, reference in rows]


def _intents_touching(session: Session, call_ids: list[int]) -> list[StripeIntent]:
    return list(session.scalars(select(StripeIntent).where(StripeIntent.call_ids.overlap(call_ids))
                                .order_by(StripeIntent.id.desc())))


def _reusable(intents: list[StripeIntent], call_ids: list[int], amount) -> StripeIntent | None:
    """An intent still waiting for the payer, for exactly these calls and amount."""
    for intent in intents:
        if sorted(intent.call_ids) == call_ids and intent.amount == amount \
                and intent.status in stripe_rules.PAYABLE_STATUSES and not intent.failure_message:
            return intent
    return None


def create_intent(session: Session, actor, calls, payment_method: str | None = None, customer: str | None = None,
                  off_session: bool = False, confirm: bool = False, *, method_types: list[str] | None = None,
                  platform: PlatformStripe | None = None) -> StripeIntent:
    """A PaymentIntent on the firm's account for what ``calls`` (of one payer)
    still owe, stored as a :class:`StripeIntent`. Without a payment method, an
    intent already waiting for the same calls and amount is returned as it is;
    the idempotency key makes Stripe answer a repeated request with the same
    intent. Refused while another payment of these calls is under way."""
    settings = session.get(BillingSettings, 1)
    account = account_for(settings, platform or current_platform())
    if off_session and not confirm:
        raise BillingError("stripe_request_invalid")
    types = stripe_rules.method_types(bool(settings.sepa_debit_enabled), method_types)
    if types is None:
        raise BillingError("stripe_method_not_enabled")
    rows = _locked_calls(session, calls)
    to_pay = [CallToPay(call.id, call.version, call.reference, reference, call.outstanding) for call, reference in rows]
    call_ids, client_id = [c.id for c in to_pay], rows[0][0].client_id
    amount = sum((c.outstanding for c in to_pay), stripe_rules.from_cents(0))
    existing = _intents_touching(session, call_ids)
    if any(i.status in stripe_rules.UNDER_WAY_STATUSES and i.payment_id is None for i in existing):
        raise BillingError("stripe_payment_under_way")
    if not payment_method and not confirm and (reused := _reusable(existing, call_ids, amount)):
        return reused
    schema = bound_schema(session)
    params = {"amount": stripe_rules.to_cents(amount), "currency": "eur", "payment_method_types": types,
              "metadata": stripe_rules.intent_metadata(schema, client_id, to_pay)}
    params |= {key: value for key, value in (("payment_method", payment_method), ("customer", customer)) if value}
    if confirm:
        params["confirm"] = True
        params |= {"off_session": True} if off_session else {}
    key = stripe_rules.idempotency_key(schema, to_pay, payment_method=payment_method, customer=customer,
                                       confirm=confirm, off_session=off_session)
    method_type = _method_type(account, payment_method, types)
    try:
        intent = account.client.v1.payment_intents.create(params=params, options=account.options(idempotency_key=key))
    except stripe.CardError as exc:
        declined = _intent_after_decline(account, exc)
        row = _store(session, actor, declined, client_id, call_ids, amount, method_type) if declined else None
        raise StripeDeclined(exc.user_message, row) from None
    except stripe.StripeError as exc:
        raise _translated(exc) from None
    return _store(session, actor, intent, client_id, call_ids, amount, method_type)


def _method_type(account: Account, payment_method: str | None, types: list[str]) -> str | None:
    """What will pay: the given payment method's type, or the only type allowed."""
    if payment_method:
        try:
            found = account.client.v1.payment_methods.retrieve(payment_method, options=account.options())
        except stripe.StripeError as exc:
            raise _translated(exc) from None
        return found.to_dict().get("type")
    return types[0] if len(types) == 1 else None


def _intent_after_decline(account: Account, exc: stripe.CardError):
    """The intent a declined confirmation left on Stripe: named by the error
    (Stripe), or reached through the failed charge (localstripe)."""
    error = exc.error
    intent = getattr(error, "payment_intent", None) if error else None
    try:
        if intent is None and error is not None and getattr(error, "charge", None):
            charge = account.client.v1.charges.retrieve(error.charge, options=account.options())
            intent = charge.to_dict().get("payment_intent")
        if isinstance(intent, str):
            intent = account.client.v1.payment_intents.retrieve(intent, options=account.options())
    except stripe.StripeError:
        return None
    return intent


def _store(session: Session, actor, intent, client_id: int, call_ids: list[int], amount,
           method_type: str | None) -> StripeIntent:
    """Keep the intent once (a repeated request returns the same intent id)."""
    found = session.scalar(select(StripeIntent).where(StripeIntent.intent_id == intent.id))
    if found is not None:
        return found
    row = StripeIntent(intent_id=intent.id, client_id=client_id, call_ids=call_ids, amount=amount, currency="EUR",
                       status=intent.status, payment_method_type=method_type,
                       failure_message=stripe_rules.failure_message(intent.to_dict()),
                       created_by_id=getattr(actor, "id", None))
    try:
        with session.begin_nested():
            session.add(row)
            session.flush()
    except IntegrityError:
        return session.scalar(select(StripeIntent).where(StripeIntent.intent_id == intent.id))
    audit.record(session, actor, "stripe_intent.create", "stripe_intent", row.id, after={
        "intent_id": row.intent_id, "client_id": client_id, "call_ids": call_ids, "amount": amount,
        "status": row.status, "failure": row.failure_message})
    return row


@dataclass(frozen=True)
class BrowserPayment:
    """What Stripe.js in the payer's browser needs to confirm an intent
    (``Stripe(publishable_key, {stripeAccount})``, then the client secret)."""

    publishable_key: str
    stripe_account: str | None
    client_secret: str


def browser_payment(session: Session, intent: StripeIntent, platform: PlatformStripe | None = None
                    ) -> BrowserPayment:
    """Read the intent's client secret from Stripe (it is never stored) with
    the publishable key that goes with the firm's account."""
    platform = platform or current_platform()
    settings = session.get(BillingSettings, 1)
    account = account_for(settings, platform)
    try:
        found = account.client.v1.payment_intents.retrieve(intent.intent_id, options=account.options())
    except stripe.StripeError as exc:
        raise _translated(exc) from None
    publishable = platform.publishable_key if account.stripe_account else settings.stripe_publishable_key
    return BrowserPayment(publishable_key=publishable or "", stripe_account=account.stripe_account,
                          client_secret=found.client_secret)

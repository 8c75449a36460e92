"""Paying premiums from the portal, on the firm's own Stripe account.

The client saves a card or a SEPA mandate once: the server makes a Stripe
Customer for the account and a SetupIntent, Stripe.js in the browser
confirms it (``confirmCardSetup`` / ``confirmSepaDebitSetup``), and the
server reads the SetupIntent back from Stripe before keeping anything — the
browser only names it, and a SetupIntent of another customer is refused.

Paying: the server checks that every chosen call is the account's payer's
and still owed, and creates and confirms the PaymentIntent through billing's
gateway (the amount is what the calls owe, never a figure from the browser).
The payment is recorded by billing's webhook only; this module keeps which
account started which intent (:class:`PortalPayment`) so that the client
follows it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import stripe
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from app.audit import services as audit
from app.billing import firm_settings, stripe_gateway, stripe_rules
from app.billing.errors import BillingError
from app.billing.models import BillingSettings, PremiumCall, StripeIntent
from app.billing.payments import OPEN
from app.columns import utcnow
from app.crm.models import Client
from app.portal import payment_rules
from app.portal.models import PortalAccount
from app.portal.payment_models import MethodKind, PortalPayment, PortalPaymentOutcome, SavedPaymentMethod
from app.portal.services import actor_of
from tenants import bound_schema

#: billing's refusals, as the client is told them
GATEWAY_CODES = {
    "stripe_not_configured": "not_available", "stripe_keys_refused": "not_available",
    "stripe_method_not_enabled": "method_not_enabled", "stripe_payment_under_way": "under_way",
    "call_not_open": "call_not_open", "stripe_mixed_payers": "call_not_open",
    "stripe_unreachable": "unreachable", "stripe_busy": "unreachable", "stripe_error": "unreachable",
    "stripe_card_declined": "declined",
}


class PaymentError(Exception):
    """A payment step refused; ``code`` names why (translated by the views),
    ``detail`` is Stripe's own words, ``payment`` the portal payment concerned."""

    def __init__(self, code: str, detail: str | None = None, payment: PortalPayment | None = None) -> None:
        super().__init__(code)
        self.code, self.detail, self.payment = code, detail, payment


@dataclass(frozen=True)
class BrowserSetup:
    """What Stripe.js needs to confirm a SetupIntent in the client's browser."""

    publishable_key: str
    stripe_account: str | None
    client_secret: str
    kind: str


# --- the firm's Stripe account ----------------------------------------------------------

def firm_account(session: Session, platform=None) -> tuple[BillingSettings, stripe_gateway.Account]:
    settings = session.get(BillingSettings, 1)
    try:
        return settings, stripe_gateway.account_for(settings, platform or stripe_gateway.current_platform())
    except BillingError:
        raise PaymentError("not_available") from None


def available(session: Session) -> bool:
    """Whether the firm takes payments online (Stripe set up)."""
    return firm_settings.stripe_mode(session.get(BillingSettings, 1)) != stripe_rules.StripeMode.NONE


def allowed_kinds(session: Session) -> list[str]:
    settings = session.get(BillingSettings, 1)
    return [MethodKind.CARD.value] + ([MethodKind.SEPA_DEBIT.value] if settings and settings.sepa_debit_enabled
                                      else [])


def _stripe_failure(exc: stripe.StripeError) -> PaymentError:
    if isinstance(exc, stripe.CardError):
        return PaymentError("declined", exc.user_message or None)
    if isinstance(exc, (stripe.AuthenticationError, stripe.PermissionError)):
        return PaymentError("not_available")
    if isinstance(exc, stripe.InvalidRequestError):
        return PaymentError("refused", exc.user_message or None)
    return PaymentError("unreachable")


# --- the saved means of payment ---------------------------------------------------------

def saved_method(session: Session, account: PortalAccount, *, lock: bool = False) -> SavedPaymentMethod | None:
    query = select(SavedPaymentMethod).where(SavedPaymentMethod.account_id == account.id)
    return session.scalar(query.with_for_update() if lock else query)


def _customer_row(session: Session, account: PortalAccount, firm: stripe_gateway.Account) -> SavedPaymentMethod:
    """The account's row with its Stripe Customer, made on first use."""
    found = saved_method(session, account, lock=True)
    if found is not None:
        return found
    schema = bound_schema(session)
    client = session.get(Client, account.client_id)
    try:
        customer = firm.client.v1.customers.create(params={
            "name": client.display_name, "email": account.email,
            "metadata": {"tenant": schema, "client_id": str(account.client_id), "portal_account": str(account.id)},
        }, options=firm.options(idempotency_key=f"assurdesk-cus-{schema}-{account.id}"))
    except stripe.StripeError as exc:
        raise _stripe_failure(exc) from None
    row = SavedPaymentMethod(account_id=account.id, client_id=account.client_id, stripe_customer_id=customer.id,
                             autopay=False)
    try:
        with session.begin_nested():
            session.add(row)
            session.flush()
    except IntegrityError:  # another tab made it meanwhile
        return saved_method(session, account, lock=True)
    return row


def start_setup(session: Session, account: PortalAccount, kind: str, platform=None) -> BrowserSetup:
    """A SetupIntent for ``kind`` on the account's Stripe Customer."""
    if kind not in allowed_kinds(session):
        raise PaymentError("method_not_enabled")
    settings, firm = firm_account(session, platform)
    row = _customer_row(session, account, firm)
    try:
        setup = firm.client.v1.setup_intents.create(params={
            "customer": row.stripe_customer_id, "payment_method_types": [kind], "usage": "off_session",
            "metadata": {"tenant": bound_schema(session), "portal_account": str(account.id)},
        }, options=firm.options())
    except stripe.StripeError as exc:
        raise _stripe_failure(exc) from None
    platform = platform or stripe_gateway.current_platform()
    publishable = platform.publishable_key if firm.stripe_account else settings.stripe_publishable_key
    return BrowserSetup(publishable_key=publishable or "", stripe_account=firm.stripe_account,
                        client_secret=setup.client_secret, kind=kind)


def _id_of(value) -> str | None:
    return value.get("id") if isinstance(value, dict) else value


def finish_setup(session: Session, account: PortalAccount, setup_intent_id: str, platform=None
                 ) -> SavedPaymentMethod:
    """Keep the payment method of a SetupIntent the browser confirmed, once
    Stripe says it succeeded for this account's customer."""
    if not setup_intent_id.startswith("seti_") or len(setup_intent_id) > 255:
        raise PaymentError("setup_unknown")
    _settings, firm = firm_account(session, platform)
    row = saved_method(session, account, lock=True)
    if row is None:
        raise PaymentError("setup_unknown")
    try:
        setup = firm.client.v1.setup_intents.retrieve(setup_intent_id, options=firm.options()).to_dict()
        if setup.get("customer") != row.stripe_customer_id:
            raise PaymentError("setup_unknown")
        if setup.get("status") != "succeeded" or not setup.get("payment_method"):
            raise PaymentError("setup_incomplete")
        method = _attached(firm, _id_of(setup["payment_method"]), row.stripe_customer_id)
    except stripe.StripeError as exc:
        raise _stripe_failure(exc) from None
    if method.get("type") not in allowed_kinds(session):
        raise PaymentError("method_not_enabled")
    _keep(session, account, row, method, _id_of(setup.get("mandate")), firm)
    return row


def _attached(firm: stripe_gateway.Account, method_id: str, customer_id: str) -> dict:
    """The payment method, attached to the customer (Stripe does it when the
    SetupIntent succeeds; localstripe does not)."""
    method = firm.client.v1.payment_methods.retrieve(method_id, options=firm.options()).to_dict()
    owner = _id_of(method.get("customer"))
    if owner is None:
        method = firm.client.v1.payment_methods.attach(method_id, params={"customer": customer_id},
                                                       options=firm.options()).to_dict()
    elif owner != customer_id:
        raise PaymentError("setup_unknown")
    return method


def _keep(session: Session, account: PortalAccount, row: SavedPaymentMethod, method: dict, mandate: str | None,
          firm: stripe_gateway.Account) -> None:
    before = _snapshot(row)
    previous = row.payment_method_id
    kind = method["type"]
    details = method.get(kind) or {}
    row.payment_method_id, row.kind, row.last4 = method["id"], kind, details.get("last4")
    row.brand = details.get("brand") if kind == MethodKind.CARD else None
    row.exp_month = details.get("exp_month") if kind == MethodKind.CARD else None
    row.exp_year = details.get("exp_year") if kind == MethodKind.CARD else None
    row.mandate_reference = (mandate or details.get("mandate_reference")) if kind == MethodKind.SEPA_DEBIT else None
    row.saved_at = utcnow()
    session.flush()
    if previous and previous != row.payment_method_id:
        _detach(firm, previous)
    audit.record(session, actor_of(account), "portal_payment_method.save", "portal_payment_method", row.id,
                 before=before, after=_snapshot(row))


def _detach(firm: stripe_gateway.Account, method_id: str) -> None:
    """Take a replaced method off the customer; one left behind is harmless."""
    try:
        firm.client.v1.payment_methods.detach(method_id, options=firm.options())
    except stripe.StripeError:
        pass


def _snapshot(row: SavedPaymentMethod) -> dict:
    return {"kind": row.kind, "brand": row.brand, "last4": row.last4, "exp_month": row.exp_month,
            "exp_year": row.exp_year, "mandate": row.mandate_reference, "autopay": row.autopay,
            "autopay_since": row.autopay_since}


def _checked(row: SavedPaymentMethod | None, version: int | None) -> SavedPaymentMethod:
    if row is None or not row.is_saved:
        raise PaymentError("no_method")
    if version is not None and version != row.version:
        raise PaymentError("stale")
    return row


def remove_method(session: Session, account: PortalAccount, version: int | None, platform=None) -> None:
    """Forget the saved method (and stop automatic payment)."""
    row = _checked(saved_method(session, account, lock=True), version)
    before = _snapshot(row)
    method_id = row.payment_method_id
    row.payment_method_id = row.kind = row.brand = row.last4 = row.mandate_reference = None
    row.exp_month = row.exp_year = row.autopay_since = None
    row.autopay = False
    session.flush()
    try:
        _detach(firm_account(session, platform)[1], method_id)
    except PaymentError:
        pass  # Stripe no longer set up: nothing to detach from
    audit.record(session, actor_of(account), "portal_payment_method.remove", "portal_payment_method", row.id,
                 before=before, after=_snapshot(row))


def set_autopay(session: Session, account: PortalAccount, enabled: bool, version: int | None, today: date) -> None:
    """Turn automatic payment on (for calls due from ``today``) or off."""
    row = _checked(saved_method(session, account, lock=True), version)
    if enabled == row.autopay:
        return
    if enabled and payment_rules.card_expired(row.exp_month, row.exp_year, today):
        raise PaymentError("method_expired")
    before = _snapshot(row)
    row.autopay, row.autopay_since = enabled, today if enabled else None
    session.flush()
    audit.record(session, actor_of(account), "portal_payment_method.autopay", "portal_payment_method", row.id,
                 before=before, after=_snapshot(row))


# --- paying ----------------------------------------------------------------------------

def _own_calls(session: Session, account: PortalAccount, call_ids: list[int]) -> list[PremiumCall]:
    """The chosen calls, all of the account's payer and still owed."""
    ids = sorted(set(call_ids))
    if not ids:
        raise PaymentError("no_call")
    calls = list(session.scalars(select(PremiumCall).where(PremiumCall.id.in_(ids),
                                                           PremiumCall.client_id == account.client_id)))
    if len(calls) != len(ids):
        raise PaymentError("not_found")
    if any(call.status not in OPEN or call.outstanding <= 0 for call in calls):
        raise PaymentError("call_not_open")
    return calls


def _waiting_for_the_payer(session: Session, account: PortalAccount, call_ids: list[int]) -> PortalPayment | None:
    """This account's payment of exactly these calls still waiting for 3-D Secure."""
    rows = session.execute(select(PortalPayment, StripeIntent)
                           .join(StripeIntent, StripeIntent.id == PortalPayment.stripe_intent_id)
                           .where(PortalPayment.account_id == account.id, StripeIntent.status == "requires_action",
                                  StripeIntent.failure_message.is_(None), StripeIntent.payment_id.is_(None))
                           .order_by(PortalPayment.id.desc())).all()
    return next((payment for payment, intent in rows if sorted(intent.call_ids) == call_ids), None)


def under_way_for(session: Session, account: PortalAccount, call_ids: list[int]) -> PortalPayment | None:
    """The account's latest payment touching these calls whose money is on its way."""
    return session.scalar(select(PortalPayment)
                          .join(StripeIntent, StripeIntent.id == PortalPayment.stripe_intent_id)
                          .where(PortalPayment.account_id == account.id, StripeIntent.call_ids.overlap(call_ids),
                                 StripeIntent.status.in_(stripe_rules.UNDER_WAY_STATUSES))
                          .order_by(PortalPayment.id.desc()).limit(1))


def pay(session: Session, account: PortalAccount, call_ids: list[int], *, today: date, platform=None,
        autopay_call: PremiumCall | None = None) -> PortalPayment:
    """Create and confirm the PaymentIntent of ``call_ids`` with the saved
    method. Raises :class:`PaymentError`; a declined payment is kept (flushed)
    on ``exc.payment`` for the caller to commit."""
    calls = _own_calls(session, account, call_ids)
    row = _checked(saved_method(session, account), None)
    if payment_rules.card_expired(row.exp_month, row.exp_year, today):
        raise PaymentError("method_expired")
    ids = [call.id for call in calls]
    if autopay_call is None and (waiting := _waiting_for_the_payer(session, account, ids)) is not None:
        return waiting
    off_session = autopay_call is not None or row.kind == MethodKind.SEPA_DEBIT
    try:
        intent = stripe_gateway.create_intent(session, actor_of(account), calls, payment_method=row.payment_method_id,
                                              customer=row.stripe_customer_id, confirm=True, off_session=off_session,
                                              method_types=[row.kind], platform=platform)
    except stripe_gateway.StripeDeclined as exc:
        declined = _started(session, account, ids, calls, exc.intent, autopay_call,
                            PortalPaymentOutcome.DECLINED, exc.detail)
        raise PaymentError("declined", exc.detail, declined) from None
    except BillingError as exc:
        code = GATEWAY_CODES.get(exc.code, "refused")
        raise PaymentError(code, getattr(exc, "detail", None),
                           under_way_for(session, account, ids) if code == "under_way" else None) from None
    return _started(session, account, ids, calls, intent, autopay_call, PortalPaymentOutcome.STARTED, None)


def _started(session: Session, account: PortalAccount, ids: list[int], calls: list[PremiumCall],
             intent: StripeIntent | None, autopay_call: PremiumCall | None, outcome: PortalPaymentOutcome,
             failure: str | None) -> PortalPayment:
    amount = intent.amount if intent is not None else sum(call.outstanding for call in calls)
    row = PortalPayment(account_id=account.id, client_id=account.client_id, call_ids=ids, amount=amount,
                        stripe_intent_id=intent.id if intent is not None else None, outcome=outcome.value,
                        failure_message=failure, autopay_call_id=autopay_call.id if autopay_call else None)
    session.add(row)
    session.flush()
    audit.record(session, actor_of(account), "portal_payment.autopay" if autopay_call else "portal_payment.start",
                 "portal_payment", row.id, after={
                     "calls": ids, "amount": amount, "intent": intent.intent_id if intent is not None else None,
                     "outcome": outcome.value, "failure": failure})
    return row

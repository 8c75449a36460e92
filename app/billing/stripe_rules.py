"""Stripe rules: key formats, amounts in cents, the idempotency key and
metadata of a PaymentIntent, and how webhook events move an intent. Pure: no
DB, no Flask, no network.

Stripe's own conventions: amounts are integers in the currency's smallest
unit (cents for EUR); keys are ``sk_`` (secret; ``rk_`` for a restricted
one), ``pk_`` (publishable), ``whsec_`` (webhook signing secret), and a
connected account is ``acct_``; metadata values are at most 500 characters.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum

from app.catalog.rules import CENT

#: Stripe refuses a metadata value longer than this.
METADATA_VALUE_MAX = 500
#: PaymentIntent statuses in which the payer has not paid yet and may still pay.
PAYABLE_STATUSES = frozenset({"requires_payment_method", "requires_confirmation", "requires_action"})
#: statuses in which money is on its way: a second intent would charge twice.
UNDER_WAY_STATUSES = frozenset({"processing", "requires_capture", "succeeded"})
#: the events the webhook acts on; Stripe must send these to the endpoint.
HANDLED_EVENTS = ("payment_intent.succeeded", "payment_intent.payment_failed", "charge.refunded")
#: Stripe's payment method types -> our payment methods (app.billing.models.PaymentMethod)
METHOD_OF_TYPE = {"card": "card", "sepa_debit": "direct_debit"}

_TOKEN = re.compile(r"^[A-Za-z0-9_]+$")
_SECRET_PREFIXES = ("sk_test_", "sk_live_", "rk_test_", "rk_live_", "whsec_")


class StripeMode(StrEnum):
    """How the firm takes payments: not at all, through a connected account of
    the platform, or with its own Stripe keys."""

    NONE = "none"
    CONNECTED = "connected"
    OWN_KEYS = "own_keys"


class Outcome(StrEnum):
    """What a webhook event did (kept on the event)."""

    RECORDED = "recorded"
    FAILED = "failed"
    REFUNDED = "refunded"
    REFUND_PENDING = "refund_pending"
    PARTIAL_REFUND = "partial_refund"
    ALREADY_REFUNDED = "already_refunded"
    ALREADY_RECORDED = "already_recorded"
    STALE = "stale"
    IGNORED = "ignored"
    UNKNOWN_INTENT = "unknown_intent"
    OTHER_ACCOUNT = "other_account"
    ERROR = "error"


# --- keys ---------------------------------------------------------------------------

def _looks_like(value: str, *prefixes: str) -> bool:
    return any(value.startswith(prefix) and len(value) > len(prefix) for prefix in prefixes) \
        and bool(_TOKEN.match(value))


def secret_key_problem(value: str) -> str | None:
    """``sk_…`` or ``rk_…``; a publishable key typed here is named as such."""
    if value.startswith("pk_"):
        return "stripe_secret_key_is_publishable"
    return None if _looks_like(value, "sk_test_", "sk_live_", "rk_test_", "rk_live_") else "stripe_secret_key_invalid"


def publishable_key_problem(value: str) -> str | None:
    if value.startswith(("sk_", "rk_")):
        return "stripe_publishable_key_is_secret"
    return None if _looks_like(value, "pk_test_", "pk_live_") else "stripe_publishable_key_invalid"


def webhook_secret_problem(value: str) -> str | None:
    return None if _looks_like(value, "whsec_") else "stripe_webhook_secret_invalid"


def account_id_problem(value: str) -> str | None:
    return None if _looks_like(value, "acct_") else "stripe_account_invalid"


def key_mode(key: str) -> str | None:
    """``test`` or ``live`` for a Stripe key, None when it says neither."""
    parts = key.split("_")
    return parts[1] if len(parts) > 2 and parts[1] in ("test", "live") else None


@dataclass(frozen=True)
class StripeSettingsInput:
    """What the settings form gives: typed values (secrets are None when left
    blank) and what is stored already."""

    mode: str
    account_id: str
    secret_key: str | None
    publishable_key: str
    webhook_secret: str | None
    stored_secret_key: str | None
    stored_webhook_secret: str | None
    platform_has_key: bool
    platform_has_webhook_secret: bool


def settings_problems(given: StripeSettingsInput) -> dict[str, str]:
    """Return {field: code} of what is wrong with the Stripe settings."""
    if given.mode == StripeMode.NONE:
        return {}
    if given.mode not in (StripeMode.CONNECTED, StripeMode.OWN_KEYS):
        return {"stripe_mode": "stripe_mode_invalid"}
    problems: dict[str, str] = {}
    if given.mode == StripeMode.CONNECTED:
        _connected_problems(given, problems)
    else:
        _own_key_problems(given, problems)
    if given.webhook_secret:
        if problem := webhook_secret_problem(given.webhook_secret):
            problems["stripe_webhook_secret"] = problem
    elif not given.stored_webhook_secret and not (
            given.mode == StripeMode.CONNECTED and given.platform_has_webhook_secret):
        problems["stripe_webhook_secret"] = "stripe_webhook_secret_required"
    return problems


def _connected_problems(given: StripeSettingsInput, problems: dict[str, str]) -> None:
    if not given.account_id:
        problems["stripe_account_id"] = "stripe_account_required"
    elif problem := account_id_problem(given.account_id):
        problems["stripe_account_id"] = problem
    elif not given.platform_has_key:
        problems["stripe_account_id"] = "stripe_platform_key_missing"


def _own_key_problems(given: StripeSettingsInput, problems: dict[str, str]) -> None:
    secret = given.secret_key or given.stored_secret_key
    if given.secret_key and (problem := secret_key_problem(given.secret_key)):
        problems["stripe_secret_key"] = problem
    elif not secret:
        problems["stripe_secret_key"] = "stripe_secret_key_required"
    if not given.publishable_key:
        problems["stripe_publishable_key"] = "stripe_publishable_key_required"
    elif problem := publishable_key_problem(given.publishable_key):
        problems["stripe_publishable_key"] = problem
    if not problems and key_mode(secret) != key_mode(given.publishable_key):
        problems["stripe_publishable_key"] = "stripe_keys_mode_mismatch"


def mask(secret: str | None) -> str:
    """Show a secret's kind and last four characters: ``sk_test_••••1234``."""
    if not secret:
        return ""
    head = next((prefix for prefix in _SECRET_PREFIXES if secret.startswith(prefix)), "")
    tail = secret[-4:] if len(secret) - len(head) >= 12 else ""
    return f"{head}••••{tail}"


# --- intents ------------------------------------------------------------------------

def to_cents(amount: Decimal) -> int:
    """Euros (Decimal, to the cent) -> Stripe's integer cents; refuses sub-cent amounts."""
    if amount != amount.quantize(CENT):
        raise ValueError(f"{amount} is not a whole number of cents")
    return int(amount * 100)


def from_cents(cents: int) -> Decimal:
    return (Decimal(int(cents)) / 100).quantize(CENT)


@dataclass(frozen=True)
class CallToPay:
    """What a PaymentIntent needs of one premium call."""

    id: int
    version: int
    reference: str
    contract_reference: str
    outstanding: Decimal


def idempotency_key(schema: str, calls: list[CallToPay], *, payment_method: str | None = None,
                    customer: str | None = None, confirm: bool = False, off_session: bool = False) -> str:
    """The same request for the same calls at the same versions gives the same
    key, so that Stripe answers a repeated request (a double click, a network
    retry) with the intent it already created; a call that changed (paid in
    part, edited) gives a new key."""
    parts = [schema, *(f"{call.id}:{call.version}:{call.outstanding}" for call in sorted(calls, key=lambda c: c.id)),
             payment_method or "", customer or "", str(confirm), str(off_session)]
    return "assurdesk-pi-" + hashlib.sha256("|".join(parts).encode()).hexdigest()[:40]


def _joined(values: list[str]) -> str:
    text = ",".join(dict.fromkeys(values))
    return text if len(text) <= METADATA_VALUE_MAX else text[:METADATA_VALUE_MAX - 1] + "…"


def intent_metadata(schema: str, client_id: int, calls: list[CallToPay]) -> dict[str, str]:
    """Metadata of a PaymentIntent: whose it is (the firm's schema), the client,
    the contracts and calls; ``call_ids`` lets the webhook adopt an intent it
    has not stored yet."""
    ordered = sorted(calls, key=lambda c: c.id)
    return {"tenant": schema, "client_id": str(client_id),
            "contract": _joined([call.contract_reference for call in ordered]),
            "call": _joined([call.reference for call in ordered]),
            "call_ids": _joined([str(call.id) for call in ordered])}


def call_ids_of(metadata: dict) -> list[int] | None:
    """The call ids written by :func:`intent_metadata`, or None when unreadable."""
    text = str((metadata or {}).get("call_ids") or "")
    try:
        ids = sorted({int(part) for part in text.split(",")})
    except ValueError:
        return None
    return ids or None


def method_types(sepa_enabled: bool, wanted: list[str] | None = None) -> list[str] | None:
    """The payment method types an intent accepts: card, and SEPA Direct Debit
    when the firm enabled it; None when ``wanted`` asks for one not enabled."""
    allowed = ["card", "sepa_debit"] if sepa_enabled else ["card"]
    if not wanted:
        return allowed
    return list(dict.fromkeys(wanted)) if set(wanted) <= set(allowed) else None


# --- webhook events -----------------------------------------------------------------

def intent_id_of(event_type: str, obj: dict) -> str | None:
    """The PaymentIntent an event is about: the object itself, or the charge's intent."""
    if event_type.startswith("payment_intent."):
        return obj.get("id")
    if event_type.startswith("charge."):
        intent = obj.get("payment_intent")
        return intent.get("id") if isinstance(intent, dict) else intent
    return None


def payment_method_type(obj: dict, stored: str | None, allowed: list[str] | None = None) -> str:
    """The type of what paid an intent: the charge's details when Stripe sends
    them, else what was known when the intent was made, else card."""
    charge = obj.get("latest_charge")
    details = charge.get("payment_method_details") if isinstance(charge, dict) else None
    if isinstance(details, dict) and details.get("type") in METHOD_OF_TYPE:
        return details["type"]
    if stored in METHOD_OF_TYPE:
        return stored
    if allowed and len(allowed) == 1 and allowed[0] in METHOD_OF_TYPE:
        return allowed[0]
    return "card"


def received_cents(obj: dict) -> int:
    """What a succeeded intent brought: ``amount_received`` (Stripe), else ``amount``."""
    received = obj.get("amount_received")
    return int(received if received else obj.get("amount") or 0)


def is_full_refund(charge: dict) -> bool:
    """``charge.refunded`` is sent for every refund; the payment goes back only when all of it did."""
    if charge.get("refunded") is True:
        return True
    amount, refunded = charge.get("amount") or 0, charge.get("amount_refunded") or 0
    return amount > 0 and refunded >= amount


def failure_message(obj: dict) -> str | None:
    error = obj.get("last_payment_error")
    if isinstance(error, dict):
        return error.get("message") or error.get("code")
    return None


def stored_payload(event: dict) -> dict:
    """The event as kept on :class:`StripeEvent`, without the intent's client
    secret (it lets a browser confirm the payment: nobody needs it later)."""
    def scrub(value):
        if isinstance(value, dict):
            return {key: scrub(item) for key, item in value.items() if key != "client_secret"}
        if isinstance(value, list):
            return [scrub(item) for item in value]
        return value
    return scrub(event)

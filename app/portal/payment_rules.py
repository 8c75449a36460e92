"""Rules of paying premiums on the portal. Pure: no DB, no Flask, no network.

- A card is valid to the last day of its expiry month (the month printed on
  it, "MM/YY"); an expired card pays nothing, automatically or not.
- Automatic payment (opt-in) pays the calls falling due from the day the
  client turned it on, each on its due date, or at the next daily pass if
  one was missed; a call due before that day stays for the client to pay.
- What the client sees of a payment follows Stripe's PaymentIntent: paid
  only once the webhook recorded it (the redirect after paying never
  records anything), "processing" while money is on its way, "action
  required" while 3-D Secure waits for the payer, "failed" otherwise.
"""

from __future__ import annotations

from datetime import date
from enum import StrEnum

from app.billing.stripe_rules import PAYABLE_STATUSES, UNDER_WAY_STATUSES


class PaymentState(StrEnum):
    PAID = "paid"
    PROCESSING = "processing"
    ACTION_REQUIRED = "action_required"
    FAILED = "failed"
    REFUNDED = "refunded"


def card_expired(exp_month: int | None, exp_year: int | None, today: date) -> bool:
    """True once the expiry month is over; a method without expiry (a SEPA mandate) never expires."""
    if not exp_month or not exp_year:
        return False
    return (today.year, today.month) > (exp_year, exp_month)


def autopay_due(due_date: date, since: date | None, today: date) -> bool:
    """Whether automatic payment pays a call due on ``due_date`` today."""
    return since is not None and since <= due_date <= today


def payment_state(intent_status: str | None, recorded: bool, failure: str | None,
                  refunded: bool = False) -> PaymentState:
    """What the client sees of one payment (``recorded``: the webhook recorded
    the money; ``failure``: Stripe's last error on the intent)."""
    if recorded:
        return PaymentState.REFUNDED if refunded else PaymentState.PAID
    if intent_status in UNDER_WAY_STATUSES:
        return PaymentState.PROCESSING
    if intent_status == "requires_action" and not failure:
        return PaymentState.ACTION_REQUIRED
    if intent_status in PAYABLE_STATUSES and not failure and intent_status != "requires_payment_method":
        return PaymentState.PROCESSING
    return PaymentState.FAILED


def is_settled(state: PaymentState) -> bool:
    """No more change to wait for: the processing page stops polling."""
    return state in (PaymentState.PAID, PaymentState.FAILED, PaymentState.REFUNDED)

"""Words the client reads about their premiums and payments (portal pages,
receipt PDF and emails)."""

from __future__ import annotations

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_babel import lazy_pgettext

METHOD_LABELS = {
    "transfer": _l("Bank transfer"),
    "cheque": _l("Cheque"),
    "direct_debit": _l("SEPA Direct Debit"),
    "card": _l("Card"),
    "credit_note": _l("Credit note"),
}
KIND_LABELS = {"card": _l("Card"), "sepa_debit": _l("SEPA Direct Debit")}

CALL_STATE_LABELS = {
    "due": _l("To pay"),
    "partly_paid": _l("Partly paid"),
    "overdue": _l("Overdue"),
    "processing": _l("Payment processing"),
    "action_required": _l("Waiting for your bank's confirmation"),
}
CALL_STATE_BADGES = {
    "due": "text-bg-info",
    "partly_paid": "text-bg-warning",
    "overdue": "text-bg-danger",
    "processing": "text-bg-secondary",
    "action_required": "text-bg-warning",
}
PAYMENT_STATUS_LABELS = {
    "recorded": lazy_pgettext("payment status", "Received"),
    "refunded": lazy_pgettext("payment status", "Refunded"),
}

ERRORS = {
    "not_available": _l("Online payment is not available: pay by bank transfer with the reference of the premium "
                        "call, or contact your broker."),
    "method_not_enabled": _l("This means of payment is not offered by your broker."),
    "no_method": _l("Save a card or a SEPA mandate first."),
    "no_call": _l("Choose at least one premium to pay."),
    "not_found": _l("This premium call is not yours to pay."),
    "call_not_open": _l("One of these premiums is already paid or cancelled: the list is up to date now."),
    "under_way": _l("A payment of these premiums is already under way."),
    "declined": _l("Your payment was declined: nothing was charged and your premiums are still to pay."),
    "method_expired": _l("Your card has expired: save a new card."),
    "setup_unknown": _l("This card or mandate could not be found: try again."),
    "setup_incomplete": _l("Your card or mandate was not confirmed: try again."),
    "unreachable": _l("The payment service cannot be reached: try again in a moment. Nothing was charged."),
    "refused": _l("The payment service refused the request: try again, or contact your broker."),
    "stale": _l("Your means of payment changed meanwhile (in another window?): check it again."),
}


def error_message(code: str, detail: str | None = None) -> str:
    """The client's message for a payment error, with the bank's own words when there are some."""
    message = str(ERRORS.get(code, ERRORS["refused"]))
    return _("%(message)s (%(detail)s)", message=message, detail=detail) if detail else message

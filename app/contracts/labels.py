"""Words of the contracts area: statuses, plans, grounds, timeline entries and
problem messages. Lazy, so they follow the reader's language."""

from __future__ import annotations

from datetime import date
from decimal import Decimal, InvalidOperation

from flask_babel import format_currency, format_date
from flask_babel import lazy_gettext as _l
from flask_babel import lazy_pgettext

from app.web.templating import percent

STATUS_LABELS = {
    "pending": _l("Pending insurer"), "active": _l("Active"), "suspended": _l("Suspended"),
    "cancelled": lazy_pgettext("contract status", "Cancelled"), "expired": _l("Expired"),
}
STATUS_BADGES = {
    "pending": "text-bg-info", "active": "text-bg-success", "suspended": "text-bg-warning",
    "cancelled": "text-bg-secondary", "expired": "text-bg-light border",
}
PLAN_LABELS = {"annual": _l("Annual"), "half_yearly": _l("Half-yearly"), "quarterly": _l("Quarterly"),
               "monthly": _l("Monthly")}
GROUND_LABELS = {
    "renewal": _l("At the renewal date (with the notice period)"),
    "hamon": _l("After one year, motor or home (loi Hamon, L113-15-2)"),
    "health": _l("After one year, health (résiliation infra-annuelle)"),
    "chatel": _l("Renewal notice late or missing (loi Chatel, L113-15-1)"),
    "insurer": _l("By the insurer"),
    "non_payment": _l("Non-payment (L113-3)"),
    "sale": _l("Sale of the insured object (L121-11)"),
    "other": _l("Other ground"),
}
ENDORSEMENT_KINDS = {"risk": _l("Change of risk"), "guarantees": _l("Change of guarantees"),
                     "premium": _l("Change of premium"), "other": _l("Other change")}
EVENT_LABELS = {
    "created": _l("Contract entered"), "imported": _l("Contract imported"), "placement": _l("Issued by the insurer"),
    "status": _l("Status changed"), "updated": _l("Policy data changed"), "endorsement": _l("Endorsement"),
    "endorsement_confirmed": _l("Endorsement confirmed by the insurer"), "cancellation": _l("Cancellation recorded"),
    "letter": _l("Letter"), "letter_sent": _l("Letter sent"), "notice": _l("Notice"),
    "renewal_notice": _l("Renewal notice"), "renewed": _l("Renewed"), "attestation": _l("Certificate issued"),
    "attestation_revoked": _l("Certificate revoked"), "document": _l("Document added"), "clause": _l("Clause"),
}
COMPUTATION_LABELS = {
    "annual_difference": _l("Annual net premium difference"), "period": _l("Annual period"),
    "days": _l("Days remaining / days in the period"), "net": _l("Net adjustment"), "tax": _l("Insurance tax"),
    "total": _l("Total"), "no_refund": _l("Ends on the renewal date: nothing to refund"),
}

PROBLEMS = {
    "required": _l("This field is required."),
    "choice_invalid": _l("Choose one of the proposed values."),
    "negative": _l("Enter a number of 0 or more."),
    "date_format": _l("Enter a date as DD/MM/YYYY or YYYY-MM-DD."),
    "number_format": _l("Enter a number, such as 12500.50."),
    "integer_format": _l("Enter a whole number."),
    "stale": _l("Someone changed this contract meanwhile: reload the page and make your change again."),
    "client_unknown": _l("No client has this reference."),
    "insurer_unknown": _l("No insurer of the panel has this name."),
    "product_not_of_insurer": _l("This product is not one of this insurer's products for this line."),
    "payer_self": _l("The payer is the client already: leave it empty."),
    "renewal_before_start": _l("The renewal date must come after the effective date."),
    "number_taken": _l("This insurer already has a contract with this policy number."),
    "duplicate_in_file": _l("The same policy number appears earlier in the file (row %(row)s)."),
    "transition_refused": _l("A contract cannot go from this status to that one."),
    "not_in_force": _l("This contract is not in force."),
    "outside_period": _l("The date must fall within the current annual period (before %(day)s)."),
    "before_current_version": _l("The date cannot come before the current version of the contract."),
    "already_cancelled": _l("A cancellation is already recorded for this contract."),
    "ground_not_for_line": _l("This ground does not apply to this line of business."),
    "before_one_year": _l("Possible only once the contract has run one year: from %(day)s."),
    "notice_too_late": _l("Too late for this renewal: the notice had to arrive by %(day)s."),
    "date_required": _l("Enter the date the cancellation takes effect."),
    "before_notice": _l("The cancellation cannot take effect before the notice (%(day)s)."),
    "code_taken": _l("This code is already used for this line."),
    "clause_not_for_line": _l("Choose a clause of the contract's line."),
    "endorsement_unknown": _l("This endorsement does not exist."),
    "insurer_unreachable": _l("Nothing can be sent to this insurer: it is inactive, or has no placement email or "
                              "API set up. Complete the insurer's page first."),
    "letter_unknown_template": _l("The cancellation letter template is missing."),
    "letter_template_refused": _l("The firm's cancellation letter template cannot be merged: correct it first."),
    "letter_empty": _l("The cancellation letter would be empty: correct the firm's template first."),
    "column_missing": _l("This column is required."),
    "column_unknown": _l("Unknown column: see the list of columns below."),
    "column_repeated": _l("This column appears twice."),
    "file_unreadable": _l("This file cannot be read: send a CSV (UTF-8, ; or , separated) or an Excel .xlsx file."),
    "file_empty": _l("This file has no contract rows."),
    "file_too_large": _l("This file is too large: import at most %(rows)s contracts at a time."),
    "import_expired": _l("This import is no longer available: upload the file again."),
}


def problem_message(code: str, day=None, **values) -> str:
    """The message of a problem code, with its date (``day``) and values."""
    message = PROBLEMS.get(code)
    if message is None:
        return code
    if day is not None:
        values["day"] = format_date(day, "medium")
    return str(message) % values if values else str(message)


def computation_value(step: dict) -> str:
    """A computation step's value (stored as plain text: ``58.20``,
    ``2025-11-26 / 2026-11-26``, ``0.03 (18.00 %)``) in the reader's format."""
    label, value = step.get("label"), str(step.get("value", ""))
    try:
        if label in ("annual_difference", "net", "total"):
            return format_currency(Decimal(value), "EUR")
        if label == "tax":
            amount, _, rate = value.partition(" (")
            return f"{format_currency(Decimal(amount), 'EUR')} ({percent(Decimal(rate.rstrip(' %)')))})"
        if label == "period":
            start, _, end = value.partition(" / ")
            return f"{format_date(date.fromisoformat(start))} – {format_date(date.fromisoformat(end))}"
        if label == "no_refund":
            return format_date(date.fromisoformat(value))
    except (InvalidOperation, ValueError):
        return value
    return value


"""What people read for the codes :class:`app.billing.errors.BillingError`
carries. Each area adds its codes here; an unknown code is shown as it is."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

BILLING_ERRORS = {
    "payment_not_positive": _l("The amount must be more than zero."),
    "amount_invalid": _l("Enter an amount in euros, such as 120.50."),
    "method_invalid": _l("Choose how the money was paid."),
    "call_not_open": _l("One of the chosen premium calls has nothing left to pay."),
    "already_refunded": _l("This payment was already refunded."),
    "stale": _l("Someone changed this meanwhile: reload the page and try again."),
    "contract_ended": _l("This contract has ended: no premium call can be issued on it."),
    "month_invalid": _l("Enter a month as YYYY-MM, such as 2026-03."),
    "run_in_progress": _l("The calls of this month are already being generated: wait for that run to finish."),
    "run_not_restartable": _l("Only a run that failed or stopped can be restarted."),
    "unknown_plan": _l("Its instalment plan is not one the premium calls know."),
    "notice_no_email": _l("The payer has no email address: download the notice and send it by post."),
    "notice_call_closed": _l("This premium call is cancelled or refunded: there is no notice to send."),
    "period_invalid": _l("Enter the period's months as YYYY-MM, such as 2026-01."),
    "period_reversed": _l("The period's first month must come before its last month."),
    "period_too_long": _l("A report covers at most 60 months: choose a shorter period."),
    "date_invalid": _l("Enter the date as YYYY-MM-DD, such as 2026-12-31."),
}


def billing_error_message(code: str) -> str:
    return str(BILLING_ERRORS.get(code, code))

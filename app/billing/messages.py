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
    "received_in_future": _l("The day the money was received cannot be in the future."),
    "payer_unknown": _l("No client has this reference: choose the payer among the suggestions."),
    "no_credit_to_use": _l("This client has no credit, or no premium call left to pay with it."),
    "bank_file_empty": _l("The file has no transaction: choose the bank's export of the statement."),
    "bank_file_unreadable": _l("This is not a bank statement: import the bank's CSV export or a CAMT.053 XML file."),
    "bank_file_too_large": _l("The file is larger than 5 MB: export a shorter period."),
    "bank_too_many_lines": _l("The file has %(count)s credit lines, more than %(most)s: export a shorter period."),
    "bank_csv_no_header": _l("No column of dates and amounts found: the CSV needs a header row with a date column "
                             "(Date, Date opération…) and an amount (Montant) or debit and credit columns."),
    "bank_bad_rows": _l("Some rows cannot be read: nothing was imported. Correct them or export the file again."),
    "bank_row_date": _l("Line %(line)s: “%(value)s” is not a date (DD/MM/YYYY or YYYY-MM-DD)."),
    "bank_row_amount": _l("Line %(line)s: “%(value)s” is not an amount in euros (such as 1 234,56)."),
    "bank_iban_invalid": _l("The account “%(value)s” is not a valid IBAN."),
    "bank_account_differs": _l("The file is the statement of account %(account)s, not of the account typed."),
    "bank_xml_dtd": _l("The XML file declares a document type (DTD): refused for safety. Export the CAMT.053 "
                       "statement again from the bank."),
    "bank_xml_invalid": _l("The XML file is damaged near line %(line)s."),
    "bank_xml_not_camt053": _l("This XML file is not a CAMT.053 bank statement (version 001.02 or later)."),
    "bank_camt_several_accounts": _l("The file holds the statements of several accounts: import one account at "
                                     "a time."),
    "bank_camt_entry": _l("An entry of the statement cannot be read (%(line)s): its date or amount is missing."),
    "bank_line_not_unmatched": _l("This bank line is already matched or set aside."),
    "bank_line_not_ignored": _l("This bank line is not set aside."),
    "bank_call_reference_missing": _l("Type the reference of a premium call, such as QUI-000123."),
    "bank_call_unknown": _l("No premium call has this reference."),
    "bank_calls_of_several_payers": _l("These premium calls have different payers: one transfer pays the calls "
                                       "of one payer."),
    "bank_client_unknown": _l("No client has this reference."),
    "bank_note_missing": _l("Say what this money is, such as an insurer's commission."),
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
    "reminder_days_invalid": _l("Give a number of days between 1 and 60."),
    "settings_iban_invalid": _l("This is not a valid IBAN: check its country code, its length and each character "
                                "(such as FR76 3000 6000 0112 3456 7890 189)."),
    "settings_iban_checksum": _l("The IBAN's check digits do not match the rest: a character was probably "
                                 "mistyped."),
    "settings_iban_required": _l("Enter the IBAN of the account: the holder and the BIC go with it."),
    "settings_bic_invalid": _l("This is not a valid BIC: 8 or 11 letters and digits with the bank's country, "
                               "such as BNPAFRPP."),
    "settings_holder_required": _l("Enter the account holder's name, as the bank knows it."),
    "settings_holder_too_long": _l("The account holder's name has at most 70 characters."),
    "stripe_mode_invalid": _l("Choose how the firm takes payments with Stripe."),
    "stripe_account_required": _l("Enter the connected account id (acct_…)."),
    "stripe_account_invalid": _l("A connected account id starts with acct_ (letters and digits after it)."),
    "stripe_platform_key_missing": _l("Assurdesk has no Stripe platform key here: use your own Stripe keys."),
    "stripe_secret_key_required": _l("Enter the secret key (sk_…) of your Stripe account."),
    "stripe_secret_key_invalid": _l("A secret key starts with sk_test_ or sk_live_ (rk_ for a restricted key)."),
    "stripe_secret_key_is_publishable": _l("This is the publishable key (pk_…): the secret key starts with sk_."),
    "stripe_publishable_key_required": _l("Enter the publishable key (pk_…) of your Stripe account."),
    "stripe_publishable_key_invalid": _l("A publishable key starts with pk_test_ or pk_live_."),
    "stripe_publishable_key_is_secret": _l("This is a secret key: never put it here. The publishable key starts "
                                           "with pk_."),
    "stripe_keys_mode_mismatch": _l("The secret and publishable keys must both be test keys or both live keys."),
    "stripe_webhook_secret_required": _l("Enter the webhook signing secret (whsec_…) Stripe shows for the "
                                         "endpoint: without it no payment can be recorded."),
    "stripe_webhook_secret_invalid": _l("A webhook signing secret starts with whsec_."),
    "stripe_not_configured": _l("Stripe is not set up for the firm: an administrator can do it in the billing "
                                "settings."),
    "stripe_card_declined": _l("The payment was declined."),
    "stripe_keys_refused": _l("Stripe refused the firm's keys or account: check them in the billing settings."),
    "stripe_unreachable": _l("Stripe could not be reached: try again in a moment."),
    "stripe_busy": _l("Stripe is receiving too many requests: try again in a moment."),
    "stripe_request_refused": _l("Stripe refused the request."),
    "stripe_error": _l("Stripe answered with an error: try again in a moment."),
    "stripe_request_invalid": _l("A payment without the payer present must be confirmed at once."),
    "stripe_method_not_enabled": _l("This means of payment is not enabled in the billing settings."),
    "stripe_mixed_payers": _l("Premium calls paid together must have the same payer."),
    "stripe_payment_under_way": _l("A Stripe payment of this premium call is already under way: wait for Stripe's "
                                   "confirmation."),
    "not_overdue": _l("This premium call is not overdue, or its contract is no longer in force: the non-payment "
                      "procedure does not apply to it."),
    "notice_too_early": _l("The formal notice cannot be sent before the 10th day after the due date (Code des "
                           "assurances, L113-3)."),
    "notice_already_sent": _l("The formal notice of this premium call was already sent."),
    "procedure_closed": _l("The non-payment procedure of this premium call has ended."),
    "not_cancellable_yet": _l("The contract cannot be cancelled for non-payment on that day: only from 10 days after "
                              "the suspension of cover, itself 30 days after the formal notice (L113-3)."),
}


def billing_error_message(code: str) -> str:
    return str(BILLING_ERRORS.get(code, code))

"""Premiums screens: the firm's billing settings (reminder delay, notices by
email, its Stripe account) and the Stripe connection test. Administrators only."""

from __future__ import annotations

from flask import flash, redirect, render_template, url_for
from flask_babel import format_currency
from flask_babel import gettext as _
from flask_login import current_user

from app.auth.access import requires
from app.auth.rules import Permission
from app.billing import bank_details, firm_settings, stripe_gateway, stripe_rules
from app.billing.bank_details_rules import BankDetails
from app.billing.errors import BillingError
from app.billing.messages import billing_error_message
from app.billing.settings_forms import BillingSettingsForm
from app.billing.views import bp
from app.extensions import db


def gateway_message(exc: BillingError) -> str:
    """The translated message of a billing error, with Stripe's own words when it gave some."""
    message = billing_error_message(exc.code)
    detail = getattr(exc, "detail", None)
    return _("%(message)s Stripe says: %(detail)s", message=message, detail=detail) if detail else message


def _form_for(settings) -> BillingSettingsForm:
    form = BillingSettingsForm(data={
        "reminder_days": settings.reminder_days, "email_notices": settings.email_notices,
        "stripe_mode": firm_settings.stripe_mode(settings).value, "stripe_account_id": settings.stripe_account_id,
        "stripe_publishable_key": settings.stripe_publishable_key,
        "sepa_debit_enabled": settings.sepa_debit_enabled, "version": settings.version,
        "bank_account_holder": settings.bank_account_holder, "bic": settings.bic,
        "iban": BankDetails(iban=settings.iban).iban_formatted or None})
    return form


def _page(form: BillingSettingsForm, settings, status: int = 200):
    return render_template(
        "billing/settings/index.html", form=form, settings=settings,
        mode=firm_settings.stripe_mode(settings).value,
        masked_secret_key=stripe_rules.mask(settings.stripe_secret_key),
        masked_webhook_secret=stripe_rules.mask(settings.stripe_webhook_secret),
        webhook_url=url_for("billing.stripe_webhook", _external=True),
        handled_events=stripe_rules.HANDLED_EVENTS), status


@bp.get("/settings")
@requires(Permission.MANAGE_TEAM)
def settings():
    current = firm_settings.load(db.session)
    db.session.commit()
    return _page(_form_for(current), current)


@bp.post("/settings")
@requires(Permission.MANAGE_TEAM)
def save_settings():
    form = BillingSettingsForm()
    if not form.validate_on_submit():
        current = firm_settings.load(db.session)
        _add_stripe_problems(form, current)
        db.session.rollback()
        return _page(form, firm_settings.load(db.session), 422)
    try:
        firm_settings.update(
            db.session, current_user, stripe_gateway.current_platform(), version=form.version.data,
            reminder_days=form.reminder_days.data, email_notices=form.email_notices.data,
            mode=form.stripe_mode.data, account_id=form.stripe_account_id.data,
            secret_key=form.stripe_secret_key.data, publishable_key=form.stripe_publishable_key.data,
            webhook_secret=form.stripe_webhook_secret.data, sepa_debit_enabled=form.sepa_debit_enabled.data)
        bank_details.update(db.session, current_user, holder=form.bank_account_holder.data, iban=form.iban.data,
                            bic=form.bic.data)
    except firm_settings.SettingsInvalid as exc:
        db.session.rollback()
        for name, code in exc.problems.items():
            getattr(form, name).errors.append(billing_error_message(code))
        return _page(form, firm_settings.load(db.session), 422)
    except BillingError as exc:
        db.session.rollback()
        flash(billing_error_message(exc.code), "danger")
        return _page(form, firm_settings.load(db.session), 409)
    db.session.commit()
    flash(_("The billing settings are saved."), "success")
    return redirect(url_for("billing.settings"), code=303)


def _add_stripe_problems(form: BillingSettingsForm, current) -> None:
    """Show the Stripe fields' problems too when another field is wrong, so
    that one submission names them all."""
    if form.stripe_mode.errors:
        return
    given = firm_settings.stripe_input(
        current, stripe_gateway.current_platform(), mode=form.stripe_mode.data,
        account_id=form.stripe_account_id.data, secret_key=form.stripe_secret_key.data,
        publishable_key=form.stripe_publishable_key.data, webhook_secret=form.stripe_webhook_secret.data)
    for name, code in stripe_rules.settings_problems(given).items():
        field = getattr(form, name)
        if not field.errors:
            field.errors = [*field.errors, billing_error_message(code)]


@bp.post("/settings/stripe-test")
@requires(Permission.MANAGE_TEAM)
def test_stripe():
    try:
        check = stripe_gateway.check_connection(db.session)
    except BillingError as exc:
        flash(_("The connection to Stripe failed. %(reason)s", reason=gateway_message(exc)), "danger")
    else:
        balance = ", ".join(format_currency(amount, currency) for currency, amount in check.available) or "—"
        mode = _("live mode") if check.livemode else _("test mode")
        flash(_("Stripe answered (%(mode)s). Available balance: %(balance)s.", mode=mode, balance=balance),
              "success")
    return redirect(url_for("billing.settings"), code=303)

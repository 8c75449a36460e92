"""The billing settings form. Secrets are password fields: never sent back to
the browser, left blank to keep the stored one."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, IntegerField, PasswordField, RadioField, StringField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import InputRequired, Length, NumberRange, Optional, ValidationError

from app.billing import bank_details_rules
from app.billing.messages import billing_error_message
from app.billing.stripe_rules import StripeMode

STRIPE_MODES = [
    SelectChoice(StripeMode.NONE.value, _l("Not used")),
    SelectChoice(StripeMode.CONNECTED.value, _l("Connected account of Assurdesk's Stripe platform")),
    SelectChoice(StripeMode.OWN_KEYS.value, _l("The firm's own Stripe account (its API keys)")),
]


class BillingSettingsForm(FlaskForm):
    reminder_days = IntegerField(
        _l("First reminder, days after the due date"),
        validators=[InputRequired(message=_l("Give a number of days between 1 and 60.")),
                    NumberRange(min=1, max=60, message=_l("Give a number of days between 1 and 60."))])
    email_notices = BooleanField(_l("Email the premium notice when a call is issued"))
    stripe_mode = RadioField(_l("Card and direct debit payments with Stripe"), choices=STRIPE_MODES,
                             default=StripeMode.NONE.value,
                             invalid_choice_message=_l("Choose how the firm takes payments with Stripe."))
    stripe_account_id = StringField(_l("Connected account id"), validators=[Optional(), Length(max=255)],
                                    render_kw={"autocomplete": "off", "spellcheck": "false"})
    stripe_secret_key = PasswordField(_l("Secret key"), validators=[Optional(), Length(max=255)],
                                      render_kw={"autocomplete": "new-password", "spellcheck": "false"})
    stripe_publishable_key = StringField(_l("Publishable key"), validators=[Optional(), Length(max=255)],
                                         render_kw={"autocomplete": "off", "spellcheck": "false"})
    stripe_webhook_secret = PasswordField(_l("Webhook signing secret"), validators=[Optional(), Length(max=255)],
                                          render_kw={"autocomplete": "new-password", "spellcheck": "false"})
    sepa_debit_enabled = BooleanField(_l("Offer SEPA Direct Debit (the Stripe account must allow it)"))
    bank_account_holder = StringField(_l("Account holder"), render_kw={"autocomplete": "off"})
    iban = StringField(_l("IBAN"), render_kw={"autocomplete": "off", "spellcheck": "false", "placeholder": "FR76 …"})
    bic = StringField(_l("BIC"), render_kw={"autocomplete": "off", "spellcheck": "false", "placeholder": "BNPAFRPP"})
    version = IntegerField(validators=[Optional()])

    def bank_problem(self, name: str) -> None:
        """Refuse field ``name`` when the bank details name a problem with it."""
        _details, problems = bank_details_rules.check(self.bank_account_holder.data, self.iban.data, self.bic.data)
        if name in problems:
            raise ValidationError(billing_error_message(problems[name]))

    def validate_bank_account_holder(self, field) -> None:
        self.bank_problem("bank_account_holder")

    def validate_iban(self, field) -> None:
        self.bank_problem("iban")

    def validate_bic(self, field) -> None:
        self.bank_problem("bic")

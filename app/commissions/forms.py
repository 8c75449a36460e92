"""Forms of the commission screens, and what people read for the codes
:class:`app.commissions.services.CommissionError` carries."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, DateField, EmailField, IntegerField, SelectField, StringField
from wtforms.validators import InputRequired, Length, NumberRange, Optional

from app.catalog.forms import LocalDecimalField, choices
from app.commissions.models import BeneficiaryKind

KIND_LABELS = {BeneficiaryKind.INTRODUCER.value: _l("Introducer"), BeneficiaryKind.PRODUCER.value: _l("Producer")}
STATUS_LABELS = {"expected": _l("Expected"), "earned": _l("Earned"), "reversed": _l("Reversed")}
EARNED_WHEN_LABELS = {"issue": _l("On issue"), "payment": _l("On payment")}
PAYOUT_STATUS_LABELS = {"draft": _l("Draft"), "paid": _l("Paid")}
PERCENT = NumberRange(min=0, max=100, message=_l("Give a percentage between 0 and 100."))

ERRORS = {
    "stale": _l("Someone changed this meanwhile: reload the page and try again."),
    "kind_invalid": _l("Choose introducer or producer."),
    "share_out_of_range": _l("Give a percentage between 0 and 100."),
    "rate_out_of_range": _l("Give a percentage between 0 and 100."),
    "shares_over_100": _l("The shares on contract %(contract)s would come to more than 100%% of its commission."),
    "iban_invalid": _l("This IBAN is not valid: check its country code, length and check digits."),
    "iban_required": _l("An introducer is paid by transfer: give their IBAN."),
    "siren_invalid": _l("This SIREN is not valid (9 digits with a check digit)."),
    "producer_user_required": _l("A producer is a member of the firm: choose who."),
    "name_required": _l("Give a name."),
    "product_required": _l("Choose a product."),
    "beneficiary_required": _l("Choose an active beneficiary."),
    "already_attached": _l("This beneficiary is already credited on the contract."),
    "period_start_required": _l("Give the first day of the period."),
    "period_end_before_start": _l("The period must end on or after its first day."),
    "nothing_to_pay": _l("No unpaid share up to the end of this period: nothing to pay."),
    "payout_not_positive": _l("The reversals outweigh the shares up to this date: nothing to pay yet, the balance "
                              "goes against the next shares."),
    "payout_not_draft": _l("This payout is already paid."),
    "paid_on_required": _l("Give the day it was paid."),
    "reference_required": _l("Give the reference of the transfer or cheque."),
}


def error_message(error) -> str:
    """The message for a :class:`CommissionError` (or any error with a ``code``)."""
    message = ERRORS.get(error.code)
    if message is None:
        return error.code
    params = getattr(error, "params", None)
    return str(message) % params if params else str(message)


class BeneficiaryForm(FlaskForm):
    kind = SelectField(_l("Kind"), choices=choices(KIND_LABELS.items()), validate_choice=True)
    name = StringField(_l("Name"), validators=[Optional(), Length(max=200)])
    user_id = SelectField(_l("Member of the firm"), coerce=lambda value: int(value) if value else None, choices=[],
                          validate_choice=False)
    email = EmailField(_l("Email"), validators=[Optional(), Length(max=254)])
    iban = StringField(_l("IBAN"), validators=[Optional(), Length(max=42)])
    siren = StringField(_l("SIREN"), validators=[Optional(), Length(max=20)])
    default_rate = LocalDecimalField(_l("Default share (%)"), places=2, validators=[InputRequired(), PERCENT])
    is_active = BooleanField(_l("Active: receives shares"), default=True)
    version = IntegerField(validators=[Optional()])

    def values(self) -> dict:
        return {name: getattr(self, name).data for name in (
            "kind", "name", "user_id", "email", "iban", "siren", "default_rate", "is_active")}


class ShareRuleForm(FlaskForm):
    product_id = SelectField(_l("Product"), coerce=lambda value: int(value) if value else None, choices=[],
                             validate_choice=False)
    rate = LocalDecimalField(_l("Share (%)"), places=2, validators=[InputRequired(), PERCENT])


class AttachForm(FlaskForm):
    beneficiary_id = SelectField(_l("Beneficiary"), coerce=lambda value: int(value) if value else None,
                                 choices=[], validate_choice=False)


class ContractRateForm(FlaskForm):
    commission_rate = LocalDecimalField(_l("Commission rate of this contract (%)"), places=2,
                                        validators=[InputRequired(), PERCENT])
    version = IntegerField(validators=[Optional()])


class PayoutForm(FlaskForm):
    beneficiary_id = SelectField(_l("Beneficiary"), coerce=lambda value: int(value) if value else None,
                                 choices=[], validate_choice=False)
    period_start = DateField(_l("Period from"), validators=[InputRequired()])
    period_end = DateField(_l("to (included)"), validators=[InputRequired()])


class PayForm(FlaskForm):
    paid_on = DateField(_l("Paid on"), validators=[InputRequired()])
    reference = StringField(_l("Transfer or cheque reference"), validators=[InputRequired(), Length(max=100)])
    version = IntegerField(validators=[Optional()])


class VersionForm(FlaskForm):
    version = IntegerField(validators=[Optional()])

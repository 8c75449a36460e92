"""Forms of the payment screens: recording a payment, refunding one, and the
labels of payment methods and statuses. Amounts are typed the French way
(``1 234,56``) or the English way (``1234.56``)."""

from __future__ import annotations

from datetime import date

from flask_babel import lazy_gettext as _l
from flask_babel import lazy_pgettext
from flask_wtf import FlaskForm
from wtforms import DateField, SelectField, SelectMultipleField, StringField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import InputRequired, Length, ValidationError

from app.billing.adjustments import CREDIT_NOTE_METHOD
from app.billing.messages import billing_error_message
from app.billing.models import PaymentMethod, PaymentStatus
from app.crm.forms import AmountField, VersionField

METHOD_LABELS = {
    PaymentMethod.TRANSFER.value: _l("Bank transfer"),
    PaymentMethod.CHEQUE.value: _l("Cheque"),
    PaymentMethod.DIRECT_DEBIT.value: _l("Direct debit"),
    PaymentMethod.CARD.value: _l("Card"),
    CREDIT_NOTE_METHOD: _l("Credit note"),
}
#: the methods a person records by hand (a credit note is settled by billing itself)
RECORDED_METHODS = tuple(method.value for method in PaymentMethod)
STATUS_LABELS = {
    PaymentStatus.RECORDED.value: lazy_pgettext("payment status", "Recorded"),
    PaymentStatus.REFUNDED.value: lazy_pgettext("payment status", "Refunded"),
}
STATUS_BADGES = {PaymentStatus.RECORDED.value: "text-bg-success", PaymentStatus.REFUNDED.value: "text-bg-secondary"}


def not_in_future(form, field) -> None:
    if field.data is not None and field.data > date.today():
        raise ValidationError(billing_error_message("received_in_future"))


def positive(form, field) -> None:
    if field.data is not None and field.data <= 0:
        raise ValidationError(billing_error_message("payment_not_positive"))


class PaymentForm(FlaskForm):
    """Money received from a payer. ``call_ids``: the open calls to pay,
    checked against the payer's by the view; none means oldest first."""

    payer = StringField(_l("Payer (client reference)"), validators=[InputRequired(), Length(max=20)])
    amount = AmountField(_l("Amount received"), validators=[InputRequired(), positive])
    method = SelectField(_l("Method"), default=PaymentMethod.TRANSFER.value,
                         choices=[SelectChoice(value, METHOD_LABELS[value]) for value in RECORDED_METHODS])
    received_on = DateField(_l("Received on"), validators=[InputRequired(), not_in_future])
    reference = StringField(_l("Bank reference or cheque number"), validators=[Length(max=140)])
    call_ids = SelectMultipleField(_l("Premium calls to pay"), coerce=int, validate_choice=False)

    def chosen_calls(self) -> list[int]:
        return list(dict.fromkeys(self.call_ids.data or []))


class RefundForm(FlaskForm):
    refunded_on = DateField(_l("Refunded on"), validators=[InputRequired(), not_in_future])
    version = VersionField()

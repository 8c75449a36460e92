"""Catalog forms: insurers, contacts, agreements, products, guarantees, tariffs, tax rates."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_babel import lazy_pgettext
from flask_wtf import FlaskForm
from wtforms import (BooleanField, DateField, DecimalField, EmailField, FieldList, Form, FormField, IntegerField,
                     RadioField, SelectField, SelectMultipleField, StringField, TextAreaField, URLField)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Email, InputRequired, Length, NumberRange, Optional, URL
from wtforms.widgets import CheckboxInput, ListWidget

from app.catalog.lines import LINES, line_choices

PAYMENT_OPTION_LABELS = {"annual": _l("Annual"), "half_yearly": _l("Half-yearly"),
                         "quarterly": _l("Quarterly"), "monthly": _l("Monthly")}
FACTOR_KINDS = [("bands", _l("Bands")), ("table", _l("Table")), ("coefficient", _l("Coefficient")),
                ("per_unit", _l("Per unit"))]


def choices(pairs) -> list[SelectChoice]:
    return [SelectChoice(value, label) for value, label in pairs]


PERCENT = NumberRange(min=0, max=100, message=_l("Give a percentage between 0 and 100."))
NOT_NEGATIVE = NumberRange(min=0, message=_l("The amount cannot be negative."))


class LocalDecimalField(DecimalField):
    """A decimal typed the French way too: "1 234,50"."""

    def process_formdata(self, valuelist):
        if valuelist:
            valuelist = [value.replace("\u202f", "").replace("\xa0", "").replace(" ", "").replace(",", ".")
                         for value in valuelist]
        super().process_formdata(valuelist)


class MultiCheckboxField(SelectMultipleField):
    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


def _optional_text(max_length: int):
    return [Optional(), Length(max=max_length)]


class InsurerForm(FlaskForm):
    name = StringField(_l("Name"), validators=[DataRequired(), Length(max=150)])
    legal_name = StringField(_l("Legal name"), validators=_optional_text(250))
    registration = StringField(_l("Registration (ACPR, trade register)"), validators=_optional_text(100))
    siren = StringField(_l("SIREN"), validators=_optional_text(20))
    address_line1 = StringField(_l("Address"), validators=_optional_text(200))
    address_line2 = StringField(_l("Address (continued)"), validators=_optional_text(200))
    postal_code = StringField(_l("Postal code"), validators=_optional_text(10))
    city = StringField(_l("City"), validators=_optional_text(100))
    phone = StringField(_l("Phone"), validators=_optional_text(30))
    website = URLField(_l("Website"), validators=[Optional(), URL(message=_l("Give a full address (https://…).")),
                                                  Length(max=200)])
    claims_email = EmailField(_l("Claims email"), validators=[Optional(), Email(), Length(max=254)])
    placement_channel = RadioField(_l("Placement channel"), default="email",
                                   choices=choices([("email", _l("By email")), ("api", _l("By API"))]))
    placement_email = EmailField(_l("Placement email"), validators=[Optional(), Email(), Length(max=254)])
    api_endpoint = StringField(_l("API endpoint"), validators=_optional_text(500))
    api_secret = StringField(_l("API secret"), validators=_optional_text(200))
    notes = TextAreaField(_l("Notes"), validators=_optional_text(5000))
    is_active = BooleanField(_l("Active: offered in comparisons"), default=True)
    version = IntegerField(validators=[Optional()])


class ContactForm(FlaskForm):
    name = StringField(_l("Name"), validators=[DataRequired(), Length(max=150)])
    role = StringField(_l("Role"), validators=_optional_text(100))
    email = EmailField(_l("Email"), validators=[Optional(), Email(), Length(max=254)])
    phone = StringField(_l("Phone"), validators=_optional_text(30))


def _line_or_all():
    return choices([("", _l("All lines")), *line_choices()])


class AgreementForm(FlaskForm):
    line = SelectField(_l("Line"), choices=_line_or_all, validate_choice=True)
    new_business_rate = LocalDecimalField(_l("New business (%)"), places=2, validators=[InputRequired(), PERCENT])
    renewal_rate = LocalDecimalField(_l("Renewals (%)"), places=2, validators=[InputRequired(), PERCENT])
    starts_on = DateField(lazy_pgettext("start date", "From"), validators=[InputRequired()])
    ends_on = DateField(_l("Until (included)"), validators=[Optional()])
    reference = StringField(_l("Reference"), validators=_optional_text(60))
    earned_on = SelectField(_l("Commission earned"), choices=choices([("issue", _l("When the call is issued")),
                                                                      ("payment", _l("When the call is paid"))]),
                            default="issue", validate_choice=True)


class ProductForm(FlaskForm):
    insurer_id = SelectField(_l("Insurer"), coerce=int, choices=[])
    line = SelectField(_l("Line"), choices=lambda: choices(line_choices()))
    code = StringField(_l("Code"), validators=[DataRequired(), Length(max=40)])
    name = StringField(_l("Name"), validators=[DataRequired(), Length(max=150)])
    description = TextAreaField(_l("Description"), validators=_optional_text(5000))
    commission_rate = LocalDecimalField(_l("Commission (%)"), places=2, validators=[InputRequired(), PERCENT])
    payment_options = MultiCheckboxField(_l("Payment options"), choices=choices(PAYMENT_OPTION_LABELS.items()),
                                         default=["annual"])
    is_active = BooleanField(_l("Active: offered in comparisons"), default=True)
    version = IntegerField(validators=[Optional()])


class GuaranteeForm(FlaskForm):
    code = SelectField(_l("Guarantee"), choices=[])
    label = StringField(_l("Label"), validators=_optional_text(150))
    ceiling = LocalDecimalField(_l("Ceiling"), places=2, validators=[Optional(), NOT_NEGATIVE])
    deductible = LocalDecimalField(_l("Deductible"), places=2, validators=[Optional(), NOT_NEGATIVE])
    exclusions = TextAreaField(_l("Exclusions"), validators=_optional_text(5000))
    is_option = BooleanField(_l("Optional: the client may add it"))
    option_premium = LocalDecimalField(_l("Option premium"), places=2, validators=[Optional(), NOT_NEGATIVE])
    version = IntegerField(validators=[InputRequired()])

    def set_line(self, line: str) -> None:
        self.code.choices = choices((g.code, g.label) for g in LINES[line].guarantees)


class FactorForm(Form):
    """One factor of the tariff editor (a sub-form: the CSRF token is the parent's)."""

    label = StringField(_l("Label"), validators=_optional_text(100))
    attribute = SelectField(_l("Attribute"), choices=[], validate_choice=False)
    kind = SelectField(_l("Kind"), choices=choices(FACTOR_KINDS))
    rows = TextAreaField(_l("Rows"))
    default = StringField(_l("Multiplier for any other answer"), validators=_optional_text(20))
    unit = StringField(_l("Unit"), validators=_optional_text(20))
    rate = StringField(_l("Rate per started unit"), validators=_optional_text(20))


class TariffForm(FlaskForm):
    base = StringField(_l("Base premium"), validators=_optional_text(20))
    minimum = StringField(_l("Minimum premium"), validators=_optional_text(20))
    fees = StringField(_l("Fees"), validators=_optional_text(20))
    factors = FieldList(FormField(FactorForm), min_entries=0, max_entries=20)
    version = IntegerField(validators=[InputRequired()])

    def set_line(self, line: str) -> None:
        attributes = choices((a.name, a.label) for a in LINES[line].attributes)
        for entry in self.factors:
            entry.form.attribute.choices = attributes


class EligibilityForm(FlaskForm):
    rows = TextAreaField(_l("Conditions, one per line"))
    version = IntegerField(validators=[InputRequired()])


class TaxRatesForm(FlaskForm):
    """The firm's own rate per line (``rate_<line>``); blank keeps the default."""

    def rate_field(self, line: str):
        return self[f"rate_{line}"]


for _line, _definition in LINES.items():
    setattr(TaxRatesForm, f"rate_{_line.value}",
            LocalDecimalField(_definition.label, places=2, validators=[Optional(), PERCENT]))

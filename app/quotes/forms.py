"""Forms of needs analyses, offers, recommendation and acceptance.

The needs form is built per line: one field per risk attribute of the line
(``app.catalog.lines``) and, per standard guarantee, whether it is wanted with
the ceiling and the largest deductible wanted.
"""

from __future__ import annotations

import decimal

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import (BooleanField, DateField, DecimalField, IntegerField, SelectField,
                     SelectMultipleField, StringField, TextAreaField)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional
from wtforms.widgets import TextInput

from app.catalog.lines import AttributeType, LineDefinition, RiskAttribute
from app.quotes import rules

MIN_REASONS = 30

PAYMENT_OPTIONS = (("annual", _l("Annual")), ("half_yearly", _l("Half-yearly")),
                   ("quarterly", _l("Quarterly")), ("monthly", _l("Monthly")))
ACCEPTANCE_CHANNELS = (("on_screen", _l("On screen, with the handler")), ("signed_proposal", _l("Signed proposal")),
                       ("email", _l("By email")))
BOOLEAN_CHOICES = (("", "—"), ("true", _l("Yes")), ("false", _l("No")))
NOT_A_NUMBER = _l("Enter a number, e.g. 1250 or 1250.50.")
NOT_A_DATE = _l("Enter a date.")


def choices(pairs) -> list[SelectChoice]:
    """(value, label) pairs as WTForms choices."""
    return [SelectChoice(value, label) for value, label in pairs]


class AmountField(DecimalField):
    """A decimal typed the French way or the English way: ``1 234,50`` or ``1234.50``."""

    widget = TextInput()

    def __init__(self, label=None, validators=None, **kwargs):
        kwargs.setdefault("render_kw", {"inputmode": "decimal"})
        super().__init__(label, validators, invalid_value_message=NOT_A_NUMBER, **kwargs)

    def process_formdata(self, valuelist):
        if not valuelist or not valuelist[0].strip():
            self.data = None
            return
        typed = valuelist[0].replace("\u202f", "").replace("\xa0", "").replace(" ", "").replace(",", ".")
        try:
            number = decimal.Decimal(typed)
        except decimal.InvalidOperation:
            self.data = None
            raise ValueError(NOT_A_NUMBER) from None
        if not number.is_finite():
            self.data = None
            raise ValueError(NOT_A_NUMBER)
        self.data = number


def _range(attribute: RiskAttribute) -> list:
    if attribute.minimum is None and attribute.maximum is None:
        return []
    return [NumberRange(min=attribute.minimum, max=attribute.maximum)]


def risk_field(attribute: RiskAttribute):
    """The form field for one risk attribute; every answer may be left empty
    (what is missing is shown as incomplete, not refused)."""
    kind, label = AttributeType(attribute.type), attribute.label
    if kind is AttributeType.INTEGER:
        return IntegerField(label, [Optional(), *_range(attribute)], render_kw={"inputmode": "numeric"})
    if kind in (AttributeType.DECIMAL, AttributeType.MONEY):
        return AmountField(label, [Optional(), *_range(attribute)])
    if kind is AttributeType.DATE:
        return DateField(label, [Optional()], render_kw={"type": "date"})
    if kind is AttributeType.CHOICE:
        return SelectField(label, [Optional()], choices=choices([("", "—"), *attribute.choices]))
    if kind is AttributeType.BOOLEAN:
        return SelectField(label, [Optional()], choices=choices(BOOLEAN_CHOICES))
    return StringField(label, [Optional(), Length(max=250)])


class NeedsBaseForm(FlaskForm):
    insured_name = StringField(_l("Insured, when not the client"), [Optional(), Length(max=250)])
    budget = AmountField(_l("Yearly budget (all taxes included)"), [Optional(), NumberRange(min=0)])
    wanted_effective_date = DateField(_l("Wanted effective date"), [Optional()], render_kw={"type": "date"})
    notes = TextAreaField(_l("Handler's notes"), [Optional(), Length(max=5000)])
    version = IntegerField(validators=[Optional()])

    definition: LineDefinition

    def risk_fields(self):
        return [self[f"risk_{a.name}"] for a in self.definition.attributes]

    def guarantee_rows(self):
        return [(g, self[f"want_{g.code}"], self[f"ceiling_{g.code}"], self[f"deductible_{g.code}"])
                for g in self.definition.guarantees]

    def risk_values(self) -> dict:
        """The answers, typed as ``NeedsAnalysis.risk`` keeps them."""
        values = {}
        for attribute in self.definition.attributes:
            data = self[f"risk_{attribute.name}"].data
            if attribute.type == AttributeType.BOOLEAN:
                data = {"true": True, "false": False}.get(data)
            values[attribute.name] = rules.to_json_value(attribute.type, data)
        return values

    def wanted_values(self) -> list[dict]:
        """The guarantees wanted, amounts as strings, None when indifferent."""
        return [
            {"code": g.code, "ceiling": rules.to_json_value("money", ceiling.data),
             "deductible": rules.to_json_value("money", deductible.data)}
            for g, want, ceiling, deductible in self.guarantee_rows() if want.data
        ]

    def fill_from(self, needs) -> None:
        """Pre-fill from a stored needs analysis (on GET)."""
        self.insured_name.data, self.budget.data = needs.insured_name, needs.budget
        self.wanted_effective_date.data, self.notes.data = needs.wanted_effective_date, needs.notes
        self.version.data = needs.version
        for attribute in self.definition.attributes:
            value = rules.from_json_value(attribute.type, (needs.risk or {}).get(attribute.name))
            if attribute.type == AttributeType.BOOLEAN and value is not None:
                value = "true" if value else "false"
            self[f"risk_{attribute.name}"].data = value
        wanted = {item["code"]: item for item in needs.wanted or ()}
        for g, want, ceiling, deductible in self.guarantee_rows():
            item = wanted.get(g.code)
            want.data = item is not None
            ceiling.data = rules.from_json_value("money", (item or {}).get("ceiling"))
            deductible.data = rules.from_json_value("money", (item or {}).get("deductible"))


def needs_form(definition: LineDefinition, **kwargs) -> NeedsBaseForm:
    """Build the needs form of ``definition``'s line."""
    fields = {f"risk_{a.name}": risk_field(a) for a in definition.attributes}
    for g in definition.guarantees:
        fields[f"want_{g.code}"] = BooleanField(g.label)
        fields[f"ceiling_{g.code}"] = AmountField(_l("Ceiling wanted"), [Optional(), NumberRange(min=0)])
        fields[f"deductible_{g.code}"] = AmountField(_l("Highest deductible"), [Optional(), NumberRange(min=0)])
    form_class = type(f"NeedsForm_{definition.line.value}", (NeedsBaseForm,), {"definition": definition, **fields})
    return form_class(**kwargs)


class WaiverForm(FlaskForm):
    reason = TextAreaField(_l("Why go on with what is missing"), [DataRequired(), Length(min=10, max=2000)])


class CloseForm(FlaskForm):
    reason = TextAreaField(_l("Why close this needs analysis"), [DataRequired(), Length(min=5, max=2000)])


class ManualOfferBaseForm(FlaskForm):
    insurer_id = SelectField(_l("Insurer"), coerce=int, validators=[InputRequired()])
    label = StringField(_l("Offer"), [DataRequired(), Length(max=200)])
    premium_net = AmountField(_l("Net premium (before tax)"), [InputRequired(), NumberRange(min=0)])
    fees = AmountField(_l("Fees"), [Optional(), NumberRange(min=0)])
    tax_rate = AmountField(_l("Insurance tax rate (%)"), [Optional(), NumberRange(min=0, max=100)])
    commission_rate = AmountField(_l("Commission rate (%)"), [Optional(), NumberRange(min=0, max=100)])
    payment_options = SelectMultipleField(_l("Payment options"), choices=choices(PAYMENT_OPTIONS), validators=[Optional()])
    exclusions = TextAreaField(_l("Exclusions"), [Optional(), Length(max=5000)])
    valid_until = DateField(_l("Valid until"), [Optional()], render_kw={"type": "date"})
    document = FileField(_l("The insurer's document (PDF or image)"))

    definition: LineDefinition

    def guarantee_rows(self):
        return [(g, self[f"covers_{g.code}"], self[f"ceiling_{g.code}"], self[f"deductible_{g.code}"],
                 self[f"exclusions_{g.code}"]) for g in self.definition.guarantees]

    def guarantee_values(self) -> list[dict]:
        return [
            {"code": g.code, "label": str(g.label), "included": True,
             "ceiling": rules.to_json_value("money", ceiling.data),
             "deductible": rules.to_json_value("money", deductible.data),
             "exclusions": (exclusions.data or "").strip() or None}
            for g, covers, ceiling, deductible, exclusions in self.guarantee_rows() if covers.data
        ]


def manual_offer_form(definition: LineDefinition, insurers, **kwargs) -> ManualOfferBaseForm:
    """Build the form of an offer typed in from an insurer's answer."""
    fields = {}
    for g in definition.guarantees:
        fields[f"covers_{g.code}"] = BooleanField(g.label)
        fields[f"ceiling_{g.code}"] = AmountField(_l("Ceiling"), [Optional(), NumberRange(min=0)])
        fields[f"deductible_{g.code}"] = AmountField(_l("Deductible"), [Optional(), NumberRange(min=0)])
        fields[f"exclusions_{g.code}"] = StringField(_l("Exclusions"), [Optional(), Length(max=500)])
    form_class = type(f"ManualOfferForm_{definition.line.value}", (ManualOfferBaseForm,),
                      {"definition": definition, **fields})
    form = form_class(**kwargs)
    form.insurer_id.choices = choices((insurer.id, insurer.name) for insurer in insurers)
    return form


class RecommendForm(FlaskForm):
    offer_id = SelectField(_l("Recommended offer"), coerce=int, validators=[InputRequired()])
    reasons = TextAreaField(
        _l("Why this offer fits the client's needs"),
        [DataRequired(), Length(min=MIN_REASONS, max=5000,
                                message=_l("Explain in at least %(min)d characters.", min=MIN_REASONS))],
    )
    version = IntegerField(validators=[InputRequired()])


class AcceptanceForm(FlaskForm):
    channel = SelectField(_l("How the client accepted"), choices=choices(ACCEPTANCE_CHANNELS), validators=[InputRequired()])
    accepted_on = DateField(_l("Date of acceptance"), [InputRequired(message=NOT_A_DATE)], render_kw={"type": "date"})
    note = TextAreaField(_l("Note"), [Optional(), Length(max=2000)])


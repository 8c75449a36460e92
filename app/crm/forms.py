"""Forms of the client file. Identity checks are the rules' (shared with the
import), worded by ``app.crm.labels``."""

from __future__ import annotations

from datetime import UTC, date

from flask_babel import lazy_gettext as _l
from flask_babel import to_utc
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import (BooleanField, DateField, DateTimeLocalField, Field, IntegerField, SelectField,
                     SelectMultipleField, StringField, TextAreaField, widgets)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import AnyOf, DataRequired, Email, InputRequired, Length, Optional, ValidationError

from app.catalog.lines import line_choices
from app.crm import rules
from app.crm.labels import (AML_RISK_LABELS, CIVILITY_LABELS, DIRECTION_LABELS, FAMILY_STATUS_LABELS,
                            INTERACTION_LABELS, KIND_LABELS, STATUS_LABELS, problem_message)
from app.crm.services import IDENTITY_FIELDS


def _choices(labels: dict, blank: bool = False) -> list[SelectChoice]:
    return ([SelectChoice("", "—")] if blank else []) + [SelectChoice(value, label) for value, label in labels.items()]


def _optional_id(value):
    return int(value) if value not in (None, "", "None") else None


def _yes_no(value) -> bool:
    if isinstance(value, bool):
        return value
    if value in ("yes", "no"):
        return value == "yes"
    raise ValueError(value)


class AmountField(StringField):
    """An amount typed the French way (``12 500,50``), as a Decimal rounded to the cent."""

    def process_formdata(self, valuelist):
        self.raw = valuelist[0] if valuelist else ""
        try:
            self.data = rules.parse_decimal(self.raw)
        except rules.BadValue as exc:
            self.data = None
            raise ValueError(problem_message(exc.code)) from exc

    def _value(self):
        return self.raw if getattr(self, "raw", None) is not None else ("" if self.data is None else str(self.data))


class VersionField(IntegerField):
    widget = widgets.HiddenInput()


class ClientForm(FlaskForm):
    kind = SelectField(_l("Kind"), choices=_choices(KIND_LABELS), default="individual")
    status = SelectField(_l("Status"), choices=_choices(STATUS_LABELS), default="prospect")
    civility = SelectField(_l("Civility"), choices=_choices(CIVILITY_LABELS, blank=True), validate_choice=False)
    first_name = StringField(_l("First name"), validators=[Length(max=100)])
    last_name = StringField(_l("Last name"), validators=[Length(max=100)])
    birth_date = DateField(_l("Birth date"), validators=[Optional()])
    profession = StringField(_l("Profession"), validators=[Length(max=150)])
    family_status = SelectField(_l("Family situation"), choices=_choices(FAMILY_STATUS_LABELS, blank=True),
                                validate_choice=False)
    legal_name = StringField(_l("Legal name"), validators=[Length(max=250)])
    siren = StringField(_l("SIREN"), validators=[Length(max=11)])
    siret = StringField(_l("SIRET"), validators=[Length(max=17)])
    naf_code = StringField(_l("NAF code"), validators=[Length(max=6)])
    legal_form = StringField(_l("Legal form"), validators=[Length(max=60)])
    turnover = AmountField(_l("Turnover"))
    headcount = IntegerField(_l("Headcount"), validators=[Optional()])
    email = StringField(_l("Email"), validators=[Length(max=254)])
    phone = StringField(_l("Phone"), validators=[Length(max=30)])
    address_line1 = StringField(_l("Address"), validators=[Length(max=200)])
    address_line2 = StringField(_l("Address (continued)"), validators=[Length(max=200)])
    postal_code = StringField(_l("Postal code"), validators=[Length(max=10)])
    city = StringField(_l("City"), validators=[Length(max=100)])
    country = StringField(_l("Country"), default="FR", validators=[Length(max=2)])
    notes = TextAreaField(_l("Notes"), validators=[Length(max=5000)])
    payer_reference = StringField(_l("Payer (client reference)"), validators=[Length(max=20)])
    handler_id = SelectField(_l("Handler"), coerce=_optional_id, validate_choice=False)
    version = VersionField(validators=[Optional()])
    confirm_duplicate = BooleanField(_l("Create anyway: this is another client"))

    def identity(self) -> dict:
        return {name: getattr(self, name).data for name in IDENTITY_FIELDS}

    def validate(self, extra_validators=None) -> bool:
        valid = super().validate(extra_validators)
        problems = rules.client_problems(rules.clean_identity(self.identity()), date.today())
        self.add_problems(problems)
        return valid and not problems

    def add_problems(self, problems: dict[str, str]) -> None:
        fields = {"payer_id": "payer_reference"}
        for name, code in problems.items():
            field = getattr(self, fields.get(name, name), None)
            if isinstance(field, Field) and problem_message(code) not in field.errors:
                field.errors.append(problem_message(code))


class ContactForm(FlaskForm):
    civility = SelectField(_l("Civility"), choices=_choices(CIVILITY_LABELS, blank=True), validate_choice=False,
                           validators=[Optional(), AnyOf(rules.CIVILITIES)])
    first_name = StringField(_l("First name"), validators=[Length(max=100)])
    last_name = StringField(_l("Last name"), validators=[DataRequired(), Length(max=100)])
    role = StringField(_l("Role"), validators=[Length(max=100)])
    email = StringField(_l("Email"), validators=[Optional(), Email(), Length(max=254)])
    phone = StringField(_l("Phone"), validators=[Length(max=30)])
    is_primary = BooleanField(_l("Main contact"))


class InteractionForm(FlaskForm):
    kind = SelectField(_l("Kind"), choices=_choices(INTERACTION_LABELS), default="call")
    direction = SelectField(_l("Direction"), choices=_choices(DIRECTION_LABELS, blank=True), validate_choice=False,
                            validators=[Optional(), AnyOf(rules.DIRECTIONS)])
    occurred_at = DateTimeLocalField(_l("Date and time"), format=["%Y-%m-%dT%H:%M", "%Y-%m-%dT%H:%M:%S"],
                                     validators=[Optional()])
    subject = StringField(_l("Subject"), validators=[DataRequired(), Length(max=200)])
    asked = TextAreaField(_l("What was asked"), validators=[Length(max=5000)])
    answered = TextAreaField(_l("What was answered"), validators=[Length(max=5000)])

    def values(self) -> dict:
        occurred_at = self.occurred_at.data
        return {
            "kind": self.kind.data, "direction": self.direction.data, "subject": self.subject.data,
            "asked": self.asked.data, "answered": self.answered.data,
            "occurred_at": to_utc(occurred_at).replace(tzinfo=UTC) if occurred_at else None,
        }


class TaskForm(FlaskForm):
    title = StringField(_l("Task"), validators=[DataRequired(), Length(max=200)])
    details = TextAreaField(_l("Details"), validators=[Length(max=5000)])
    due_on = DateField(_l("Due on"), validators=[Optional()])
    assignee_id = SelectField(_l("Assigned to"), coerce=_optional_id)


class AmlForm(FlaskForm):
    aml_risk = SelectField(_l("Risk level"), choices=_choices(AML_RISK_LABELS))
    aml_reason = TextAreaField(_l("Why this level"), validators=[DataRequired(), Length(max=5000)])
    aml_checks = TextAreaField(_l("Checks done"), validators=[Length(max=5000)])
    aml_checked_on = DateField(_l("Checked on"), validators=[InputRequired()])
    version = VersionField(validators=[InputRequired()])

    def validate_aml_checked_on(self, field) -> None:
        if field.data and field.data > date.today():
            raise ValidationError(_l("The check cannot be dated in the future."))


class ConsentForm(FlaskForm):
    marketing_consent = SelectField(_l("Marketing consent"), coerce=_yes_no,
                                    choices=[SelectChoice("no", _l("No")), SelectChoice("yes", _l("Yes"))])
    marketing_consent_on = DateField(_l("Since"), validators=[Optional()])
    version = VersionField(validators=[InputRequired()])


class MultiCheckboxField(SelectMultipleField):
    widget = widgets.ListWidget(prefix_label=False)
    option_widget = widgets.CheckboxInput()


class HeldElsewhereForm(FlaskForm):
    held_elsewhere = MultiCheckboxField(_l("Lines held elsewhere"), choices=lambda: [SelectChoice(value, label) for value, label in line_choices()])
    version = VersionField(validators=[InputRequired()])


class DismissForm(FlaskForm):
    reason = StringField(_l("Why set it aside"), validators=[DataRequired(), Length(max=500)])


class ImportForm(FlaskForm):
    file = FileField(_l("CSV or Excel file"), validators=[FileRequired()])


class ConfirmImportForm(FlaskForm):
    """Only the CSRF token: the file is named by the signed token in the URL."""

"""Forms of the bank screens: the statement upload, and what a person does
with a line that did not match (each carries the line's version)."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import HiddenField, StringField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length, Optional, ValidationError

from app.billing.bank_formats import FormatProblem, check_iban
from app.crm.forms import VersionField


class ImportForm(FlaskForm):
    file = FileField(_l("Statement file"), validators=[FileRequired(message=_l("Choose the file to import."))])
    account = StringField(_l("Account (IBAN)"), validators=[Optional(), Length(max=50)])

    def validate_account(self, field) -> None:
        try:
            field.data = check_iban(field.data)
        except FormatProblem:
            raise ValidationError(_l("This IBAN is not valid: check it on the bank's details.")) from None


class LineForm(FlaskForm):
    """An action on a line: its version, and the page to come back to."""

    version = VersionField(validators=[InputRequired()])
    next = HiddenField()


class AssignCallsForm(LineForm):
    calls = StringField(_l("Premium call references"), validators=[
        DataRequired(message=_l("Type the reference of a premium call, such as QUI-000123.")), Length(max=200)])


class AssignClientForm(LineForm):
    client = StringField(_l("Client reference"), validators=[
        DataRequired(message=_l("Type the client's reference, such as CLI-000123.")), Length(max=20)])


class IgnoreForm(LineForm):
    note = TextAreaField(_l("Why it is not a premium"), validators=[
        DataRequired(message=_l("Say what this money is, such as an insurer's commission.")), Length(max=500)])

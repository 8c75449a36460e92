"""The broker firm sign-up form."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import EmailField, PasswordField, StringField
from wtforms.validators import DataRequired, Email, EqualTo, Length, ValidationError

from app.auth.forms import PASSWORD_TOO_SHORT
from app.auth.rules import MIN_PASSWORD_LENGTH
from app.platform.rules import normalise_orias, normalise_siren
from tenants.rules import InvalidSlug, validate_slug

SLUG_MESSAGES = {
    "must be between 2 and 40 characters": _l("Between 2 and 40 characters."),
    "only lowercase letters, digits and hyphens, not at either end": _l(
        "Only lowercase letters, digits and hyphens, not at either end."
    ),
    "must not contain two hyphens in a row": _l("No two hyphens in a row."),
    "is reserved": _l("This address is reserved, choose another."),
}


class SignUpForm(FlaskForm):
    firm_name = StringField(_l("Firm name"), validators=[DataRequired(), Length(max=200)])
    slug = StringField(_l("Workspace address"), validators=[DataRequired(), Length(max=40)])
    siren = StringField(_l("SIREN"), validators=[DataRequired(), Length(max=20)])
    orias = StringField(_l("ORIAS number"), validators=[DataRequired(), Length(max=20)])
    admin_name = StringField(_l("Your full name"), validators=[DataRequired(), Length(max=200)])
    email = EmailField(_l("Your email"), validators=[DataRequired(), Email(), Length(max=254)])
    password = PasswordField(
        _l("Password"), validators=[DataRequired(), Length(min=MIN_PASSWORD_LENGTH, max=200, message=PASSWORD_TOO_SHORT)]
    )
    confirm = PasswordField(
        _l("Confirm the password"),
        validators=[DataRequired(), EqualTo("password", message=_l("The two passwords differ."))],
    )

    def validate_slug(self, field):
        field.data = (field.data or "").strip().lower()
        try:
            validate_slug(field.data)
        except InvalidSlug as exc:
            raise ValidationError(SLUG_MESSAGES.get(str(exc), str(exc))) from exc

    def validate_siren(self, field):
        try:
            field.data = normalise_siren(field.data)
        except ValueError as exc:
            raise ValidationError(_l("This SIREN is not valid (9 digits, check digit).")) from exc

    def validate_orias(self, field):
        try:
            field.data = normalise_orias(field.data)
        except ValueError as exc:
            raise ValidationError(_l("An ORIAS number has 8 digits.")) from exc

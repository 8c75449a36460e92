"""The period of a certificate, and the code a verifier types."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import DateField, StringField
from wtforms.validators import DataRequired, Length


class AttestationForm(FlaskForm):
    valid_from = DateField(_l("Valid from"), validators=[DataRequired(message=_l("Enter a date."))])
    valid_to = DateField(_l("Valid until"), validators=[DataRequired(message=_l("Enter a date."))])


class VerifyForm(FlaskForm):
    class Meta:
        csrf = False

    code = StringField(_l("Verification code"), validators=[DataRequired(), Length(max=80)])

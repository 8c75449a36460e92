"""Staff account forms."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, EmailField, HiddenField, IntegerField, PasswordField, SelectField, StringField
from wtforms.validators import DataRequired, Email, EqualTo, InputRequired, Length

from app.auth.rules import MIN_PASSWORD_LENGTH, Role


ROLE_LABELS = {
    Role.ADMIN.value: _l("Administrator"),
    Role.MANAGER.value: _l("Manager"),
    Role.HANDLER.value: _l("Account handler"),
    Role.READONLY.value: _l("Read-only"),
}

PASSWORD_TOO_SHORT = _l("The password needs at least 10 characters.")


def role_choices():
    return list(ROLE_LABELS.items())


class SignInForm(FlaskForm):
    email = EmailField(_l("Email"), validators=[DataRequired(), Email(), Length(max=254)])
    password = PasswordField(_l("Password"), validators=[DataRequired(), Length(max=200)])
    next = HiddenField()


class ForgotPasswordForm(FlaskForm):
    email = EmailField(_l("Email"), validators=[DataRequired(), Email(), Length(max=254)])


class NewPasswordForm(FlaskForm):
    password = PasswordField(
        _l("New password"), validators=[DataRequired(), Length(min=MIN_PASSWORD_LENGTH, max=200, message=PASSWORD_TOO_SHORT)]
    )
    confirm = PasswordField(
        _l("Confirm the password"),
        validators=[DataRequired(), EqualTo("password", message=_l("The two passwords differ."))],
    )


class InviteForm(FlaskForm):
    full_name = StringField(_l("Full name"), validators=[DataRequired(), Length(max=200)])
    email = EmailField(_l("Email"), validators=[DataRequired(), Email(), Length(max=254)])
    role = SelectField(_l("Role"), choices=role_choices, default=Role.HANDLER.value)


class EditUserForm(FlaskForm):
    role = SelectField(_l("Role"), choices=role_choices)
    is_active = BooleanField(_l("Active"))
    version = IntegerField(validators=[InputRequired()])

"""User-facing texts for error codes raised by services."""

from flask_babel import lazy_gettext as _l

from app.auth.forms import PASSWORD_TOO_SHORT

ACCOUNT_ERRORS = {
    "email_taken": _l("A colleague already uses this email address."),
    "email_invalid": _l("This email address is not valid."),
    "password_too_short": PASSWORD_TOO_SHORT,
    "password_blank": _l("The password cannot be only spaces."),
    "password_too_repetitive": _l("The password is too repetitive."),
    "last_admin": _l("The firm must keep at least one active administrator."),
    "stale": _l("Someone changed this colleague meanwhile: reload the page and try again."),
    "not_found": _l("This colleague does not exist."),
}


def account_error_message(code: str) -> str:
    return str(ACCOUNT_ERRORS.get(code, code))

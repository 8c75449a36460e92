"""Forms of the month's generation: the month asked for (``YYYY-MM``, what a
month input sends), read the same way for the preview (GET) and the run (POST)."""

from __future__ import annotations

from datetime import date

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import StringField, ValidationError
from wtforms.validators import InputRequired

from app.billing.listing import parse_month
from app.billing.messages import BILLING_ERRORS
from app.contracts.rules import add_months


def next_month(today: date | None = None) -> date:
    return add_months((today or date.today()).replace(day=1), 1)


class MonthForm(FlaskForm):
    month = StringField(_l("Month"), validators=[InputRequired(message=BILLING_ERRORS["month_invalid"])])

    def validate_month(self, field) -> None:
        if parse_month(field.data) is None:
            raise ValidationError(BILLING_ERRORS["month_invalid"])

    @property
    def first_day(self) -> date | None:
        return parse_month(self.month.data)


class PreviewForm(MonthForm):
    """The same field read from the query string (no CSRF on a GET)."""

    class Meta:
        csrf = False

"""Forms of placements: the review before sending, and the insurer's answers
recorded by the handler."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import MultipleFileField
from wtforms import DateField, HiddenField, IntegerField, SelectMultipleField, StringField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional

from app.quotes.forms import NOT_A_DATE, AmountField


class PlacementForm(FlaskForm):
    wanted_effective_date = DateField(_l("Wanted effective date"), [InputRequired(message=NOT_A_DATE)],
                                      render_kw={"type": "date"})
    documents = SelectMultipleField(_l("Supporting documents sent"), coerce=int, validate_choice=True)
    note = TextAreaField(_l("Note to the insurer"), [Optional(), Length(max=2000)], render_kw={"rows": 3})


class VersionedForm(FlaskForm):
    """The placement's version when the page was shown: a stale answer is refused."""

    version = IntegerField(widget=HiddenField.widget, validators=[InputRequired()])


class AcceptForm(VersionedForm):
    policy_number = StringField(_l("Policy number"), [DataRequired(), Length(max=60)])
    effective_date = DateField(_l("Effective date"), [InputRequired(message=NOT_A_DATE)], render_kw={"type": "date"})
    final_premium = AmountField(_l("Final premium before tax, per year"),
                                [InputRequired(), NumberRange(min=0.01, max=10_000_000)])
    documents = MultipleFileField(_l("The insurer's documents (PDF or images)"))


class DeclineForm(VersionedForm):
    reason = TextAreaField(_l("The insurer's reason"), [DataRequired(), Length(max=2000)], render_kw={"rows": 2})


class InformationForm(VersionedForm):
    message = TextAreaField(_l("The insurer's question"), [DataRequired(), Length(max=4000)], render_kw={"rows": 2})


class ReplyForm(VersionedForm):
    body = TextAreaField(_l("Your answer"), [DataRequired(), Length(max=4000)], render_kw={"rows": 2})

"""Letter forms: a template's wording, and a letter before its PDF."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, HiddenField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, Regexp

from app.letters.rules import TemplateProblem
from app.letters.templates import CODE_PATTERN


class TemplateForm(FlaskForm):
    code = StringField(_l("Code"), validators=[DataRequired(), Length(max=40), Regexp(
        CODE_PATTERN, message=_l("Lower-case letters, digits and underscores, starting with a letter."))])
    title = StringField(_l("Title"), validators=[DataRequired(), Length(max=200)])
    subject = StringField(_l("Subject"), validators=[DataRequired(), Length(max=250)])
    body = TextAreaField(_l("Text"), validators=[DataRequired(), Length(max=20000)], render_kw={"rows": 16})
    is_active = BooleanField(_l("Offered to handlers"), default=True)
    stamp = HiddenField()


class LetterForm(FlaskForm):
    template = HiddenField()
    subject = StringField(_l("Subject"), validators=[DataRequired(), Length(max=250)])
    body = TextAreaField(_l("Text"), validators=[DataRequired(), Length(max=20000)], render_kw={"rows": 18})


def problem_message(problem: TemplateProblem) -> str:
    if problem.code == "unknown_field":
        return _l("Unknown merge field “%(name)s”: use one of the fields listed beside.", name=problem.detail)
    if problem.code == "syntax":
        return _l("Unbalanced braces (%(where)s): write a merge field as {{ client_name }}.", where=problem.detail)
    return _l("Only merge fields such as {{ client_name }} are allowed (%(where)s).", where=problem.detail)

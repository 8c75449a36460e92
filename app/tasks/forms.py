"""Forms of the task list: a task written by hand, and the changes to one
task (due date, priority, assignee)."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import DateField, SelectField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, InputRequired, Length, Optional

from app.tasks.labels import PRIORITY_LABELS
from app.tasks.rules import Priority


def _optional_id(value):
    return int(value) if value not in (None, "", "None") else None


def _priority_choices() -> list[SelectChoice]:
    return [SelectChoice(value.value, label) for value, label in PRIORITY_LABELS.items()]


class DueForm(FlaskForm):
    due_on = DateField(_l("Due on"), validators=[Optional()])


class PriorityForm(FlaskForm):
    priority = SelectField(_l("Priority"), choices=_priority_choices, default=Priority.NORMAL.value)


class AssigneeForm(FlaskForm):
    assignee_id = SelectField(_l("Assigned to"), coerce=_optional_id, validators=[InputRequired()])


class TaskForm(FlaskForm):
    title = StringField(_l("Task"), validators=[DataRequired(), Length(max=200)])
    client_reference = StringField(_l("Client reference"), validators=[Length(max=30)],
                                   description=_l("Optional: leave it empty for a task about no client."))
    due_on = DateField(_l("Due on"), validators=[Optional()])
    priority = SelectField(_l("Priority"), choices=_priority_choices, default=Priority.NORMAL.value)
    assignee_id = SelectField(_l("Assigned to"), coerce=_optional_id, validators=[InputRequired()])
    details = TextAreaField(_l("Details"), validators=[Length(max=5000)])

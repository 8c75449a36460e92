"""The provider form. Fields are checked by ``app.providers.rules`` (through
the service), whose problems :meth:`ProviderForm.add_problems` puts next to
their fields; WTForms only bounds lengths."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import IntegerField, SelectField, SelectMultipleField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import Length, Optional
from wtforms.widgets import CheckboxInput, ListWidget

from app.providers import labels


class MultiCheckboxField(SelectMultipleField):
    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


def _text(max_length: int):
    return [Optional(), Length(max=max_length)]


class ProviderForm(FlaskForm):
    kind = SelectField(_l("Kind"), choices=[SelectChoice(value, label) for value, label in labels.KIND_LABELS.items()],
                       validate_choice=False)
    name = StringField(_l("Name"), validators=[Length(max=200)])
    contact_name = StringField(_l("Contact person"), validators=_text(200))
    email = StringField(_l("Email"), validators=_text(254))
    phone = StringField(_l("Phone"), validators=_text(30))
    address = TextAreaField(_l("Address"), validators=_text(400))
    siren = StringField(_l("SIREN"), validators=_text(20))
    specialties = MultiCheckboxField(_l("Specialties"), validate_choice=False)
    areas = StringField(_l("Départements served"), validators=_text(600))
    notes = TextAreaField(_l("Notes"), validators=_text(5000))
    version = IntegerField(validators=[Optional()])

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.specialties.choices = [SelectChoice(value, label) for value, label in labels.specialty_labels().items()]

    def values(self) -> dict:
        return {name: self[name].data for name in ("kind", "name", "contact_name", "email", "phone", "address",
                                                   "siren", "specialties", "areas", "notes")}

    def fill_areas(self, areas: list[str]) -> None:
        self.areas.data = ", ".join(areas or [])

    def add_problems(self, problems: dict[str, str]) -> None:
        for name, code in problems.items():
            field = getattr(self, name, None)
            if field is not None and name != "version" and labels.problem(code) not in field.errors:
                field.errors = [*field.errors, labels.problem(code)]


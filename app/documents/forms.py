"""Uploading a client's document."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import DateField, SelectField, StringField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import Length, Optional

from app.documents.models import DOCUMENT_KIND_LABELS


class DocumentForm(FlaskForm):
    file = FileField(_l("File (PDF, JPEG, PNG or WebP, 10 MB at most)"), validators=[FileRequired()])
    kind = SelectField(_l("Type"), choices=lambda: [SelectChoice(kind.value, label)
                                                 for kind, label in DOCUMENT_KIND_LABELS.items()])
    title = StringField(_l("Title"), validators=[Optional(), Length(max=200)])
    expires_on = DateField(_l("Valid until"), validators=[Optional()])

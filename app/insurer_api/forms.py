"""The form of a new insurer API key."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import StringField
from wtforms.validators import DataRequired, Length


class ApiKeyForm(FlaskForm):
    label = StringField(_l("Label"), validators=[DataRequired(), Length(max=100)],
                        description=_l("What the key is for, e.g. \"Production\" or \"Test platform\"."))

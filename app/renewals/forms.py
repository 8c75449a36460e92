"""The firm's premium indexation per line."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms.validators import InputRequired, NumberRange

from app.catalog.forms import LocalDecimalField
from app.catalog.lines import LINES

INDEX_RANGE = NumberRange(min=-20, max=50, message=_l("Give a rate between -20 and 50 %%."))


class IndexRatesForm(FlaskForm):
    """One field per line: ``rate_<line>``, in percent."""

    def rate_field(self, line: str):
        return self[f"rate_{line}"]


for _line, _definition in LINES.items():
    setattr(IndexRatesForm, f"rate_{_line.value}",
            LocalDecimalField(_definition.label, places=2, validators=[InputRequired(message=_l("Enter a rate.")),
                                                                      INDEX_RANGE]))

"""Words of complaints: statuses, channels, what it is about, problems.
Lazy, so they follow the reader's language."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_babel import lazy_pgettext

STATUS_LABELS = {"open": lazy_pgettext("complaint", "Received"),
                 "acknowledged": lazy_pgettext("complaint", "Acknowledged"),
                 "answered": lazy_pgettext("complaint", "Answered"), "closed": lazy_pgettext("complaint", "Closed")}
STATUS_BADGES = {"open": "text-bg-info", "acknowledged": "text-bg-primary", "answered": "text-bg-success",
                 "closed": "text-bg-secondary"}
CHANNEL_LABELS = {"portal": _l("Client space"), "email": _l("Email"), "phone": _l("Phone"), "letter": _l("Letter")}
ABOUT_LABELS = {"firm": _l("The firm"), "insurer": _l("The insurer")}
LATE_LABELS = {"acknowledge": _l("Acknowledgement late"), "answer": _l("Answer late")}
PROBLEMS = {
    "required": _l("This field is required."),
    "too_long": _l("This text is too long."),
    "choice_invalid": _l("Choose one of the proposed values."),
    "date_invalid": _l("Enter a date."),
    "in_future": _l("This date is in the future."),
    "before_receipt": _l("This date is before the complaint was received."),
    "stale": _l("Someone changed this complaint meanwhile: reload the page and try again."),
    "status_open": _l("This complaint is not answered yet."),
    "status_acknowledged": _l("This complaint is already acknowledged."),
    "status_answered": _l("This complaint is already answered."),
    "status_closed": _l("This complaint is closed."),
}


def problem(code: str) -> str:
    return str(PROBLEMS.get(code, code))

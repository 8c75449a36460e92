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
OUTCOME_LABELS = {"upheld": _l("Upheld"), "partly_upheld": _l("Partly upheld"),
                  "rejected": lazy_pgettext("complaint", "Rejected")}
OUTCOME_BADGES = {"upheld": "text-bg-success", "partly_upheld": "text-bg-warning", "rejected": "text-bg-danger"}
STEP_LABELS = {"acknowledge": _l("Acknowledge"), "answer": _l("Answer")}
#: the dashboard's groups of pending complaints, by their next deadline
GROUP_LABELS = {"late": _l("Late"), "soon": _l("Due within 3 working days"), "later": _l("Later"),
                "done": _l("Answered")}
GROUP_BADGES = {"late": "text-bg-danger", "soon": "text-bg-warning", "later": "text-bg-light border",
                "done": "text-bg-secondary"}
PROBLEMS = {
    "required": _l("This field is required."),
    "too_long": _l("This text is too long."),
    "choice_invalid": _l("Choose one of the proposed values."),
    "date_invalid": _l("Enter a date."),
    "in_future": _l("This date is in the future."),
    "before_receipt": _l("This date is before the complaint was received."),
    "not_of_client": _l("This is not one of this client's."),
    "insurer_not_of_contract": _l("This contract is not with this insurer."),
    "claim_not_of_contract": _l("This claim is not under the contract chosen."),
    "client_unknown": _l("Choose a client among the suggestions (their name or reference)."),
    "mediator_missing": _l("The answer must name the mediator your firm adheres to when it does not give the "
                           "client all they asked for: set the mediator in Settings › Firm first."),
    "stale": _l("Someone changed this complaint meanwhile: reload the page and try again."),
    "status_open": _l("This complaint is not answered yet."),
    "status_acknowledged": _l("This complaint is already acknowledged."),
    "status_answered": _l("This complaint is already answered."),
    "status_closed": _l("This complaint is closed."),
}


def problem(code: str) -> str:
    return str(PROBLEMS.get(code, code))

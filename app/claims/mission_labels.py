"""Words of experts' missions: statuses, liability opinions, problems. Lazy,
so they follow the reader's language."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_babel import lazy_pgettext

STATUS_LABELS = {"sent": _l("Mission sent"), "scheduled": _l("Appointment set"), "reported": _l("Report received"),
                 "cancelled": lazy_pgettext("mission", "Cancelled")}
STATUS_BADGES = {"sent": "text-bg-info", "scheduled": "text-bg-primary", "reported": "text-bg-success",
                 "cancelled": "text-bg-secondary"}
OPINION_LABELS = {"": _l("No opinion"), "0": _l("Not liable (0 %)"), "25": "25 %", "50": "50 %", "75": "75 %",
                  "100": _l("Fully liable (100 %)")}
PROBLEMS = {
    "required": _l("This field is required."), "choice_invalid": _l("Choose one of the proposed values."),
    "too_long": _l("This text is too long."), "date_invalid": _l("Enter a date."),
    "datetime_invalid": _l("Enter a date and a time."),
    "provider_unknown": _l("Choose an active expert of the firm's network."),
    "provider_no_email": _l("This expert has no email address: add one to their provider file first."),
    "due_past": _l("The report cannot be due before today."),
    "due_too_far": _l("The report is due within a year at most."),
    "appointment_before_mission": _l("The appointment cannot be before the mission was sent."),
    "appointment_too_far": _l("The appointment is within a year at most."),
    "amount_invalid": _l("Enter an amount in euros, such as 1 250,50."),
    "amount_negative": _l("The amount cannot be negative."),
    "amount_too_large": _l("This amount is too large."),
    "report_not_pdf": _l("Upload the report as a PDF document."),
    "attachment_too_large": _l("Each file must weigh less than 8 MB."),
    "attachment_empty": _l("The file is empty."),
    "attachment_unsupported_type": _l("Upload the report as a PDF document."),
    "reminded_today": _l("The expert was already reminded today."),
    "mission_closed": _l("This mission is closed: it has its report or was cancelled."),
    "stale": _l("Someone changed this mission meanwhile: reload the page and try again."),
}


def problem(code: str) -> str:
    return str(PROBLEMS.get(code, code))

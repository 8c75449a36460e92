"""How tasks read in the UI and in the digest: priorities, due buckets,
source groups, the badges that mark them, and the messages of refused
changes."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

from app.tasks.rules import Due, Priority, SourceGroup

PRIORITY_LABELS = {
    Priority.LOW: _l("Low"),
    Priority.NORMAL: _l("Normal"),
    Priority.HIGH: _l("High"),
    Priority.URGENT: _l("Urgent"),
}
PRIORITY_BADGES = {
    Priority.LOW: "text-bg-light border fw-normal",
    Priority.NORMAL: "text-bg-light border",
    Priority.HIGH: "text-bg-warning",
    Priority.URGENT: "text-bg-danger",
}
DUE_LABELS = {
    Due.OVERDUE: _l("Overdue"),
    Due.TODAY: _l("Due today"),
    Due.WEEK: _l("Later this week"),
    Due.LATER: _l("After this week"),
    Due.NONE: _l("No due date"),
}
DUE_BADGES = {Due.OVERDUE: "text-bg-danger", Due.TODAY: "text-bg-warning"}
SOURCE_LABELS = {
    SourceGroup.CLAIM: _l("Claims"),
    SourceGroup.COMPLAINT: _l("Complaints"),
    SourceGroup.PLACEMENT: _l("Placements"),
    SourceGroup.CLIENT_REQUEST: _l("Client requests"),
    SourceGroup.OTHER: _l("Reminders and tasks written by hand"),
}
SOURCE_LABEL_ONE = {
    SourceGroup.CLAIM: _l("Claim"),
    SourceGroup.COMPLAINT: _l("Complaint"),
    SourceGroup.PLACEMENT: _l("Placement"),
    SourceGroup.CLIENT_REQUEST: _l("Client request"),
    SourceGroup.OTHER: _l("Other"),
}
PROBLEMS = {
    "due_past": _l("The due date cannot be in the past."),
    "due_too_far": _l("This due date is more than five years away."),
    "priority_invalid": _l("Choose a priority from the list."),
    "assignee_invalid": _l("Choose an active colleague who may work on tasks."),
    "client_unknown": _l("No client has this reference."),
}


def problem(code: str) -> str:
    return str(PROBLEMS.get(code, code))

"""Reading the declaration form, shared by the portal (the client declares)
and the workspace (the handler enters a call, a letter or an email): the
same fields, parsed the same way, for :func:`app.claims.services.declare`."""

from __future__ import annotations

from datetime import date, time

from app.claims.services import Upload


def _date(value: str) -> date | None:
    try:
        return date.fromisoformat(value) if value else None
    except ValueError:
        return None


def _time(value: str) -> time | None:
    try:
        return time.fromisoformat(value) if value else None
    except ValueError:
        return None


def form_values(form) -> tuple[dict, dict]:
    """The form's values, dates parsed; and the problems of unreadable dates."""
    values = {name: (form.get(name) or "").strip() for name in form}
    problems = {}
    for name in ("occurred_on", "known_on"):
        parsed = _date(values.get(name, ""))
        if values.get(name) and parsed is None:
            problems[name] = "date_invalid"
        values[name] = parsed
    values["occurred_time"] = _time(values.get("occurred_time", ""))
    return values, problems


def uploads_of(files, name: str) -> list[Upload]:
    return [Upload(item.filename or "", item.read()) for item in files.getlist(name) if item and item.filename]

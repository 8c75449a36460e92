"""The insurer's side of a claim, pure: its answers to the claim notice
(acknowledgement, its own claim number, its decision on cover), how they
move the claim's status, and the checks of the answers a handler records by
hand. No database, no Flask.

Status (``ClaimStatus``), kept simple on purpose:

- the insurer acknowledges the notice: a claim still ``declared`` or
  ``in_progress`` becomes ``with_insurer`` (notified, awaiting its answer);
- the insurer gives its decision (accepted, partial, refused): a claim
  ``declared`` or ``with_insurer`` becomes ``in_progress``, the firm's turn
  (tell the client, settle or close);
- its claim number and its payments do not move the status;
- a ``settled`` or ``closed`` claim keeps its status whatever the insurer
  says: the handler reopens it if the answer calls for it.

A decision other than ``accepted`` carries its reason: the handler has to
tell the insured why cover is refused or limited, so the note is required
then.
"""

from __future__ import annotations

import re
from datetime import date

DECISIONS = ("accepted", "partial", "refused")
REFERENCE_MAX = 60
NOTE_MAX = 4000

ACKNOWLEDGED, DECIDED = "acknowledged", "decided"
_MOVES = {
    ACKNOWLEDGED: ({"declared", "in_progress"}, "with_insurer"),
    DECIDED: ({"declared", "with_insurer"}, "in_progress"),
}
_FRENCH_DATE = re.compile(r"^(\d{1,2})/(\d{1,2})/(\d{4})$")


def status_after(status: str, answer: str) -> str:
    """The claim's status once the insurer's ``answer`` (``acknowledged`` or
    ``decided``) is known."""
    sources, target = _MOVES[answer]
    return target if status in sources else status


def decision_needs_note(decision: str | None) -> bool:
    return decision in ("partial", "refused")


def _single_line_problem(value: str, limit: int) -> str | None:
    if len(value) > limit:
        return "too_long"
    if any(ord(ch) < 32 or ord(ch) == 127 for ch in value):
        return "invalid_characters"
    return None


def parse_day(value: str) -> date | None:
    """A date typed as YYYY-MM-DD (a date input) or DD/MM/YYYY; None if it is none."""
    value = (value or "").strip()
    found = _FRENCH_DATE.match(value)
    try:
        if found:
            return date(int(found.group(3)), int(found.group(2)), int(found.group(1)))
        return date.fromisoformat(value) if re.fullmatch(r"\d{4}-\d{2}-\d{2}", value) else None
    except ValueError:
        return None


def answers_problems(form: dict, *, declared_on: date, today: date) -> tuple[dict, dict[str, str]]:
    """Check the insurer's answers a handler records by hand: the date the
    insurer acknowledged the notice (not before the claim was declared, not
    in the future), its claim number, its decision and the reason. Blank
    means not known. Return (cleaned values, problems by field)."""
    problems: dict[str, str] = {}
    raw_day = (form.get("acknowledged_on") or "").strip()
    acknowledged_on = parse_day(raw_day) if raw_day else None
    if raw_day and acknowledged_on is None:
        problems["acknowledged_on"] = "date_invalid"
    elif acknowledged_on and acknowledged_on > today:
        problems["acknowledged_on"] = "in_future"
    elif acknowledged_on and acknowledged_on < declared_on:
        problems["acknowledged_on"] = "before_declaration"
    reference = (form.get("insurer_reference") or "").strip()
    problem = _single_line_problem(reference, REFERENCE_MAX)
    if problem:
        problems["insurer_reference"] = problem
    decision = (form.get("decision") or "").strip() or None
    if decision is not None and decision not in DECISIONS:
        problems["decision"] = "choice_invalid"
    note = (form.get("decision_note") or "").strip()
    if len(note) > NOTE_MAX:
        problems["decision_note"] = "too_long"
    elif note and decision is None:
        problems["decision"] = "required"
    elif not note and decision_needs_note(decision):
        problems["decision_note"] = "note_required"
    values = {"acknowledged_on": acknowledged_on, "insurer_reference": reference or None, "decision": decision,
              "decision_note": note or None}
    return values, problems

"""How a claim's timeline is read: entries grouped by the part of the
handling they belong to, and their details made readable (internal ids
left out, amounts and dates recognised). Pure: no database, no Flask."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal, InvalidOperation

#: who wrote an entry (``ClaimEvent.side``)
SIDES = ("firm", "client", "insurer", "system")

#: the parts of the handling, each with the kinds of its entries (``app.claims.labels.EVENT_LABELS``)
KIND_GROUPS: dict[str, tuple[str, ...]] = {
    "declaration": ("declared", "assigned", "status_changed", "closed", "reopened"),
    "insurer": ("notice_sent", "notice_failed", "insurer_acknowledged", "insurer_reference", "insurer_decision",
                "insurer_payment"),
    "cover": ("cover_checked", "cover_overridden", "liability_set"),
    "expertise": ("expert_sent", "expert_appointment", "expert_reminder", "expert_report", "mission_cancelled"),
    "settlement": ("damage_added", "damage_changed", "damage_removed", "reserve_set", "indemnity_computed",
                   "payment_recorded", "recourse_opened", "recourse_updated"),
    "dispute": ("dispute_opened", "proposal_made", "proposal_accepted", "proposal_refused", "litigation_started",
                "hearing_scheduled", "dispute_closed"),
    "correspondence": ("letter_sent", "documents_sent", "message_client", "message_firm", "document_added",
                       "document_shared", "complaint_received"),
}

#: details that name amounts in euros, and dates
AMOUNT_KEYS = frozenset({"amount", "awarded_amount", "compromise_amount", "indemnity", "reserve", "previous_amount",
                         "paid_total", "assessed_amount"})
DATE_KEYS = frozenset({"deadline", "opened_on", "made_on", "compromise_on", "started_on", "closed_on", "paid_on",
                       "due_on", "appointment_at", "at"})


def group_of(kind: str) -> str | None:
    return next((group for group, kinds in KIND_GROUPS.items() if kind in kinds), None)


def kinds_of(group: str | None) -> tuple[str, ...] | None:
    """The kinds of ``group``, or None for no filter (an unknown group filters nothing)."""
    return KIND_GROUPS.get(group or "")


def _is_internal(key: str) -> bool:
    return key == "id" or key.endswith("_id") or key.endswith("_ids")


def _typed(key: str, value):
    if key in AMOUNT_KEYS and isinstance(value, (str, int)) and value != "":
        try:
            return Decimal(str(value))
        except InvalidOperation:
            return value
    if key in DATE_KEYS and isinstance(value, str):
        for parse in (date.fromisoformat, datetime.fromisoformat):
            try:
                return parse(value)
            except ValueError:
                continue
    return value


def readable(details: dict | None) -> list[tuple[str, object]]:
    """(key, value) of an entry's details worth showing a person: without
    internal ids, empty values and nested snapshots (a change's before and
    after, kept in the audit log); amounts as Decimal, dates as date or
    datetime, lists joined."""
    shown = []
    for key, value in (details or {}).items():
        if _is_internal(key) or value in (None, "", [], {}) or isinstance(value, dict):
            continue
        if isinstance(value, (list, tuple)):
            value = ", ".join(str(item) for item in value)
        shown.append((key, _typed(key, value)))
    return shown

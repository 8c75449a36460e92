"""Tasks' pure rules: when a task is due (buckets relative to a day, weeks
starting on Monday as ISO 8601 counts them), how priorities rank, which
area a task's source belongs to, who may act on a task and whether a
handler's daily digest is due. No database, no Flask."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from enum import StrEnum

from app.auth.rules import Role
from app.claims.rules import is_working_day

#: a due date further than this from today is a typing mistake
MAX_DAYS_AHEAD = 5 * 366


class Priority(StrEnum):
    LOW = "low"
    NORMAL = "normal"
    HIGH = "high"
    URGENT = "urgent"


#: the higher, the sooner it is done
PRIORITY_RANK = {Priority.LOW: 0, Priority.NORMAL: 1, Priority.HIGH: 2, Priority.URGENT: 3}


class Due(StrEnum):
    OVERDUE = "overdue"
    TODAY = "today"
    WEEK = "week"
    LATER = "later"
    NONE = "none"


class SourceGroup(StrEnum):
    CLAIM = "claim"
    COMPLAINT = "complaint"
    PLACEMENT = "placement"
    CLIENT_REQUEST = "client_request"
    OTHER = "other"


#: source types of each group; a claim's follow-ups (its litigation, its
#: expert's mission, its recourse) count as claims
SOURCE_TYPES = {
    SourceGroup.CLAIM: frozenset({"claim", "dispute", "expert_mission", "recourse"}),
    SourceGroup.COMPLAINT: frozenset({"complaint"}),
    SourceGroup.PLACEMENT: frozenset({"placement"}),
    SourceGroup.CLIENT_REQUEST: frozenset({"client_request"}),
}
KNOWN_SOURCE_TYPES = frozenset().union(*SOURCE_TYPES.values())


@dataclass(frozen=True)
class DueRange:
    """Due dates ``start``..``end`` (inclusive, None = open), or undated tasks."""

    start: date | None = None
    end: date | None = None
    undated: bool = False


def priority_rank(priority: str | None) -> int:
    """Rank of ``priority``; an unknown one ranks as normal."""
    try:
        return PRIORITY_RANK[Priority(priority)]
    except ValueError:
        return PRIORITY_RANK[Priority.NORMAL]


def week_end(today: date) -> date:
    """The Sunday closing ``today``'s week (weeks start on Monday)."""
    return today + timedelta(days=6 - today.weekday())


def due_bucket(due_on: date | None, today: date) -> Due:
    """Overdue (before today), today, later this week, later, or no date."""
    if due_on is None:
        return Due.NONE
    if due_on < today:
        return Due.OVERDUE
    if due_on == today:
        return Due.TODAY
    return Due.WEEK if due_on <= week_end(today) else Due.LATER


def due_range(bucket: Due, today: date) -> DueRange:
    """The due dates a bucket holds on ``today`` (for a query); on a Sunday
    "this week" holds nothing left."""
    end = week_end(today)
    return {
        Due.OVERDUE: DueRange(end=today - timedelta(days=1)),
        Due.TODAY: DueRange(start=today, end=today),
        Due.WEEK: DueRange(start=today + timedelta(days=1), end=end),
        Due.LATER: DueRange(start=end + timedelta(days=1)),
        Due.NONE: DueRange(undated=True),
    }[bucket]


def source_group(source_type: str | None) -> SourceGroup:
    for group, types in SOURCE_TYPES.items():
        if source_type in types:
            return group
    return SourceGroup.OTHER


def due_on_problem(due_on: date | None, today: date) -> str | None:
    """Why a new due date is refused: in the past, or absurdly far."""
    if due_on is None:
        return None
    if due_on < today:
        return "due_past"
    if due_on > today + timedelta(days=MAX_DAYS_AHEAD):
        return "due_too_far"
    return None


def may_act_on(user_id: int, supervises: bool, assignee_id: int | None) -> bool:
    """A manager acts on any task; anybody else on their own tasks and on
    unassigned ones (which they may take)."""
    return supervises or assignee_id is None or assignee_id == user_id


def may_be_assigned(role: str, is_active: bool) -> bool:
    """Tasks go to active colleagues who may act on them (not read-only ones)."""
    return is_active and role != Role.READONLY


def digest_due(day: date, last_sent_on: date | None, due_count: int) -> bool:
    """One digest per user per working day (no weekend, no French public
    holiday: the Code du travail's L3133-1 list, as the claims' working
    days count them), and only with something overdue or due that day."""
    return is_working_day(day) and (last_sent_on is None or last_sent_on < day) and due_count > 0

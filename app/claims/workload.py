"""The handlers' workload, for managers: per handler, the open claims by
status, those declared more than 30 days ago, their reserves, and the
claim tasks past their due date; and the open claims nobody holds."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.auth.models import User
from app.claims.assignment import assignable
from app.claims.models import Claim
from app.claims.queue import OPEN_STATUSES
from app.crm.models import Task

#: "older" claims: declared more than this many days ago (the queue's "31+" age filter)
OLD_AFTER_DAYS = 30


@dataclass
class Load:
    """One handler's open claims (``user`` None: the unassigned ones)."""

    user: User | None
    by_status: dict[str, int] = field(default_factory=dict)
    old: int = 0
    reserves: Decimal = Decimal("0.00")
    overdue_tasks: int = 0

    @property
    def total(self) -> int:
        return sum(self.by_status.values())


def loads_of(session: Session, today: date) -> tuple[list[Load], Load, Load]:
    """(a row per handler, the unassigned claims, the firm's totals); handlers
    are the staff who may hold claims, and anyone else still holding open ones."""
    old_before = today - timedelta(days=OLD_AFTER_DAYS)
    rows = session.execute(
        select(Claim.handler_id, Claim.status, func.count(), func.count().filter(Claim.declared_on < old_before),
               func.coalesce(func.sum(Claim.reserve), 0))
        .where(Claim.status.in_(OPEN_STATUSES)).group_by(Claim.handler_id, Claim.status))
    overdue = dict(session.execute(
        select(Task.assignee_id, func.count()).where(Task.source_type == "claim", Task.done_at.is_(None),
                                                     Task.due_on < today).group_by(Task.assignee_id)).all())
    loads: dict[int | None, Load] = {user.id: Load(user) for user in assignable(session)}
    loads[None] = Load(None)
    for handler_id, status, number, old, reserves in rows:
        load = loads.get(handler_id) or loads.setdefault(handler_id, Load(session.get(User, handler_id)))
        load.by_status[status] = number
        load.old += old
        load.reserves += reserves
    for handler_id, number in overdue.items():
        if handler_id in loads:
            loads[handler_id].overdue_tasks = number
    unassigned = loads.pop(None)
    totals = Load(None, old=sum(load.old for load in loads.values()) + unassigned.old,
                  reserves=sum((load.reserves for load in loads.values()), unassigned.reserves),
                  overdue_tasks=sum(load.overdue_tasks for load in loads.values()) + overdue.get(None, 0))
    for load in (*loads.values(), unassigned):
        for status, number in load.by_status.items():
            totals.by_status[status] = totals.by_status.get(status, 0) + number
    unassigned.overdue_tasks = overdue.get(None, 0)
    handlers = sorted(loads.values(), key=lambda load: (-load.total, load.user.full_name if load.user else ""))
    return handlers, unassigned, totals

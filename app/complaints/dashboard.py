"""The complaints dashboard: the complaints still to handle first, by the
deadline of their next step (acknowledge, then answer), grouped as late,
due within 3 working days and later, with the counts a manager watches.
Filters: status, what it is about, handler, year of receipt."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from itertools import groupby

from sqlalchemy import case, extract, func, select
from sqlalchemy.orm import Session

from app.auth.models import User
from app.catalog.models import Insurer
from app.claims.rules import add_working_days
from app.complaints import rules
from app.complaints.models import Complaint, ComplaintStatus
from app.crm.models import Client

PER_PAGE = 50
MAX_PAGE = 100_000
#: the status filter's values beyond the statuses: pending (the default) and all
PENDING, ALL = "pending", "all"
NO_HANDLER = "none"


@dataclass(frozen=True)
class Filters:
    status: str = PENDING
    about: str | None = None
    handler: str | None = None   # a user id, or NO_HANDLER
    year: int | None = None


@dataclass(frozen=True)
class Row:
    complaint: Complaint
    client: Client
    handler: User | None
    insurer: Insurer | None
    step: str | None            # the step whose deadline runs, None once answered
    deadline: date | None
    days_left: int | None       # calendar days to the deadline, negative once passed
    group: str                  # late, soon, later, done


@dataclass(frozen=True)
class Counts:
    to_acknowledge: int
    to_answer: int
    late: int
    due_soon: int


_pending = Complaint.status.in_(rules.PENDING)
_next_deadline = case((Complaint.status == ComplaintStatus.OPEN.value, Complaint.acknowledge_by),
                      (Complaint.status == ComplaintStatus.ACKNOWLEDGED.value, Complaint.answer_by))


def _scoped(query, filters: Filters):
    """``query`` narrowed by every filter but the status."""
    if filters.about:
        query = query.where(Complaint.about == filters.about)
    if filters.handler == NO_HANDLER:
        query = query.where(Complaint.handler_id.is_(None))
    elif filters.handler:
        query = query.where(Complaint.handler_id == int(filters.handler))
    if filters.year:
        query = query.where(extract("year", Complaint.received_on) == filters.year)
    return query


def soon_limit(today: date) -> date:
    """The last day a deadline counts as due soon."""
    return add_working_days(today, rules.DUE_SOON_WORKING_DAYS)


def counts(session: Session, filters: Filters, today: date) -> Counts:
    """Complaints to acknowledge, to answer, late and due soon (of the
    filters' scope, whatever the status filter)."""
    query = _scoped(select(
        func.count().filter(Complaint.status == ComplaintStatus.OPEN.value),
        func.count().filter(Complaint.status == ComplaintStatus.ACKNOWLEDGED.value),
        func.count().filter(_pending, _next_deadline < today),
        func.count().filter(_pending, _next_deadline >= today, _next_deadline <= soon_limit(today)),
    ).select_from(Complaint), filters)
    return Counts(*session.execute(query).one())


def _group(deadline: date | None, today: date, limit: date) -> str:
    if deadline is None:
        return "done"
    if deadline < today:
        return "late"
    return "soon" if deadline <= limit else "later"


def page_of(session: Session, filters: Filters, page: int, today: date) -> tuple[list[Row], int]:
    """One page of complaints, the pending ones first by their next
    deadline, then the others newest first; and the total."""
    query = _scoped(select(Complaint, Client, User, Insurer).join(Client, Client.id == Complaint.client_id)
                    .outerjoin(User, User.id == Complaint.handler_id)
                    .outerjoin(Insurer, Insurer.id == Complaint.insurer_id), filters)
    if filters.status == PENDING:
        query = query.where(_pending)
    elif filters.status != ALL:
        query = query.where(Complaint.status == filters.status)
    total = session.scalar(select(func.count()).select_from(query.order_by(None).subquery()))
    found = session.execute(query.order_by(_pending.desc(), _next_deadline.asc(), Complaint.received_on.desc(),
                                           Complaint.id.desc()).limit(PER_PAGE).offset((page - 1) * PER_PAGE))
    limit, rows = soon_limit(today), []
    for complaint, client, handler, insurer in found:
        step = rules.next_step(complaint.status)
        deadline = {"acknowledge": complaint.acknowledge_by, "answer": complaint.answer_by}.get(step)
        rows.append(Row(complaint, client, handler, insurer, step, deadline,
                        (deadline - today).days if deadline else None, _group(deadline, today, limit)))
    return rows, total


def grouped(rows: list[Row]) -> list[tuple[str, list[Row]]]:
    """The page's rows in runs of one group (late, soon, later, done), in order."""
    return [(group, list(items)) for group, items in groupby(rows, key=lambda row: row.group)]


def years(session: Session, today: date) -> list[int]:
    """The years complaints were received in, and this year, latest first."""
    found = set(session.scalars(select(extract("year", Complaint.received_on)).distinct()))
    return sorted({int(year) for year in found} | {today.year}, reverse=True)


def handlers(session: Session) -> list[User]:
    return list(session.scalars(select(User).where(User.is_active).order_by(User.full_name)))

"""The task list: a handler's tasks (for a manager, anyone's) from every
area, filtered and ordered by due date then priority; the counts of what is
overdue and due; what each task follows up; and the changes made to a task
(done, reopened, due date, priority, assignee, a task added by hand). Every
change is audited on the task's client, as the client page's tasks are."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import case, func, or_, select
from sqlalchemy.orm import Session

from app.audit import services as audit
from app.auth.models import User
from app.auth.rules import Permission, Role, can
from app.claims.dispute_models import ClaimDispute
from app.claims.models import Claim, ExpertMission
from app.claims.settlement_models import ClaimRecourse
from app.complaints.models import Complaint
from app.crm import followup
from app.crm.models import Client, Task
from app.placements.models import Placement
from app.portal.models import ClientRequest
from app.tasks import rules
from app.tasks.rules import Due, Priority, SourceGroup

PER_PAGE = 50
MAX_ID = 2**63 - 1  # BIGINT keys: a larger id names nothing
SCOPE_USER, SCOPE_UNASSIGNED, SCOPE_ALL = "user", "unassigned", "all"
STATE_OPEN, STATE_DONE, STATE_ALL = "open", "done", "all"


class TaskError(Exception):
    """A change refused; ``code`` says why (worded by the views)."""

    def __init__(self, code: str) -> None:
        super().__init__(code)
        self.code = code


@dataclass(frozen=True)
class TaskFilters:
    scope: str = SCOPE_USER
    user_id: int | None = None
    due: str = ""
    priority: str = ""
    source: str = ""
    state: str = STATE_OPEN


@dataclass(frozen=True)
class SourcePage:
    """Where a source type's page is: ``endpoint`` taking ``argument``; a
    claim's follow-up (``via_claim``) opens its claim's tab."""

    model: type
    endpoint: str
    argument: str
    via_claim: bool = False


SOURCE_PAGES = {
    "claim": SourcePage(Claim, "claims.show", "claim_id"),
    "dispute": SourcePage(ClaimDispute, "claims.disputes", "claim_id", via_claim=True),
    "expert_mission": SourcePage(ExpertMission, "claims.expertise", "claim_id", via_claim=True),
    "recourse": SourcePage(ClaimRecourse, "claims.settlement", "claim_id", via_claim=True),
    "complaint": SourcePage(Complaint, "complaints.show", "complaint_id"),
    "placement": SourcePage(Placement, "placements.show", "placement_id"),
    "client_request": SourcePage(ClientRequest, "client_requests.show", "request_id"),
}


@dataclass(frozen=True)
class SourceRef:
    """What a task follows up: its group, reference and page."""

    group: SourceGroup
    reference: str
    endpoint: str
    values: dict = field(default_factory=dict, hash=False)


@dataclass(frozen=True)
class TaskRow:
    task: Task
    client: Client | None
    assignee: User | None
    source: SourceRef | None


@dataclass(frozen=True)
class DueCounts:
    overdue: int
    today: int
    week: int

    @property
    def due(self) -> int:
        return self.overdue + self.today


# --- the list ----------------------------------------------------------------

_PRIORITY_ORDER = case({priority.value: rank for priority, rank in rules.PRIORITY_RANK.items()},
                       value=Task.priority, else_=rules.PRIORITY_RANK[Priority.NORMAL])


def _scoped(query, filters: TaskFilters):
    if filters.scope == SCOPE_USER:
        return query.where(Task.assignee_id == filters.user_id)
    if filters.scope == SCOPE_UNASSIGNED:
        return query.where(Task.assignee_id.is_(None))
    return query


def _filtered(query, filters: TaskFilters, today: date):
    query = _scoped(query, filters)
    if filters.state == STATE_OPEN:
        query = query.where(Task.done_at.is_(None))
    elif filters.state == STATE_DONE:
        query = query.where(Task.done_at.is_not(None))
    if filters.due:
        bounds = rules.due_range(Due(filters.due), today)
        if bounds.undated:
            query = query.where(Task.due_on.is_(None))
        if bounds.start is not None:
            query = query.where(Task.due_on >= bounds.start)
        if bounds.end is not None:
            query = query.where(Task.due_on <= bounds.end)
    if filters.priority:
        query = query.where(Task.priority == filters.priority)
    if filters.source == SourceGroup.OTHER:
        query = query.where(or_(Task.source_type.is_(None), Task.source_type.not_in(rules.KNOWN_SOURCE_TYPES)))
    elif filters.source:
        query = query.where(Task.source_type.in_(rules.SOURCE_TYPES[SourceGroup(filters.source)]))
    return query


def _rows_query(filters: TaskFilters, today: date):
    query = (select(Task, Client, User).outerjoin(Client, Client.id == Task.client_id)
             .outerjoin(User, User.id == Task.assignee_id))
    return _filtered(query, filters, today).order_by(Task.due_on.asc().nulls_last(), _PRIORITY_ORDER.desc(), Task.id)


def _rows(session: Session, query) -> list[TaskRow]:
    found = [tuple(row) for row in session.execute(query)]
    refs = sources(session, [task for task, _client, _user in found])
    return [TaskRow(task, client, user, refs.get(task.id)) for task, client, user in found]


def page_of(session: Session, filters: TaskFilters, today: date, page: int) -> tuple[list[TaskRow], int]:
    """One page of the tasks ``filters`` select, and their count."""
    total = session.scalar(_filtered(select(func.count(Task.id)), filters, today))
    query = _rows_query(filters, today).limit(PER_PAGE).offset((page - 1) * PER_PAGE)
    return _rows(session, query), total


def all_of(session: Session, filters: TaskFilters, today: date) -> list[TaskRow]:
    """Every task ``filters`` select (for an export)."""
    return _rows(session, _rows_query(filters, today))


def counts(session: Session, filters: TaskFilters, today: date) -> DueCounts:
    """Open tasks overdue, due today and due later this week, in ``filters``' scope."""
    query = _scoped(select(func.count().filter(Task.due_on < today), func.count().filter(Task.due_on == today),
                           func.count().filter(Task.due_on > today, Task.due_on <= rules.week_end(today)))
                    .where(Task.done_at.is_(None)), filters)
    overdue, due_today, week = session.execute(query).one()
    return DueCounts(overdue, due_today, week)


def sources(session: Session, tasks: list[Task]) -> dict[int, SourceRef]:
    """What each task follows up, by task id, for the source types with a
    page; a task whose source is gone or of another type has none."""
    wanted: dict[str, set[int]] = {}
    for task in tasks:
        if task.source_type in SOURCE_PAGES and task.source_id is not None:
            wanted.setdefault(task.source_type, set()).add(task.source_id)
    found: dict[tuple[str, int], SourceRef] = {}
    for source_type, ids in wanted.items():
        page = SOURCE_PAGES[source_type]
        model = page.model
        if page.via_claim:
            query = select(model.id, Claim.id, Claim.reference).join(Claim, Claim.id == model.claim_id)
        else:
            query = select(model.id, model.id, model.reference)
        for source_id, page_id, reference in session.execute(query.where(model.id.in_(ids))):
            found[(source_type, source_id)] = SourceRef(rules.source_group(source_type), reference, page.endpoint,
                                                        {page.argument: page_id})
    return {task.id: found[key] for task in tasks if (key := (task.source_type, task.source_id)) in found}


# --- who ---------------------------------------------------------------------

def supervises(user) -> bool:
    return can(user.role, Permission.SUPERVISE)


def may_act_on(user, task: Task) -> bool:
    return rules.may_act_on(user.id, supervises(user), task.assignee_id)


def assignable(session: Session) -> list[User]:
    """The colleagues a task may go to, by name."""
    return list(session.scalars(select(User).where(User.is_active, User.role != Role.READONLY.value)
                                .order_by(User.full_name, User.id)))


def _assignable_user(session: Session, user_id: int | None) -> User:
    user = session.get(User, user_id) if user_id is not None else None
    if user is None or not rules.may_be_assigned(user.role, user.is_active):
        raise TaskError("assignee_invalid")
    return user


# --- changes -----------------------------------------------------------------

def _client(session: Session, task: Task) -> Client | None:
    return session.get(Client, task.client_id) if task.client_id else None


def _audit(session: Session, actor, action: str, task: Task, before: dict, after: dict) -> None:
    audit.record(session, actor, action, "client", task.client_id,
                 before={"task_id": task.id} | before, after={"task_id": task.id} | after)


def complete(session: Session, actor, task: Task) -> Task:
    return followup.complete_task(session, actor, _client(session, task), task)


def reopen(session: Session, actor, task: Task) -> Task:
    if task.done_at is not None:
        _audit(session, actor, "client.task_reopen", task, {"done_at": task.done_at}, {"done_at": None})
        task.done_at = None
    return task


def reschedule(session: Session, actor, task: Task, due_on: date | None, today: date) -> Task:
    """A new due date (None: no date); not in the past, not absurdly far."""
    if due_on != task.due_on:
        problem = rules.due_on_problem(due_on, today)
        if problem:
            raise TaskError(problem)
        _audit(session, actor, "client.task_reschedule", task, {"due_on": task.due_on}, {"due_on": due_on})
        task.due_on = due_on
    return task


def set_priority(session: Session, actor, task: Task, priority: str) -> Task:
    if priority not in set(Priority):
        raise TaskError("priority_invalid")
    if priority != task.priority:
        _audit(session, actor, "client.task_priority", task, {"priority": task.priority}, {"priority": priority})
        task.priority = priority
    return task


def reassign(session: Session, actor, task: Task, assignee_id: int | None) -> Task:
    """Give the task to an active colleague who may act on it."""
    user = _assignable_user(session, assignee_id)
    if user.id != task.assignee_id:
        _audit(session, actor, "client.task_reassign", task, {"assignee_id": task.assignee_id},
               {"assignee_id": user.id})
        task.assignee_id = user.id
    return task


def client_by_reference(session: Session, reference: str) -> Client | None:
    return session.scalar(select(Client).where(Client.reference == reference.strip().upper()))


def add(session: Session, actor, *, title: str, details: str | None, due_on: date | None, priority: str,
        assignee_id: int | None, client: Client | None, today: date) -> Task:
    """A task written by hand, about a client or about no client."""
    problem = rules.due_on_problem(due_on, today)
    if problem:
        raise TaskError(problem)
    if priority not in set(Priority):
        raise TaskError("priority_invalid")
    user = _assignable_user(session, assignee_id)
    return followup.add_task(session, actor, client, title=title, details=details, due_on=due_on,
                             assignee_id=user.id, priority=priority)



def row_of(session: Session, task: Task) -> TaskRow:
    """One task as the list shows it."""
    assignee = session.get(User, task.assignee_id) if task.assignee_id else None
    return TaskRow(task, _client(session, task), assignee, sources(session, [task]).get(task.id))

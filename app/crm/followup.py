"""A client's contacts, timeline of interactions and tasks. Every change is
audited on the client, so that the timeline can show it."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.audit import services as audit
from app.auth.models import User
from app.columns import utcnow
from app.crm.models import Client, Contact, Interaction, Task
from app.tasks.rules import Priority

CONTACT_FIELDS = ("civility", "first_name", "last_name", "role", "email", "phone", "is_primary")
INTERACTION_FIELDS = ("kind", "direction", "occurred_at", "subject", "asked", "answered")


def _fields(obj, names) -> dict:
    return {name: getattr(obj, name) for name in names}


def _blank_to_none(values: dict) -> dict:
    return {name: (value.strip() or None) if isinstance(value, str) else value for name, value in values.items()}


def contact_of(session: Session, client: Client, contact_id: int) -> Contact | None:
    contact = session.get(Contact, contact_id)
    return contact if contact is not None and contact.client_id == client.id else None


def _single_primary(session: Session, client: Client, contact: Contact) -> None:
    if contact.is_primary:
        for other in client.contacts:
            if other is not contact:
                other.is_primary = False


def add_contact(session: Session, actor, client: Client, values: dict) -> Contact:
    contact = Contact(client=client, **_blank_to_none({name: values.get(name) for name in CONTACT_FIELDS}))
    session.add(contact)
    _single_primary(session, client, contact)
    session.flush()
    audit.record(session, actor, "client.contact_add", "client", client.id,
                 after={"contact_id": contact.id} | _fields(contact, CONTACT_FIELDS))
    return contact


def update_contact(session: Session, actor, client: Client, contact: Contact, values: dict) -> Contact:
    before = _fields(contact, CONTACT_FIELDS)
    for name, value in _blank_to_none({name: values.get(name) for name in CONTACT_FIELDS}).items():
        setattr(contact, name, value)
    _single_primary(session, client, contact)
    audit.record(session, actor, "client.contact_update", "client", client.id,
                 before={"contact_id": contact.id} | before, after=_fields(contact, CONTACT_FIELDS))
    return contact


def remove_contact(session: Session, actor, client: Client, contact: Contact) -> None:
    audit.record(session, actor, "client.contact_remove", "client", client.id,
                 before={"contact_id": contact.id} | _fields(contact, CONTACT_FIELDS))
    client.contacts.remove(contact)
    session.flush()


def timeline(session: Session, client: Client) -> list[tuple[Interaction, User | None]]:
    """The client's interactions, newest first, with their author."""
    query = (select(Interaction, User).outerjoin(User, User.id == Interaction.author_id)
             .where(Interaction.client_id == client.id)
             .order_by(Interaction.occurred_at.desc(), Interaction.id.desc()))
    return [(interaction, author) for interaction, author in session.execute(query)]


def log_interaction(session: Session, actor, client: Client, values: dict) -> Interaction:
    values = _blank_to_none({name: values.get(name) for name in INTERACTION_FIELDS})
    values["occurred_at"] = values.get("occurred_at") or utcnow()
    interaction = Interaction(client_id=client.id, author_id=getattr(actor, "id", None), **values)
    session.add(interaction)
    session.flush()
    audit.record(session, actor, "client.interaction_add", "client", client.id,
                 after={"interaction_id": interaction.id, "kind": interaction.kind, "subject": interaction.subject})
    return interaction


def tasks(session: Session, client: Client) -> list[tuple[Task, User | None]]:
    """Open tasks first (soonest due first), then done ones (latest first)."""
    query = (select(Task, User).outerjoin(User, User.id == Task.assignee_id).where(Task.client_id == client.id)
             .order_by(Task.done_at.is_not(None), Task.due_on.asc().nulls_last(), Task.done_at.desc(), Task.id))
    return [(task, assignee) for task, assignee in session.execute(query)]


def task_of(session: Session, client: Client, task_id: int) -> Task | None:
    task = session.get(Task, task_id)
    return task if task is not None and task.client_id == client.id else None


def add_task(session: Session, actor, client: Client | None, *, title: str, details: str | None,
             due_on, assignee_id: int | None, source: tuple[str, int] | None = None,
             priority: str = Priority.NORMAL) -> Task:
    """A task, usually about ``client`` (None for one about no client);
    ``source`` names what it follows up (``("claim", 12)``), so the task
    list links to it and closing that thing can close its tasks. Raises
    ValueError for an unknown assignee or priority."""
    if assignee_id is not None and session.get(User, assignee_id) is None:
        raise ValueError("assignee_unknown")
    if priority not in set(Priority):
        raise ValueError("priority_unknown")
    source_type, source_id = source or (None, None)
    task = Task(client_id=client.id if client else None, title=title.strip()[:200],
                details=(details or "").strip() or None, due_on=due_on, assignee_id=assignee_id,
                created_by_id=getattr(actor, "id", None), source_type=source_type, source_id=source_id,
                priority=str(priority))
    session.add(task)
    session.flush()
    audit.record(session, actor, "client.task_add", "client", task.client_id,
                 after={"task_id": task.id, "title": task.title, "due_on": due_on, "assignee_id": assignee_id,
                        "priority": task.priority, "source_type": source_type, "source_id": source_id})
    return task


def complete_task(session: Session, actor, client: Client | None, task: Task, at: datetime | None = None) -> Task:
    if task.done_at is None:
        task.done_at = at or utcnow()
        audit.record(session, actor, "client.task_done", "client", client.id if client else None,
                     after={"task_id": task.id, "title": task.title})
    return task

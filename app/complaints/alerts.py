"""Alerts before a complaint's deadline passes: each morning, every pending
complaint whose acknowledgement (or answer) deadline is 2 working days away
or less, and not yet done, gets its handler — or, with no handler, the
firm's managers — an email, once per step (``acknowledge_alert_on``,
``answer_alert_on``), and its task becomes urgent. Running the pass twice
on a day alerts nobody twice."""

from __future__ import annotations

from datetime import date

from flask_babel import force_locale
from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.orm import Session

from app.audit import services as audit
from app.auth.models import User
from app.auth.rules import Permission, can
from app.complaints import rules
from app.complaints.models import Complaint
from app.crm.models import Client, Task
from app.mail.services import queue_email
from app.web.urls import tenant_url

URGENT = "urgent"


def _recipients(session: Session, complaint: Complaint) -> list[User]:
    handler = session.get(User, complaint.handler_id) if complaint.handler_id else None
    if handler is not None and handler.is_active:
        return [handler]
    staff = session.scalars(select(User).where(User.is_active).order_by(User.id))
    return [user for user in staff if can(user.role, Permission.SUPERVISE)]


def _raise_priority(session: Session, complaint: Complaint) -> None:
    task = session.get(Task, complaint.task_id) if complaint.task_id else None
    if task is not None and task.done_at is None and task.priority != URGENT:
        task.priority = URGENT


def _alert(session: Session, tenant, complaint: Complaint, steps: tuple[str, ...], *, today: date,
           locale: str) -> int:
    client = session.get(Client, complaint.client_id)
    link = tenant_url(tenant.slug, f"/complaints/{complaint.id}")
    deadlines = {"acknowledge": complaint.acknowledge_by, "answer": complaint.answer_by}
    passed = any(deadlines[step] < today for step in steps)
    sent = 0
    for user in _recipients(session, complaint):
        user_locale = user.locale or locale
        with force_locale(user_locale):
            subject = (_("Complaint %(reference)s: a deadline has passed", reference=complaint.reference) if passed
                       else _("Complaint %(reference)s: a deadline is near", reference=complaint.reference))
        queue_email(session, tenant.slug, user.email, subject, "complaint_alert", locale=user_locale,
                    sender_name=tenant.name, name=user.full_name, firm=tenant.name, complaint=complaint,
                    client=client, steps=steps, passed=passed, link=link)
        sent += 1
    return sent


def run_daily(session: Session, *, tenant, today: date, locale: str) -> dict:
    """One tenant's pass for ``today``: alert every step due soon, once.
    The pending complaints are locked (others' passes skip them), so two
    passes at once alert nobody twice."""
    pending = session.scalars(select(Complaint).where(Complaint.status.in_(rules.PENDING))
                              .order_by(Complaint.id).with_for_update(skip_locked=True))
    alerted = emails = 0
    for complaint in pending:
        steps = rules.alert_steps(status=complaint.status, acknowledge_by=complaint.acknowledge_by,
                                  answer_by=complaint.answer_by, acknowledge_alert_on=complaint.acknowledge_alert_on,
                                  answer_alert_on=complaint.answer_alert_on, today=today)
        if not steps:
            continue
        emails += _alert(session, tenant, complaint, steps, today=today, locale=locale)
        if "acknowledge" in steps:
            complaint.acknowledge_alert_on = today
        if "answer" in steps:
            complaint.answer_alert_on = today
        _raise_priority(session, complaint)
        audit.record(session, None, "complaint.alert", "complaint", complaint.id,
                     after={"steps": list(steps), "on": today})
        alerted += 1
    session.flush()
    return {"complaints": alerted, "emails": emails}

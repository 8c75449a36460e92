"""The daily digest: each active colleague with open tasks overdue or due
that day gets one email listing them by what they follow up, with the count
of those due later in the week and links to the workspace on the firm's
host. Once a day per user: the user's ``last_digest_on`` is claimed by a
conditional update in the transaction that queues the email, so a second
pass (or two at once) sends nothing more. Nobody with nothing due gets one."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from flask_babel import force_locale, format_date
from flask_babel import gettext as _
from sqlalchemy import or_, select, update
from sqlalchemy.orm import Session

from app.auth.models import User
from app.mail.services import queue_email
from app.tasks import labels, links, rules
from app.tasks import services as tasks
from app.tasks.rules import Due, SourceGroup
from app.web.urls import tenant_url


@dataclass(frozen=True)
class DigestItem:
    row: tasks.TaskRow
    due: Due
    url: str


def recipients(session: Session) -> list[int]:
    """Active colleagues who have signed in at least once (an invitation
    not yet accepted gets no digest)."""
    return list(session.scalars(select(User.id).where(User.is_active, User.password_hash.is_not(None))
                                .order_by(User.id)))


def _claim(session: Session, user_id: int, day: date) -> bool:
    """Mark the user's digest of ``day`` as sent, unless it already is."""
    claimed = session.execute(
        update(User).where(User.id == user_id, or_(User.last_digest_on.is_(None), User.last_digest_on < day))
        .values(last_digest_on=day).execution_options(synchronize_session=False))
    return claimed.rowcount == 1


def items_of(session: Session, slug: str, user_id: int, day: date) -> dict[SourceGroup, list[DigestItem]]:
    """The user's open tasks overdue or due on ``day``, by source group
    (in the list's order: due date, then priority), with absolute links."""
    groups: dict[SourceGroup, list[DigestItem]] = {}
    for bucket in (Due.OVERDUE, Due.TODAY):
        filters = tasks.TaskFilters(scope=tasks.SCOPE_USER, user_id=user_id, due=bucket)
        for row in tasks.all_of(session, filters, day):
            url = tenant_url(slug, links.task_path(row.source, row.task.client_id, row.task.id))
            group = row.source.group if row.source else rules.source_group(row.task.source_type)
            groups.setdefault(group, []).append(DigestItem(row, bucket, url))
    return {group: groups[group] for group in SourceGroup if group in groups}


def send_daily(session: Session, *, day: date, tenant, locale: str) -> int:
    """Queue the digest of ``day`` for each colleague it is due to, each in
    a transaction of its own; return how many were queued."""
    sent = 0
    for user_id in recipients(session):
        user = session.get(User, user_id)
        counts = tasks.counts(session, tasks.TaskFilters(scope=tasks.SCOPE_USER, user_id=user_id), day)
        if not rules.digest_due(day, user.last_digest_on, counts.due) or not _claim(session, user_id, day):
            session.rollback()
            continue
        _queue(session, tenant, user, counts, items_of(session, tenant.slug, user_id, day), day,
               user.locale or locale)
        session.commit()
        sent += 1
    return sent


def _queue(session: Session, tenant, user: User, counts: tasks.DueCounts, groups: dict, day: date,
           locale: str) -> None:
    with force_locale(locale):
        subject = _("Your tasks on %(day)s: %(overdue)d overdue, %(today)d due today",
                    day=format_date(day, "long"), overdue=counts.overdue, today=counts.today)
    queue_email(session, tenant.slug, user.email, subject, "task_digest", locale=locale, sender_name=tenant.name,
                firm=tenant.name, name=user.full_name, counts=counts, groups=groups, day=day, labels=labels,
                list_url=tenant_url(tenant.slug, links.path("tasks.index")))

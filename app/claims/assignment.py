"""Who handles a claim: assigning or re-assigning one claim (with its
version, so a stale form is refused) or several from the queue, to an
active member of the staff who may work on claims. The claim's open tasks
follow it to the new handler; the step goes on the claim's timeline and
in the audit log; the new handler may be told by email."""

from __future__ import annotations

from collections.abc import Iterable

from flask_babel import force_locale
from flask_babel import gettext as _
from sqlalchemy import select, update
from sqlalchemy.orm import Session

from app.audit import services as audit
from app.auth.models import User
from app.auth.rules import Permission, can
from app.claims import labels, timeline
from app.claims.models import Claim
from app.claims.queue import MAX_ID
from app.crm.models import Task
from app.mail.services import queue_email

#: the most claims one bulk action may assign (the queue shows 50 a page)
MAX_BULK = 200


class AssignmentError(Exception):
    """``code``: handler_invalid, stale, none_chosen, too_many_claims, not_found."""

    def __init__(self, code: str) -> None:
        super().__init__(code)
        self.code = code


def assignable(session: Session) -> list[User]:
    """The staff a claim may be given to: active, allowed to work (not read-only)."""
    users = session.scalars(select(User).where(User.is_active).order_by(User.full_name, User.id))
    return [user for user in users if can(user.role, Permission.WRITE)]


def _handler(session: Session, handler_id: int | None) -> User:
    user = session.get(User, handler_id) if handler_id and 0 < handler_id <= MAX_ID else None
    if user is None or not user.is_active or not can(user.role, Permission.WRITE):
        raise AssignmentError("handler_invalid")
    return user


def _summary(before: User | None, after: User) -> str:
    with force_locale("fr"):
        if before is None:
            return _("Assigned to %(name)s", name=after.full_name)
        return _("Reassigned from %(before)s to %(name)s", before=before.full_name, name=after.full_name)


def _move(session: Session, actor, claim: Claim, handler: User) -> bool:
    if claim.handler_id == handler.id:
        return False
    before = session.get(User, claim.handler_id) if claim.handler_id else None
    previous_id = claim.handler_id
    claim.handler_id = handler.id
    moved = list(session.scalars(
        update(Task).where(Task.source_type == "claim", Task.source_id == claim.id, Task.done_at.is_(None))
        .values(assignee_id=handler.id).returning(Task.id)))
    session.flush()
    timeline.record(session, actor, claim, "assigned", _summary(before, handler),
                    {"from": previous_id, "to": handler.id, "tasks": moved})
    audit.record(session, actor, "claim.assign", "claim", claim.id, before={"handler_id": previous_id},
                 after={"handler_id": handler.id, "tasks_moved": moved})
    return True


def assign(session: Session, actor, claim: Claim, handler_id: int | None, version: int) -> bool:
    """Give ``claim`` to ``handler_id`` if the claim is still at ``version``;
    returns whether it changed hands."""
    if version != claim.version:
        raise AssignmentError("stale")
    return _move(session, actor, claim, _handler(session, handler_id))


def assign_many(session: Session, actor, claim_ids: Iterable[int], handler_id: int | None) -> list[Claim]:
    """Give the claims ``claim_ids`` to ``handler_id`` (rows locked, so a
    concurrent change waits instead of being overwritten); returns those
    that changed hands."""
    wanted = set(claim_ids)
    if not wanted:
        raise AssignmentError("none_chosen")
    if len(wanted) > MAX_BULK:
        raise AssignmentError("too_many_claims")
    handler = _handler(session, handler_id)
    if any(not 0 < claim_id <= MAX_ID for claim_id in wanted):
        raise AssignmentError("not_found")
    claims = list(session.scalars(select(Claim).where(Claim.id.in_(wanted)).order_by(Claim.id).with_for_update()))
    if len(claims) != len(wanted):
        raise AssignmentError("not_found")
    return [claim for claim in claims if _move(session, actor, claim, handler)]


def notify(session: Session, actor, handler_id: int, claims: list[Claim], *, tenant_slug: str, firm: str,
           queue_url: str) -> None:
    """Tell the new handler which claims they now hold (not when they took them themselves)."""
    handler = session.get(User, handler_id)
    if not claims or handler is None or handler.id == getattr(actor, "id", None):
        return
    locale = handler.locale or "fr"
    with force_locale(locale):
        subject = _("Claims assigned to you: %(references)s",
                    references=", ".join(claim.reference for claim in claims[:5]) + ("…" if len(claims) > 5 else ""))
    queue_email(session, tenant_slug, handler.email, subject, "claim_assigned", locale=locale, sender_name=firm,
                name=handler.full_name, firm=firm, claims=claims, kind_labels=labels.KIND_LABELS,
                by=getattr(actor, "full_name", None), queue_url=queue_url)

"""One helper every service calls to record a change."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.audit.models import AuditEntry

SYSTEM_ACTOR = "system"


def _jsonable(value: Any) -> Any:
    if isinstance(value, dict):
        return {key: _jsonable(item) for key, item in value.items()}
    if isinstance(value, (list, tuple)):
        return [_jsonable(item) for item in value]
    if isinstance(value, (datetime, date)):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    return value


def record(
    session: Session,
    actor,
    action: str,
    obj_type: str,
    obj_id: Any = None,
    *,
    before: dict | None = None,
    after: dict | None = None,
) -> AuditEntry:
    """Add an audit entry to ``session`` (committed with the change it records).

    ``actor`` is a staff user, or None for the system / the platform operator.
    """
    entry = AuditEntry(
        actor_id=getattr(actor, "id", None),
        actor_label=getattr(actor, "email", None) or SYSTEM_ACTOR,
        action=action,
        object_type=obj_type,
        object_id=None if obj_id is None else str(obj_id),
        before=_jsonable(before) if before is not None else None,
        after=_jsonable(after) if after is not None else None,
    )
    session.add(entry)
    return entry


def recent(session: Session, *, page: int = 1, per_page: int = 50) -> tuple[list[AuditEntry], int]:
    """Return one page of entries, newest first, and the total count."""
    total = session.scalar(select(func.count()).select_from(AuditEntry)) or 0
    entries = session.scalars(
        select(AuditEntry).order_by(AuditEntry.at.desc(), AuditEntry.id.desc())
        .offset((page - 1) * per_page).limit(per_page)
    ).all()
    return list(entries), total

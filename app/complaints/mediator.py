"""The consumer mediator the firm adheres to (médiateur de la consommation),
named in the answer to a complaint it rejects: kept in the firm's settings
(Settings › Firm) beside its contact details, and audited when it changes."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.audit import services as audit
from app.complaints import rules
from tenants.models import Tenant

#: the firm settings' keys (``tenant.settings``) and the form's field names
FIELDS = ("mediator_name", "mediator_address", "mediator_website")


@dataclass(frozen=True)
class Mediator:
    name: str
    address: str | None
    website: str | None


def of_firm(tenant) -> Mediator | None:
    """The firm's mediator, None until the firm names one."""
    settings = getattr(tenant, "settings", None) or {}
    name = (settings.get("mediator_name") or "").strip()
    if not name:
        return None
    return Mediator(name=name, address=settings.get("mediator_address") or None,
                    website=settings.get("mediator_website") or None)


def of_insurers() -> Mediator:
    """The insurers' mediator named beside the firm's for a complaint about
    an insurer (the insurer's own mediator may apply)."""
    return Mediator(**rules.INSURANCE_MEDIATOR)


def save(session: Session, actor, tenant, values: dict) -> None:
    """Write the firm's mediator (name, address, website; blanks cleared)
    in the firm's settings, audited when it changes."""
    row = session.scalar(select(Tenant).where(Tenant.id == tenant.id).with_for_update())
    settings = dict(row.settings or {})
    before = {key: settings.get(key) for key in FIELDS}
    after = {key: (values.get(key) or "").strip() or None for key in FIELDS}
    if before == after:
        return
    row.settings = settings | after
    audit.record(session, actor, "firm.mediator", "firm", tenant.id, before=before, after=after)

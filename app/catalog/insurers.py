"""Editing the insurer panel: insurers, their contacts and commission agreements.

Every function flushes and records its change in the audit log; the caller
commits. A stale edit (another person saved the insurer meanwhile) raises
CatalogError("stale").
"""

from __future__ import annotations

import secrets
from datetime import date
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session
from sqlalchemy.orm.exc import StaleDataError

from app.audit import services as audit
from app.catalog.insurer_rules import agreement_problems, normalise_siren, placement_problems
from app.catalog.lines import Line
from app.catalog.models import CommissionAgreement, Insurer, InsurerContact, PlacementChannel, Product
from app.catalog.services import CatalogError, is_quoted

INSURER_FIELDS = ("name", "legal_name", "registration", "siren", "address_line1", "address_line2", "postal_code",
                  "city", "phone", "website", "claims_email", "placement_channel", "placement_email",
                  "api_endpoint", "notes", "is_active")


def new_api_secret() -> str:
    return secrets.token_urlsafe(32)


def _snapshot(insurer: Insurer) -> dict:
    return {name: getattr(insurer, name) for name in INSURER_FIELDS}


def _clean(fields: dict) -> dict:
    """Blank strings become None; check SIREN and the placement channel."""
    values = {name: (value.strip() or None) if isinstance(value, str) else value
              for name, value in fields.items() if name in INSURER_FIELDS}
    if not values.get("name"):
        raise CatalogError("name_required", field="name")
    try:
        values["siren"] = normalise_siren(values.get("siren"))
    except ValueError:
        raise CatalogError("siren_invalid", field="siren") from None
    channel = values.get("placement_channel") or PlacementChannel.EMAIL.value
    problems = placement_problems(channel, values.get("placement_email"), values.get("api_endpoint"))
    if problems:
        raise CatalogError.for_fields(problems)
    values["placement_channel"] = channel
    return values


def _name_taken(session: Session, name: str, insurer_id: int | None) -> bool:
    other = session.scalar(select(Insurer.id).where(Insurer.name == name))
    return other is not None and other != insurer_id


def create_insurer(session: Session, actor, *, api_secret: str | None = None, **fields) -> Insurer:
    """Add an insurer to the panel; an API channel gets a secret when none is given."""
    values = _clean(fields)
    if _name_taken(session, values["name"], None):
        raise CatalogError("name_taken", field="name")
    insurer = Insurer(**values)
    if insurer.placement_channel == PlacementChannel.API.value:
        insurer.api_secret = (api_secret or "").strip() or new_api_secret()
    session.add(insurer)
    session.flush()
    audit.record(session, actor, "insurer.create", "insurer", insurer.id, after=_snapshot(insurer))
    return insurer


def _load(session: Session, insurer_id: int, version: int | None = None) -> Insurer:
    insurer = session.get(Insurer, insurer_id)
    if insurer is None:
        raise CatalogError("not_found")
    if version is not None and insurer.version != version:
        raise CatalogError("stale")
    return insurer


def _flush(session: Session) -> None:
    try:
        session.flush()
    except StaleDataError:
        session.rollback()
        raise CatalogError("stale") from None


def update_insurer(session: Session, actor, insurer_id: int, *, version: int, api_secret: str | None = None,
                   **fields) -> Insurer:
    """Change an insurer's details; a typed API secret replaces the current one."""
    insurer = _load(session, insurer_id, version)
    values = _clean(fields)
    if _name_taken(session, values["name"], insurer.id):
        raise CatalogError("name_taken", field="name")
    before = _snapshot(insurer)
    for name, value in values.items():
        setattr(insurer, name, value)
    secret_changed = bool(api_secret and api_secret.strip())
    if secret_changed:
        insurer.api_secret = api_secret.strip()
    elif insurer.placement_channel == PlacementChannel.API.value and not insurer.api_secret:
        insurer.api_secret, secret_changed = new_api_secret(), True
    after = _snapshot(insurer)
    if before != after or secret_changed:
        _flush(session)
        audit.record(session, actor, "insurer.update", "insurer", insurer.id, before=before,
                     after={**after, "api_secret_changed": secret_changed})
    return insurer


def regenerate_api_secret(session: Session, actor, insurer_id: int) -> Insurer:
    """Replace the secret that signs API placements (the old one stops working)."""
    insurer = _load(session, insurer_id)
    insurer.api_secret = new_api_secret()
    _flush(session)
    audit.record(session, actor, "insurer.api_secret", "insurer", insurer.id, after={"api_secret_changed": True})
    return insurer


def delete_insurer(session: Session, actor, insurer_id: int) -> None:
    """Remove an insurer that has no products and was never quoted (deactivate it otherwise)."""
    insurer = _load(session, insurer_id)
    has_products = session.scalar(select(Product.id).where(Product.insurer_id == insurer.id).limit(1))
    if has_products is not None:
        raise CatalogError("insurer_has_products")
    if is_quoted(session, insurer_id=insurer.id):
        raise CatalogError("insurer_quoted")
    audit.record(session, actor, "insurer.delete", "insurer", insurer.id, before=_snapshot(insurer))
    session.delete(insurer)
    try:
        session.flush()
    except IntegrityError:
        session.rollback()
        raise CatalogError("insurer_in_use") from None


def add_contact(session: Session, actor, insurer_id: int, *, name: str, role: str | None = None,
                email: str | None = None, phone: str | None = None) -> InsurerContact:
    insurer = _load(session, insurer_id)
    if not (name or "").strip():
        raise CatalogError("name_required", field="name")
    contact = InsurerContact(insurer=insurer, name=name.strip(), role=(role or "").strip() or None,
                             email=(email or "").strip() or None, phone=(phone or "").strip() or None)
    session.add(contact)
    session.flush()
    audit.record(session, actor, "insurer_contact.create", "insurer_contact", contact.id,
                 after={"insurer_id": insurer.id, "name": contact.name, "role": contact.role,
                        "email": contact.email, "phone": contact.phone})
    return contact


def delete_contact(session: Session, actor, insurer_id: int, contact_id: int) -> None:
    contact = session.get(InsurerContact, contact_id)
    if contact is None or contact.insurer_id != insurer_id:
        raise CatalogError("not_found")
    audit.record(session, actor, "insurer_contact.delete", "insurer_contact", contact.id,
                 before={"insurer_id": insurer_id, "name": contact.name, "role": contact.role})
    session.delete(contact)
    session.flush()


def add_agreement(session: Session, actor, insurer_id: int, *, line: str | None, new_business_rate: Decimal | None,
                  renewal_rate: Decimal | None, starts_on: date | None, ends_on: date | None = None,
                  reference: str | None = None, earned_on: str = "issue") -> CommissionAgreement:
    """Record commission rates with an insurer for one line (or all lines: ``line`` None),
    earned when the call is issued or when it is paid (``earned_on``)."""
    insurer = _load(session, insurer_id)
    line = Line(line).value if line else None
    problems = agreement_problems(line, new_business_rate, renewal_rate, starts_on, ends_on, insurer.agreements)
    if problems:
        raise CatalogError.for_fields(problems)
    agreement = CommissionAgreement(insurer=insurer, line=line, new_business_rate=new_business_rate,
                                    renewal_rate=renewal_rate, starts_on=starts_on, ends_on=ends_on,
                                    reference=(reference or "").strip() or None,
                                    earned_on="payment" if earned_on == "payment" else "issue")
    session.add(agreement)
    session.flush()
    audit.record(session, actor, "commission_agreement.create", "commission_agreement", agreement.id,
                 after={"insurer_id": insurer.id, "line": line, "new_business_rate": new_business_rate,
                        "renewal_rate": renewal_rate, "starts_on": starts_on, "ends_on": ends_on,
                        "earned_on": agreement.earned_on})
    return agreement


def delete_agreement(session: Session, actor, insurer_id: int, agreement_id: int) -> None:
    agreement = session.get(CommissionAgreement, agreement_id)
    if agreement is None or agreement.insurer_id != insurer_id:
        raise CatalogError("not_found")
    audit.record(session, actor, "commission_agreement.delete", "commission_agreement", agreement.id,
                 before={"insurer_id": insurer_id, "line": agreement.line,
                         "new_business_rate": agreement.new_business_rate, "starts_on": agreement.starts_on})
    session.delete(agreement)
    session.flush()

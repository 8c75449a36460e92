"""Insurers' API keys and the answers kept for idempotency keys.

Functions flush and audit; the caller commits.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from app.audit import services as audit
from app.catalog.models import Insurer
from app.columns import utcnow
from app.contracts.models import Contract, Endorsement
from app.insurer_api import rules
from app.insurer_api.models import InboundRequest, InsurerApiKey


class IdempotencyConflict(Exception):
    """The idempotency key was already used for another request."""


def keys_of(session: Session, insurer_id: int) -> list[InsurerApiKey]:
    """The insurer's keys, live ones first, newest first."""
    return list(session.scalars(
        select(InsurerApiKey).where(InsurerApiKey.insurer_id == insurer_id)
        .order_by(InsurerApiKey.revoked_at.is_not(None), InsurerApiKey.created_at.desc(), InsurerApiKey.id.desc())
    ))


def get_key(session: Session, insurer_id: int, key_id: int) -> InsurerApiKey | None:
    key = session.get(InsurerApiKey, key_id)
    return key if key is not None and key.insurer_id == insurer_id else None


def create_key(session: Session, actor, insurer: Insurer, *, label: str) -> tuple[InsurerApiKey, str]:
    """Create a key for ``insurer``; return it with the whole key, which is
    kept nowhere: only its hash is stored."""
    prefix, whole = rules.new_key()
    while session.scalar(select(InsurerApiKey.id).where(InsurerApiKey.prefix == prefix)) is not None:
        prefix, whole = rules.new_key()
    key = InsurerApiKey(insurer_id=insurer.id, label=label.strip()[:100], prefix=prefix,
                        key_hash=rules.hash_key(whole), created_by_id=getattr(actor, "id", None))
    session.add(key)
    session.flush()
    audit.record(session, actor, "insurer_api_key.create", "insurer_api_key", key.id,
                 after={"insurer_id": insurer.id, "label": key.label, "prefix": prefix})
    return key, whole


def revoke_key(session: Session, actor, key: InsurerApiKey) -> None:
    """Stop the key from working; revoking twice changes nothing."""
    if key.revoked_at is not None:
        return
    key.revoked_at = utcnow()
    session.flush()
    audit.record(session, actor, "insurer_api_key.revoke", "insurer_api_key", key.id,
                 before={"revoked_at": None}, after={"revoked_at": key.revoked_at, "label": key.label})


def authenticate(session: Session, token: str | None) -> InsurerApiKey | None:
    """Return the live key ``token`` is, or None (unknown, malformed, revoked)."""
    prefix = rules.key_prefix(token or "")
    if prefix is None:
        return None
    key = session.scalar(select(InsurerApiKey).where(InsurerApiKey.prefix == prefix))
    if key is None or key.revoked_at is not None or not rules.key_matches(token, key.key_hash):
        return None
    return key


def mark_used(session: Session, key: InsurerApiKey, now: datetime | None = None) -> bool:
    """Note that ``key`` is in use, at most once a minute; return whether it wrote."""
    now = now or utcnow()
    resolution = timedelta(seconds=rules.LAST_USED_RESOLUTION_SECONDS)
    if key.last_used_at is not None and now - key.last_used_at < resolution:
        return False
    key.last_used_at = now
    return True


def stored_answer(session: Session, key: InsurerApiKey, idempotency_key: str,
                  request_hash: str) -> InboundRequest | None:
    """Return the answer already given to this idempotency key, None if it
    is new; IdempotencyConflict if it was used for another request."""
    stored = session.scalar(select(InboundRequest).where(
        InboundRequest.api_key_id == key.id, InboundRequest.idempotency_key == idempotency_key))
    if stored is not None and stored.request_hash != request_hash:
        raise IdempotencyConflict(idempotency_key)
    return stored


def remember_answer(session: Session, key: InsurerApiKey, idempotency_key: str, *, method: str, path: str,
                    request_hash: str, status: int, body: dict) -> InboundRequest:
    """Keep the answer, in the transaction of the change it reports."""
    inbound = InboundRequest(api_key_id=key.id, idempotency_key=idempotency_key, method=method, path=path[:300],
                             request_hash=request_hash, response_status=status, response_body=body, at=utcnow())
    session.add(inbound)
    session.flush()
    return inbound


def contract_of_insurer(session: Session, insurer_id: int, value: str) -> Contract | None:
    """The insurer's contract whose policy number (or reference) is ``value``.
    A policy number is unique for one insurer only, hence the insurer first."""
    if not rules.is_identifier(value, rules.POLICY_NUMBER_MAX):
        return None
    return session.scalars(select(Contract).where(
        Contract.insurer_id == insurer_id,
        or_(Contract.policy_number == value, func.upper(Contract.reference) == value.upper()),
    ).order_by(Contract.id)).first()


def endorsement_of(session: Session, contract: Contract, number: int) -> Endorsement | None:
    if not 0 < number <= rules.INTEGER_MAX:
        return None
    return session.scalar(select(Endorsement).where(Endorsement.contract_id == contract.id,
                                                    Endorsement.number == number))

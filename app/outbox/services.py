"""The transactional outbox: write a message to an insurer in the business
transaction, deliver it at least once, let the handler resend or cancel it.

A message is PENDING until a try succeeds (DELIVERED), the insurer refuses it
(REJECTED, a 4xx: not retried), the tries run out (FAILED) or the handler
cancels it (CANCELLED). Its ``idempotency_key`` never changes: every try,
and every resend, is the same message to the insurer.
"""

from __future__ import annotations

import json
import logging
import secrets
from datetime import datetime

from flask import current_app
from sqlalchemy import select
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session, selectinload

from app.audit import services as audit
from app.catalog.insurer_rules import api_endpoint_problem
from app.catalog.models import Insurer, PlacementChannel
from app.columns import utcnow
from app.documents import services as documents
from app.jobs.queue import enqueue, runnable_job_args
from app.mail.delivery import write_eml
from app.outbox import delivery, rules
from app.outbox.models import DeliveryAttempt, MessageStatus, OutboxMessage
from tenants import bound_schema
from tenants.jobs import TenantUnavailable, tenant_context
from tenants.models import Tenant
from tenants.provisioning import list_tenants

logger = logging.getLogger(__name__)


class OutboxError(Exception):
    """An operation refused; ``code`` names why (translated by the views)."""

    def __init__(self, code: str) -> None:
        super().__init__(code)
        self.code = code


# --- writing ----------------------------------------------------------------

def channel_problem(insurer: Insurer) -> str | None:
    """Why nothing can be sent to ``insurer`` now, or None."""
    if not insurer.is_active:
        return "insurer_inactive"
    if insurer.placement_channel == PlacementChannel.API:
        if api_endpoint_problem(insurer.api_endpoint):
            return "no_api_endpoint"
        return None if (insurer.api_secret or "").strip() else "no_api_secret"
    return None if (insurer.placement_email or "").strip() else "no_placement_email"


def destination_of(insurer: Insurer) -> tuple[str, str]:
    """(channel, destination) of a message to ``insurer``."""
    problem = channel_problem(insurer)
    if problem:
        raise OutboxError(problem)
    if insurer.placement_channel == PlacementChannel.API:
        return PlacementChannel.API.value, insurer.api_endpoint.strip()
    return PlacementChannel.EMAIL.value, insurer.placement_email.strip()


def enqueue_message(session: Session, *, insurer: Insurer, subject_type: str, subject_id: int, kind: str,
                    payload: dict, envelope: dict | None = None) -> OutboxMessage:
    """Write a message to ``insurer`` and queue its delivery, both in the
    caller's transaction: nothing leaves unless the change commits."""
    channel, destination = destination_of(insurer)
    message = OutboxMessage(
        insurer_id=insurer.id, subject_type=subject_type, subject_id=subject_id, kind=kind, channel=channel,
        destination=destination, idempotency_key=secrets.token_hex(16), payload=payload, envelope=envelope or {},
        status=MessageStatus.PENDING.value, attempts=0, next_attempt_at=utcnow(),
    )
    session.add(message)
    session.flush()
    _queue_delivery(session, message)
    return message


def _tenant_slug(session: Session) -> str:
    schema = bound_schema(session)
    return session.scalar(select(Tenant.slug).where(Tenant.schema_name == schema))


def _queue_delivery(session: Session, message: OutboxMessage, at: datetime | None = None) -> None:
    from app.outbox.jobs import deliver_message  # the job module imports this one

    enqueue(session, deliver_message, scheduled_at=at, tenant=_tenant_slug(session), message_id=message.id)


# --- reading ----------------------------------------------------------------

def get(session: Session, message_id: int) -> OutboxMessage | None:
    return session.get(OutboxMessage, message_id)


def attempts_of(session: Session, subject_type: str, subject_id: int) -> list[OutboxMessage]:
    """The messages about one subject, oldest first, with their attempts."""
    return list(session.scalars(
        select(OutboxMessage).where(OutboxMessage.subject_type == subject_type, OutboxMessage.subject_id == subject_id)
        .options(selectinload(OutboxMessage.attempt_log)).order_by(OutboxMessage.id)
    ))


# --- the handler's hand -----------------------------------------------------

def _locked(session: Session, message: OutboxMessage) -> OutboxMessage:
    """Reload ``message`` under a row lock: a delivery in progress finishes
    first, and its outcome is what the change is checked against."""
    session.refresh(message, with_for_update=True)
    return message


def resend(session: Session, actor, message: OutboxMessage) -> None:
    """Try the same message (same idempotency key) again now, with a fresh
    series of retries. A cancelled message stays cancelled."""
    message = _locked(session, message)
    if message.status == MessageStatus.CANCELLED:
        raise OutboxError("message_cancelled")
    before = {"status": message.status, "attempts": message.attempts}
    message.status, message.attempts, message.next_attempt_at = MessageStatus.PENDING.value, 0, utcnow()
    message.last_error = None
    _queue_delivery(session, message)
    audit.record(session, actor, "outbox.resend", "outbox_message", message.id, before=before,
                 after={"status": message.status, "idempotency_key": message.idempotency_key})


def cancel(session: Session, actor, message: OutboxMessage) -> None:
    """Stop a message not delivered yet; no further try is made."""
    message = _locked(session, message)
    if message.status == MessageStatus.DELIVERED:
        raise OutboxError("message_delivered")
    if message.status == MessageStatus.CANCELLED:
        raise OutboxError("message_cancelled")
    before = {"status": message.status}
    message.status, message.next_attempt_at = MessageStatus.CANCELLED.value, None
    audit.record(session, actor, "outbox.cancel", "outbox_message", message.id, before=before,
                 after={"status": message.status})


# --- delivering -------------------------------------------------------------

def body_of(payload: dict) -> bytes:
    """The bytes posted (and signed): UTF-8 JSON, keys sorted."""
    return json.dumps(payload, ensure_ascii=False, sort_keys=True, separators=(",", ":")).encode("utf-8")


def _email_of(session: Session, message: OutboxMessage) -> delivery.Email:
    envelope, config = message.envelope or {}, current_app.config
    attachments = []
    for document_id in envelope.get("document_ids", ()):
        document = documents.get(session, document_id)
        if document is not None:
            attachments.append((document.filename, document.content_type, documents.content_of(session, document)))
    if envelope.get("json_filename"):
        attachments.append((envelope["json_filename"], "application/json", body_of(message.payload)))
    sender = config["MAIL_FROM"]
    return delivery.Email(
        sender=sender, sender_name=envelope.get("sender_name") or "Assurdesk", to=message.destination,
        reply_to=envelope.get("reply_to"), subject=envelope.get("subject") or message.kind,
        text=envelope.get("text") or "", html=envelope.get("html"),
        message_id=f"<{message.idempotency_key}@{sender.rsplit('@', 1)[-1]}>",
        idempotency_key=message.idempotency_key, attachments=tuple(attachments),
    )


def _try(session: Session, message: OutboxMessage) -> delivery.Result:
    if message.channel == PlacementChannel.API:
        insurer = session.get(Insurer, message.insurer_id)
        return delivery.post_signed(message.destination, body_of(message.payload), secret=insurer.api_secret or "",
                                    idempotency_key=message.idempotency_key)
    email = _email_of(session, message)
    mail_url = current_app.config["MAIL_URL"]
    if not mail_url:
        path = write_eml(current_app.config["MAIL_DIR"], _tenant_slug(session), delivery.mime_of(email))
        return delivery.Result("delivered", None, f"written to {path.name}", 0)
    return delivery.send_email(mail_url, email)


def _is_due(message: OutboxMessage, now: datetime) -> bool:
    return message.status == MessageStatus.PENDING and (message.next_attempt_at is None
                                                        or message.next_attempt_at <= now)


def deliver(session: Session, message_id: int) -> DeliveryAttempt | None:
    """Make one try of a due message and record it; None when the message is
    not due, or another worker holds it (SKIP LOCKED: never two tries at once)."""
    message = session.scalars(
        select(OutboxMessage).where(OutboxMessage.id == message_id)
        .with_for_update(skip_locked=True).execution_options(populate_existing=True)
    ).first()
    if message is None or not _is_due(message, utcnow()):
        session.rollback()
        return None
    result = _try(session, message)
    now = utcnow()
    message.attempts += 1
    outcome = result.outcome
    if outcome == "retry" and rules.gives_up_after(message.attempts):
        outcome = "failed"
    attempt = DeliveryAttempt(message_id=message.id, at=now, outcome=outcome, status_code=result.status_code,
                              detail=result.detail, duration_ms=result.duration_ms)
    session.add(attempt)
    _apply(session, message, outcome, result.detail, now)
    session.commit()
    return attempt


def _apply(session: Session, message: OutboxMessage, outcome: str, detail: str, now: datetime) -> None:
    message.last_error = None if outcome == "delivered" else detail
    if outcome == "retry":
        message.next_attempt_at = now + rules.backoff(message.attempts)
        _queue_delivery(session, message, at=message.next_attempt_at)
        return
    message.next_attempt_at = None
    message.status = {"delivered": MessageStatus.DELIVERED, "rejected": MessageStatus.REJECTED,
                      "failed": MessageStatus.FAILED}[outcome].value
    if outcome == "delivered":
        message.delivered_at = now


# --- the sweeper ------------------------------------------------------------

def requeue_lost(engine: Engine, session: Session) -> int:
    """Queue a delivery for every due PENDING message of every active tenant
    that has no job able to run now (its job was lost, or is scheduled later
    than the message became due, e.g. after a resend). Return how many."""
    with engine.connect() as conn:
        runnable = {(args.get("tenant"), args.get("message_id")) for args in runnable_job_args(conn, "outbox.deliver")}
    queued = 0
    for slug, _name, _schema, status, _created in list_tenants(engine):
        if status != "active":
            continue
        try:
            with tenant_context(session, engine, slug):
                queued += _requeue_tenant(session, slug, runnable)
        except TenantUnavailable:
            continue
        except SQLAlchemyError:  # one tenant's broken schema must not stop the others' deliveries
            session.rollback()
            logger.exception("outbox sweep: tenant %s skipped", slug)
    return queued


def _requeue_tenant(session: Session, slug: str, runnable: set[tuple[str, int]]) -> int:
    due = session.scalars(select(OutboxMessage).where(
        OutboxMessage.status == MessageStatus.PENDING.value, OutboxMessage.next_attempt_at <= utcnow()))
    lost = [message for message in due if (slug, message.id) not in runnable]
    for message in lost:
        _queue_delivery(session, message)
    session.commit()
    return len(lost)

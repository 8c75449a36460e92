"""The transactional outbox: every message to an insurer (placement, claim
notice, endorsement, cancellation) is written in the same transaction as the
business change that asks for it, then delivered at least once by a job."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlalchemy import BigInteger, DateTime, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.columns import Timestamps, id_column
from app.extensions import db


class MessageStatus(StrEnum):
    PENDING = "pending"        # waiting for its (next) attempt
    DELIVERED = "delivered"    # the insurer's server or the SMTP server took it
    REJECTED = "rejected"      # a 4xx answer: not retried, shown to the handler
    FAILED = "failed"          # gave up after the last retry
    CANCELLED = "cancelled"    # the handler cancelled it before delivery


class OutboxMessage(Timestamps, db.Model):
    """One message to an insurer. ``idempotency_key`` is created with the
    message and never changes, so retries are recognised as the same message
    by the receiver."""

    __tablename__ = "outbox_message"
    __table_args__ = (
        UniqueConstraint("idempotency_key", name="uq_outbox_message_idempotency_key"),
        Index("ix_outbox_message_due", "status", "next_attempt_at"),
        Index("ix_outbox_message_subject", "subject_type", "subject_id"),
    )

    id: Mapped[int] = id_column()
    insurer_id: Mapped[int] = mapped_column(BigInteger, ForeignKey("tenant.insurer.id", ondelete="RESTRICT"))
    #: what the message is about: ("placement", 12), ("endorsement", 3)...
    subject_type: Mapped[str] = mapped_column(String(30))
    subject_id: Mapped[int] = mapped_column(BigInteger)
    kind: Mapped[str] = mapped_column(String(40))
    channel: Mapped[str] = mapped_column(String(10))
    destination: Mapped[str] = mapped_column(String(500))
    idempotency_key: Mapped[str] = mapped_column(String(64))
    payload: Mapped[dict] = mapped_column(JSONB)
    #: email channel: subject, reply-to, text and the ids of attached documents
    envelope: Mapped[dict] = mapped_column(JSONB, default=dict)
    status: Mapped[str] = mapped_column(String(20), default=MessageStatus.PENDING.value)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    delivered_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    last_error: Mapped[str | None] = mapped_column(Text)

    attempt_log: Mapped[list[DeliveryAttempt]] = relationship(
        back_populates="message", cascade="all, delete-orphan", order_by="DeliveryAttempt.id"
    )


class DeliveryAttempt(db.Model):
    """One try at delivering a message, and what came of it."""

    __tablename__ = "delivery_attempt"
    __table_args__ = (Index("ix_delivery_attempt_message", "message_id"),)

    id: Mapped[int] = id_column()
    message_id: Mapped[int] = mapped_column(BigInteger, ForeignKey("tenant.outbox_message.id", ondelete="CASCADE"))
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    outcome: Mapped[str] = mapped_column(String(20))  # delivered, retry, rejected, failed
    status_code: Mapped[int | None] = mapped_column(Integer)
    detail: Mapped[str | None] = mapped_column(Text)
    duration_ms: Mapped[int | None] = mapped_column(Integer)

    message: Mapped[OutboxMessage] = relationship(back_populates="attempt_log")

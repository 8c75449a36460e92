"""Insurers' access to the firm's API: keys, and the answers already given
to an idempotency key."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, DateTime, ForeignKey, Index, Integer, String, UniqueConstraint
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import Mapped, mapped_column

from app.columns import Timestamps, id_column
from app.extensions import db


class InsurerApiKey(Timestamps, db.Model):
    """A bearer key of one insurer: ``prefix`` finds it, only the SHA-256 of
    the whole key is kept (the key is shown once, when created)."""

    __tablename__ = "insurer_api_key"
    __table_args__ = (UniqueConstraint("prefix", name="uq_insurer_api_key_prefix"),
                      Index("ix_insurer_api_key_insurer", "insurer_id"))

    id: Mapped[int] = id_column()
    insurer_id: Mapped[int] = mapped_column(BigInteger, ForeignKey("tenant.insurer.id", ondelete="CASCADE"))
    label: Mapped[str] = mapped_column(String(100))
    prefix: Mapped[str] = mapped_column(String(20))
    key_hash: Mapped[str] = mapped_column(String(64))
    created_by_id: Mapped[int | None] = mapped_column(BigInteger, ForeignKey("tenant.user.id", ondelete="SET NULL"))
    last_used_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    revoked_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))


class InboundRequest(db.Model):
    """An insurer's state-changing request, kept by its ``Idempotency-Key``:
    the same key with the same body gets the same answer again, with a
    different body a 409."""

    __tablename__ = "inbound_request"
    __table_args__ = (UniqueConstraint("api_key_id", "idempotency_key", name="uq_inbound_request_key"),)

    id: Mapped[int] = id_column()
    api_key_id: Mapped[int] = mapped_column(BigInteger, ForeignKey("tenant.insurer_api_key.id", ondelete="CASCADE"))
    idempotency_key: Mapped[str] = mapped_column(String(100))
    method: Mapped[str] = mapped_column(String(10))
    path: Mapped[str] = mapped_column(String(300))
    request_hash: Mapped[str] = mapped_column(String(64))
    response_status: Mapped[int] = mapped_column(Integer)
    response_body: Mapped[dict] = mapped_column(JSONB)
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True))

"""Placements: the request to an insurer to issue a contract from an accepted
offer, tracked until the insurer answers."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from enum import StrEnum

from sqlalchemy import BigInteger, Date, DateTime, ForeignKey, Index, Integer, Numeric, String, Text, UniqueConstraint
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.columns import Timestamps, id_column
from app.extensions import db


class PlacementStatus(StrEnum):
    SENT = "sent"                      # written with its outgoing message; delivery by the outbox
    INFO_REQUESTED = "info_requested"  # the insurer asked for more information
    ACCEPTED = "accepted"              # the insurer issued the contract
    DECLINED = "declined"
    CANCELLED = "cancelled"            # withdrawn by the handler


class Placement(Timestamps, db.Model):
    """``document`` is the JSON placement document exactly as sent (see
    ``schemas/placement``, versioned by ``schema_version``)."""

    __tablename__ = "placement"
    __table_args__ = (
        UniqueConstraint("reference", name="uq_placement_reference"),
        Index("ix_placement_offer", "offer_id"),
        Index("ix_placement_insurer_status", "insurer_id", "status"),
    )

    id: Mapped[int] = id_column()
    reference: Mapped[str] = mapped_column(String(20))
    offer_id: Mapped[int] = mapped_column(BigInteger, ForeignKey("tenant.offer.id", ondelete="RESTRICT"))
    needs_id: Mapped[int] = mapped_column(BigInteger, ForeignKey("tenant.needs_analysis.id", ondelete="RESTRICT"))
    client_id: Mapped[int] = mapped_column(BigInteger, ForeignKey("tenant.client.id", ondelete="RESTRICT"))
    insurer_id: Mapped[int] = mapped_column(BigInteger, ForeignKey("tenant.insurer.id", ondelete="RESTRICT"))
    channel: Mapped[str] = mapped_column(String(10))
    status: Mapped[str] = mapped_column(String(20), default=PlacementStatus.SENT.value)
    wanted_effective_date: Mapped[date] = mapped_column(Date)
    schema_version: Mapped[str] = mapped_column(String(10))
    document: Mapped[dict] = mapped_column(JSONB)
    proposal_document_id: Mapped[int | None] = mapped_column(
        BigInteger, ForeignKey("tenant.document.id", ondelete="SET NULL"))
    message_id: Mapped[int | None] = mapped_column(BigInteger, ForeignKey("tenant.outbox_message.id", ondelete="SET NULL"))
    note: Mapped[str | None] = mapped_column(Text)
    # the insurer's answer
    answered_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    answered_via: Mapped[str | None] = mapped_column(String(10))  # api, manual
    policy_number: Mapped[str | None] = mapped_column(String(60))
    final_premium: Mapped[Decimal | None] = mapped_column(Numeric(12, 2))
    effective_date: Mapped[date | None] = mapped_column(Date)
    decline_reason: Mapped[str | None] = mapped_column(Text)
    contract_id: Mapped[int | None] = mapped_column(
        BigInteger, ForeignKey("tenant.contract.id", ondelete="SET NULL", use_alter=True,
                               name="fk_placement_contract"))
    handler_id: Mapped[int | None] = mapped_column(BigInteger, ForeignKey("tenant.user.id", ondelete="SET NULL"))
    version: Mapped[int] = mapped_column(Integer, default=1)

    __mapper_args__ = {"version_id_col": version}

    messages: Mapped[list[PlacementNote]] = relationship(
        back_populates="placement", cascade="all, delete-orphan", order_by="PlacementNote.id")


class PlacementNote(Timestamps, db.Model):
    """A message exchanged about a placement: the insurer's questions (a task
    for the handler) and the handler's answers."""

    __tablename__ = "placement_note"
    __table_args__ = (Index("ix_placement_note_placement", "placement_id"),)

    id: Mapped[int] = id_column()
    placement_id: Mapped[int] = mapped_column(BigInteger, ForeignKey("tenant.placement.id", ondelete="CASCADE"))
    author: Mapped[str] = mapped_column(String(10))  # insurer, broker
    body: Mapped[str] = mapped_column(Text)
    task_id: Mapped[int | None] = mapped_column(BigInteger, ForeignKey("tenant.task.id", ondelete="SET NULL"))
    author_id: Mapped[int | None] = mapped_column(BigInteger, ForeignKey("tenant.user.id", ondelete="SET NULL"))

    placement: Mapped[Placement] = relationship(back_populates="messages")

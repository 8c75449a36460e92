"""Claims (sinistres): the declaration as the client or the handler made it,
its attachments and the messages exchanged about it. The claims-handling
issue grows this record (cover check, experts, damages, settlement)."""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum

from sqlalchemy import BigInteger, Boolean, Date, DateTime, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import Mapped, mapped_column

from app.columns import Timestamps, id_column
from app.extensions import db


class ClaimStatus(StrEnum):
    DECLARED = "declared"          # received, not yet looked at by the firm
    IN_PROGRESS = "in_progress"    # the handler works on it
    WITH_INSURER = "with_insurer"  # notified to the insurer, awaiting its answer
    SETTLED = "settled"
    CLOSED = "closed"


class ClaimChannel(StrEnum):
    PORTAL = "portal"
    PHONE = "phone"
    LETTER = "letter"
    EMAIL = "email"


class Claim(Timestamps, db.Model):
    __tablename__ = "claim"
    __table_args__ = (
        UniqueConstraint("reference", name="uq_claim_reference"),
        Index("ix_claim_status_created", "status", "created_at"),
        Index("ix_claim_contract", "contract_id"),
        Index("ix_claim_client", "client_id"),
    )

    id: Mapped[int] = id_column()
    reference: Mapped[str] = mapped_column(String(20))
    contract_id: Mapped[int] = mapped_column(BigInteger, ForeignKey("tenant.contract.id", ondelete="RESTRICT"))
    client_id: Mapped[int] = mapped_column(BigInteger, ForeignKey("tenant.client.id", ondelete="RESTRICT"))
    line: Mapped[str] = mapped_column(String(20))
    kind: Mapped[str] = mapped_column(String(30))
    occurred_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    #: when the insured learned of it: the declaration deadline runs from there (L113-2)
    known_on: Mapped[date] = mapped_column(Date)
    declared_on: Mapped[date] = mapped_column(Date)
    deadline: Mapped[date] = mapped_column(Date)
    declared_late: Mapped[bool] = mapped_column(Boolean, default=False)
    place: Mapped[str] = mapped_column(String(300))
    circumstances: Mapped[str] = mapped_column(Text)
    #: the line's sections of the form: third parties, police report, injured people, damaged goods, vehicle
    details: Mapped[dict] = mapped_column(JSONB, default=dict)
    channel: Mapped[str] = mapped_column(String(20))
    declared_by_account_id: Mapped[int | None] = mapped_column(
        BigInteger, ForeignKey("tenant.portal_account.id", ondelete="SET NULL"))
    declared_by_user_id: Mapped[int | None] = mapped_column(BigInteger, ForeignKey("tenant.user.id",
                                                                                   ondelete="SET NULL"))
    handler_id: Mapped[int | None] = mapped_column(BigInteger, ForeignKey("tenant.user.id", ondelete="SET NULL"))
    status: Mapped[str] = mapped_column(String(20), default=ClaimStatus.DECLARED.value)
    insurer_reference: Mapped[str | None] = mapped_column(String(60))
    version: Mapped[int] = mapped_column(Integer, default=1)

    __mapper_args__ = {"version_id_col": version}


class ClaimAttachment(Timestamps, db.Model):
    """A photo or document of a claim, stored as a document of the client;
    ``thumbnail_document_id`` is a small JPEG of an image."""

    __tablename__ = "claim_attachment"
    __table_args__ = (Index("ix_claim_attachment_claim", "claim_id"),)

    id: Mapped[int] = id_column()
    claim_id: Mapped[int] = mapped_column(BigInteger, ForeignKey("tenant.claim.id", ondelete="CASCADE"))
    document_id: Mapped[int] = mapped_column(BigInteger, ForeignKey("tenant.document.id", ondelete="CASCADE"))
    thumbnail_document_id: Mapped[int | None] = mapped_column(
        BigInteger, ForeignKey("tenant.document.id", ondelete="SET NULL"))
    #: "client" or "firm": who added it
    added_by: Mapped[str] = mapped_column(String(10))


class ClaimMessage(Timestamps, db.Model):
    """A message about a claim between the client (portal) and the firm."""

    __tablename__ = "claim_message"
    __table_args__ = (Index("ix_claim_message_claim", "claim_id", "created_at"),)

    id: Mapped[int] = id_column()
    claim_id: Mapped[int] = mapped_column(BigInteger, ForeignKey("tenant.claim.id", ondelete="CASCADE"))
    #: "client" or "firm"
    author_side: Mapped[str] = mapped_column(String(10))
    author_user_id: Mapped[int | None] = mapped_column(BigInteger, ForeignKey("tenant.user.id", ondelete="SET NULL"))
    author_account_id: Mapped[int | None] = mapped_column(
        BigInteger, ForeignKey("tenant.portal_account.id", ondelete="SET NULL"))
    body: Mapped[str] = mapped_column(Text)
    attachment_id: Mapped[int | None] = mapped_column(BigInteger, ForeignKey("tenant.claim_attachment.id",
                                                                             ondelete="SET NULL"))
    read_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))

"""A claim's money: damage items, reserves (provisions) and their history,
indemnity payments and recourse against a liable third party's insurer."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from enum import StrEnum

from sqlalchemy import (BigInteger, CheckConstraint, Date, DateTime, ForeignKey, Index, Integer, Numeric, String, Text,
                        UniqueConstraint)
from sqlalchemy.orm import Mapped, mapped_column

from app.columns import Timestamps, id_column
from app.extensions import db


class DamageCategory(StrEnum):
    BODILY = "bodily"                # dommages corporels
    MATERIAL = "material"            # dommages matériels
    CONSEQUENTIAL = "consequential"  # immatériels / moraux


class ClaimDamage(Timestamps, db.Model):
    """An item of damage: what the client claims, what the expert
    assessed, what was agreed (the basis of the settlement)."""

    __tablename__ = "claim_damage"
    __table_args__ = (Index("ix_claim_damage_claim", "claim_id"),)

    id: Mapped[int] = id_column()
    claim_id: Mapped[int] = mapped_column(BigInteger, ForeignKey("tenant.claim.id", ondelete="CASCADE"))
    category: Mapped[str] = mapped_column(String(20))
    label: Mapped[str] = mapped_column(String(200))
    claimed_amount: Mapped[Decimal | None] = mapped_column(Numeric(12, 2))
    expert_amount: Mapped[Decimal | None] = mapped_column(Numeric(12, 2))
    agreed_amount: Mapped[Decimal | None] = mapped_column(Numeric(12, 2))
    position: Mapped[int] = mapped_column(Integer, default=0)
    version: Mapped[int] = mapped_column(Integer, default=1)

    __mapper_args__ = {"version_id_col": version}


class ClaimReserve(db.Model):
    """One change of a claim's reserve (provision): history, never edited."""

    __tablename__ = "claim_reserve"
    __table_args__ = (Index("ix_claim_reserve_claim", "claim_id", "at"),)

    id: Mapped[int] = id_column()
    claim_id: Mapped[int] = mapped_column(BigInteger, ForeignKey("tenant.claim.id", ondelete="CASCADE"))
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    previous_amount: Mapped[Decimal] = mapped_column(Numeric(12, 2))
    amount: Mapped[Decimal] = mapped_column(Numeric(12, 2))
    reason: Mapped[str] = mapped_column(Text)
    set_by_id: Mapped[int | None] = mapped_column(BigInteger, ForeignKey("tenant.user.id", ondelete="SET NULL"))


class PayeeKind(StrEnum):
    INSURED = "insured"
    PROVIDER = "provider"            # paid directly to the garage or craftsman
    THIRD_PARTY = "third_party"


class ClaimPayment(Timestamps, db.Model):
    """A payment of indemnity on a claim (usually made by the insurer, recorded
    by hand or received through the insurer API). ``external_id`` is the
    insurer's own id of the payment: unique per claim, so a retried API call
    records it once."""

    __tablename__ = "claim_payment"
    __table_args__ = (Index("ix_claim_payment_claim", "claim_id"),
                      UniqueConstraint("claim_id", "external_id", name="uq_claim_payment_external"),
                      CheckConstraint("amount > 0", name="ck_claim_payment_positive"))

    id: Mapped[int] = id_column()
    claim_id: Mapped[int] = mapped_column(BigInteger, ForeignKey("tenant.claim.id", ondelete="CASCADE"))
    payee_kind: Mapped[str] = mapped_column(String(20))
    provider_id: Mapped[int | None] = mapped_column(BigInteger, ForeignKey("tenant.provider.id",
                                                                           ondelete="RESTRICT"))
    payee_name: Mapped[str] = mapped_column(String(200))
    amount: Mapped[Decimal] = mapped_column(Numeric(12, 2))
    paid_on: Mapped[date] = mapped_column(Date)
    method: Mapped[str] = mapped_column(String(20))  # transfer, cheque, other
    reference: Mapped[str | None] = mapped_column(String(100))
    #: "firm" when recorded by a handler, "insurer" when posted through the API
    source: Mapped[str] = mapped_column(String(10), default="firm")
    external_id: Mapped[str | None] = mapped_column(String(100))
    note: Mapped[str | None] = mapped_column(Text)
    created_by_id: Mapped[int | None] = mapped_column(BigInteger, ForeignKey("tenant.user.id", ondelete="SET NULL"))


class RecourseStatus(StrEnum):
    OPEN = "open"
    RECOVERED = "recovered"
    PARTIAL = "partial"
    ABANDONED = "abandoned"


class ClaimRecourse(Timestamps, db.Model):
    """Recourse against a liable third party's insurer: what is claimed
    back, what was recovered, until it is closed."""

    __tablename__ = "claim_recourse"
    __table_args__ = (Index("ix_claim_recourse_claim", "claim_id"),)

    id: Mapped[int] = id_column()
    claim_id: Mapped[int] = mapped_column(BigInteger, ForeignKey("tenant.claim.id", ondelete="CASCADE"))
    third_party_name: Mapped[str] = mapped_column(String(200))
    third_party_insurer: Mapped[str] = mapped_column(String(200))
    third_party_reference: Mapped[str | None] = mapped_column(String(100))
    amount_claimed: Mapped[Decimal] = mapped_column(Numeric(12, 2))
    amount_recovered: Mapped[Decimal] = mapped_column(Numeric(12, 2), default=Decimal("0.00"))
    status: Mapped[str] = mapped_column(String(20), default=RecourseStatus.OPEN.value)
    opened_on: Mapped[date] = mapped_column(Date)
    closed_on: Mapped[date | None] = mapped_column(Date)
    next_follow_up_on: Mapped[date | None] = mapped_column(Date)
    #: the handler's task for the next follow-up: moved with the date, done when the recourse closes
    follow_up_task_id: Mapped[int | None] = mapped_column(BigInteger, ForeignKey("tenant.task.id",
                                                                                 ondelete="SET NULL"))
    notes: Mapped[str | None] = mapped_column(Text)
    version: Mapped[int] = mapped_column(Integer, default=1)

    __mapper_args__ = {"version_id_col": version}

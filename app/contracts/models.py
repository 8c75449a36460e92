"""Contracts and their life: versions, events, clauses, endorsements,
renewals, cancellations, attestations and letters."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from enum import StrEnum

from sqlalchemy import (BigInteger, Boolean, Date, DateTime, ForeignKey, Index, Integer, Numeric, String, Text,
                        UniqueConstraint)
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.columns import Timestamps, id_column
from app.extensions import db


class ContractStatus(StrEnum):
    PENDING = "pending"        # placed, waiting for the insurer
    ACTIVE = "active"
    SUSPENDED = "suspended"    # cover suspended (non-payment, L113-3)
    CANCELLED = "cancelled"
    EXPIRED = "expired"


class InstalmentPlan(StrEnum):
    ANNUAL = "annual"
    HALF_YEARLY = "half_yearly"
    QUARTERLY = "quarterly"
    MONTHLY = "monthly"


class CancellationGround(StrEnum):
    RENEWAL = "renewal"            # at the main renewal date, with the notice period
    HAMON = "hamon"                # after one year, motor/home/affinity (L113-15-2)
    HEALTH_ANY_TIME = "health"     # health after one year (résiliation infra-annuelle)
    LATE_NOTICE = "chatel"         # renewal notice late or missing (L113-15-1)
    INSURER = "insurer"
    NON_PAYMENT = "non_payment"    # L113-3
    SALE = "sale"                  # sale or loss of the insured object
    OTHER = "other"


class Contract(Timestamps, db.Model):
    """A policy. Its premium, risk and guarantees are those of its current
    version; ``ContractVersion`` keeps every earlier one with its dates."""

    __tablename__ = "contract"
    __table_args__ = (
        UniqueConstraint("reference", name="uq_contract_reference"),
        Index("ix_contract_client", "client_id"),
        Index("ix_contract_status_renewal", "status", "renewal_date"),
        Index("ix_contract_insurer_number", "insurer_id", "policy_number"),
    )

    id: Mapped[int] = id_column()
    reference: Mapped[str] = mapped_column(String(20))
    policy_number: Mapped[str | None] = mapped_column(String(60))
    client_id: Mapped[int] = mapped_column(BigInteger, ForeignKey("tenant.client.id", ondelete="RESTRICT"))
    payer_id: Mapped[int | None] = mapped_column(BigInteger, ForeignKey("tenant.client.id", ondelete="SET NULL"))
    insurer_id: Mapped[int] = mapped_column(BigInteger, ForeignKey("tenant.insurer.id", ondelete="RESTRICT"))
    product_id: Mapped[int | None] = mapped_column(BigInteger, ForeignKey("tenant.product.id", ondelete="SET NULL"))
    offer_id: Mapped[int | None] = mapped_column(BigInteger, ForeignKey("tenant.offer.id", ondelete="SET NULL"))
    line: Mapped[str] = mapped_column(String(20))
    label: Mapped[str] = mapped_column(String(200))
    insured_name: Mapped[str | None] = mapped_column(String(250))
    risk: Mapped[dict] = mapped_column(JSONB, default=dict)
    guarantees: Mapped[list] = mapped_column(JSONB, default=list)
    effective_date: Mapped[date] = mapped_column(Date)
    #: the next main renewal date (échéance principale)
    renewal_date: Mapped[date] = mapped_column(Date)
    term_months: Mapped[int] = mapped_column(Integer, default=12)
    tacit_renewal: Mapped[bool] = mapped_column(Boolean, default=True)
    #: days before the renewal date by which the policyholder must give notice
    notice_days: Mapped[int] = mapped_column(Integer, default=60)
    premium_net: Mapped[Decimal] = mapped_column(Numeric(12, 2))
    fees: Mapped[Decimal] = mapped_column(Numeric(12, 2), default=Decimal("0.00"))
    tax_rate: Mapped[Decimal] = mapped_column(Numeric(5, 2))
    tax: Mapped[Decimal] = mapped_column(Numeric(12, 2))
    total: Mapped[Decimal] = mapped_column(Numeric(12, 2))
    commission_rate: Mapped[Decimal] = mapped_column(Numeric(5, 2), default=Decimal("0.00"))
    instalment_plan: Mapped[str] = mapped_column(String(20), default=InstalmentPlan.ANNUAL.value)
    status: Mapped[str] = mapped_column(String(20), default=ContractStatus.PENDING.value)
    status_reason: Mapped[str | None] = mapped_column(Text)
    status_since: Mapped[date | None] = mapped_column(Date)
    ended_on: Mapped[date | None] = mapped_column(Date)
    handler_id: Mapped[int | None] = mapped_column(BigInteger, ForeignKey("tenant.user.id", ondelete="SET NULL"))
    version: Mapped[int] = mapped_column(Integer, default=1)

    __mapper_args__ = {"version_id_col": version}

    clauses: Mapped[list[ContractClause]] = relationship(
        back_populates="contract", cascade="all, delete-orphan", order_by="ContractClause.position")


class ContractVersion(Timestamps, db.Model):
    """The contract as it stood from ``valid_from`` (inclusive) to
    ``valid_to`` (exclusive, None for the current version)."""

    __tablename__ = "contract_version"
    __table_args__ = (UniqueConstraint("contract_id", "number", name="uq_contract_version_number"),
                      Index("ix_contract_version_dates", "contract_id", "valid_from"))

    id: Mapped[int] = id_column()
    contract_id: Mapped[int] = mapped_column(BigInteger, ForeignKey("tenant.contract.id", ondelete="CASCADE"))
    number: Mapped[int] = mapped_column(Integer)
    valid_from: Mapped[date] = mapped_column(Date)
    valid_to: Mapped[date | None] = mapped_column(Date)
    risk: Mapped[dict] = mapped_column(JSONB, default=dict)
    guarantees: Mapped[list] = mapped_column(JSONB, default=list)
    premium_net: Mapped[Decimal] = mapped_column(Numeric(12, 2))
    fees: Mapped[Decimal] = mapped_column(Numeric(12, 2))
    tax_rate: Mapped[Decimal] = mapped_column(Numeric(5, 2))
    tax: Mapped[Decimal] = mapped_column(Numeric(12, 2))
    total: Mapped[Decimal] = mapped_column(Numeric(12, 2))
    clauses: Mapped[list] = mapped_column(JSONB, default=list)
    endorsement_id: Mapped[int | None] = mapped_column(
        BigInteger, ForeignKey("tenant.endorsement.id", ondelete="SET NULL", use_alter=True,
                               name="fk_contract_version_endorsement"))


class ContractEvent(db.Model):
    """An entry of the contract's timeline: status changes with their reason
    and date, placement answers, endorsements, notices, letters."""

    __tablename__ = "contract_event"
    __table_args__ = (Index("ix_contract_event_contract", "contract_id", "at"),)

    id: Mapped[int] = id_column()
    contract_id: Mapped[int] = mapped_column(BigInteger, ForeignKey("tenant.contract.id", ondelete="CASCADE"))
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    kind: Mapped[str] = mapped_column(String(40))
    from_status: Mapped[str | None] = mapped_column(String(20))
    to_status: Mapped[str | None] = mapped_column(String(20))
    effective_on: Mapped[date | None] = mapped_column(Date)
    summary: Mapped[str] = mapped_column(Text)
    details: Mapped[dict] = mapped_column(JSONB, default=dict)
    actor_id: Mapped[int | None] = mapped_column(BigInteger, ForeignKey("tenant.user.id", ondelete="SET NULL"))
    actor_label: Mapped[str | None] = mapped_column(String(254))


class Clause(Timestamps, db.Model):
    """The firm's library of specific clauses, per line of business."""

    __tablename__ = "clause"
    __table_args__ = (UniqueConstraint("line", "code", name="uq_clause_code"),)

    id: Mapped[int] = id_column()
    line: Mapped[str] = mapped_column(String(20))
    code: Mapped[str] = mapped_column(String(40))
    title: Mapped[str] = mapped_column(String(200))
    text: Mapped[str] = mapped_column(Text)
    is_active: Mapped[bool] = mapped_column(Boolean, default=True)


class ContractClause(Timestamps, db.Model):
    """A specific clause of one contract: copied from the library (then
    editable) or written for it."""

    __tablename__ = "contract_clause"
    __table_args__ = (Index("ix_contract_clause_contract", "contract_id"),)

    id: Mapped[int] = id_column()
    contract_id: Mapped[int] = mapped_column(BigInteger, ForeignKey("tenant.contract.id", ondelete="CASCADE"))
    clause_id: Mapped[int | None] = mapped_column(BigInteger, ForeignKey("tenant.clause.id", ondelete="SET NULL"))
    title: Mapped[str] = mapped_column(String(200))
    text: Mapped[str] = mapped_column(Text)
    position: Mapped[int] = mapped_column(Integer, default=0)

    contract: Mapped[Contract] = relationship(back_populates="clauses")


class Endorsement(Timestamps, db.Model):
    """A change to a contract at a date (avenant) and its pro-rata premium
    adjustment (positive: due by the client; negative: a credit)."""

    __tablename__ = "endorsement"
    __table_args__ = (UniqueConstraint("contract_id", "number", name="uq_endorsement_number"),)

    id: Mapped[int] = id_column()
    contract_id: Mapped[int] = mapped_column(BigInteger, ForeignKey("tenant.contract.id", ondelete="CASCADE"))
    number: Mapped[int] = mapped_column(Integer)
    effective_date: Mapped[date] = mapped_column(Date)
    kind: Mapped[str] = mapped_column(String(20))  # risk, guarantees, premium, other
    description: Mapped[str] = mapped_column(Text)
    previous_premium_net: Mapped[Decimal] = mapped_column(Numeric(12, 2))
    new_premium_net: Mapped[Decimal] = mapped_column(Numeric(12, 2))
    adjustment_net: Mapped[Decimal] = mapped_column(Numeric(12, 2))
    adjustment_tax: Mapped[Decimal] = mapped_column(Numeric(12, 2))
    adjustment_total: Mapped[Decimal] = mapped_column(Numeric(12, 2))
    #: how the adjustment was computed, line by line
    computation: Mapped[list] = mapped_column(JSONB, default=list)
    document_id: Mapped[int | None] = mapped_column(BigInteger, ForeignKey("tenant.document.id", ondelete="SET NULL"))
    message_id: Mapped[int | None] = mapped_column(BigInteger, ForeignKey("tenant.outbox_message.id", ondelete="SET NULL"))
    confirmed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    insurer_reference: Mapped[str | None] = mapped_column(String(60))
    created_by_id: Mapped[int | None] = mapped_column(BigInteger, ForeignKey("tenant.user.id", ondelete="SET NULL"))


class RenewalNotice(Timestamps, db.Model):
    """The notice sent before a tacitly renewed contract's renewal (loi
    Chatel, L113-15-1), with the cancellation deadline it states."""

    __tablename__ = "renewal_notice"
    __table_args__ = (UniqueConstraint("contract_id", "renewal_date", name="uq_renewal_notice"),)

    id: Mapped[int] = id_column()
    contract_id: Mapped[int] = mapped_column(BigInteger, ForeignKey("tenant.contract.id", ondelete="CASCADE"))
    renewal_date: Mapped[date] = mapped_column(Date)
    cancellation_deadline: Mapped[date] = mapped_column(Date)
    sent_on: Mapped[date] = mapped_column(Date)
    #: sent later than 15 days before the deadline: the client may cancel
    #: within 20 days of this sending
    is_late: Mapped[bool] = mapped_column(Boolean, default=False)
    late_cancellation_until: Mapped[date | None] = mapped_column(Date)
    new_premium_net: Mapped[Decimal | None] = mapped_column(Numeric(12, 2))
    document_id: Mapped[int | None] = mapped_column(BigInteger, ForeignKey("tenant.document.id", ondelete="SET NULL"))


class Cancellation(Timestamps, db.Model):
    __tablename__ = "cancellation"
    __table_args__ = (Index("ix_cancellation_contract", "contract_id"),)

    id: Mapped[int] = id_column()
    contract_id: Mapped[int] = mapped_column(BigInteger, ForeignKey("tenant.contract.id", ondelete="CASCADE"))
    ground: Mapped[str] = mapped_column(String(20))
    requested_by: Mapped[str] = mapped_column(String(20))  # client, insurer, broker
    notice_received_on: Mapped[date] = mapped_column(Date)
    effective_on: Mapped[date] = mapped_column(Date)
    refund_net: Mapped[Decimal] = mapped_column(Numeric(12, 2), default=Decimal("0.00"))
    refund_total: Mapped[Decimal] = mapped_column(Numeric(12, 2), default=Decimal("0.00"))
    computation: Mapped[list] = mapped_column(JSONB, default=list)
    reason: Mapped[str | None] = mapped_column(Text)
    letter_id: Mapped[int | None] = mapped_column(BigInteger, ForeignKey("tenant.letter.id", ondelete="SET NULL"))
    message_id: Mapped[int | None] = mapped_column(BigInteger, ForeignKey("tenant.outbox_message.id", ondelete="SET NULL"))
    created_by_id: Mapped[int | None] = mapped_column(BigInteger, ForeignKey("tenant.user.id", ondelete="SET NULL"))


class Attestation(Timestamps, db.Model):
    """A certificate of insurance. ``code`` is what the public verification
    page is asked about; it says only valid / expired / cancelled for the
    named insured and period."""

    __tablename__ = "attestation"
    __table_args__ = (UniqueConstraint("code", name="uq_attestation_code"),
                      Index("ix_attestation_contract", "contract_id"))

    id: Mapped[int] = id_column()
    contract_id: Mapped[int] = mapped_column(BigInteger, ForeignKey("tenant.contract.id", ondelete="CASCADE"))
    code: Mapped[str] = mapped_column(String(40))
    insured_name: Mapped[str] = mapped_column(String(250))
    valid_from: Mapped[date] = mapped_column(Date)
    valid_to: Mapped[date] = mapped_column(Date)
    details: Mapped[dict] = mapped_column(JSONB, default=dict)
    revoked_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    document_id: Mapped[int | None] = mapped_column(BigInteger, ForeignKey("tenant.document.id", ondelete="SET NULL"))
    issued_by_id: Mapped[int | None] = mapped_column(BigInteger, ForeignKey("tenant.user.id", ondelete="SET NULL"))


class LetterTemplate(Timestamps, db.Model):
    """A technical or legal letter with merge fields (``{{ client_name }}``);
    the firm's own wording of a built-in template, or its own template."""

    __tablename__ = "letter_template"
    __table_args__ = (UniqueConstraint("code", name="uq_letter_template_code"),)

    id: Mapped[int] = id_column()
    code: Mapped[str] = mapped_column(String(40))
    title: Mapped[str] = mapped_column(String(200))
    subject: Mapped[str] = mapped_column(String(250))
    body: Mapped[str] = mapped_column(Text)
    is_active: Mapped[bool] = mapped_column(Boolean, default=True)


class Letter(Timestamps, db.Model):
    """A letter as sent: merged, possibly edited, kept as a PDF document."""

    __tablename__ = "letter"
    __table_args__ = (Index("ix_letter_contract", "contract_id"),)

    id: Mapped[int] = id_column()
    contract_id: Mapped[int | None] = mapped_column(BigInteger, ForeignKey("tenant.contract.id", ondelete="CASCADE"))
    client_id: Mapped[int] = mapped_column(BigInteger, ForeignKey("tenant.client.id", ondelete="CASCADE"))
    #: the claim the letter is about, for letters written from a claim's page
    claim_id: Mapped[int | None] = mapped_column(BigInteger, ForeignKey("tenant.claim.id", ondelete="CASCADE",
                                                                        use_alter=True, name="fk_letter_claim"))
    template_code: Mapped[str | None] = mapped_column(String(40))
    subject: Mapped[str] = mapped_column(String(250))
    body: Mapped[str] = mapped_column(Text)
    document_id: Mapped[int | None] = mapped_column(BigInteger, ForeignKey("tenant.document.id", ondelete="SET NULL"))
    sent_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    sent_to: Mapped[str | None] = mapped_column(String(254))
    created_by_id: Mapped[int | None] = mapped_column(BigInteger, ForeignKey("tenant.user.id", ondelete="SET NULL"))

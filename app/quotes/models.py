"""Needs analyses, the offers compared against them, and advice documents."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from enum import StrEnum

from sqlalchemy import (BigInteger, Boolean, Date, DateTime, ForeignKey, Index, Integer, Numeric,
                        String, Text)
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.columns import Timestamps, id_column
from app.extensions import db


class NeedsStatus(StrEnum):
    DRAFT = "draft"
    COMPARED = "compared"
    RECOMMENDED = "recommended"
    ACCEPTED = "accepted"
    CLOSED = "closed"


class OfferSource(StrEnum):
    TARIFF = "tariff"
    MANUAL = "manual"


class NeedsAnalysis(Timestamps, db.Model):
    """The client's risk, the guarantees wanted and the budget, for one line.

    ``risk`` holds the line's attributes (``app.catalog.lines``), typed as
    JSON strings/numbers; ``wanted`` is a list of ``{"code", "ceiling",
    "deductible"}`` (amounts as strings, None when indifferent).
    """

    __tablename__ = "needs_analysis"
    __table_args__ = (Index("ix_needs_analysis_client", "client_id"),)

    id: Mapped[int] = id_column()
    client_id: Mapped[int] = mapped_column(BigInteger, ForeignKey("tenant.client.id", ondelete="CASCADE"))
    line: Mapped[str] = mapped_column(String(20))
    status: Mapped[str] = mapped_column(String(20), default=NeedsStatus.DRAFT.value)
    #: the insured, when not the client (a child's car, a subsidiary's premises)
    insured_name: Mapped[str | None] = mapped_column(String(250))
    risk: Mapped[dict] = mapped_column(JSONB, default=dict)
    wanted: Mapped[list] = mapped_column(JSONB, default=list)
    budget: Mapped[Decimal | None] = mapped_column(Numeric(12, 2))
    wanted_effective_date: Mapped[date | None] = mapped_column(Date)
    notes: Mapped[str | None] = mapped_column(Text)
    #: why the handler goes on although documents or answers are missing
    completeness_waiver: Mapped[str | None] = mapped_column(Text)
    recommended_offer_id: Mapped[int | None] = mapped_column(
        BigInteger, ForeignKey("tenant.offer.id", ondelete="SET NULL", use_alter=True,
                               name="fk_needs_analysis_recommended_offer")
    )
    recommendation_reasons: Mapped[str | None] = mapped_column(Text)
    compared_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    #: why the handler closed it without an accepted offer
    closed_reason: Mapped[str | None] = mapped_column(Text)
    handler_id: Mapped[int | None] = mapped_column(BigInteger, ForeignKey("tenant.user.id", ondelete="SET NULL"))
    version: Mapped[int] = mapped_column(Integer, default=1)

    __mapper_args__ = {"version_id_col": version}

    offers: Mapped[list[Offer]] = relationship(
        back_populates="needs", cascade="all, delete-orphan", order_by="Offer.id",
        foreign_keys="Offer.needs_id",
    )


class Offer(Timestamps, db.Model):
    """A priced proposal for a needs analysis: quoted from a product's tariff,
    or typed in from an insurer's answer outside the system.

    Guarantees are a snapshot (``[{"code", "label", "ceiling", "deductible",
    "exclusions", "included"}]``) so that a later catalog change does not
    rewrite what was compared and recommended; ``breakdown`` is the tariff
    engine's line-by-line explanation (``[{"label", "detail", "amount"}]``,
    the detail structured as ``app.catalog.rules`` describes it, a plain
    English sentence in offers priced before), ``fit`` the fit score's.
    """

    __tablename__ = "offer"
    __table_args__ = (Index("ix_offer_needs", "needs_id"),)

    id: Mapped[int] = id_column()
    needs_id: Mapped[int] = mapped_column(BigInteger, ForeignKey("tenant.needs_analysis.id", ondelete="CASCADE"))
    source: Mapped[str] = mapped_column(String(10))
    product_id: Mapped[int | None] = mapped_column(BigInteger, ForeignKey("tenant.product.id", ondelete="SET NULL"))
    insurer_id: Mapped[int] = mapped_column(BigInteger, ForeignKey("tenant.insurer.id", ondelete="RESTRICT"))
    label: Mapped[str] = mapped_column(String(200))
    premium_net: Mapped[Decimal] = mapped_column(Numeric(12, 2))
    fees: Mapped[Decimal] = mapped_column(Numeric(12, 2), default=Decimal("0.00"))
    tax_rate: Mapped[Decimal] = mapped_column(Numeric(5, 2))
    tax: Mapped[Decimal] = mapped_column(Numeric(12, 2))
    total: Mapped[Decimal] = mapped_column(Numeric(12, 2))
    payment_options: Mapped[list] = mapped_column(JSONB, default=list)
    guarantees: Mapped[list] = mapped_column(JSONB, default=list)
    exclusions: Mapped[str | None] = mapped_column(Text)
    valid_until: Mapped[date | None] = mapped_column(Date)
    document_id: Mapped[int | None] = mapped_column(BigInteger, ForeignKey("tenant.document.id", ondelete="SET NULL"))
    commission_rate: Mapped[Decimal] = mapped_column(Numeric(5, 2))
    commission: Mapped[Decimal] = mapped_column(Numeric(12, 2))
    breakdown: Mapped[list] = mapped_column(JSONB, default=list)
    fit_score: Mapped[int] = mapped_column(Integer, default=0)
    fit: Mapped[list] = mapped_column(JSONB, default=list)
    accepted_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    accepted_by_id: Mapped[int | None] = mapped_column(BigInteger, ForeignKey("tenant.user.id", ondelete="SET NULL"))
    #: how the client accepted (on screen with the handler, signed proposal, email)
    acceptance_note: Mapped[str | None] = mapped_column(Text)
    is_withdrawn: Mapped[bool] = mapped_column(Boolean, default=False)

    needs: Mapped[NeedsAnalysis] = relationship(back_populates="offers", foreign_keys=[needs_id])


class AdviceDocument(Timestamps, db.Model):
    """A generated advice document (DDA, L521-4) and its sending to the client."""

    __tablename__ = "advice_document"
    __table_args__ = (Index("ix_advice_document_needs", "needs_id"),)

    id: Mapped[int] = id_column()
    needs_id: Mapped[int] = mapped_column(BigInteger, ForeignKey("tenant.needs_analysis.id", ondelete="CASCADE"))
    document_id: Mapped[int] = mapped_column(BigInteger, ForeignKey("tenant.document.id", ondelete="CASCADE"))
    offer_id: Mapped[int | None] = mapped_column(BigInteger, ForeignKey("tenant.offer.id", ondelete="SET NULL"))
    generated_by_id: Mapped[int | None] = mapped_column(BigInteger, ForeignKey("tenant.user.id", ondelete="SET NULL"))
    sent_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    sent_to: Mapped[str | None] = mapped_column(String(254))

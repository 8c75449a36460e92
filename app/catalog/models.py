"""The firm's insurer panel and its catalog of products, guarantees and tariffs."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from enum import StrEnum

from sqlalchemy import (BigInteger, Boolean, Date, ForeignKey, Index, Integer, Numeric, String, Text,
                        UniqueConstraint)
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.columns import Timestamps, id_column
from app.extensions import db


class PlacementChannel(StrEnum):
    EMAIL = "email"
    API = "api"


class Insurer(Timestamps, db.Model):
    __tablename__ = "insurer"
    __table_args__ = (UniqueConstraint("name", name="uq_insurer_name"),)

    id: Mapped[int] = id_column()
    name: Mapped[str] = mapped_column(String(150))
    legal_name: Mapped[str | None] = mapped_column(String(250))
    #: registration with the ACPR / trade register (e.g. "RCS Paris 542 110 291")
    registration: Mapped[str | None] = mapped_column(String(100))
    siren: Mapped[str | None] = mapped_column(String(9))
    address_line1: Mapped[str | None] = mapped_column(String(200))
    address_line2: Mapped[str | None] = mapped_column(String(200))
    postal_code: Mapped[str | None] = mapped_column(String(10))
    city: Mapped[str | None] = mapped_column(String(100))
    phone: Mapped[str | None] = mapped_column(String(30))
    website: Mapped[str | None] = mapped_column(String(200))
    claims_email: Mapped[str | None] = mapped_column(String(254))
    placement_channel: Mapped[str] = mapped_column(String(10), default=PlacementChannel.EMAIL.value)
    placement_email: Mapped[str | None] = mapped_column(String(254))
    api_endpoint: Mapped[str | None] = mapped_column(String(500))
    #: shared secret that signs API placements (HMAC-SHA256)
    api_secret: Mapped[str | None] = mapped_column(String(200))
    notes: Mapped[str | None] = mapped_column(Text)
    is_active: Mapped[bool] = mapped_column(Boolean, default=True)
    version: Mapped[int] = mapped_column(Integer, default=1)

    __mapper_args__ = {"version_id_col": version}

    contacts: Mapped[list[InsurerContact]] = relationship(
        back_populates="insurer", cascade="all, delete-orphan", order_by="InsurerContact.id"
    )
    agreements: Mapped[list[CommissionAgreement]] = relationship(
        back_populates="insurer", cascade="all, delete-orphan", order_by="CommissionAgreement.id"
    )


class InsurerContact(Timestamps, db.Model):
    __tablename__ = "insurer_contact"
    __table_args__ = (Index("ix_insurer_contact_insurer", "insurer_id"),)

    id: Mapped[int] = id_column()
    insurer_id: Mapped[int] = mapped_column(BigInteger, ForeignKey("tenant.insurer.id", ondelete="CASCADE"))
    name: Mapped[str] = mapped_column(String(150))
    role: Mapped[str | None] = mapped_column(String(100))
    email: Mapped[str | None] = mapped_column(String(254))
    phone: Mapped[str | None] = mapped_column(String(30))

    insurer: Mapped[Insurer] = relationship(back_populates="contacts")


class CommissionAgreement(Timestamps, db.Model):
    """The firm's commission rates with an insurer, for one line or all lines."""

    __tablename__ = "commission_agreement"
    __table_args__ = (Index("ix_commission_agreement_insurer", "insurer_id"),)

    id: Mapped[int] = id_column()
    insurer_id: Mapped[int] = mapped_column(BigInteger, ForeignKey("tenant.insurer.id", ondelete="CASCADE"))
    line: Mapped[str | None] = mapped_column(String(20))
    #: percent of the net premium, new business and renewals
    new_business_rate: Mapped[Decimal] = mapped_column(Numeric(5, 2))
    renewal_rate: Mapped[Decimal] = mapped_column(Numeric(5, 2))
    starts_on: Mapped[date] = mapped_column(Date)
    ends_on: Mapped[date | None] = mapped_column(Date)
    reference: Mapped[str | None] = mapped_column(String(60))
    #: when the commission is earned: "issue" (the call is issued) or "payment" (the call is paid)
    earned_on: Mapped[str] = mapped_column(String(20), default="issue", server_default="issue")

    insurer: Mapped[Insurer] = relationship(back_populates="agreements")


class LineSetting(Timestamps, db.Model):
    """The firm's settings for a line: its own insurance tax rate, and the
    indexation of premiums at renewal."""

    __tablename__ = "line_setting"

    line: Mapped[str] = mapped_column(String(20), primary_key=True)
    tax_rate: Mapped[Decimal] = mapped_column(Numeric(5, 2))
    #: yearly premium indexation applied at renewal, in percent
    index_rate: Mapped[Decimal] = mapped_column(Numeric(5, 2), default=Decimal("0.00"), server_default="0")


class Product(Timestamps, db.Model):
    """An insurer's offer for one line of business, with its tariff.

    ``tariff`` is declarative data (see ``app.catalog.rules``), validated on
    save; ``eligibility`` is a list of conditions on the risk's attributes
    in the same vocabulary. Neither is ever evaluated as code.
    """

    __tablename__ = "product"
    __table_args__ = (
        Index("ix_product_line", "line", "is_active"),
        UniqueConstraint("insurer_id", "code", name="uq_product_code"),
    )

    id: Mapped[int] = id_column()
    insurer_id: Mapped[int] = mapped_column(BigInteger, ForeignKey("tenant.insurer.id", ondelete="RESTRICT"))
    line: Mapped[str] = mapped_column(String(20))
    code: Mapped[str] = mapped_column(String(40))
    name: Mapped[str] = mapped_column(String(150))
    description: Mapped[str | None] = mapped_column(Text)
    commission_rate: Mapped[Decimal] = mapped_column(Numeric(5, 2))
    #: instalment frequencies the insurer accepts: annual, half_yearly, quarterly, monthly
    payment_options: Mapped[list] = mapped_column(JSONB, default=list)
    eligibility: Mapped[list] = mapped_column(JSONB, default=list)
    tariff: Mapped[dict] = mapped_column(JSONB, default=dict)
    is_active: Mapped[bool] = mapped_column(Boolean, default=True)
    version: Mapped[int] = mapped_column(Integer, default=1)

    __mapper_args__ = {"version_id_col": version}

    insurer: Mapped[Insurer] = relationship()
    guarantees: Mapped[list[Guarantee]] = relationship(
        back_populates="product", cascade="all, delete-orphan", order_by="Guarantee.position"
    )


class Guarantee(Timestamps, db.Model):
    """A cover within a product: ceiling, deductible, exclusions; an option
    when the client may add it for an extra premium."""

    __tablename__ = "guarantee"
    __table_args__ = (UniqueConstraint("product_id", "code", name="uq_guarantee_code"),)

    id: Mapped[int] = id_column()
    product_id: Mapped[int] = mapped_column(BigInteger, ForeignKey("tenant.product.id", ondelete="CASCADE"))
    code: Mapped[str] = mapped_column(String(40))
    label: Mapped[str] = mapped_column(String(150))
    ceiling: Mapped[Decimal | None] = mapped_column(Numeric(14, 2))
    deductible: Mapped[Decimal | None] = mapped_column(Numeric(12, 2))
    exclusions: Mapped[str | None] = mapped_column(Text)
    is_option: Mapped[bool] = mapped_column(Boolean, default=False)
    option_premium: Mapped[Decimal | None] = mapped_column(Numeric(12, 2))
    position: Mapped[int] = mapped_column(Integer, default=0)

    product: Mapped[Product] = relationship(back_populates="guarantees")

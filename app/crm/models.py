"""Clients (individuals and businesses), their contacts, timeline and tasks."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from enum import StrEnum

from sqlalchemy import (BigInteger, Boolean, Date, DateTime, ForeignKey, Index, Integer, Numeric,
                        String, Text, UniqueConstraint)
from sqlalchemy.dialects.postgresql import JSONB, TSVECTOR
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.columns import Timestamps, id_column
from app.extensions import db


class ClientKind(StrEnum):
    INDIVIDUAL = "individual"
    BUSINESS = "business"


class ClientStatus(StrEnum):
    PROSPECT = "prospect"
    CUSTOMER = "customer"
    FORMER = "former"


class AmlRisk(StrEnum):
    LOW = "low"
    MEDIUM = "medium"
    HIGH = "high"


class InteractionKind(StrEnum):
    CALL = "call"
    EMAIL = "email"
    LETTER = "letter"
    VISIT = "visit"
    NOTE = "note"


class Client(Timestamps, db.Model):
    """A person or a business the firm advises (prospect or customer).

    ``search_vector`` is maintained by the application from an accent-free,
    lower-case text of the name, email, phone, city, SIREN and reference, so
    that search needs no ``unaccent``/``pg_trgm`` extension: PostgreSQL's own
    full-text search with the ``simple`` configuration and prefix queries
    (``dupo:*``), on a GIN index. ``sort_name`` is the same normalisation of
    the display name, for accent-insensitive sorting.
    """

    __tablename__ = "client"
    __table_args__ = (
        Index("ix_client_search", "search_vector", postgresql_using="gin"),
        Index("ix_client_sort_name", "sort_name", "id"),
        Index("ix_client_siren", "siren"),
        Index("ix_client_handler", "handler_id"),
        Index("ix_client_city", "city"),
        UniqueConstraint("reference", name="uq_client_reference"),
    )

    id: Mapped[int] = id_column()
    reference: Mapped[str] = mapped_column(String(20))
    kind: Mapped[str] = mapped_column(String(20))
    status: Mapped[str] = mapped_column(String(20), default=ClientStatus.PROSPECT.value)
    display_name: Mapped[str] = mapped_column(String(250))
    sort_name: Mapped[str] = mapped_column(String(250))
    search_vector: Mapped[str | None] = mapped_column(TSVECTOR, deferred=True)

    # individuals
    civility: Mapped[str | None] = mapped_column(String(10))
    first_name: Mapped[str | None] = mapped_column(String(100))
    last_name: Mapped[str | None] = mapped_column(String(100))
    birth_date: Mapped[date | None] = mapped_column(Date)
    profession: Mapped[str | None] = mapped_column(String(150))
    family_status: Mapped[str | None] = mapped_column(String(20))

    # businesses
    legal_name: Mapped[str | None] = mapped_column(String(250))
    siren: Mapped[str | None] = mapped_column(String(9))
    siret: Mapped[str | None] = mapped_column(String(14))
    naf_code: Mapped[str | None] = mapped_column(String(6))
    legal_form: Mapped[str | None] = mapped_column(String(60))
    turnover: Mapped[Decimal | None] = mapped_column(Numeric(14, 2))
    headcount: Mapped[int | None] = mapped_column(Integer)

    # contact details
    email: Mapped[str | None] = mapped_column(String(254))
    phone: Mapped[str | None] = mapped_column(String(30))
    address_line1: Mapped[str | None] = mapped_column(String(200))
    address_line2: Mapped[str | None] = mapped_column(String(200))
    postal_code: Mapped[str | None] = mapped_column(String(10))
    city: Mapped[str | None] = mapped_column(String(100))
    country: Mapped[str] = mapped_column(String(2), default="FR")

    #: who pays, when not the client itself (a parent, a holding company)
    payer_id: Mapped[int | None] = mapped_column(BigInteger, ForeignKey("tenant.client.id", ondelete="SET NULL"))
    handler_id: Mapped[int | None] = mapped_column(BigInteger, ForeignKey("tenant.user.id", ondelete="SET NULL"))

    # anti-money-laundering record (LCB-FT)
    aml_risk: Mapped[str | None] = mapped_column(String(10))
    aml_reason: Mapped[str | None] = mapped_column(Text)
    aml_checks: Mapped[str | None] = mapped_column(Text)
    aml_checked_on: Mapped[date | None] = mapped_column(Date)

    # GDPR consent to marketing
    marketing_consent: Mapped[bool] = mapped_column(Boolean, default=False)
    marketing_consent_on: Mapped[date | None] = mapped_column(Date)

    #: lines of business the client says it holds with another broker or insurer
    held_elsewhere: Mapped[list] = mapped_column(JSONB, default=list)
    notes: Mapped[str | None] = mapped_column(Text)
    version: Mapped[int] = mapped_column(Integer, default=1)

    __mapper_args__ = {"version_id_col": version}

    contacts: Mapped[list[Contact]] = relationship(
        back_populates="client", cascade="all, delete-orphan", order_by="Contact.id"
    )
    payer: Mapped[Client | None] = relationship(remote_side=[id], foreign_keys=[payer_id])

    @property
    def is_business(self) -> bool:
        return self.kind == ClientKind.BUSINESS


class Contact(Timestamps, db.Model):
    """A named person of a business client (interlocuteur) and their role."""

    __tablename__ = "contact"
    __table_args__ = (Index("ix_contact_client", "client_id"),)

    id: Mapped[int] = id_column()
    client_id: Mapped[int] = mapped_column(BigInteger, ForeignKey("tenant.client.id", ondelete="CASCADE"))
    civility: Mapped[str | None] = mapped_column(String(10))
    first_name: Mapped[str | None] = mapped_column(String(100))
    last_name: Mapped[str] = mapped_column(String(100))
    role: Mapped[str | None] = mapped_column(String(100))
    email: Mapped[str | None] = mapped_column(String(254))
    phone: Mapped[str | None] = mapped_column(String(30))
    is_primary: Mapped[bool] = mapped_column(Boolean, default=False)

    client: Mapped[Client] = relationship(back_populates="contacts")


class Interaction(Timestamps, db.Model):
    """An entry of the client's timeline: a call, email, letter or visit."""

    __tablename__ = "interaction"
    __table_args__ = (Index("ix_interaction_client", "client_id", "occurred_at"),)

    id: Mapped[int] = id_column()
    client_id: Mapped[int] = mapped_column(BigInteger, ForeignKey("tenant.client.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(20))
    direction: Mapped[str | None] = mapped_column(String(10))
    occurred_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    subject: Mapped[str] = mapped_column(String(200))
    asked: Mapped[str | None] = mapped_column(Text)
    answered: Mapped[str | None] = mapped_column(Text)
    author_id: Mapped[int | None] = mapped_column(BigInteger, ForeignKey("tenant.user.id", ondelete="SET NULL"))


class Task(Timestamps, db.Model):
    """A dated follow-up for a handler, usually about a client."""

    __tablename__ = "task"
    __table_args__ = (Index("ix_task_assignee", "assignee_id", "done_at", "due_on"),
                      Index("ix_task_client", "client_id"),
                      Index("ix_task_source", "source_type", "source_id"))

    id: Mapped[int] = id_column()
    client_id: Mapped[int | None] = mapped_column(BigInteger, ForeignKey("tenant.client.id", ondelete="CASCADE"))
    title: Mapped[str] = mapped_column(String(200))
    details: Mapped[str | None] = mapped_column(Text)
    due_on: Mapped[date | None] = mapped_column(Date)
    assignee_id: Mapped[int | None] = mapped_column(BigInteger, ForeignKey("tenant.user.id", ondelete="SET NULL"))
    created_by_id: Mapped[int | None] = mapped_column(BigInteger, ForeignKey("tenant.user.id", ondelete="SET NULL"))
    done_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    #: what the task follows up: ("claim", 12), ("complaint", 3), ("placement", 7), ("client_request", 5),
    #: ("dispute", 2)...; None for a task written by hand about a client
    source_type: Mapped[str | None] = mapped_column(String(30))
    source_id: Mapped[int | None] = mapped_column(BigInteger)
    #: low, normal, high, urgent (app.tasks.rules.Priority)
    priority: Mapped[str] = mapped_column(String(10), default="normal", server_default="normal")


class CrossSellDismissal(Timestamps, db.Model):
    """A cross-selling suggestion the handler set aside, and why."""

    __tablename__ = "cross_sell_dismissal"
    __table_args__ = (UniqueConstraint("client_id", "rule", name="uq_cross_sell_dismissal"),)

    id: Mapped[int] = id_column()
    client_id: Mapped[int] = mapped_column(BigInteger, ForeignKey("tenant.client.id", ondelete="CASCADE"))
    rule: Mapped[str] = mapped_column(String(40))
    reason: Mapped[str] = mapped_column(Text)
    dismissed_by_id: Mapped[int | None] = mapped_column(BigInteger, ForeignKey("tenant.user.id", ondelete="SET NULL"))

"""The firm's network of providers (prestataires): experts (loss
adjusters), garages, craftsmen, lawyers and others, with their specialties
and the areas (French départements) they work in."""

from __future__ import annotations

from enum import StrEnum

from sqlalchemy import Boolean, Index, Integer, String, Text
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.orm import Mapped, mapped_column

from app.columns import Timestamps, id_column
from app.extensions import db


class ProviderKind(StrEnum):
    EXPERT = "expert"
    GARAGE = "garage"
    CRAFTSMAN = "craftsman"
    LAWYER = "lawyer"
    OTHER = "other"


class Provider(Timestamps, db.Model):
    __tablename__ = "provider"
    __table_args__ = (Index("ix_provider_kind_active", "kind", "is_active"),
                      Index("ix_provider_areas", "areas", postgresql_using="gin"),
                      Index("ix_provider_specialties", "specialties", postgresql_using="gin"))

    id: Mapped[int] = id_column()
    kind: Mapped[str] = mapped_column(String(20))
    name: Mapped[str] = mapped_column(String(200))
    #: the person to write to, for a firm of experts or a law firm
    contact_name: Mapped[str | None] = mapped_column(String(200))
    email: Mapped[str | None] = mapped_column(String(254))
    phone: Mapped[str | None] = mapped_column(String(30))
    address: Mapped[str | None] = mapped_column(String(400))
    siren: Mapped[str | None] = mapped_column(String(9))
    #: what they do: lines of business or trades (e.g. "motor", "home", "plumbing", "construction")
    specialties: Mapped[list[str]] = mapped_column(ARRAY(String(40)), default=list)
    #: French départements served ("75", "92", "2A"...)
    areas: Mapped[list[str]] = mapped_column(ARRAY(String(3)), default=list)
    notes: Mapped[str | None] = mapped_column(Text)
    is_active: Mapped[bool] = mapped_column(Boolean, default=True)
    version: Mapped[int] = mapped_column(Integer, default=1)

    __mapper_args__ = {"version_id_col": version}

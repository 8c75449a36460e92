"""A claim's disputes: mediation (proposals and counter-proposals until a
compromise) and litigation (lawyer, court, hearings, outcome)."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from enum import StrEnum

from sqlalchemy import BigInteger, Date, DateTime, ForeignKey, Index, Integer, Numeric, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from app.columns import Timestamps, id_column
from app.extensions import db


class DisputeOrigin(StrEnum):
    CLIENT_CONTESTS = "client_contests"   # the client disputes the outcome
    THIRD_PARTY_SUES = "third_party_sues"


class DisputeStage(StrEnum):
    MEDIATION = "mediation"
    LITIGATION = "litigation"
    CLOSED = "closed"


class ClaimDispute(Timestamps, db.Model):
    """A dispute about a claim: mediation first (proposals and
    counter-proposals until a compromise), then litigation (lawyer, court,
    hearings, outcome)."""

    __tablename__ = "claim_dispute"
    __table_args__ = (Index("ix_claim_dispute_claim", "claim_id"),)

    id: Mapped[int] = id_column()
    claim_id: Mapped[int] = mapped_column(BigInteger, ForeignKey("tenant.claim.id", ondelete="CASCADE"))
    origin: Mapped[str] = mapped_column(String(30))
    stage: Mapped[str] = mapped_column(String(20), default=DisputeStage.MEDIATION.value)
    summary: Mapped[str] = mapped_column(Text)
    opened_on: Mapped[date] = mapped_column(Date)
    mediator: Mapped[str | None] = mapped_column(String(200))
    compromise_amount: Mapped[Decimal | None] = mapped_column(Numeric(12, 2))
    compromise_on: Mapped[date | None] = mapped_column(Date)
    lawyer_id: Mapped[int | None] = mapped_column(BigInteger, ForeignKey("tenant.provider.id", ondelete="RESTRICT"))
    court: Mapped[str | None] = mapped_column(String(200))
    case_number: Mapped[str | None] = mapped_column(String(60))
    litigation_started_on: Mapped[date | None] = mapped_column(Date)
    outcome: Mapped[str | None] = mapped_column(Text)
    awarded_amount: Mapped[Decimal | None] = mapped_column(Numeric(12, 2))
    closed_on: Mapped[date | None] = mapped_column(Date)
    version: Mapped[int] = mapped_column(Integer, default=1)

    __mapper_args__ = {"version_id_col": version}


class ProposalSide(StrEnum):
    FIRM = "firm"              # the firm or the insurer it speaks for
    CLIENT = "client"
    THIRD_PARTY = "third_party"


class DisputeProposal(Timestamps, db.Model):
    """A proposal or counter-proposal in mediation; accepting one closes the
    mediation with the compromise."""

    __tablename__ = "dispute_proposal"
    __table_args__ = (Index("ix_dispute_proposal_dispute", "dispute_id", "made_on"),)

    id: Mapped[int] = id_column()
    dispute_id: Mapped[int] = mapped_column(BigInteger, ForeignKey("tenant.claim_dispute.id", ondelete="CASCADE"))
    side: Mapped[str] = mapped_column(String(20))
    amount: Mapped[Decimal] = mapped_column(Numeric(12, 2))
    made_on: Mapped[date] = mapped_column(Date)
    note: Mapped[str | None] = mapped_column(Text)
    #: open, accepted, refused, superseded
    status: Mapped[str] = mapped_column(String(20), default="open")
    created_by_id: Mapped[int | None] = mapped_column(BigInteger, ForeignKey("tenant.user.id", ondelete="SET NULL"))


class DisputeHearing(Timestamps, db.Model):
    """A hearing or another dated step of litigation, with its task."""

    __tablename__ = "dispute_hearing"
    __table_args__ = (Index("ix_dispute_hearing_dispute", "dispute_id", "at"),)

    id: Mapped[int] = id_column()
    dispute_id: Mapped[int] = mapped_column(BigInteger, ForeignKey("tenant.claim_dispute.id", ondelete="CASCADE"))
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    kind: Mapped[str] = mapped_column(String(30))  # hearing, filing_deadline, expert_meeting, judgment
    place: Mapped[str | None] = mapped_column(String(200))
    note: Mapped[str | None] = mapped_column(Text)
    task_id: Mapped[int | None] = mapped_column(BigInteger, ForeignKey("tenant.task.id", ondelete="SET NULL"))

"""Complaints (réclamations): a client's expression of dissatisfaction with
the firm or with an insurer, received from the portal, by email, phone or
letter, acknowledged and answered within the deadlines of ACPR
recommendation 2022-R-01. The complaints issue grows this record (dashboard,
alerts, answer letter naming the mediator, yearly register)."""

from __future__ import annotations

from datetime import date
from enum import StrEnum

from sqlalchemy import BigInteger, CheckConstraint, Date, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from app.columns import Timestamps, id_column
from app.extensions import db


class ComplaintStatus(StrEnum):
    OPEN = "open"                  # received, not yet acknowledged
    ACKNOWLEDGED = "acknowledged"  # acknowledged, answer pending
    ANSWERED = "answered"          # the firm's answer is given
    CLOSED = "closed"              # nothing more to do


class ComplaintChannel(StrEnum):
    PORTAL = "portal"
    EMAIL = "email"
    PHONE = "phone"
    LETTER = "letter"


class ComplaintOutcome(StrEnum):
    UPHELD = "upheld"                # the client is right: remedy given
    PARTLY_UPHELD = "partly_upheld"
    REJECTED = "rejected"            # the answer names the mediator


class ComplaintAbout(StrEnum):
    FIRM = "firm"
    INSURER = "insurer"


class Complaint(Timestamps, db.Model):
    __tablename__ = "complaint"
    __table_args__ = (
        UniqueConstraint("reference", name="uq_complaint_reference"),
        CheckConstraint("about <> 'insurer' OR insurer_id IS NOT NULL", name="ck_complaint_insurer"),
        Index("ix_complaint_status_answer_by", "status", "answer_by"),
        Index("ix_complaint_client", "client_id"),
    )

    id: Mapped[int] = id_column()
    reference: Mapped[str] = mapped_column(String(20))
    client_id: Mapped[int] = mapped_column(BigInteger, ForeignKey("tenant.client.id", ondelete="RESTRICT"))
    contract_id: Mapped[int | None] = mapped_column(BigInteger, ForeignKey("tenant.contract.id",
                                                                           ondelete="RESTRICT"))
    #: the portal account that filed it, if filed from the portal
    account_id: Mapped[int | None] = mapped_column(BigInteger, ForeignKey("tenant.portal_account.id",
                                                                          ondelete="SET NULL"))
    channel: Mapped[str] = mapped_column(String(20))
    about: Mapped[str] = mapped_column(String(10))
    insurer_id: Mapped[int | None] = mapped_column(BigInteger, ForeignKey("tenant.insurer.id", ondelete="RESTRICT"))
    subject: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text)
    received_on: Mapped[date] = mapped_column(Date)
    acknowledge_by: Mapped[date] = mapped_column(Date)
    answer_by: Mapped[date] = mapped_column(Date)
    acknowledged_on: Mapped[date | None] = mapped_column(Date)
    answered_on: Mapped[date | None] = mapped_column(Date)
    answer: Mapped[str | None] = mapped_column(Text)
    #: the answer's outcome (ComplaintOutcome); a rejection's letter names the mediator
    outcome: Mapped[str | None] = mapped_column(String(20))
    answer_letter_id: Mapped[int | None] = mapped_column(BigInteger, ForeignKey("tenant.letter.id",
                                                                                ondelete="SET NULL"))
    #: the claim the complaint is about, if any
    claim_id: Mapped[int | None] = mapped_column(BigInteger, ForeignKey("tenant.claim.id", ondelete="SET NULL"))
    #: when the handler was last alerted that a deadline is near (one alert per step)
    acknowledge_alert_on: Mapped[date | None] = mapped_column(Date)
    answer_alert_on: Mapped[date | None] = mapped_column(Date)
    status: Mapped[str] = mapped_column(String(20), default=ComplaintStatus.OPEN.value)
    handler_id: Mapped[int | None] = mapped_column(BigInteger, ForeignKey("tenant.user.id", ondelete="SET NULL"))
    #: the handler's current task: acknowledge, then answer
    task_id: Mapped[int | None] = mapped_column(BigInteger, ForeignKey("tenant.task.id", ondelete="SET NULL"))
    version: Mapped[int] = mapped_column(Integer, default=1)

    __mapper_args__ = {"version_id_col": version}

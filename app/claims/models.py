"""Claims (sinistres): the declaration as the client or the handler made it,
its attachments and messages, the timeline of its handling, the cover
check's and liability's fields, the liability grid and experts' missions.
The money of a claim is in ``settlement_models``, its disputes in
``dispute_models``."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from enum import StrEnum

from sqlalchemy import (BigInteger, Boolean, CheckConstraint, Date, DateTime, ForeignKey, Index, Integer, Numeric,
                        String, Text, UniqueConstraint)
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


class InsurerDecision(StrEnum):
    ACCEPTED = "accepted"      # the insurer takes the claim under the contract
    PARTIAL = "partial"        # accepted in part
    REFUSED = "refused"        # cover refused


class CoverVerdict(StrEnum):
    COVERED = "covered"
    PARTIAL = "partial"
    NOT_COVERED = "not_covered"


class ClosureReason(StrEnum):
    SETTLED = "settled"              # indemnity paid in full
    NO_COVER = "no_cover"            # not covered by the contract
    WITHDRAWN = "withdrawn"          # the client withdrew the claim
    BELOW_DEDUCTIBLE = "below_deductible"
    NO_FOLLOW_UP = "no_follow_up"    # the client never sent what was needed
    OTHER = "other"


class AttachmentCategory(StrEnum):
    DECLARATION = "declaration"      # photos and papers of the declaration or of messages
    MISSION_LETTER = "mission_letter"
    EXPERT_REPORT = "expert_report"
    INVOICE = "invoice"              # quotes and invoices of repairs
    LETTER = "letter"                # a letter from the templates, as sent
    LITIGATION = "litigation"        # papers for mediators, lawyers and courts
    INSURER = "insurer"              # a document the insurer sent
    OTHER = "other"


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
        Index("ix_claim_handler_status", "handler_id", "status"),
        Index("ix_claim_line_status", "line", "status"),
        # the queue (app.claims.queue): its sorts and filters read these in order, a page at a time
        Index("ix_claim_declared", "declared_on", "id"),
        Index("ix_claim_reserve", "reserve", "id"),
        Index("ix_claim_handler_declared", "handler_id", "declared_on", "id"),
        Index("ix_claim_line_declared", "line", "declared_on", "id"),
        Index("ix_claim_insurer_reference", "insurer_reference",
              postgresql_ops={"insurer_reference": "varchar_pattern_ops"}),
        CheckConstraint("liability_share IS NULL OR liability_share IN (0, 25, 50, 75, 100)",
                        name="ck_claim_liability_share"),
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
    #: the insurer's side: when it acknowledged the notice, its decision on cover and why
    insurer_acknowledged_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    insurer_decision: Mapped[str | None] = mapped_column(String(20))  # InsurerDecision
    insurer_decision_note: Mapped[str | None] = mapped_column(Text)
    #: the claim notice sent to the insurer through the outbox
    notice_message_id: Mapped[int | None] = mapped_column(
        BigInteger, ForeignKey("tenant.outbox_message.id", ondelete="SET NULL"))
    #: the guarantee of the contract (its code in the version on the date of loss) the loss falls under
    guarantee_code: Mapped[str | None] = mapped_column(String(40))
    #: the cover check: what the system proposed (``CoverVerdict`` and the clauses relied on), then the handler's call
    cover_proposal: Mapped[dict | None] = mapped_column(JSONB)
    cover_decision: Mapped[str | None] = mapped_column(String(20))  # CoverVerdict
    cover_override_reason: Mapped[str | None] = mapped_column(Text)
    cover_checked_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    cover_checked_by_id: Mapped[int | None] = mapped_column(BigInteger, ForeignKey("tenant.user.id",
                                                                                   ondelete="SET NULL"))
    #: the insured's share of liability, in percent (0, 25, 50, 75, 100), and the case supporting it
    liability_share: Mapped[int | None] = mapped_column(Integer)
    liability_case_id: Mapped[int | None] = mapped_column(
        BigInteger, ForeignKey("tenant.liability_case.id", ondelete="SET NULL"))
    liability_note: Mapped[str | None] = mapped_column(Text)
    #: the current reserve (provision); ``ClaimReserve`` keeps its history
    reserve: Mapped[Decimal] = mapped_column(Numeric(12, 2), default=Decimal("0.00"))
    #: the indemnity computed from the agreed damages, and its line-by-line explanation
    indemnity: Mapped[Decimal | None] = mapped_column(Numeric(12, 2))
    indemnity_explanation: Mapped[list | None] = mapped_column(JSONB)
    indemnity_computed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    #: sum of the payments made on the claim (kept with each payment, for the queue's amount filter)
    paid_total: Mapped[Decimal] = mapped_column(Numeric(12, 2), default=Decimal("0.00"))
    closed_on: Mapped[date | None] = mapped_column(Date)
    closed_reason: Mapped[str | None] = mapped_column(String(30))  # ClosureReason
    closed_note: Mapped[str | None] = mapped_column(Text)
    reopened_count: Mapped[int] = mapped_column(Integer, default=0)
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
    #: what it is: AttachmentCategory (photo or document of the declaration, expert's report, letter...)
    category: Mapped[str] = mapped_column(String(30), default="declaration")
    #: shown in the client's space: the client's own files and what the firm shares; experts' reports,
    #: mission letters and litigation papers stay in the workspace unless the handler shares them
    visible_to_client: Mapped[bool] = mapped_column(Boolean, default=True)


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


class ClaimEvent(db.Model):
    """An entry of the claim's timeline: every step of its handling, by the
    firm, the client, the insurer or a job. Written by
    :func:`app.claims.timeline.record`, never edited."""

    __tablename__ = "claim_event"
    __table_args__ = (Index("ix_claim_event_claim", "claim_id", "at"),)

    id: Mapped[int] = id_column()
    claim_id: Mapped[int] = mapped_column(BigInteger, ForeignKey("tenant.claim.id", ondelete="CASCADE"))
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    #: e.g. declared, notice_sent, insurer_ack, cover_checked, expert_sent, report_received, liability_set,
    #: damage_added, reserve_set, indemnity_computed, payment, recourse, closed, reopened, mediation, hearing
    kind: Mapped[str] = mapped_column(String(40))
    summary: Mapped[str] = mapped_column(Text)
    details: Mapped[dict] = mapped_column(JSONB, default=dict)
    #: "firm", "client", "insurer" or "system"
    side: Mapped[str] = mapped_column(String(10), default="firm")
    actor_id: Mapped[int | None] = mapped_column(BigInteger, ForeignKey("tenant.user.id", ondelete="SET NULL"))
    actor_label: Mapped[str | None] = mapped_column(String(254))


class LiabilityCase(Timestamps, db.Model):
    """A standard case of accident between two vehicles, in the manner of
    the IRSA convention's grid: the shares of liability of vehicle A (the
    insured) and vehicle B. The grid is data: the firm edits it."""

    __tablename__ = "liability_case"
    __table_args__ = (UniqueConstraint("code", name="uq_liability_case_code"),
                      CheckConstraint("share_a IN (0, 25, 50, 75, 100) AND share_b IN (0, 25, 50, 75, 100)",
                                      name="ck_liability_case_shares"))

    id: Mapped[int] = id_column()
    code: Mapped[str] = mapped_column(String(10))
    title: Mapped[str] = mapped_column(String(200))
    description: Mapped[str | None] = mapped_column(Text)
    share_a: Mapped[int] = mapped_column(Integer)
    share_b: Mapped[int] = mapped_column(Integer)
    position: Mapped[int] = mapped_column(Integer, default=0)
    is_active: Mapped[bool] = mapped_column(Boolean, default=True)
    version: Mapped[int] = mapped_column(Integer, default=1)

    __mapper_args__ = {"version_id_col": version}


class MissionStatus(StrEnum):
    SENT = "sent"                    # mission letter sent, no appointment yet
    SCHEDULED = "scheduled"          # appointment date known
    REPORTED = "reported"            # report received
    CANCELLED = "cancelled"


class ExpertMission(Timestamps, db.Model):
    """An expert (or another provider) sent on a claim: the mission letter,
    the appointment, reminders while no report comes, the report and its
    conclusions."""

    __tablename__ = "expert_mission"
    __table_args__ = (Index("ix_expert_mission_claim", "claim_id"),
                      Index("ix_expert_mission_due", "status", "report_due_on"))

    id: Mapped[int] = id_column()
    claim_id: Mapped[int] = mapped_column(BigInteger, ForeignKey("tenant.claim.id", ondelete="CASCADE"))
    provider_id: Mapped[int] = mapped_column(BigInteger, ForeignKey("tenant.provider.id", ondelete="RESTRICT"))
    status: Mapped[str] = mapped_column(String(20), default=MissionStatus.SENT.value)
    instructions: Mapped[str] = mapped_column(Text)
    sent_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    letter_attachment_id: Mapped[int | None] = mapped_column(
        BigInteger, ForeignKey("tenant.claim_attachment.id", ondelete="SET NULL"))
    appointment_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    report_due_on: Mapped[date] = mapped_column(Date)
    reminders_sent: Mapped[int] = mapped_column(Integer, default=0)
    last_reminder_on: Mapped[date | None] = mapped_column(Date)
    report_attachment_id: Mapped[int | None] = mapped_column(
        BigInteger, ForeignKey("tenant.claim_attachment.id", ondelete="SET NULL"))
    report_received_on: Mapped[date | None] = mapped_column(Date)
    #: the report's conclusions: the cause, the damage as assessed, the expert's opinion on liability (percent)
    cause: Mapped[str | None] = mapped_column(Text)
    assessed_amount: Mapped[Decimal | None] = mapped_column(Numeric(12, 2))
    liability_opinion: Mapped[int | None] = mapped_column(Integer)
    conclusions: Mapped[str | None] = mapped_column(Text)
    created_by_id: Mapped[int | None] = mapped_column(BigInteger, ForeignKey("tenant.user.id", ondelete="SET NULL"))
    #: the handler's open task about this mission (the report's due date, then the escalation), done with it
    task_id: Mapped[int | None] = mapped_column(BigInteger, ForeignKey("tenant.task.id", ondelete="SET NULL"))
    version: Mapped[int] = mapped_column(Integer, default=1)

    __mapper_args__ = {"version_id_col": version}

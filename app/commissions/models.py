"""Commissions: a line per premium call, shares of introducers and producers,
their payouts, and the insurers' statements (bordereaux) reconciled with the
lines.

A commission line is computed on the call's net premium at the contract's
rate (its override, else the product's or the agreement's), kept as it was
when computed. It is ``expected`` until earned (on issue or on payment, as the
insurer agreement says), and reversed, in full or in part, when the premium
is refunded or the call cancelled: ``reversed_amount`` says how much.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from enum import StrEnum

from sqlalchemy import BigInteger, Boolean, Date, ForeignKey, Index, Integer, Numeric, String, Text, UniqueConstraint
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import Mapped, mapped_column

from app.columns import Timestamps, id_column
from app.extensions import db

ZERO = Decimal("0.00")

__all__ = ["Beneficiary", "BeneficiaryKind", "CommissionDispute", "CommissionLine", "CommissionLineStatus",
           "CommissionShare", "ContractBeneficiary", "DisputeNote", "DisputeStatus", "InsurerStatement", "Payout",
           "PayoutStatus", "ShareRule", "StatementLine", "StatementMapping"]


class CommissionLineStatus(StrEnum):
    EXPECTED = "expected"
    EARNED = "earned"
    REVERSED = "reversed"


class CommissionLine(Timestamps, db.Model):
    """The firm's commission on one premium call."""

    __tablename__ = "commission_line"
    __table_args__ = (
        UniqueConstraint("call_id", name="uq_commission_line_call"),
        Index("ix_commission_line_insurer_due", "insurer_id", "due_date"),
        Index("ix_commission_line_contract", "contract_id"),
    )

    id: Mapped[int] = id_column()
    call_id: Mapped[int] = mapped_column(BigInteger, ForeignKey("tenant.premium_call.id", ondelete="CASCADE"))
    contract_id: Mapped[int] = mapped_column(BigInteger, ForeignKey("tenant.contract.id", ondelete="CASCADE"))
    insurer_id: Mapped[int] = mapped_column(BigInteger, ForeignKey("tenant.insurer.id", ondelete="RESTRICT"))
    product_id: Mapped[int | None] = mapped_column(BigInteger, ForeignKey("tenant.product.id", ondelete="SET NULL"))
    line: Mapped[str] = mapped_column(String(20))
    due_date: Mapped[date] = mapped_column(Date)
    #: the net premium the rate applies to (negative for a credit note)
    base_net: Mapped[Decimal] = mapped_column(Numeric(12, 2))
    rate: Mapped[Decimal] = mapped_column(Numeric(5, 2))
    amount: Mapped[Decimal] = mapped_column(Numeric(12, 2))
    #: "issue" or "payment", copied from the agreement when the line was made
    earned_when: Mapped[str] = mapped_column(String(20), default="issue")
    status: Mapped[str] = mapped_column(String(20), default=CommissionLineStatus.EXPECTED.value)
    earned_on: Mapped[date | None] = mapped_column(Date)
    reversed_amount: Mapped[Decimal] = mapped_column(Numeric(12, 2), default=ZERO)
    reversed_on: Mapped[date | None] = mapped_column(Date)


class BeneficiaryKind(StrEnum):
    INTRODUCER = "introducer"   # apporteur d'affaires, outside the firm
    PRODUCER = "producer"       # a producer inside the firm


class Beneficiary(Timestamps, db.Model):
    """Someone who receives a share of the firm's commissions."""

    __tablename__ = "beneficiary"

    id: Mapped[int] = id_column()
    kind: Mapped[str] = mapped_column(String(20))
    name: Mapped[str] = mapped_column(String(200))
    user_id: Mapped[int | None] = mapped_column(BigInteger, ForeignKey("tenant.user.id", ondelete="SET NULL"))
    email: Mapped[str | None] = mapped_column(String(254))
    iban: Mapped[str | None] = mapped_column(String(34))
    siren: Mapped[str | None] = mapped_column(String(9))
    #: percent of the firm's commission when no rule for the product says otherwise
    default_rate: Mapped[Decimal] = mapped_column(Numeric(5, 2), default=ZERO)
    is_active: Mapped[bool] = mapped_column(Boolean, default=True)
    version: Mapped[int] = mapped_column(Integer, default=1)

    __mapper_args__ = {"version_id_col": version}


class ShareRule(Timestamps, db.Model):
    """A beneficiary's share (percent of the firm's commission) for one product."""

    __tablename__ = "share_rule"
    __table_args__ = (UniqueConstraint("beneficiary_id", "product_id", name="uq_share_rule_product"),)

    id: Mapped[int] = id_column()
    beneficiary_id: Mapped[int] = mapped_column(BigInteger, ForeignKey("tenant.beneficiary.id", ondelete="CASCADE"))
    product_id: Mapped[int] = mapped_column(BigInteger, ForeignKey("tenant.product.id", ondelete="CASCADE"))
    rate: Mapped[Decimal] = mapped_column(Numeric(5, 2))


class ContractBeneficiary(Timestamps, db.Model):
    """A beneficiary credited on a contract (who brought or produced it)."""

    __tablename__ = "contract_beneficiary"
    __table_args__ = (UniqueConstraint("contract_id", "beneficiary_id", name="uq_contract_beneficiary"),)

    id: Mapped[int] = id_column()
    contract_id: Mapped[int] = mapped_column(BigInteger, ForeignKey("tenant.contract.id", ondelete="CASCADE"))
    beneficiary_id: Mapped[int] = mapped_column(BigInteger, ForeignKey("tenant.beneficiary.id", ondelete="RESTRICT"))


class PayoutStatus(StrEnum):
    DRAFT = "draft"
    PAID = "paid"


class Payout(Timestamps, db.Model):
    """What the firm pays a beneficiary for a period: the sum of their shares."""

    __tablename__ = "payout"
    __table_args__ = (Index("ix_payout_beneficiary", "beneficiary_id", "period_start"),)

    id: Mapped[int] = id_column()
    beneficiary_id: Mapped[int] = mapped_column(BigInteger, ForeignKey("tenant.beneficiary.id", ondelete="RESTRICT"))
    period_start: Mapped[date] = mapped_column(Date)
    period_end: Mapped[date] = mapped_column(Date)
    amount: Mapped[Decimal] = mapped_column(Numeric(12, 2))
    status: Mapped[str] = mapped_column(String(20), default=PayoutStatus.DRAFT.value)
    paid_on: Mapped[date | None] = mapped_column(Date)
    reference: Mapped[str | None] = mapped_column(String(100))
    version: Mapped[int] = mapped_column(Integer, default=1)

    __mapper_args__ = {"version_id_col": version}


class CommissionShare(Timestamps, db.Model):
    """A beneficiary's share of one commission line (negative for a reversal)."""

    __tablename__ = "commission_share"
    __table_args__ = (
        Index("ix_commission_share_line", "commission_line_id"),
        Index("ix_commission_share_beneficiary", "beneficiary_id", "payout_id"),
    )

    id: Mapped[int] = id_column()
    commission_line_id: Mapped[int] = mapped_column(
        BigInteger, ForeignKey("tenant.commission_line.id", ondelete="CASCADE"))
    beneficiary_id: Mapped[int] = mapped_column(BigInteger, ForeignKey("tenant.beneficiary.id", ondelete="RESTRICT"))
    rate: Mapped[Decimal] = mapped_column(Numeric(5, 2))
    amount: Mapped[Decimal] = mapped_column(Numeric(12, 2))
    #: the day the share was earned (or, for a negative row, the commission reversed): payouts gather by it
    earned_on: Mapped[date] = mapped_column(Date)
    payout_id: Mapped[int | None] = mapped_column(BigInteger, ForeignKey("tenant.payout.id", ondelete="SET NULL"))


class StatementMapping(Timestamps, db.Model):
    """How to read an insurer's statement file: which column holds what
    (``columns``: field -> header), and the file's conventions (``options``:
    decimal comma, date format, header row)."""

    __tablename__ = "statement_mapping"

    insurer_id: Mapped[int] = mapped_column(BigInteger, ForeignKey("tenant.insurer.id", ondelete="CASCADE"),
                                            primary_key=True)
    columns: Mapped[dict] = mapped_column(JSONB, default=dict)
    options: Mapped[dict] = mapped_column(JSONB, default=dict)


class InsurerStatement(Timestamps, db.Model):
    """An insurer's commission statement (bordereau) for a month, imported
    and reconciled with the commission lines."""

    __tablename__ = "insurer_statement"
    __table_args__ = (Index("ix_insurer_statement_insurer_month", "insurer_id", "month"),)

    id: Mapped[int] = id_column()
    insurer_id: Mapped[int] = mapped_column(BigInteger, ForeignKey("tenant.insurer.id", ondelete="RESTRICT"))
    month: Mapped[date] = mapped_column(Date)
    filename: Mapped[str] = mapped_column(String(255))
    line_count: Mapped[int] = mapped_column(Integer, default=0)
    #: totals by status: {"matched": {"count": n, "expected": "..", "received": ".."}, ...}
    totals: Mapped[dict] = mapped_column(JSONB, default=dict)
    imported_by_id: Mapped[int | None] = mapped_column(BigInteger, ForeignKey("tenant.user.id", ondelete="SET NULL"))


class StatementLine(Timestamps, db.Model):
    """A line of the reconciliation of a statement: a line of the file, or a
    commission line we expected that the file lacks (``missing``)."""

    __tablename__ = "statement_line"
    __table_args__ = (
        Index("ix_statement_line_statement", "statement_id", "status"),
        Index("ix_statement_line_commission", "commission_line_id"),
    )

    id: Mapped[int] = id_column()
    statement_id: Mapped[int] = mapped_column(BigInteger, ForeignKey("tenant.insurer_statement.id",
                                                                     ondelete="CASCADE"))
    row_number: Mapped[int | None] = mapped_column(Integer)
    policy_number: Mapped[str | None] = mapped_column(String(60))
    due_date: Mapped[date | None] = mapped_column(Date)
    premium: Mapped[Decimal | None] = mapped_column(Numeric(12, 2))
    #: as the statement gives them (a missing line: the client of our contract, and our rate)
    client_name: Mapped[str | None] = mapped_column(String(200))
    rate: Mapped[Decimal | None] = mapped_column(Numeric(5, 2))
    received: Mapped[Decimal | None] = mapped_column(Numeric(12, 2))
    expected: Mapped[Decimal | None] = mapped_column(Numeric(12, 2))
    difference: Mapped[Decimal | None] = mapped_column(Numeric(12, 2))
    #: one of app.commissions.reconciliation_rules.LineStatus ("missing_from_statement" is 22 characters)
    status: Mapped[str] = mapped_column(String(30))
    commission_line_id: Mapped[int | None] = mapped_column(
        BigInteger, ForeignKey("tenant.commission_line.id", ondelete="SET NULL"))


class DisputeStatus(StrEnum):
    OPEN = "open"
    RESOLVED = "resolved"
    ABANDONED = "abandoned"


class CommissionDispute(Timestamps, db.Model):
    """A discrepancy claimed from an insurer, followed until resolved."""

    __tablename__ = "commission_dispute"
    __table_args__ = (
        Index("ix_commission_dispute_status", "status", "insurer_id"),
        Index("ix_commission_dispute_line", "statement_line_id"),
    )

    id: Mapped[int] = id_column()
    insurer_id: Mapped[int] = mapped_column(BigInteger, ForeignKey("tenant.insurer.id", ondelete="RESTRICT"))
    statement_line_id: Mapped[int | None] = mapped_column(
        BigInteger, ForeignKey("tenant.statement_line.id", ondelete="SET NULL"))
    #: what the dispute is about, kept should the statement be imported again
    policy_number: Mapped[str | None] = mapped_column(String(60))
    due_date: Mapped[date | None] = mapped_column(Date)
    amount: Mapped[Decimal] = mapped_column(Numeric(12, 2))
    status: Mapped[str] = mapped_column(String(20), default=DisputeStatus.OPEN.value)
    opened_on: Mapped[date] = mapped_column(Date)
    resolved_on: Mapped[date | None] = mapped_column(Date)
    recovered: Mapped[Decimal | None] = mapped_column(Numeric(12, 2))
    notes: Mapped[str | None] = mapped_column(Text)
    version: Mapped[int] = mapped_column(Integer, default=1)

    __mapper_args__ = {"version_id_col": version}


class DisputeNote(Timestamps, db.Model):
    """A note on a dispute: what was said to or heard from the insurer.
    Notes are only ever added (the history of the dispute)."""

    __tablename__ = "dispute_note"
    __table_args__ = (Index("ix_dispute_note_dispute", "dispute_id"),)

    id: Mapped[int] = id_column()
    dispute_id: Mapped[int] = mapped_column(BigInteger, ForeignKey("tenant.commission_dispute.id",
                                                                   ondelete="CASCADE"))
    author_id: Mapped[int | None] = mapped_column(BigInteger, ForeignKey("tenant.user.id", ondelete="SET NULL"))
    #: the author's name when written, kept if the user is removed
    author_name: Mapped[str] = mapped_column(String(200))
    text: Mapped[str] = mapped_column(Text)

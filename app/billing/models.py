"""Premium calls (quittances), payments and their allocation to calls.

A call is one instalment (or an adjustment / credit note) of a contract for
a period, with its amounts fixed when issued (``tax_rate`` is the rate of that
day). ``paid`` is the money received on it, ``refunded`` the part given back;
the status follows :func:`app.billing.rules.call_status`.

A payment is spread over calls by :class:`PaymentAllocation` rows. What it
brings beyond the calls it pays stays on the payment as ``unallocated``: that
is the payer's credit (the client's credit is the sum of ``unallocated`` of
their recorded payments), traceable to the money it came from, used later by
allocating it to a call. No separate credit table, no balance column on the
client to keep in step.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from enum import StrEnum

from sqlalchemy import BigInteger, Date, DateTime, ForeignKey, Index, Integer, Numeric, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from app.billing.rules import CallStatus
from app.columns import Timestamps, id_column
from app.extensions import db

ZERO = Decimal("0.00")

__all__ = ["CallKind", "CallStatus", "PaymentAllocation", "PaymentMethod", "PaymentStatus", "Payment",
           "PremiumCall"]


class CallKind(StrEnum):
    INSTALMENT = "instalment"
    ADJUSTMENT = "adjustment"      # endorsement: more premium due, pro rata
    CREDIT_NOTE = "credit_note"    # endorsement or cancellation: premium given back


class PaymentMethod(StrEnum):
    TRANSFER = "transfer"
    CHEQUE = "cheque"
    DIRECT_DEBIT = "direct_debit"
    CARD = "card"


class PaymentStatus(StrEnum):
    RECORDED = "recorded"
    REFUNDED = "refunded"


class PremiumCall(Timestamps, db.Model):
    """One premium call. ``number`` is the instalment's number within the
    insurance year (1 to 12), or the endorsement's number for an adjustment;
    generating a period twice creates nothing twice (the unique key)."""

    __tablename__ = "premium_call"
    __table_args__ = (
        UniqueConstraint("reference", name="uq_premium_call_reference"),
        UniqueConstraint("contract_id", "period_start", "kind", "number", name="uq_premium_call_period"),
        Index("ix_premium_call_client_due", "client_id", "due_date"),
        Index("ix_premium_call_status_due", "status", "due_date"),
        Index("ix_premium_call_due", "due_date"),
    )

    id: Mapped[int] = id_column()
    reference: Mapped[str] = mapped_column(String(20))
    contract_id: Mapped[int] = mapped_column(BigInteger, ForeignKey("tenant.contract.id", ondelete="RESTRICT"))
    #: the payer: the contract's payer, or its client
    client_id: Mapped[int] = mapped_column(BigInteger, ForeignKey("tenant.client.id", ondelete="RESTRICT"))
    insurer_id: Mapped[int] = mapped_column(BigInteger, ForeignKey("tenant.insurer.id", ondelete="RESTRICT"))
    line: Mapped[str] = mapped_column(String(20))
    kind: Mapped[str] = mapped_column(String(20), default=CallKind.INSTALMENT.value)
    number: Mapped[int] = mapped_column(Integer)
    period_start: Mapped[date] = mapped_column(Date)
    #: exclusive (the next period's start), as in app.billing.rules
    period_end: Mapped[date] = mapped_column(Date)
    due_date: Mapped[date] = mapped_column(Date)
    net: Mapped[Decimal] = mapped_column(Numeric(12, 2))
    fees: Mapped[Decimal] = mapped_column(Numeric(12, 2), default=ZERO)
    #: the rate of the day the call was issued, kept as it was
    tax_rate: Mapped[Decimal] = mapped_column(Numeric(5, 2))
    tax: Mapped[Decimal] = mapped_column(Numeric(12, 2))
    total: Mapped[Decimal] = mapped_column(Numeric(12, 2))
    paid: Mapped[Decimal] = mapped_column(Numeric(12, 2), default=ZERO)
    refunded: Mapped[Decimal] = mapped_column(Numeric(12, 2), default=ZERO)
    status: Mapped[str] = mapped_column(String(20), default=CallStatus.DUE.value)
    endorsement_id: Mapped[int | None] = mapped_column(
        BigInteger, ForeignKey("tenant.endorsement.id", ondelete="SET NULL"))
    cancelled_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    version: Mapped[int] = mapped_column(Integer, default=1)

    __mapper_args__ = {"version_id_col": version}

    @property
    def outstanding(self) -> Decimal:
        return max(self.total - (self.paid - self.refunded), ZERO)


class Payment(Timestamps, db.Model):
    """Money received from a payer. ``external_id`` (a bank line id, a Stripe
    id) is unique: an import or a webhook delivered twice is counted once.
    ``unallocated`` is the part kept as the payer's credit."""

    __tablename__ = "payment"
    __table_args__ = (
        UniqueConstraint("external_id", name="uq_payment_external_id"),
        Index("ix_payment_payer", "payer_client_id", "received_on"),
    )

    id: Mapped[int] = id_column()
    payer_client_id: Mapped[int] = mapped_column(BigInteger, ForeignKey("tenant.client.id", ondelete="RESTRICT"))
    method: Mapped[str] = mapped_column(String(20))
    amount: Mapped[Decimal] = mapped_column(Numeric(12, 2))
    unallocated: Mapped[Decimal] = mapped_column(Numeric(12, 2), default=ZERO)
    received_on: Mapped[date] = mapped_column(Date)
    reference: Mapped[str | None] = mapped_column(Text)
    external_id: Mapped[str | None] = mapped_column(String(255))
    status: Mapped[str] = mapped_column(String(20), default=PaymentStatus.RECORDED.value)
    refunded_on: Mapped[date | None] = mapped_column(Date)
    created_by_id: Mapped[int | None] = mapped_column(BigInteger, ForeignKey("tenant.user.id", ondelete="SET NULL"))
    version: Mapped[int] = mapped_column(Integer, default=1)

    __mapper_args__ = {"version_id_col": version}


class PaymentAllocation(Timestamps, db.Model):
    """The part of a payment that pays one call."""

    __tablename__ = "payment_allocation"
    __table_args__ = (
        Index("ix_payment_allocation_payment", "payment_id"),
        Index("ix_payment_allocation_call", "call_id"),
    )

    id: Mapped[int] = id_column()
    payment_id: Mapped[int] = mapped_column(BigInteger, ForeignKey("tenant.payment.id", ondelete="CASCADE"))
    call_id: Mapped[int] = mapped_column(BigInteger, ForeignKey("tenant.premium_call.id", ondelete="RESTRICT"))
    amount: Mapped[Decimal] = mapped_column(Numeric(12, 2))

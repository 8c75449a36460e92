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

from sqlalchemy import (BigInteger, Boolean, Date, DateTime, ForeignKey, Index, Integer, Numeric, String, Text,
                        UniqueConstraint)
from sqlalchemy.dialects.postgresql import ARRAY, JSONB
from sqlalchemy.orm import Mapped, mapped_column

from app.billing.rules import CallStatus
from app.columns import Timestamps, id_column
from app.extensions import db

ZERO = Decimal("0.00")

__all__ = ["BankLine", "BankLineStatus", "BankStatement", "BillingRun", "BillingSettings", "CallKind", "CallStatus",
           "NonPaymentProcedure", "PaymentAllocation", "PaymentMethod", "PaymentStatus", "Payment", "PremiumCall",
           "RunStatus", "StripeEvent", "StripeIntent"]


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
    #: when the premium notice (avis d'échéance) was last emailed to the payer
    notice_sent_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
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


class BillingSettings(Timestamps, db.Model):
    """The firm's billing settings, one row (``id`` 1): the reminder delay of
    the non-payment procedure and how it takes card and SEPA payments on its
    own Stripe account (a connected account id, or its own keys)."""

    __tablename__ = "billing_settings"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, default=1)
    #: days after the due date before the first reminder email
    reminder_days: Mapped[int] = mapped_column(Integer, default=5)
    #: send the premium notice (avis d'échéance) by email when a call is issued
    email_notices: Mapped[bool] = mapped_column(Boolean, default=True)
    stripe_account_id: Mapped[str | None] = mapped_column(String(255))
    stripe_secret_key: Mapped[str | None] = mapped_column(String(255))
    stripe_publishable_key: Mapped[str | None] = mapped_column(String(255))
    stripe_webhook_secret: Mapped[str | None] = mapped_column(String(255))
    sepa_debit_enabled: Mapped[bool] = mapped_column(Boolean, default=False)
    #: the account premiums are paid to by transfer, printed on the premium notice
    bank_account_holder: Mapped[str | None] = mapped_column(String(70))
    iban: Mapped[str | None] = mapped_column(String(34))
    bic: Mapped[str | None] = mapped_column(String(11))
    version: Mapped[int] = mapped_column(Integer, default=1)

    __mapper_args__ = {"version_id_col": version}


class RunStatus(StrEnum):
    QUEUED = "queued"
    RUNNING = "running"
    DONE = "done"
    FAILED = "failed"


class BillingRun(Timestamps, db.Model):
    """A bulk generation of a month's calls, run as a job; ``done`` out of
    ``total`` is its progress bar."""

    __tablename__ = "billing_run"
    __table_args__ = (Index("ix_billing_run_month", "month"),)

    id: Mapped[int] = id_column()
    month: Mapped[date] = mapped_column(Date)
    status: Mapped[str] = mapped_column(String(20), default=RunStatus.QUEUED.value)
    total: Mapped[int] = mapped_column(Integer, default=0)
    done: Mapped[int] = mapped_column(Integer, default=0)
    created: Mapped[int] = mapped_column(Integer, default=0)
    error: Mapped[str | None] = mapped_column(Text)
    started_by_id: Mapped[int | None] = mapped_column(BigInteger, ForeignKey("tenant.user.id", ondelete="SET NULL"))
    started_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    finished_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))


class StripeIntent(Timestamps, db.Model):
    """A Stripe PaymentIntent created for one or more calls of a payer on the
    firm's account. The payment is recorded once, from the webhook."""

    __tablename__ = "stripe_intent"
    __table_args__ = (
        UniqueConstraint("intent_id", name="uq_stripe_intent_intent_id"),
        Index("ix_stripe_intent_client", "client_id"),
    )

    id: Mapped[int] = id_column()
    intent_id: Mapped[str] = mapped_column(String(255))
    client_id: Mapped[int] = mapped_column(BigInteger, ForeignKey("tenant.client.id", ondelete="RESTRICT"))
    call_ids: Mapped[list[int]] = mapped_column(ARRAY(BigInteger))
    amount: Mapped[Decimal] = mapped_column(Numeric(12, 2))
    currency: Mapped[str] = mapped_column(String(3), default="EUR")
    #: Stripe's status of the intent, as last seen
    status: Mapped[str] = mapped_column(String(40))
    payment_method_type: Mapped[str | None] = mapped_column(String(40))
    payment_id: Mapped[int | None] = mapped_column(BigInteger, ForeignKey("tenant.payment.id", ondelete="SET NULL"))
    failure_message: Mapped[str | None] = mapped_column(Text)
    created_by_id: Mapped[int | None] = mapped_column(BigInteger, ForeignKey("tenant.user.id", ondelete="SET NULL"))


class StripeEvent(Timestamps, db.Model):
    """A Stripe event received by the webhook, kept once by its id: a replay
    is acknowledged and changes nothing."""

    __tablename__ = "stripe_event"
    __table_args__ = (UniqueConstraint("event_id", name="uq_stripe_event_event_id"),)

    id: Mapped[int] = id_column()
    event_id: Mapped[str] = mapped_column(String(255))
    type: Mapped[str] = mapped_column(String(80))
    object_id: Mapped[str | None] = mapped_column(String(255))
    #: what the event did: recorded, ignored, failed, refunded...
    outcome: Mapped[str] = mapped_column(String(40))
    payload: Mapped[dict] = mapped_column(JSONB, default=dict)


class BankStatement(Timestamps, db.Model):
    """An imported bank statement (CSV or CAMT.053)."""

    __tablename__ = "bank_statement"

    id: Mapped[int] = id_column()
    filename: Mapped[str] = mapped_column(String(255))
    format: Mapped[str] = mapped_column(String(20))
    account_iban: Mapped[str | None] = mapped_column(String(34))
    line_count: Mapped[int] = mapped_column(Integer, default=0)
    matched_count: Mapped[int] = mapped_column(Integer, default=0)
    imported_by_id: Mapped[int | None] = mapped_column(BigInteger, ForeignKey("tenant.user.id", ondelete="SET NULL"))


class BankLineStatus(StrEnum):
    MATCHED = "matched"
    UNMATCHED = "unmatched"
    IGNORED = "ignored"


class BankLine(Timestamps, db.Model):
    """A credit line of a bank statement. ``external_id`` (the bank's entry
    reference, or a digest of the line) is unique: importing the same
    statement twice records nothing twice."""

    __tablename__ = "bank_line"
    __table_args__ = (
        UniqueConstraint("external_id", name="uq_bank_line_external_id"),
        Index("ix_bank_line_statement", "statement_id"),
        Index("ix_bank_line_status", "status"),
    )

    id: Mapped[int] = id_column()
    statement_id: Mapped[int] = mapped_column(BigInteger, ForeignKey("tenant.bank_statement.id", ondelete="CASCADE"))
    external_id: Mapped[str] = mapped_column(String(255))
    booked_on: Mapped[date] = mapped_column(Date)
    amount: Mapped[Decimal] = mapped_column(Numeric(12, 2))
    label: Mapped[str] = mapped_column(Text)
    counterparty: Mapped[str | None] = mapped_column(String(255))
    status: Mapped[str] = mapped_column(String(20), default=BankLineStatus.UNMATCHED.value)
    call_id: Mapped[int | None] = mapped_column(BigInteger, ForeignKey("tenant.premium_call.id", ondelete="SET NULL"))
    payment_id: Mapped[int | None] = mapped_column(BigInteger, ForeignKey("tenant.payment.id", ondelete="SET NULL"))
    note: Mapped[str | None] = mapped_column(Text)
    version: Mapped[int] = mapped_column(Integer, default=1)

    __mapper_args__ = {"version_id_col": version}


class NonPaymentProcedure(Timestamps, db.Model):
    """The L113-3 procedure of one unpaid call: each step's date as it
    happened. ``stopped_on`` is set when payment (or cancellation of the
    call) ends it; cover then resumes at ``cover_resumes_at``."""

    __tablename__ = "nonpayment_procedure"
    __table_args__ = (
        UniqueConstraint("call_id", name="uq_nonpayment_procedure_call"),
        Index("ix_nonpayment_procedure_contract", "contract_id"),
        Index("ix_nonpayment_procedure_step", "step"),
    )

    id: Mapped[int] = id_column()
    call_id: Mapped[int] = mapped_column(BigInteger, ForeignKey("tenant.premium_call.id", ondelete="CASCADE"))
    contract_id: Mapped[int] = mapped_column(BigInteger, ForeignKey("tenant.contract.id", ondelete="CASCADE"))
    #: one of app.billing.nonpayment_rules.Step
    step: Mapped[str] = mapped_column(String(30))
    reminder_sent_on: Mapped[date | None] = mapped_column(Date)
    formal_notice_sent_on: Mapped[date | None] = mapped_column(Date)
    formal_notice_letter_id: Mapped[int | None] = mapped_column(
        BigInteger, ForeignKey("tenant.letter.id", ondelete="SET NULL"))
    suspended_on: Mapped[date | None] = mapped_column(Date)
    cancellable_on: Mapped[date | None] = mapped_column(Date)
    cancelled_on: Mapped[date | None] = mapped_column(Date)
    stopped_on: Mapped[date | None] = mapped_column(Date)
    stop_reason: Mapped[str | None] = mapped_column(String(40))
    cover_resumes_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    version: Mapped[int] = mapped_column(Integer, default=1)

    __mapper_args__ = {"version_id_col": version}

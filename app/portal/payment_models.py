"""Paying premiums on the portal: the means of payment a client saved on the
firm's Stripe account (a card, or a SEPA Direct Debit mandate) with their
choice of automatic payment, and each payment the portal started.

Stripe holds the card or the IBAN; only what the client needs to recognise
it is kept here (brand, last four digits, expiry, mandate reference).
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from enum import StrEnum

from sqlalchemy import BigInteger, Boolean, Date, DateTime, ForeignKey, Index, Integer, Numeric, String, Text
from sqlalchemy import UniqueConstraint
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.orm import Mapped, mapped_column

from app.columns import Timestamps, id_column
from app.extensions import db


class MethodKind(StrEnum):
    CARD = "card"
    SEPA_DEBIT = "sepa_debit"


class SavedPaymentMethod(Timestamps, db.Model):
    """One portal account's Stripe Customer on the firm's account and the
    payment method saved on it (None until a SetupIntent succeeded). With
    ``autopay``, the daily job pays the payer's calls falling due from
    ``autopay_since`` with it, off-session."""

    __tablename__ = "portal_payment_method"
    __table_args__ = (
        UniqueConstraint("account_id", name="uq_portal_payment_method_account"),
        Index("ix_portal_payment_method_autopay", "autopay"),
    )

    id: Mapped[int] = id_column()
    account_id: Mapped[int] = mapped_column(BigInteger, ForeignKey("tenant.portal_account.id", ondelete="CASCADE"))
    #: the payer whose calls it pays (the account's client)
    client_id: Mapped[int] = mapped_column(BigInteger, ForeignKey("tenant.client.id", ondelete="CASCADE"))
    stripe_customer_id: Mapped[str] = mapped_column(String(255))
    payment_method_id: Mapped[str | None] = mapped_column(String(255))
    #: one of MethodKind
    kind: Mapped[str | None] = mapped_column(String(20))
    brand: Mapped[str | None] = mapped_column(String(40))
    last4: Mapped[str | None] = mapped_column(String(4))
    exp_month: Mapped[int | None] = mapped_column(Integer)
    exp_year: Mapped[int | None] = mapped_column(Integer)
    #: the SEPA mandate's reference, as Stripe gives it
    mandate_reference: Mapped[str | None] = mapped_column(String(255))
    saved_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    autopay: Mapped[bool] = mapped_column(Boolean, default=False)
    #: calls due from this day on are paid automatically (the day autopay was turned on)
    autopay_since: Mapped[date | None] = mapped_column(Date)
    version: Mapped[int] = mapped_column(Integer, default=1)

    __mapper_args__ = {"version_id_col": version}

    @property
    def is_saved(self) -> bool:
        return self.payment_method_id is not None


class PortalPaymentOutcome(StrEnum):
    STARTED = "started"      # an intent exists; the webhook records the payment
    DECLINED = "declined"    # Stripe declined it at once
    FAILED = "failed"        # no intent could be made (Stripe unreachable, call changed...)


class PortalPayment(Timestamps, db.Model):
    """A payment the portal started: by the client for the calls they chose,
    or by the daily job for one call (``autopay_call_id``, unique: one
    automatic attempt per call, never two intents). The money itself is
    recorded by billing from Stripe's webhook (``stripe_intent``)."""

    __tablename__ = "portal_payment"
    __table_args__ = (
        UniqueConstraint("autopay_call_id", name="uq_portal_payment_autopay_call"),
        Index("ix_portal_payment_account", "account_id", "created_at"),
        Index("ix_portal_payment_intent", "stripe_intent_id"),
    )

    id: Mapped[int] = id_column()
    account_id: Mapped[int] = mapped_column(BigInteger, ForeignKey("tenant.portal_account.id", ondelete="CASCADE"))
    client_id: Mapped[int] = mapped_column(BigInteger, ForeignKey("tenant.client.id", ondelete="CASCADE"))
    stripe_intent_id: Mapped[int | None] = mapped_column(
        BigInteger, ForeignKey("tenant.stripe_intent.id", ondelete="SET NULL"))
    call_ids: Mapped[list[int]] = mapped_column(ARRAY(BigInteger))
    amount: Mapped[Decimal] = mapped_column(Numeric(12, 2))
    autopay_call_id: Mapped[int | None] = mapped_column(
        BigInteger, ForeignKey("tenant.premium_call.id", ondelete="CASCADE"))
    #: one of PortalPaymentOutcome
    outcome: Mapped[str] = mapped_column(String(20))
    failure_message: Mapped[str | None] = mapped_column(Text)
    #: when the client was told by email that the automatic payment failed
    notified_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))

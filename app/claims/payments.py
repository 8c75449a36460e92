"""Payments of indemnity on a claim: recorded by the handler or posted by
the insurer through the API. A payment is counted once: the insurer's own
id (``external_id``) is unique per claim, and the claim's ``paid_total``
moves under a row lock in the same transaction. A payment that makes the
claim paid in full settles it (:func:`app.claims.settlement.sync_settled`)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.audit import services as audit
from app.claims import settlement, timeline
from app.claims.models import Claim
from app.claims.settlement_models import ClaimPayment, PayeeKind
from app.providers.models import Provider

METHODS = ("transfer", "cheque", "other")
MAX_AMOUNT = Decimal("9999999999.99")


class PaymentError(Exception):
    """``code`` for the whole payment, ``problems`` by field."""

    def __init__(self, code: str, problems: dict | None = None) -> None:
        super().__init__(code)
        self.code, self.problems = code, problems or {}


@dataclass(frozen=True)
class PaymentInput:
    payee_kind: str
    payee_name: str
    amount: Decimal | str | None
    paid_on: date | None
    method: str
    reference: str | None = None
    provider_id: int | None = None
    note: str | None = None
    external_id: str | None = None


def _amount(value) -> Decimal | None:
    try:
        amount = Decimal(str(value).replace(",", ".").replace(" ", "")) if value not in (None, "") else None
    except InvalidOperation:
        return None
    return amount if amount is not None and amount.is_finite() else None


def problems_of(session: Session, values: PaymentInput, today: date) -> dict[str, str]:
    problems: dict[str, str] = {}
    if values.payee_kind not in {kind.value for kind in PayeeKind}:
        problems["payee_kind"] = "choice_invalid"
    if values.payee_kind == PayeeKind.PROVIDER:
        provider = session.get(Provider, values.provider_id) if values.provider_id and \
            values.provider_id <= settlement.MAX_ID else None
        if provider is None:
            problems["provider_id"] = "required"
    elif not (values.payee_name or "").strip():
        problems["payee_name"] = "required"
    amount = _amount(values.amount)
    if amount is None:
        problems["amount"] = "amount_invalid"
    elif amount <= 0 or amount > MAX_AMOUNT or amount != amount.quantize(Decimal("0.01")):
        problems["amount"] = "amount_invalid"
    if values.paid_on is None:
        problems["paid_on"] = "date_invalid"
    elif values.paid_on > today:
        problems["paid_on"] = "in_future"
    if values.method not in METHODS:
        problems["method"] = "choice_invalid"
    return problems


def _locked(session: Session, claim: Claim) -> Claim:
    return session.scalars(select(Claim).where(Claim.id == claim.id).with_for_update()
                           .execution_options(populate_existing=True)).one()


def existing(session: Session, claim: Claim, external_id: str | None) -> ClaimPayment | None:
    if not external_id:
        return None
    return session.scalar(select(ClaimPayment).where(ClaimPayment.claim_id == claim.id,
                                                     ClaimPayment.external_id == external_id))


def record_payment(session: Session, actor, claim: Claim, values: PaymentInput, *, source: str = "firm",
                   today: date | None = None) -> tuple[ClaimPayment, bool]:
    """Record a payment; return it and whether it is new. The same
    ``external_id`` again returns the first payment (a retried API call),
    or raises ``PaymentError("external_id_conflict")`` if its amount
    differs. Raises ``PaymentError("invalid", problems)`` on bad input."""
    today = today or date.today()
    problems = problems_of(session, values, today)
    if problems:
        raise PaymentError("invalid", problems)
    claim = _locked(session, claim)
    amount = _amount(values.amount)
    external_id = (values.external_id or "").strip()[:100] or None
    earlier = existing(session, claim, external_id)
    if earlier is not None:
        if earlier.amount != amount:
            raise PaymentError("external_id_conflict")
        return earlier, False
    payee_name = (values.payee_name or "").strip()[:200]
    if values.payee_kind == PayeeKind.PROVIDER:
        payee_name = session.get(Provider, values.provider_id).name
    payment = ClaimPayment(claim_id=claim.id, payee_kind=values.payee_kind,
                           provider_id=values.provider_id if values.payee_kind == PayeeKind.PROVIDER else None,
                           payee_name=payee_name, amount=amount, paid_on=values.paid_on, method=values.method,
                           reference=(values.reference or "").strip()[:100] or None, source=source,
                           external_id=external_id, note=(values.note or "").strip() or None,
                           created_by_id=getattr(actor, "id", None) if source == "firm" else None)
    session.add(payment)
    claim.paid_total = (claim.paid_total or Decimal("0.00")) + amount
    session.flush()
    timeline.record(session, actor, claim, "payment_recorded" if source == "firm" else "insurer_payment",
                    f"{settlement.euros(amount)} · {payee_name}",
                    {"payment_id": payment.id, "amount": str(amount), "payee_kind": values.payee_kind,
                     "paid_on": values.paid_on.isoformat()}, side="firm" if source == "firm" else "insurer")
    audit.record(session, actor, "claim.payment", "claim", claim.id, after={
        "payment_id": payment.id, "amount": amount, "payee": payee_name, "paid_on": values.paid_on,
        "source": source, "external_id": external_id})
    settlement.sync_settled(session, actor, claim)
    return payment, True


def payments_of(session: Session, claim: Claim) -> list[ClaimPayment]:
    return list(session.scalars(select(ClaimPayment).where(ClaimPayment.claim_id == claim.id)
                                .order_by(ClaimPayment.paid_on, ClaimPayment.id)))

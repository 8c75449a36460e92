"""Payouts to beneficiaries: a draft gathers their unpaid shares earned up
to the end of a period (those of earlier periods not yet paid are carried
over, a reversal after a payout goes to the next), its statement lists them,
and it is marked paid with a date and a reference. A share belongs to one
payout at most: the draft takes them with one ``UPDATE ... WHERE payout_id
IS NULL``, so two drafts made at once never share a row. Cancelling a draft
gives its shares back. Every change is audited."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from app.audit import services as audit
from app.billing.models import PremiumCall
from app.catalog.models import Insurer
from app.commissions.models import (Beneficiary, CommissionLine, CommissionShare, Payout, PayoutStatus)
from app.commissions.rules import ZERO
from app.commissions.services import CommissionError
from app.contracts.models import Contract
from app.crm.models import Client

STATEMENT_COLUMNS = ("earned_on", "contract", "policy_number", "client", "insurer", "call", "due_date",
                     "commission", "commission_rate", "share_rate", "share")


@dataclass(frozen=True)
class StatementRow:
    """One share on a beneficiary's statement, with what it was computed from."""

    share: CommissionShare
    line: CommissionLine
    call_reference: str
    contract_reference: str
    policy_number: str | None
    client_name: str
    insurer_name: str

    def cells(self) -> list:
        return [self.share.earned_on, self.contract_reference, self.policy_number or "", self.client_name,
                self.insurer_name, self.call_reference, self.line.due_date, self.line.amount, self.line.rate,
                self.share.rate, self.share.amount]


def get(session: Session, payout_id: int) -> Payout | None:
    return session.get(Payout, payout_id)


def unpaid_total(session: Session, beneficiary_id: int, until: date | None = None) -> Decimal:
    query = select(func.coalesce(func.sum(CommissionShare.amount), ZERO)).where(
        CommissionShare.beneficiary_id == beneficiary_id, CommissionShare.payout_id.is_(None))
    if until is not None:
        query = query.where(CommissionShare.earned_on <= until)
    return session.scalar(query)


def draft(session: Session, actor, beneficiary: Beneficiary, period_start: date | None,
          period_end: date | None) -> Payout:
    """A draft payout of ``beneficiary``'s unpaid shares earned up to
    ``period_end``. Refused with nothing to pay, or when the reversals weigh
    more than the shares (the balance waits for the next shares)."""
    if period_start is None:
        raise CommissionError("period_start_required", "period_start")
    if period_end is None or period_end < period_start:
        raise CommissionError("period_end_before_start", "period_end")
    payout = Payout(beneficiary_id=beneficiary.id, period_start=period_start, period_end=period_end, amount=ZERO,
                    status=PayoutStatus.DRAFT.value)
    session.add(payout)
    session.flush()
    taken = session.scalars(
        update(CommissionShare)
        .where(CommissionShare.beneficiary_id == beneficiary.id, CommissionShare.payout_id.is_(None),
               CommissionShare.earned_on <= period_end)
        .values(payout_id=payout.id).returning(CommissionShare.amount)
        .execution_options(synchronize_session=False)).all()
    if not taken:
        raise CommissionError("nothing_to_pay")
    payout.amount = sum(taken, ZERO)
    if payout.amount <= 0:
        raise CommissionError("payout_not_positive")
    audit.record(session, actor, "payout.create", "payout", payout.id, after={
        "beneficiary_id": beneficiary.id, "period_start": period_start, "period_end": period_end,
        "amount": payout.amount, "shares": len(taken)})
    return payout


def _require_draft(payout: Payout, version: int | None) -> None:
    if version is not None and version != payout.version:
        raise CommissionError("stale")
    if payout.status != PayoutStatus.DRAFT.value:
        raise CommissionError("payout_not_draft")


def mark_paid(session: Session, actor, payout: Payout, *, paid_on: date | None, reference: str | None,
              version: int | None) -> None:
    """Record that the firm paid ``payout`` on ``paid_on`` (its transfer or cheque ``reference``)."""
    _require_draft(payout, version)
    if paid_on is None:
        raise CommissionError("paid_on_required", "paid_on")
    reference = (reference or "").strip()
    if not reference:
        raise CommissionError("reference_required", "reference")
    payout.status, payout.paid_on, payout.reference = PayoutStatus.PAID.value, paid_on, reference[:100]
    session.flush()
    audit.record(session, actor, "payout.pay", "payout", payout.id, before={"status": PayoutStatus.DRAFT.value},
                 after={"status": payout.status, "paid_on": paid_on, "reference": payout.reference,
                        "amount": payout.amount})


def cancel(session: Session, actor, payout: Payout, *, version: int | None) -> None:
    """Drop a draft; its shares are unpaid again, for the next payout."""
    _require_draft(payout, version)
    released = session.execute(update(CommissionShare).where(CommissionShare.payout_id == payout.id)
                               .values(payout_id=None).execution_options(synchronize_session=False)).rowcount
    audit.record(session, actor, "payout.cancel", "payout", payout.id, before={
        "beneficiary_id": payout.beneficiary_id, "period_start": payout.period_start,
        "period_end": payout.period_end, "amount": payout.amount, "shares": released})
    session.delete(payout)
    session.flush()


def statement(session: Session, payout: Payout) -> list[StatementRow]:
    """The shares of ``payout`` with their line, call, contract, client and insurer."""
    rows = session.execute(
        select(CommissionShare, CommissionLine, PremiumCall.reference, Contract.reference, Contract.policy_number,
               Client.display_name, Insurer.name)
        .join(CommissionLine, CommissionLine.id == CommissionShare.commission_line_id)
        .join(PremiumCall, PremiumCall.id == CommissionLine.call_id)
        .join(Contract, Contract.id == CommissionLine.contract_id)
        .join(Client, Client.id == Contract.client_id)
        .join(Insurer, Insurer.id == CommissionLine.insurer_id)
        .where(CommissionShare.payout_id == payout.id)
        .order_by(CommissionShare.earned_on, Contract.reference, CommissionShare.id))
    return [StatementRow(*row) for row in rows]


def statement_rows(rows: list[StatementRow]) -> Iterator[list]:
    """The statement as a spreadsheet: the header, then a row per share."""
    yield list(STATEMENT_COLUMNS)
    for row in rows:
        yield row.cells()


@dataclass
class PayoutFilters:
    beneficiary_id: int | None = None
    status: str = ""


def page_of(session: Session, filters: PayoutFilters, page: int, per_page: int) -> tuple[list[tuple], int]:
    """(payout, beneficiary name) newest first, one page, and the count."""
    query = select(Payout, Beneficiary.name).join(Beneficiary, Beneficiary.id == Payout.beneficiary_id)
    if filters.beneficiary_id:
        query = query.where(Payout.beneficiary_id == filters.beneficiary_id)
    if filters.status:
        query = query.where(Payout.status == filters.status)
    total = session.scalar(select(func.count()).select_from(query.subquery())) or 0
    rows = session.execute(query.order_by(Payout.period_end.desc(), Payout.id.desc())
                           .offset((page - 1) * per_page).limit(per_page)).all()
    return [tuple(row) for row in rows], total

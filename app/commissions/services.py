"""Commission lines through the life of their premium call, called by
:mod:`app.billing.events` in the caller's transaction.

- Issued: one line per call, set-based (one ``INSERT ... SELECT`` for any
  number of calls, the month run's included): the rate of
  :func:`app.commissions.rules.commission_rate` and the amount of
  :func:`app.commissions.rules.commission` written in SQL (``round`` is
  half away from zero like ``round_cents``; ``trunc`` toward zero like
  ``share_of``). Lines earned on issue are shared out at once, set-based too.
- Paid: a line earned on payment becomes earned and is shared out.
- Refunded, cancelled, paid again: the reversal follows the call's state
  (:func:`app.commissions.rules.reversal_due`); each beneficiary gets a share
  row for the difference, so a reversal after a payout goes to the next one.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date
from decimal import Decimal

from sqlalchemy import BigInteger, and_, any_, bindparam, case, func, literal, or_, select
from sqlalchemy.dialects.postgresql import ARRAY, insert
from sqlalchemy.orm import Session

from app.audit import services as audit
from app.billing.errors import BillingError
from app.billing.models import PremiumCall
from app.billing.rules import CallStatus
from app.catalog.models import CommissionAgreement, Product
from app.commissions import rules
from app.commissions.models import (Beneficiary, CommissionLine, CommissionLineStatus, CommissionShare,
                                    ContractBeneficiary, ShareRule)
from app.contracts.models import Contract

EARNED = CommissionLineStatus.EARNED.value
EXPECTED = CommissionLineStatus.EXPECTED.value
REVERSED = CommissionLineStatus.REVERSED.value
LINE_COLUMNS = ("call_id", "contract_id", "insurer_id", "product_id", "line", "due_date", "base_net", "rate",
                "amount", "earned_when", "status", "earned_on", "reversed_amount")
SHARE_COLUMNS = ("commission_line_id", "beneficiary_id", "rate", "amount", "earned_on")


class CommissionError(BillingError):
    """A commission operation refused; ``field`` names the form field it
    concerns, if any; ``params`` fill the message (a contract's reference)."""

    def __init__(self, code: str, field: str | None = None, **params) -> None:
        super().__init__(code)
        self.field = field
        self.params = params


def _ids(name: str, values) -> bindparam:
    """A list of ids as one array parameter (a month's run passes 100,000)."""
    return bindparam(name, list(values), type_=ARRAY(BigInteger))


def _agreement():
    """The insurer agreement of a call, as a lateral subquery: for the call's
    line rather than for all lines, in force on its due date (ends included)."""
    return (select(CommissionAgreement.new_business_rate, CommissionAgreement.renewal_rate,
                   CommissionAgreement.earned_on)
            .where(CommissionAgreement.insurer_id == PremiumCall.insurer_id,
                   or_(CommissionAgreement.line == PremiumCall.line, CommissionAgreement.line.is_(None)),
                   CommissionAgreement.starts_on <= PremiumCall.due_date,
                   or_(CommissionAgreement.ends_on.is_(None), CommissionAgreement.ends_on >= PremiumCall.due_date))
            .order_by(CommissionAgreement.line.is_(None), CommissionAgreement.starts_on.desc())
            .limit(1).lateral("agreement"))


def _lines_select(call_ids, today: date):
    """The commission line of each call, as :mod:`app.commissions.rules` computes it."""
    agreement = _agreement()
    renewal = PremiumCall.period_start >= Contract.effective_date + func.make_interval(1)
    rate = case((Contract.commission_rate > 0, Contract.commission_rate),
                (Product.commission_rate > 0, Product.commission_rate),
                (renewal, func.coalesce(agreement.c.renewal_rate, 0)),
                else_=func.coalesce(agreement.c.new_business_rate, 0))
    on_issue = or_(PremiumCall.net < 0, func.coalesce(agreement.c.earned_on, rules.EARNED_ON_ISSUE)
                   != rules.EARNED_ON_PAYMENT)
    return (select(PremiumCall.id, PremiumCall.contract_id, PremiumCall.insurer_id, Contract.product_id,
                   PremiumCall.line, PremiumCall.due_date, PremiumCall.net, rate,
                   func.round(PremiumCall.net * rate / 100, 2),
                   case((on_issue, rules.EARNED_ON_ISSUE), else_=rules.EARNED_ON_PAYMENT),
                   case((on_issue, EARNED), else_=EXPECTED), case((on_issue, today), else_=None),
                   literal(Decimal("0.00")))
            .join(Contract, Contract.id == PremiumCall.contract_id)
            .outerjoin(Product, Product.id == Contract.product_id)
            .outerjoin(agreement, literal(True))
            .where(PremiumCall.id == any_(_ids("call_ids", call_ids))))


def issue_lines(session: Session, actor, call_ids: list[int], today: date) -> int:
    """Write the commission line of each of ``call_ids`` (those that have one
    keep it) and share out the lines earned on issue; returns how many lines
    were written."""
    if not call_ids:
        return 0
    statement = (insert(CommissionLine).from_select(LINE_COLUMNS, _lines_select(call_ids, today))
                 .on_conflict_do_nothing(constraint="uq_commission_line_call")
                 .returning(CommissionLine.id, CommissionLine.status, CommissionLine.amount))
    written = session.execute(statement).all()
    earned = [line_id for line_id, status, _ in written if status == EARNED]
    share_out(session, earned, today)
    if written:
        audit.record(session, actor, "commission_line.issue", "commission_line", None, after={
            "lines": len(written), "earned": len(earned), "amount": sum((row[2] for row in written), rules.ZERO)})
    return len(written)


def share_out(session: Session, line_ids: list[int], today: date) -> None:
    """The shares of the contracts' beneficiaries in the lines ``line_ids``
    just earned, set-based: each active beneficiary's rule for the product,
    else their default rate (:func:`rules.beneficiary_rate`); nothing for a
    line whose shares would pass 100 % (:func:`rules.check_shares`, enforced
    when the rates are set) or that already has shares."""
    if not line_ids:
        return
    rate = func.coalesce(ShareRule.rate, Beneficiary.default_rate)
    rates = (select(CommissionLine.id.label("line_id"), CommissionLine.amount.label("commission"),
                    Beneficiary.id.label("beneficiary_id"), rate.label("rate"),
                    func.sum(rate).over(partition_by=CommissionLine.id).label("total"))
             .join(ContractBeneficiary, ContractBeneficiary.contract_id == CommissionLine.contract_id)
             .join(Beneficiary, Beneficiary.id == ContractBeneficiary.beneficiary_id)
             .outerjoin(ShareRule, and_(ShareRule.beneficiary_id == Beneficiary.id,
                                        ShareRule.product_id == CommissionLine.product_id))
             .where(CommissionLine.id == any_(_ids("line_ids", line_ids)), CommissionLine.amount != 0,
                    Beneficiary.is_active.is_(True),
                    ~select(CommissionShare.id).where(CommissionShare.commission_line_id == CommissionLine.id)
                    .exists())
             .subquery())
    shares = select(rates.c.line_id, rates.c.beneficiary_id, rates.c.rate,
                    func.trunc(rates.c.commission * rates.c.rate / 100, 2), literal(today)).where(
        rates.c.rate > 0, rates.c.total <= 100)
    session.execute(insert(CommissionShare).from_select(SHARE_COLUMNS, shares))


def line_of(session: Session, call_id: int, *, lock: bool = False) -> CommissionLine | None:
    query = select(CommissionLine).where(CommissionLine.call_id == call_id)
    return session.scalar(query.with_for_update() if lock else query)


def _snapshot(line: CommissionLine) -> dict:
    return {"status": line.status, "earned_on": line.earned_on, "reversed_amount": line.reversed_amount,
            "reversed_on": line.reversed_on}


def earn(session: Session, actor, call: PremiumCall, today: date) -> None:
    """``call`` is paid: its line earned on payment becomes earned and is
    shared out; a line that a refund had reversed is reinstated."""
    line = line_of(session, call.id, lock=True)
    if line is None:
        return
    if line.status == EXPECTED:
        before = _snapshot(line)
        line.status, line.earned_on = EARNED, today
        session.flush()
        share_out(session, [line.id], today)
        audit.record(session, actor, "commission_line.earn", "commission_line", line.id, before=before,
                     after=_snapshot(line) | {"call": call.reference, "amount": line.amount})
    follow_call(session, actor, call, today)


def follow_call(session: Session, actor, call: PremiumCall, today: date) -> None:
    """Bring the reversal of ``call``'s line in step with the call (a refund,
    a cancellation, a refund paid again), with a share row per beneficiary
    for the difference. A line never earned is only closed with its call."""
    line = line_of(session, call.id, lock=True)
    if line is None:
        return
    closed = call.cancelled_at is not None or call.status == CallStatus.REFUNDED.value
    before = _snapshot(line)
    if line.status == EXPECTED:
        if closed:
            line.status, line.reversed_amount, line.reversed_on = REVERSED, line.amount, today
            audit.record(session, actor, "commission_line.reverse", "commission_line", line.id, before=before,
                         after=_snapshot(line) | {"call": call.reference})
        return
    reversal = rules.reversal_due(line.amount, call.net, call.total, call.paid, call.refunded, closed=closed)
    status = REVERSED if closed or (reversal != 0 and -reversal == line.amount) else EARNED
    if -reversal == line.reversed_amount and status == line.status:
        return
    line.reversed_amount, line.status = -reversal, status
    line.reversed_on = today if reversal != 0 else None
    _adjust_shares(session, line, reversal, today)
    audit.record(session, actor, "commission_line.reverse", "commission_line", line.id, before=before,
                 after=_snapshot(line) | {"call": call.reference})


def _adjust_shares(session: Session, line: CommissionLine, reversal: Decimal, today: date) -> None:
    """Add, for each beneficiary of ``line``, the share row that brings their
    part to their part of the commission less that of ``reversal``."""
    standing: dict[int, Decimal] = defaultdict(Decimal)
    percent: dict[int, Decimal] = {}
    for share in session.scalars(select(CommissionShare).where(CommissionShare.commission_line_id == line.id)
                                 .order_by(CommissionShare.id)):
        standing[share.beneficiary_id] += share.amount
        percent.setdefault(share.beneficiary_id, share.rate)
    for beneficiary_id, rate in percent.items():
        delta = rules.share_adjustment(line.amount, reversal, rate, standing[beneficiary_id])
        if delta:
            session.add(CommissionShare(commission_line_id=line.id, beneficiary_id=beneficiary_id, rate=rate,
                                        amount=delta, earned_on=today))


def earned_net(session: Session, contract_id: int) -> Decimal:
    """The commission earned on a contract, less what was reversed."""
    return session.scalar(select(func.coalesce(func.sum(CommissionLine.amount - CommissionLine.reversed_amount),
                                               rules.ZERO))
                          .where(CommissionLine.contract_id == contract_id, CommissionLine.earned_on.is_not(None)))

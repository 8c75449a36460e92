"""The demo firm's premiums: the calls of each contract's current insurance
year, issued on the first day of that year (so the commissions earned on
issue spread over the months), the money received on those already due
(bank transfers, cheques, cards, direct debits, a partial payment, an
overpayment kept as credit, a card payment refunded), a few calls left
unpaid at the ages of the L113-3 steps (the non-payment procedure itself is
the daily job's), and an introducer credited on some contracts with a share
of their commission.

Deterministic (seeded) and made once: a firm that already has premium calls
is left as it is.
"""

from __future__ import annotations

import random
from datetime import date, timedelta
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.billing import services as billing
from app.billing.models import PremiumCall
from app.billing.rules import CallStatus
from app.commissions import beneficiaries
from app.contracts.models import Contract, ContractStatus
from app.contracts.rules import add_months

SEED = 5113
#: days late of the calls left unpaid: before the reminder, reminded, formal
#: notice possible (10 days), cover suspended (notice + 30), cancellable (+ 10)
UNPAID_AGES = (3, 8, 18, 47, 70)
METHODS = (("transfer", 50), ("direct_debit", 20), ("cheque", 18), ("card", 12))
OVERPAID_BY = Decimal("25.00")
INTRODUCER = {"kind": "introducer", "name": "Lemoine Patrimoine Conseil", "email": "contact@lemoine-patrimoine.fr",
              "iban": "FR76 3000 6000 0112 3456 7890 189", "siren": "443061841", "default_rate": Decimal("20.00")}
#: the introducer brought one contract in this many
INTRODUCED_EVERY = 5
#: days after it was received that the refunded card payment was given back
REFUNDED_AFTER = 12


def add_billing(session: Session, actor, today: date | None = None) -> int:
    """Issue, collect and leave unpaid the demo's premium calls once; return how many calls were issued."""
    today = today or date.today()
    if session.scalar(select(PremiumCall.id).limit(1)) is not None:
        return 0
    contracts = session.scalars(select(Contract).where(Contract.status == ContractStatus.ACTIVE.value)
                                .order_by(Contract.id)).all()
    _introduce(session, actor, contracts)
    issued = 0
    for contract in contracts:
        year_start = add_months(contract.renewal_date, -12)
        issued += len(billing.generate_for_contract(session, actor, contract, year_start,
                                                    today=min(year_start, today)))
    session.flush()
    _collect(session, actor, today, random.Random(SEED))
    billing.refresh_overdue(session, today)
    session.commit()
    return issued


def _introduce(session: Session, actor, contracts: list[Contract]) -> None:
    """The introducer, credited on every fifth contract before its calls are issued (so their lines are shared)."""
    introducer = beneficiaries.create(session, actor, INTRODUCER)
    for contract in contracts[::INTRODUCED_EVERY]:
        beneficiaries.attach(session, actor, contract, introducer.id)


def _left_unpaid(calls: list[PremiumCall], today: date) -> set[int]:
    """For each age of UNPAID_AGES, the call due closest to that many days ago (one per payer)."""
    chosen: set[int] = set()
    payers: set[int] = set()
    for age in UNPAID_AGES:
        target = today - timedelta(days=age)
        candidates = [call for call in calls if call.id not in chosen and call.client_id not in payers]
        if candidates:
            call = min(candidates, key=lambda c: (abs((c.due_date - target).days), c.id))
            chosen.add(call.id)
            payers.add(call.client_id)
    return chosen


def _method(rng: random.Random) -> str:
    return rng.choices([method for method, _ in METHODS], weights=[weight for _, weight in METHODS])[0]


def _collect(session: Session, actor, today: date, rng: random.Random) -> None:
    """Pay the calls already due (each a few days around its due date), except
    those left unpaid; the first one paid half, the second overpaid, the
    first card payment old enough refunded."""
    due = session.scalars(select(PremiumCall).where(PremiumCall.due_date <= today, PremiumCall.total > 0,
                                                    PremiumCall.status != CallStatus.CANCELLED.value)
                          .order_by(PremiumCall.due_date, PremiumCall.id)).all()
    unpaid = _left_unpaid(due, today)
    paid = [call for call in due if call.id not in unpaid]
    refunded = None
    for number, call in enumerate(paid):
        method = _method(rng)
        amount = call.total
        if number == 0:
            amount = (call.total / 2).quantize(Decimal("0.01"))
        elif number == 1:
            method, amount = "transfer", call.total + OVERPAID_BY
        received = min(call.due_date + timedelta(days=rng.randint(-4, 9)), today)
        payment = billing.record_payment(
            session, actor, client_id=call.client_id, amount=amount, method=method, received_on=received,
            reference=f"{dict(transfer='VIR', direct_debit='PRLV', cheque='CHQ', card='CB')[method]} {call.reference}",
            external_id=f"DEMO-{call.reference}", call_ids=[call.id], today=received)
        refunded_on = received + timedelta(days=REFUNDED_AFTER)
        if method == "card" and not refunded and refunded_on <= today:
            refunded = billing.refund_payment(session, actor, payment, refunded_on=refunded_on, today=refunded_on)

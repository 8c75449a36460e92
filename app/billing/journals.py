"""The accountant's exports: journals of a period (premium calls issued,
payments received with their allocations, commissions earned and reversed
by insurer) and the balance of each client at a date.

Each journal is an iterator of rows, the translated header first, then
plain values (``Decimal`` amounts, ``date`` days, text) that the CSV and
XLSX writers of :mod:`app.billing.sheets` write as numbers and dates. The
rows are read from PostgreSQL in chunks (``yield_per``), so an export of a
large firm never holds all its rows in memory.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import Decimal

from flask_babel import lazy_gettext as _l
from sqlalchemy import Date, and_, func, literal, or_, select, union_all
from sqlalchemy.orm import Session

from app.billing.listing import KIND_LABELS as CALL_KIND
from app.billing.listing import STATUS_LABELS as CALL_STATUS
from app.billing.models import Payment, PaymentAllocation, PaymentStatus, PremiumCall
from app.billing.payment_forms import METHOD_LABELS as METHOD
from app.billing.payment_forms import STATUS_LABELS as PAYMENT_STATUS
from app.billing.reports import Period
from app.billing.rules import PARIS
from app.catalog.lines import LINES, Line
from app.catalog.models import Insurer
from app.commissions.models import CommissionLine
from app.contracts.models import Contract
from app.crm.models import Client

ZERO = Decimal("0.00")
CHUNK = 1000


@dataclass(frozen=True)
class Journal:
    """An export: its code (URL and file name), its title and its sheet name."""

    code: str
    title: object
    sheet: str
    needs_date: bool = False


JOURNALS = {
    "calls": Journal("calls", _l("Premium calls journal"), "Calls"),
    "payments": Journal("payments", _l("Payments journal"), "Payments"),
    "commissions": Journal("commissions", _l("Commissions journal"), "Commissions"),
    "balances": Journal("balances", _l("Client balances at a date"), "Balances", needs_date=True),
}


def _label(labels: dict, code: str | None) -> str:
    return "" if code is None else str(labels.get(code, code))


def _line(code: str) -> str:
    try:
        return str(LINES[Line(code)].label)
    except ValueError:
        return code


def _day(moment: datetime | None) -> date | None:
    """The day of a timestamp, in Paris."""
    return None if moment is None else moment.astimezone(PARIS).date()


def _header(*labels) -> list[str]:
    return [str(label) for label in labels]


def premium_calls(session: Session, period: Period) -> Iterator[list]:
    """Every call due in the period (cancelled ones with their status), by due date."""
    yield _header(_l("Premium call"), _l("Issued on"), _l("Due date"), _l("Period start"), _l("Period end"), _l("Kind"),
                  _l("Status"), _l("Client reference"), _l("Client"), _l("Contract"), _l("Policy number"),
                  _l("Insurer"), _l("Line"), _l("Net premium"), _l("Fees"), _l("Tax rate (%)"), _l("Tax"),
                  _l("Total"), _l("Paid"), _l("Refunded"))
    query = (select(PremiumCall, Client.reference, Client.display_name, Contract.reference, Contract.policy_number,
                    Insurer.name)
             .join(Client, Client.id == PremiumCall.client_id).join(Contract, Contract.id == PremiumCall.contract_id)
             .join(Insurer, Insurer.id == PremiumCall.insurer_id)
             .where(PremiumCall.due_date >= period.start, PremiumCall.due_date < period.end)
             .order_by(PremiumCall.due_date, PremiumCall.id).execution_options(yield_per=CHUNK))
    for call, client_ref, client_name, contract_ref, policy, insurer in session.execute(query):
        yield [call.reference, _day(call.created_at), call.due_date, call.period_start,
               call.period_end - timedelta(days=1), _label(CALL_KIND, call.kind), _label(CALL_STATUS, call.status),
               client_ref, client_name, contract_ref, policy, insurer, _line(call.line), call.net, call.fees,
               call.tax_rate, call.tax, call.total, call.paid, call.refunded]


def payments(session: Session, period: Period) -> Iterator[list]:
    """Every payment received in the period, a row per call it pays and a row
    for what it keeps as the payer's credit: the rows of a payment add up to
    its amount while it is recorded."""
    yield _header(_l("Payment"), _l("Received on"), _l("Method"), _l("Status"), _l("Refunded on"),
                  _l("Payer reference"), _l("Payer"), _l("Bank reference"), _l("External id"), _l("Payment amount"),
                  _l("Allocated to"), _l("Call due date"), _l("Amount"))
    allocated = (select(PaymentAllocation.payment_id.label("payment_id"), PremiumCall.reference.label("target"),
                        PremiumCall.due_date.label("due"), PaymentAllocation.amount.label("amount"),
                        PaymentAllocation.id.label("rank"))
                 .join(PremiumCall, PremiumCall.id == PaymentAllocation.call_id))
    credit = (select(Payment.id, literal(None).label("target"), literal(None, Date).label("due"),
                     Payment.unallocated, literal(None).label("rank"))
              .where(Payment.unallocated != 0))
    parts = union_all(allocated, credit).subquery()
    query = (select(Payment, Client.reference, Client.display_name, parts.c.target, parts.c.due, parts.c.amount)
             .join(Client, Client.id == Payment.payer_client_id)
             .outerjoin(parts, parts.c.payment_id == Payment.id)
             .where(Payment.received_on >= period.start, Payment.received_on < period.end)
             .order_by(Payment.received_on, Payment.id, parts.c.rank.nulls_last())
             .execution_options(yield_per=CHUNK))
    kept = str(_l("Credit kept"))
    for payment, payer_ref, payer, target, due, amount in session.execute(query):
        yield [payment.id, payment.received_on, _label(METHOD, payment.method),
               _label(PAYMENT_STATUS, payment.status), payment.refunded_on, payer_ref, payer, payment.reference,
               payment.external_id, payment.amount, target if target or amount is None else kept, due,
               ZERO if amount is None else amount]


def commissions(session: Session, period: Period) -> Iterator[list]:
    """Commissions earned, and reversals (negative), in the period, by insurer then day."""
    yield _header(_l("Insurer"), _l("Date"), _l("Movement"), _l("Premium call"), _l("Due date"), _l("Contract"),
                  _l("Policy number"), _l("Line"), _l("Net premium"), _l("Rate (%)"), _l("Amount"))
    earned = (select(CommissionLine.id.label("line_id"), CommissionLine.earned_on.label("day"),
                     literal("earned").label("movement"), CommissionLine.amount.label("amount"))
              .where(CommissionLine.earned_on >= period.start, CommissionLine.earned_on < period.end))
    taken_back = (select(CommissionLine.id, CommissionLine.reversed_on, literal("reversed"),
                         -CommissionLine.reversed_amount)
                  .where(CommissionLine.reversed_on >= period.start, CommissionLine.reversed_on < period.end,
                         CommissionLine.earned_on.is_not(None)))
    moves = union_all(earned, taken_back).subquery()
    query = (select(moves.c.day, moves.c.movement, moves.c.amount, CommissionLine, Insurer.name,
                    PremiumCall.reference, Contract.reference, Contract.policy_number)
             .join(CommissionLine, CommissionLine.id == moves.c.line_id)
             .join(Insurer, Insurer.id == CommissionLine.insurer_id)
             .join(PremiumCall, PremiumCall.id == CommissionLine.call_id)
             .join(Contract, Contract.id == CommissionLine.contract_id)
             .order_by(Insurer.name, moves.c.day, CommissionLine.id, moves.c.movement)
             .execution_options(yield_per=CHUNK))
    movement = {"earned": str(_l("Earned")), "reversed": str(_l("Reversed"))}
    for day, kind, amount, line, insurer, call_ref, contract_ref, policy in session.execute(query):
        yield [insurer, day, movement[kind], call_ref, line.due_date, contract_ref, policy, _line(line.line),
               line.base_net, line.rate, amount]


def _end_of(day: date) -> datetime:
    """The first moment after ``day`` in Paris (timestamps are compared with it)."""
    return datetime.combine(day + timedelta(days=1), time(0), PARIS)


def balances(session: Session, at: date) -> Iterator[list]:
    """Each client's account at the end of ``at``: premiums due by then (calls
    not cancelled by then), what payments received by then (and not refunded
    by then) paid of them, the difference, and the credit: money received by
    then that does not pay those calls (an overpayment, an advance). An
    allocation counts from the day its payment was received. Settled
    accounts are left out."""
    yield _header(_l("Client reference"), _l("Client"), _l("Amount called"), _l("Paid"), _l("Outstanding"), _l("Credit"))
    valid = and_(Payment.received_on <= at,
                 or_(Payment.status == PaymentStatus.RECORDED.value, Payment.refunded_on > at))
    counted = and_(PremiumCall.due_date <= at,
                   or_(PremiumCall.cancelled_at.is_(None), PremiumCall.cancelled_at >= _end_of(at)))
    due = (select(PremiumCall.client_id.label("client_id"), PremiumCall.total.label("due"),
                  literal(ZERO).label("paid"), literal(ZERO).label("received")).where(counted))
    paid = (select(PremiumCall.client_id, literal(ZERO), PaymentAllocation.amount, literal(ZERO))
            .join(PaymentAllocation, PaymentAllocation.call_id == PremiumCall.id)
            .join(Payment, Payment.id == PaymentAllocation.payment_id).where(counted, valid))
    received = select(Payment.payer_client_id, literal(ZERO), literal(ZERO), Payment.amount).where(valid)
    moves = union_all(due, paid, received).subquery()
    totals = (select(moves.c.client_id, func.sum(moves.c.due).label("due"), func.sum(moves.c.paid).label("paid"),
                     func.sum(moves.c.received).label("received"))
              .group_by(moves.c.client_id).subquery())
    query = (select(Client.reference, Client.display_name, totals.c.due, totals.c.paid, totals.c.received)
             .join(totals, totals.c.client_id == Client.id)
             .where(or_(totals.c.due != totals.c.paid, totals.c.received != totals.c.paid))
             .order_by(Client.sort_name, Client.id).execution_options(yield_per=CHUNK))
    for reference, name, due_amount, paid_amount, received_amount in session.execute(query):
        yield [reference, name, due_amount, paid_amount, due_amount - paid_amount, received_amount - paid_amount]


def rows_of(session: Session, code: str, period: Period, at: date) -> Iterator[list]:
    """The rows of journal ``code``."""
    if code == "balances":
        return balances(session, at)
    return {"calls": premium_calls, "payments": payments, "commissions": commissions}[code](session, period)


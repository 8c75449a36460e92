"""The premiums and commissions dashboard's figures for a period of months:
premium volume, commissions earned and reversed, collection, and the
overdue amounts by age. Every figure is aggregated by PostgreSQL (one
``GROUP BY`` query per table), so the page costs the same few queries on a
firm of any size.

Conventions:

- A premium call belongs to the month of its due date; cancelled calls are
  left out of the volume and of the collection (they are owed by nobody).
  Credit notes count with their negative amounts.
- A commission is counted in the month it was earned (``earned_on``), and
  its reversal (``reversed_amount``, as it stands) in the month of its last
  change (``reversed_on``); a line closed before it was earned reversed
  nothing.
- Collected = paid less refunded; outstanding = what is left to collect on
  open calls (due, partly paid, overdue).
- Overdue: open calls whose due date is before the day of the report, by
  days late: 1–30, 31–60, 61–90, over 90.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from enum import StrEnum

from sqlalchemy import Date, case, cast, func, literal, select, union_all
from sqlalchemy.orm import Session

from app.billing.errors import BillingError
from app.billing.models import PremiumCall
from app.billing.rules import CallStatus
from app.catalog.lines import LINES, Line
from app.catalog.models import Insurer
from app.commissions.models import CommissionLine
from app.contracts.rules import add_months

ZERO = Decimal("0.00")
#: the longest period a report covers
MAX_MONTHS = 60
DEFAULT_MONTHS = 12
OPEN = (CallStatus.DUE.value, CallStatus.PARTLY_PAID.value, CallStatus.OVERDUE.value)
_MONTH = re.compile(r"^(\d{4})-(\d{2})$")


class Grouping(StrEnum):
    MONTH = "month"
    INSURER = "insurer"
    LINE = "line"


@dataclass(frozen=True)
class Period:
    """Whole months: ``start`` is the first day of the first month, ``end``
    the first day after the last month."""

    start: date
    end: date

    @property
    def last_month(self) -> date:
        return add_months(self.end, -1)

    def months(self) -> list[date]:
        count = (self.end.year - self.start.year) * 12 + self.end.month - self.start.month
        return [add_months(self.start, k) for k in range(count)]


def default_period(today: date) -> Period:
    """The last twelve months, the current one included."""
    this_month = today.replace(day=1)
    return Period(add_months(this_month, 1 - DEFAULT_MONTHS), add_months(this_month, 1))


def _month(text: str) -> date:
    found = _MONTH.match(text.strip())
    if not found or not 1 <= int(found.group(2)) <= 12 or int(found.group(1)) < 1900:
        raise BillingError("period_invalid")
    return date(int(found.group(1)), int(found.group(2)), 1)


def parse_period(first: str | None, last: str | None, today: date) -> Period:
    """The period from the months ``first`` to ``last`` (``YYYY-MM``, both
    included); a missing one defaults to the last twelve months' bound.
    Raises ``period_invalid``, ``period_reversed`` or ``period_too_long``."""
    default = default_period(today)
    start = _month(first) if first else default.start
    last_month = _month(last) if last else default.last_month
    if last_month < start:
        raise BillingError("period_reversed")
    period = Period(start, add_months(last_month, 1))
    if len(period.months()) > MAX_MONTHS:
        raise BillingError("period_too_long")
    return period


@dataclass(frozen=True)
class VolumeRow:
    key: object
    label: str
    count: int
    total: Decimal
    net: Decimal


@dataclass(frozen=True)
class CommissionRow:
    key: object
    label: str
    earned: Decimal
    reversed: Decimal

    @property
    def balance(self) -> Decimal:
        return self.earned - self.reversed


@dataclass(frozen=True)
class CollectionRow:
    month: date
    collected: Decimal
    outstanding: Decimal


@dataclass(frozen=True)
class AgeBucket:
    code: str
    first_day: int
    last_day: int | None
    count: int
    amount: Decimal


#: days late of each overdue bucket (first, last); None: no upper bound
BUCKETS = (("0-30", 1, 30), ("31-60", 31, 60), ("61-90", 61, 90), ("90+", 91, None))


def _month_of(column):
    return cast(func.date_trunc("month", column), Date)


def _line_label(code: str) -> str:
    try:
        return str(LINES[Line(code)].label)
    except ValueError:
        return code


def _labelled(session: Session, grouping: Grouping, keyed: dict) -> list[tuple[object, str]]:
    """(key, label) of the grouped keys: months in order, every month of the
    period; insurers and lines by name."""
    if grouping is Grouping.INSURER:
        names = dict(session.execute(select(Insurer.id, Insurer.name).where(Insurer.id.in_(list(keyed)))).all())
        return sorted(((key, names.get(key, str(key))) for key in keyed), key=lambda pair: pair[1].lower())
    return sorted(((key, _line_label(key)) for key in keyed), key=lambda pair: pair[1].lower())


def _call_key(grouping: Grouping):
    return {Grouping.MONTH: _month_of(PremiumCall.due_date), Grouping.INSURER: PremiumCall.insurer_id,
            Grouping.LINE: PremiumCall.line}[grouping]


def _live_calls(period: Period):
    return (PremiumCall.due_date >= period.start, PremiumCall.due_date < period.end,
            PremiumCall.status != CallStatus.CANCELLED.value)


def premium_volume(session: Session, period: Period, grouping: Grouping) -> list[VolumeRow]:
    """Calls issued (count, total, net) by month of their due date, insurer or line."""
    key = _call_key(grouping).label("key")
    rows = {row.key: row for row in session.execute(
        select(key, func.count().label("count"), func.sum(PremiumCall.total).label("total"),
               func.sum(PremiumCall.net).label("net"))
        .where(*_live_calls(period)).group_by(key))}
    if grouping is Grouping.MONTH:
        return [VolumeRow(month, "", rows[month].count if month in rows else 0,
                          rows[month].total if month in rows else ZERO, rows[month].net if month in rows else ZERO)
                for month in period.months()]
    return [VolumeRow(key, label, rows[key].count, rows[key].total, rows[key].net)
            for key, label in _labelled(session, grouping, rows)]


def _commission_key(grouping: Grouping, day):
    return {Grouping.MONTH: _month_of(day), Grouping.INSURER: CommissionLine.insurer_id,
            Grouping.LINE: CommissionLine.line}[grouping]


def commissions(session: Session, period: Period, grouping: Grouping) -> list[CommissionRow]:
    """Commissions earned and reversed in the period, by month, insurer or
    line: one query over the union of the earnings and the reversals."""
    earned = (select(_commission_key(grouping, CommissionLine.earned_on).label("key"),
                     CommissionLine.amount.label("earned"), literal(ZERO).label("reversed"))
              .where(CommissionLine.earned_on >= period.start, CommissionLine.earned_on < period.end))
    taken_back = (select(_commission_key(grouping, CommissionLine.reversed_on).label("key"),
                         literal(ZERO).label("earned"), CommissionLine.reversed_amount.label("reversed"))
                  .where(CommissionLine.reversed_on >= period.start, CommissionLine.reversed_on < period.end,
                         CommissionLine.earned_on.is_not(None)))
    both = union_all(earned, taken_back).subquery()
    rows = {row.key: row for row in session.execute(
        select(both.c.key, func.sum(both.c.earned).label("earned"), func.sum(both.c.reversed).label("reversed"))
        .group_by(both.c.key))}
    if grouping is Grouping.MONTH:
        return [CommissionRow(month, "", rows[month].earned if month in rows else ZERO,
                              rows[month].reversed if month in rows else ZERO) for month in period.months()]
    return [CommissionRow(key, label, rows[key].earned, rows[key].reversed)
            for key, label in _labelled(session, grouping, rows)]


#: what is left to collect on a call, in SQL: nothing once paid, cancelled or refunded
OUTSTANDING = case((PremiumCall.status.in_(OPEN),
                    func.greatest(PremiumCall.total - (PremiumCall.paid - PremiumCall.refunded), ZERO)), else_=ZERO)


def collection(session: Session, period: Period) -> list[CollectionRow]:
    """Collected and still outstanding, by month of the calls' due date."""
    key = _month_of(PremiumCall.due_date).label("key")
    rows = {row.key: row for row in session.execute(
        select(key, func.sum(PremiumCall.paid - PremiumCall.refunded).label("collected"),
               func.sum(OUTSTANDING).label("outstanding"))
        .where(*_live_calls(period)).group_by(key))}
    return [CollectionRow(month, rows[month].collected if month in rows else ZERO,
                          rows[month].outstanding if month in rows else ZERO) for month in period.months()]


def overdue_buckets(session: Session, today: date) -> list[AgeBucket]:
    """What is overdue today (open calls due before today), by days late."""
    late = literal(today) - PremiumCall.due_date
    bucket = case(*[(late <= last, code) for code, _, last in BUCKETS if last is not None],
                  else_=BUCKETS[-1][0]).label("bucket")
    rows = {row.bucket: row for row in session.execute(
        select(bucket, func.count().label("count"), func.sum(OUTSTANDING).label("amount"))
        .where(PremiumCall.status.in_(OPEN), PremiumCall.due_date < today, OUTSTANDING > 0)
        .group_by(bucket))}
    return [AgeBucket(code, first, last, rows[code].count if code in rows else 0,
                      rows[code].amount if code in rows else ZERO) for code, first, last in BUCKETS]


@dataclass(frozen=True)
class Dashboard:
    period: Period
    today: date
    volume: list[VolumeRow]
    commissions: list[CommissionRow]
    collection: list[CollectionRow]
    overdue: list[AgeBucket]

    @property
    def calls(self) -> int:
        return sum(row.count for row in self.volume)

    @property
    def total(self) -> Decimal:
        return sum((row.total for row in self.volume), ZERO)

    @property
    def net(self) -> Decimal:
        return sum((row.net for row in self.volume), ZERO)

    @property
    def earned(self) -> Decimal:
        return sum((row.earned for row in self.commissions), ZERO)

    @property
    def reversed(self) -> Decimal:
        return sum((row.reversed for row in self.commissions), ZERO)

    @property
    def collected(self) -> Decimal:
        return sum((row.collected for row in self.collection), ZERO)

    @property
    def outstanding(self) -> Decimal:
        return sum((row.outstanding for row in self.collection), ZERO)

    @property
    def overdue_total(self) -> Decimal:
        return sum((bucket.amount for bucket in self.overdue), ZERO)


def dashboard(session: Session, period: Period, today: date) -> Dashboard:
    """The headline figures: the monthly series (their sums are the totals) and the overdue buckets."""
    return Dashboard(period, today, premium_volume(session, period, Grouping.MONTH),
                     commissions(session, period, Grouping.MONTH), collection(session, period),
                     overdue_buckets(session, today))

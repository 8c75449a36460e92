"""The premiums and commissions dashboard's figures for a period of months:
premium volume, commissions earned and reversed, collection, and the
overdue amounts by age. Every figure is aggregated by PostgreSQL: one
query over the period's calls (``GROUPING SETS`` by month, insurer and
line), one over the commission lines, one over the overdue calls; the page
costs those three queries on a firm of any size.

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

from sqlalchemy import Date, DateTime, case, cast, func, literal, literal_column, select, union_all
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
    """The first day of the month of ``column``, written inline (no bind
    parameter) so that GROUP BY and GROUPING() see the very expression the
    SELECT list has; through a timestamp without time zone, which spares a
    time zone conversion per row."""
    return cast(func.date_trunc(literal_column("'month'"), cast(column, DateTime)), Date)


def _line_label(code: str) -> str:
    try:
        return str(LINES[Line(code)].label)
    except ValueError:
        return code


#: GROUPING(month, insurer, line) of each grouping set: the bits of the columns aggregated away
SETS = {0b011: Grouping.MONTH, 0b101: Grouping.INSURER, 0b110: Grouping.LINE}


def _split(rows) -> dict[Grouping, dict]:
    """The rows of a GROUPING SETS query, by grouping then key."""
    split: dict[Grouping, dict] = {grouping: {} for grouping in Grouping}
    for row in rows:
        grouping = SETS[row.grouping_set]
        split[grouping][getattr(row, grouping.value)] = row
    return split


def _keys(session: Session, period: Period, grouping: Grouping, keyed: dict) -> list[tuple[object, str]]:
    """(key, label) in the order shown: every month of the period; insurers
    and lines by name."""
    if grouping is Grouping.MONTH:
        return [(month, "") for month in period.months()]
    if grouping is Grouping.INSURER:
        names = dict(session.execute(select(Insurer.id, Insurer.name).where(Insurer.id.in_(list(keyed)))).all())
        return sorted(((key, names.get(key, str(key))) for key in keyed), key=lambda pair: pair[1].lower())
    return sorted(((key, _line_label(key)) for key in keyed), key=lambda pair: pair[1].lower())


def _value(row, name: str, zero=ZERO):
    return zero if row is None else getattr(row, name)


def _live_calls(period: Period):
    return (PremiumCall.due_date >= period.start, PremiumCall.due_date < period.end,
            PremiumCall.status != CallStatus.CANCELLED.value)


#: what is left to collect on a call, in SQL: nothing once paid, cancelled or refunded
OUTSTANDING = case((PremiumCall.status.in_(OPEN),
                    func.greatest(PremiumCall.total - (PremiumCall.paid - PremiumCall.refunded), ZERO)), else_=ZERO)


@dataclass(frozen=True)
class PremiumFigures:
    """The calls of the period: their volume by month, insurer and line, and
    what was collected and is outstanding by month."""

    volume: dict[Grouping, list[VolumeRow]]
    collection: list[CollectionRow]


def premium_figures(session: Session, period: Period) -> PremiumFigures:
    """One query (one scan of the period's calls, GROUPING SETS by month of
    the due date, insurer and line) for the volume and the collection."""
    month = _month_of(PremiumCall.due_date)
    rows = _split(session.execute(
        select(month.label("month"), PremiumCall.insurer_id.label("insurer"), PremiumCall.line.label("line"),
               func.grouping(month, PremiumCall.insurer_id, PremiumCall.line).label("grouping_set"),
               func.count().label("count"), func.sum(PremiumCall.total).label("total"),
               func.sum(PremiumCall.net).label("net"),
               func.sum(PremiumCall.paid - PremiumCall.refunded).label("collected"),
               func.sum(OUTSTANDING).label("outstanding"))
        .where(*_live_calls(period))
        .group_by(func.grouping_sets(month, PremiumCall.insurer_id, PremiumCall.line))))
    volume = {grouping: [VolumeRow(key, label, _value(rows[grouping].get(key), "count", 0),
                                   _value(rows[grouping].get(key), "total"), _value(rows[grouping].get(key), "net"))
                         for key, label in _keys(session, period, grouping, rows[grouping])]
              for grouping in Grouping}
    by_month = rows[Grouping.MONTH]
    collection = [CollectionRow(month, _value(by_month.get(month), "collected"),
                                _value(by_month.get(month), "outstanding")) for month in period.months()]
    return PremiumFigures(volume, collection)


def commission_figures(session: Session, period: Period) -> dict[Grouping, list[CommissionRow]]:
    """Commissions earned and reversed in the period, by month, insurer and
    line: one query over the union of the earnings and the reversals."""
    def part(day, earned, reversed_, *conditions):
        return (select(_month_of(day).label("month"), CommissionLine.insurer_id.label("insurer"),
                       CommissionLine.line.label("line"), earned.label("earned"), reversed_.label("reversed"))
                .where(day >= period.start, day < period.end, *conditions))

    both = union_all(part(CommissionLine.earned_on, CommissionLine.amount, literal(ZERO)),
                     part(CommissionLine.reversed_on, literal(ZERO), CommissionLine.reversed_amount,
                          CommissionLine.earned_on.is_not(None))).subquery()
    rows = _split(session.execute(
        select(both.c.month, both.c.insurer, both.c.line,
               func.grouping(both.c.month, both.c.insurer, both.c.line).label("grouping_set"),
               func.sum(both.c.earned).label("earned"), func.sum(both.c.reversed).label("reversed"))
        .group_by(func.grouping_sets(both.c.month, both.c.insurer, both.c.line))))
    return {grouping: [CommissionRow(key, label, _value(rows[grouping].get(key), "earned"),
                                     _value(rows[grouping].get(key), "reversed"))
                       for key, label in _keys(session, period, grouping, rows[grouping])]
            for grouping in Grouping}


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
    """The headline figures of the period (sums of the monthly series) and the overdue total."""

    premiums: PremiumFigures
    commissions: dict[Grouping, list[CommissionRow]]
    overdue: list[AgeBucket]
    today: date

    @property
    def calls(self) -> int:
        return sum(row.count for row in self.premiums.volume[Grouping.MONTH])

    @property
    def total(self) -> Decimal:
        return sum((row.total for row in self.premiums.volume[Grouping.MONTH]), ZERO)

    @property
    def net(self) -> Decimal:
        return sum((row.net for row in self.premiums.volume[Grouping.MONTH]), ZERO)

    @property
    def earned(self) -> Decimal:
        return sum((row.earned for row in self.commissions[Grouping.MONTH]), ZERO)

    @property
    def reversed(self) -> Decimal:
        return sum((row.reversed for row in self.commissions[Grouping.MONTH]), ZERO)

    @property
    def collected(self) -> Decimal:
        return sum((row.collected for row in self.premiums.collection), ZERO)

    @property
    def outstanding(self) -> Decimal:
        return sum((row.outstanding for row in self.premiums.collection), ZERO)

    @property
    def overdue_total(self) -> Decimal:
        return sum((bucket.amount for bucket in self.overdue), ZERO)


def dashboard(session: Session, period: Period, today: date) -> Dashboard:
    """Every figure of the page: three queries."""
    return Dashboard(premium_figures(session, period), commission_figures(session, period),
                     overdue_buckets(session, today), today)

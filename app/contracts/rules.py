"""Contract rules: references, periods, pro-rata premium adjustments, the
dates of a cancellation by its ground (Code des assurances), status
transitions. Pure: no DB, no Flask.

Day-count convention (endorsements and refunds alike): *actual/actual on the
annual period*. The annual premium covers the period that ends on the next
main renewal date (échéance principale) and starts twelve months earlier. A
change on day ``d`` concerns the days from ``d`` (inclusive) to the renewal
date (exclusive), counted in actual calendar days, divided by the actual
number of days of that period (365, or 366 when it holds a 29 February).
"""

from __future__ import annotations

import calendar
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal

from app.catalog.rules import insurance_tax, round_cents

#: Loi Hamon (L113-15-2) for motor and home; health contracts after one year
#: (L113-15-2 as extended by the law of 14 July 2019, "résiliation
#: infra-annuelle", in force since 1 December 2020).
HAMON_LINES = frozenset({"motor", "home"})
HEALTH_LINES = frozenset({"health"})
ANY_TIME_AFTER_MONTHS = 12
ANY_TIME_NOTICE_MONTHS = 1
#: L121-11: on the sale of the insured object the contract ends 10 days
#: after the notice (for a vehicle, the day after the sale at midnight
#: suspends it; the 10-day end is the general case the firm applies).
SALE_NOTICE_DAYS = 10

ALLOWED_TRANSITIONS: dict[str, frozenset[str]] = {
    "pending": frozenset({"active", "cancelled"}),
    "active": frozenset({"suspended", "cancelled", "expired"}),
    "suspended": frozenset({"active", "cancelled", "expired"}),
    "cancelled": frozenset(),
    "expired": frozenset(),
}
ENDORSABLE_STATUSES = frozenset({"active", "suspended"})
INSTALMENTS = {"annual": 1, "half_yearly": 2, "quarterly": 4, "monthly": 12}


class ContractRuleError(ValueError):
    """A rule refuses; ``code`` says why and ``day`` carries the date it is
    about (a deadline, the first possible day), when there is one."""

    def __init__(self, code: str, day: date | None = None) -> None:
        super().__init__(code)
        self.code, self.day = code, day


def reference_for(number: int) -> str:
    return f"CTR-{number:06d}"


def add_months(day: date, months: int) -> date:
    """The same day ``months`` later (or earlier), clamped to the month's end:
    31 January + 1 month is 28 February (29 in a leap year)."""
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    return date(year, month + 1, min(day.day, calendar.monthrange(year, month + 1)[1]))


def default_renewal_date(effective_date: date, term_months: int = 12) -> date:
    return add_months(effective_date, term_months)


def transition_allowed(from_status: str, to_status: str) -> bool:
    return to_status in ALLOWED_TRANSITIONS.get(from_status, frozenset())


# --- pro rata temporis --------------------------------------------------------

@dataclass(frozen=True)
class Period:
    """The annual period ending (exclusive) on the renewal date."""

    start: date
    end: date

    @property
    def days(self) -> int:
        return (self.end - self.start).days

    def remaining_from(self, day: date) -> int:
        return (self.end - day).days


def annual_period(renewal_date: date) -> Period:
    return Period(add_months(renewal_date, -12), renewal_date)


@dataclass(frozen=True)
class Adjustment:
    """A pro-rata amount: ``net`` (negative for a credit), its tax, the total,
    and the computation line by line (for the document and the audit)."""

    net: Decimal
    tax: Decimal
    total: Decimal
    remaining_days: int
    period_days: int
    computation: list[dict] = field(default_factory=list)


def _check_in_period(day: date, period: Period) -> None:
    if day < period.start or day >= period.end:
        raise ContractRuleError("outside_period", period.end)


def pro_rata_adjustment(old_net: Decimal, new_net: Decimal, tax_rate: Decimal, day: date,
                        renewal_date: date) -> Adjustment:
    """The premium adjustment of an endorsement effective on ``day``:
    ``round_half_up((new_net - old_net) × remaining / period_days, 2)``, tax
    on it at the contract's rate (Art. 1001 CGI), both half-up to the cent.
    Fees are not adjusted. See the module's day-count convention."""
    period = annual_period(renewal_date)
    _check_in_period(day, period)
    remaining, days = period.remaining_from(day), period.days
    delta = Decimal(new_net) - Decimal(old_net)
    net = round_cents(delta * remaining / days)
    tax = insurance_tax(net, tax_rate)
    computation = [
        {"label": "annual_difference", "value": str(round_cents(delta))},
        {"label": "period", "value": f"{period.start.isoformat()} / {period.end.isoformat()}"},
        {"label": "days", "value": f"{remaining} / {days}"},
        {"label": "net", "value": str(net)},
        {"label": "tax", "value": f"{tax} ({Decimal(tax_rate)} %)"},
        {"label": "total", "value": str(net + tax)},
    ]
    return Adjustment(net, tax, net + tax, remaining, days, computation)


def unused_premium(premium_net: Decimal, tax_rate: Decimal, effective_on: date, renewal_date: date) -> Adjustment:
    """The refund of a cancellation effective on ``effective_on``: the net
    premium of the days from then to the renewal date, with its tax, by the
    same day-count as endorsements. Nothing is due back when the contract
    ends on (or after) the renewal date."""
    if effective_on >= renewal_date:
        return Adjustment(Decimal("0.00"), Decimal("0.00"), Decimal("0.00"), 0, annual_period(renewal_date).days,
                          [{"label": "no_refund", "value": renewal_date.isoformat()}])
    adjustment = pro_rata_adjustment(Decimal(premium_net), Decimal(0), tax_rate,
                                     max(effective_on, annual_period(renewal_date).start), renewal_date)
    return Adjustment(-adjustment.net, -adjustment.tax, -adjustment.total, adjustment.remaining_days,
                      adjustment.period_days, adjustment.computation)


def instalment_amount(total: Decimal, plan: str) -> Decimal:
    """One instalment of the annual total, half-up to the cent."""
    return round_cents(Decimal(total) / INSTALMENTS.get(plan, 1))


# --- endorsements -------------------------------------------------------------

def endorsement_problem(*, status: str, day: date, current_from: date, renewal_date: date) -> str | None:
    """Why an endorsement at ``day`` cannot be made, or None: the contract is
    in force, the date within the current annual period and not before the
    current version."""
    if status not in ENDORSABLE_STATUSES:
        return "not_in_force"
    period = annual_period(renewal_date)
    if day < period.start or day >= period.end:
        return "outside_period"
    if day < current_from:
        return "before_current_version"
    return None


# --- cancellations --------------------------------------------------------------

def any_time_effective_date(*, line: str, ground: str, contract_start: date, notice_on: date) -> date:
    """Loi Hamon (L113-15-2), motor and home, and health after one year: the
    policyholder may cancel once the contract has run one year from its
    effective date; the cancellation takes effect one month after the insurer
    receives the notice (month-end clamped)."""
    lines = HAMON_LINES if ground == "hamon" else HEALTH_LINES
    if line not in lines:
        raise ContractRuleError("ground_not_for_line")
    available_from = add_months(contract_start, ANY_TIME_AFTER_MONTHS)
    if notice_on < available_from:
        raise ContractRuleError("before_one_year", available_from)
    return add_months(notice_on, ANY_TIME_NOTICE_MONTHS)


def renewal_deadline(renewal_date: date, notice_days: int) -> date:
    """The last day the insurer may receive a notice to cancel at renewal."""
    return renewal_date - timedelta(days=notice_days)


def at_renewal_effective_date(*, renewal_date: date, notice_days: int, notice_on: date) -> date:
    """Cancellation at the main renewal date (L113-12): the notice is received
    at the latest ``notice_days`` before it; it takes effect on that date."""
    deadline = renewal_deadline(renewal_date, notice_days)
    if notice_on > deadline:
        raise ContractRuleError("notice_too_late", deadline)
    return renewal_date


def sale_effective_date(notice_on: date) -> date:
    """Sale of the insured object (L121-11): effective 10 days after notice."""
    return notice_on + timedelta(days=SALE_NOTICE_DAYS)


def late_notice_effective_date(notice_on: date) -> date:
    """Loi Chatel (L113-15-1): renewal notice late or never sent, the
    policyholder cancels at any time; effective the day after the notice."""
    return notice_on + timedelta(days=1)


def cancellation_effective_date(ground: str, *, line: str, contract_start: date, renewal_date: date,
                                notice_days: int, notice_on: date, chosen: date | None) -> date:
    """The day a cancellation on ``ground`` takes effect. By the insurer, for
    non-payment or any other ground, the date is the one given (``chosen``),
    not before the notice."""
    if ground in ("hamon", "health"):
        return any_time_effective_date(line=line, ground=ground, contract_start=contract_start, notice_on=notice_on)
    if ground == "renewal":
        return at_renewal_effective_date(renewal_date=renewal_date, notice_days=notice_days, notice_on=notice_on)
    if ground == "sale":
        return sale_effective_date(notice_on)
    if ground == "chatel":
        return late_notice_effective_date(notice_on)
    if chosen is None:
        raise ContractRuleError("date_required")
    if chosen < notice_on:
        raise ContractRuleError("before_notice", notice_on)
    return chosen


def requested_by(ground: str) -> str:
    return "insurer" if ground in ("insurer", "non_payment") else "client"

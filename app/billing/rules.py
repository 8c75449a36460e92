"""Billing rules: instalment schedules, pro-rata adjustments inside an
instalment, call status, allocation of payments and matching of bank
transfers. Pure: no DB, no Flask. The non-payment procedure (Code des
assurances, L113-3) is in :mod:`app.billing.nonpayment_rules`.

Conventions:

- Amounts are ``Decimal``, rounded half-up to the cent by
  :func:`app.catalog.rules.round_cents` (the one place of rounding).
- Periods are half-open: ``period_start`` inclusive, ``period_end`` exclusive
  (the next instalment's start), as in :class:`app.contracts.rules.Period`;
  ``Instalment.last_day`` is the last day covered, for documents.
- Months are added with the month end clamped (:func:`add_months`): due dates
  are always counted from the schedule's start, so 31 January gives
  28 February (29 in a leap year), then 31 March.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import ROUND_DOWN, Decimal
from enum import StrEnum
from typing import Sequence
from zoneinfo import ZoneInfo

from app.catalog.rules import CENT, insurance_tax, round_cents
from app.contracts.rules import INSTALMENTS, Adjustment, add_months, annual_period

ZERO = Decimal("0.00")
PARIS = ZoneInfo("Europe/Paris")


class BillingRuleError(ValueError):
    """A billing rule refuses; ``code`` says why."""

    def __init__(self, code: str) -> None:
        super().__init__(code)
        self.code = code


# --- instalment schedule ----------------------------------------------------------

@dataclass(frozen=True)
class Instalment:
    """One premium call (quittance) of the schedule."""

    number: int
    period_start: date
    period_end: date
    due_date: date
    net: Decimal
    fees: Decimal
    tax: Decimal

    @property
    def total(self) -> Decimal:
        return self.net + self.fees + self.tax

    @property
    def last_day(self) -> date:
        return self.period_end - timedelta(days=1)


def instalment_count(plan: str) -> int:
    """Number of instalments a year for ``plan``; raises ``unknown_plan``."""
    if plan not in INSTALMENTS:
        raise BillingRuleError("unknown_plan")
    return INSTALMENTS[plan]


def split_with_remainder_first(amount: Decimal, parts: int) -> list[Decimal]:
    """Split ``amount`` into ``parts`` cents-exact shares: every share is
    ``amount / parts`` half-up to the cent, except the FIRST, which takes the
    rounding remainder so that the shares add up exactly to ``amount``.

    For amounts of a few cents, where half-up shares would leave the first
    one with the opposite sign (0.09 in 12), the later shares are rounded
    toward zero instead."""
    amount = round_cents(Decimal(amount))
    share = round_cents(amount / parts)
    if opposite_signs(amount - share * (parts - 1), amount):
        share = (amount / parts).quantize(CENT, rounding=ROUND_DOWN)
    return [amount - share * (parts - 1)] + [share] * (parts - 1)


def opposite_signs(a: Decimal, b: Decimal) -> bool:
    return a * b < 0


def instalment_taxes(nets: list[Decimal], fees: list[Decimal], annual_tax: Decimal,
                     tax_rate_percent: Decimal) -> list[Decimal]:
    """Each call's tax is its own (net + fees) × rate, half-up to the cent,
    except the first call's, which is the yearly tax minus the others, so
    that the taxes of the year add up to the yearly tax exactly. When that
    would leave the first call a tax of the opposite sign (a yearly tax of a
    few cents), the yearly tax is split like the net instead."""
    later = [insurance_tax(n + f, tax_rate_percent) for n, f in zip(nets[1:], fees[1:])]
    first = annual_tax - sum(later, ZERO)
    if opposite_signs(first, annual_tax):
        return split_with_remainder_first(annual_tax, len(nets))
    return [first] + later


def instalments(annual_net: Decimal, annual_fees: Decimal, tax_rate_percent: Decimal, plan: str,
                period_start: date) -> list[Instalment]:
    """The premium calls of one year for ``plan`` (annual, half_yearly,
    quarterly, monthly), starting on ``period_start``.

    Instalment ``k`` covers ``[start + k·m months, start + (k+1)·m months)``
    with ``m = 12 / count``, and is due on its first day. The yearly tax is
    ``(annual_net + annual_fees) × rate`` half-up to the cent, computed once.
    Net, fees and tax are split evenly, half-up to the cent; the rounding
    remainder of each goes on the FIRST instalment (the usual practice of
    French insurers), so the year's calls add up exactly to the annual net,
    fees, tax and total (see :func:`instalment_taxes` for the tax)."""
    count = instalment_count(plan)
    months = 12 // count
    annual_tax = insurance_tax(Decimal(annual_net) + Decimal(annual_fees), tax_rate_percent)
    nets = split_with_remainder_first(annual_net, count)
    fees = split_with_remainder_first(annual_fees, count)
    taxes = instalment_taxes(nets, fees, annual_tax, tax_rate_percent)
    starts = [add_months(period_start, k * months) for k in range(count + 1)]
    return [Instalment(k + 1, starts[k], starts[k + 1], starts[k], nets[k], fees[k], taxes[k])
            for k in range(count)]


# --- pro rata inside an instalment -------------------------------------------------

def instalment_adjustment(old_annual_net: Decimal, new_annual_net: Decimal, tax_rate_percent: Decimal,
                          effective_on: date, period_start: date, period_end: date,
                          renewal_date: date) -> Adjustment:
    """The adjustment call (positive) or credit note (negative) for a change
    of annual net premium effective on ``effective_on``, for the instalment
    ``[period_start, period_end)`` already called.

    Contracts' convention (:mod:`app.contracts.rules`): actual days affected
    in the instalment (from ``effective_on``, or the period start if later,
    to the period end) divided by the actual days of the annual period ending
    on ``renewal_date``; net half-up to the cent, tax on it at the call's
    rate; fees are not adjusted. Later instalments are called at the new
    premium and need no adjustment."""
    year = annual_period(renewal_date)
    if period_start < year.start or period_end > year.end or period_start >= period_end:
        raise BillingRuleError("period_outside_year")
    days = max((period_end - max(effective_on, period_start)).days, 0)
    delta = Decimal(new_annual_net) - Decimal(old_annual_net)
    net = round_cents(delta * days / year.days)
    tax = insurance_tax(net, tax_rate_percent)
    computation = [
        {"label": "annual_difference", "value": str(round_cents(delta))},
        {"label": "period", "value": f"{period_start.isoformat()} / {period_end.isoformat()}"},
        {"label": "days", "value": f"{days} / {year.days}"},
        {"label": "net", "value": str(net)},
        {"label": "tax", "value": f"{tax} ({Decimal(tax_rate_percent)} %)"},
        {"label": "total", "value": str(net + tax)},
    ]
    return Adjustment(net, tax, net + tax, days, year.days, computation)


def cancellation_credit(annual_net: Decimal, tax_rate_percent: Decimal, effective_on: date,
                        period_start: date, period_end: date, renewal_date: date) -> Adjustment:
    """The credit note (negative) for the days of a called instalment after
    a cancellation effective on ``effective_on``: the adjustment to a nil
    premium, by the same day count."""
    return instalment_adjustment(annual_net, ZERO, tax_rate_percent, effective_on, period_start,
                                 period_end, renewal_date)


# --- call status and payments ------------------------------------------------------

class CallStatus(StrEnum):
    DUE = "due"
    PARTLY_PAID = "partly_paid"
    PAID = "paid"
    OVERDUE = "overdue"
    CANCELLED = "cancelled"
    REFUNDED = "refunded"


def outstanding(total: Decimal, paid: Decimal, refunded: Decimal = ZERO) -> Decimal:
    """What is still owed on a call: total less the money kept (paid less
    refunded), never below zero."""
    return max(Decimal(total) - (Decimal(paid) - Decimal(refunded)), ZERO)


def call_status(total: Decimal, paid: Decimal, refunded: Decimal, due_date: date, today: date,
                cancelled: bool) -> CallStatus:
    """The status of a call from its amounts, in this order of precedence:

    - ``refunded``: money was received and all of it given back;
    - ``cancelled``: the call was cancelled (whatever partial money is kept
      is credited elsewhere);
    - ``paid``: the money kept covers the total;
    - ``overdue``: something is still owed after the due date (the due date
      itself is on time), even if partly paid: the L113-3 procedure applies;
    - ``partly_paid``: something received, the rest not yet late;
    - ``due``: nothing received, not yet late."""
    kept = Decimal(paid) - Decimal(refunded)
    if Decimal(paid) > 0 and kept <= 0:
        return CallStatus.REFUNDED
    if cancelled:
        return CallStatus.CANCELLED
    if outstanding(total, paid, refunded) == 0:
        return CallStatus.PAID
    if today > due_date:
        return CallStatus.OVERDUE
    return CallStatus.PARTLY_PAID if kept > 0 else CallStatus.DUE


@dataclass(frozen=True)
class OpenCall:
    """A call still owed: its reference (``QUI-000123``) and outstanding amount."""

    reference: str
    outstanding: Decimal


def allocate(payment_amount: Decimal, calls_oldest_first: Sequence[OpenCall]
             ) -> tuple[list[tuple[str, Decimal]], Decimal]:
    """Spread a payment over open calls, oldest first, each up to what it
    owes. Returns ``([(reference, amount), ...], credit)``: the calls touched
    and the overpayment kept as the payer's credit."""
    left = Decimal(payment_amount)
    if left <= 0:
        raise BillingRuleError("payment_not_positive")
    allocations = []
    for call in calls_oldest_first:
        if left == 0:
            break
        amount = min(left, Decimal(call.outstanding))
        if amount > 0:
            allocations.append((call.reference, amount))
            left -= amount
    return allocations, left


# --- bank transfers ------------------------------------------------------------------

class MatchKind(StrEnum):
    MATCHED = "matched"
    PARTIAL = "partial"
    OVER = "over"
    PROBABLE = "probable"
    UNMATCHED = "unmatched"


@dataclass(frozen=True)
class TransferMatch:
    """The outcome of matching a transfer. ``references``: the calls it
    pays; ``difference``: amount received minus amount owed by them
    (negative for a partial payment, positive for an overpayment)."""

    kind: MatchKind
    references: tuple[str, ...] = ()
    difference: Decimal = ZERO

    @property
    def needs_review(self) -> bool:
        return self.kind is not MatchKind.MATCHED


#: A call's reference: letters, an optional dash, digits ("QUI-000123").
REFERENCE_PATTERN = re.compile(r"([A-Z]+)-?(\d+)", re.IGNORECASE)


def reference_key(reference: str) -> tuple[str, int] | None:
    """A reference reduced to (prefix upper-cased, number): the dash and
    leading zeros do not count."""
    found = REFERENCE_PATTERN.fullmatch(reference.strip())
    return (found.group(1).upper(), int(found.group(2))) if found else None


def references_in(text: str, prefixes: set[str]) -> list[tuple[str, int]]:
    """The references with one of ``prefixes`` inside a free text ("VIR
    DUPONT REF qui000123 JANV"), case-insensitive, with or without the dash
    or a space, in order of appearance."""
    if not prefixes or not text:
        return []
    alternatives = "|".join(re.escape(p) for p in sorted(prefixes))
    pattern = re.compile(rf"({alternatives})[- ]?(\d+)(?!\d)", re.IGNORECASE)
    return [(m.group(1).upper(), int(m.group(2))) for m in pattern.finditer(text)]


def match_transfer(reference_text: str, amount: Decimal, open_calls: Sequence[OpenCall]) -> TransferMatch:
    """Match a bank transfer to open calls.

    - references of open calls found in the text (case-insensitive, with or
      without the dash, leading zeros optional): ``matched`` when the amount
      equals what they owe together, else ``partial`` or ``over`` with the
      difference;
    - no reference, but exactly one open call owes exactly the amount:
      ``probable`` (a person confirms);
    - otherwise ``unmatched``."""
    amount = Decimal(amount)
    by_key = {reference_key(call.reference): call for call in open_calls}
    prefixes = {key[0] for key in by_key if key is not None}
    found = list(dict.fromkeys(key for key in references_in(reference_text, prefixes) if key in by_key))
    if found:
        calls = [by_key[key] for key in found]
        difference = amount - sum((Decimal(c.outstanding) for c in calls), ZERO)
        kind = MatchKind.MATCHED if difference == 0 else MatchKind.OVER if difference > 0 else MatchKind.PARTIAL
        return TransferMatch(kind, tuple(c.reference for c in calls), difference)
    same_amount = [call for call in open_calls if Decimal(call.outstanding) == amount]
    if len(same_amount) == 1:
        return TransferMatch(MatchKind.PROBABLE, (same_amount[0].reference,))
    return TransferMatch(MatchKind.UNMATCHED)

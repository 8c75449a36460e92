"""Commission rules: the commission on a premium, its reversal, its split
with introducers and producers, and the reconciliation of an insurer's
commission statement (bordereau). Pure: no DB, no Flask.

Conventions:

- Amounts are ``Decimal``; a commission is rounded half-up to the cent by
  :func:`app.catalog.rules.round_cents`.
- A beneficiary's share of a commission is rounded TOWARD ZERO to the cent:
  nobody is paid a fraction of a cent the firm did not receive, and the firm
  keeps the remainder, so the shares and the firm's part add up exactly to
  the commission. Reversals split the same way, with the opposite sign.
- A difference is always ``statement amount - expected amount``: negative
  when the insurer paid less than due.
"""

from __future__ import annotations

import re
from collections import defaultdict, deque
from dataclasses import dataclass, field
from datetime import date
from decimal import ROUND_DOWN, Decimal
from enum import StrEnum
from typing import Sequence

from app.catalog.rules import CENT, round_cents

ZERO = Decimal("0.00")
HUNDRED = Decimal(100)


class CommissionRuleError(ValueError):
    """A commission rule refuses; ``code`` says why."""

    def __init__(self, code: str) -> None:
        super().__init__(code)
        self.code = code


# --- commission -------------------------------------------------------------------

def commission(net_premium: Decimal, rate_percent: Decimal) -> Decimal:
    """The commission on a net premium (fees and tax excluded), half-up to
    the cent."""
    return round_cents(Decimal(net_premium) * Decimal(rate_percent) / HUNDRED)


def commission_reversal(commission_amount: Decimal, net_premium: Decimal, refunded_net: Decimal) -> Decimal:
    """The (negative) commission taken back when ``refunded_net`` of the
    call's ``net_premium`` is refunded: the commission pro rata of the net
    refunded, half-up to the cent; a full refund reverses it exactly."""
    net, refunded = Decimal(net_premium), Decimal(refunded_net)
    if refunded < 0 or refunded > net:
        raise CommissionRuleError("refund_out_of_range")
    if refunded == net:
        return -Decimal(commission_amount)
    return -round_cents(Decimal(commission_amount) * refunded / net)


# --- splits ------------------------------------------------------------------------

@dataclass(frozen=True)
class Split:
    """A commission shared out: ``shares`` as (beneficiary, amount) in the
    order given, and what the firm keeps."""

    shares: list[tuple[str, Decimal]]
    firm: Decimal

    @property
    def total(self) -> Decimal:
        return self.firm + sum((amount for _, amount in self.shares), ZERO)


def check_shares(shares: Sequence[tuple[str, Decimal]]) -> None:
    """Refuse a percentage not in (0, 100] (``share_out_of_range``) and
    shares adding up to more than 100 % (``shares_over_100``)."""
    percents = [Decimal(percent) for _, percent in shares]
    if any(p <= 0 or p > HUNDRED for p in percents):
        raise CommissionRuleError("share_out_of_range")
    if sum(percents, Decimal(0)) > HUNDRED:
        raise CommissionRuleError("shares_over_100")


def share_of(commission_amount: Decimal, percent: Decimal) -> Decimal:
    """A beneficiary's part, rounded toward zero to the cent."""
    return (Decimal(commission_amount) * Decimal(percent) / HUNDRED).quantize(CENT, rounding=ROUND_DOWN)


def split(commission_amount: Decimal, shares: Sequence[tuple[str, Decimal]]) -> Split:
    """Share ``commission_amount`` among introducers and producers, given as
    ``[(beneficiary, percent)]``; the firm keeps the rest (see the module's
    rounding convention)."""
    check_shares(shares)
    parts = [(beneficiary, share_of(commission_amount, percent)) for beneficiary, percent in shares]
    firm = Decimal(commission_amount) - sum((amount for _, amount in parts), ZERO)
    return Split(parts, firm)


# --- reconciliation of a statement ----------------------------------------------------

class LineStatus(StrEnum):
    MATCHED = "matched"
    AMOUNT_DIFFERS = "amount_differs"
    MISSING_FROM_STATEMENT = "missing_from_statement"
    UNKNOWN_TO_US = "unknown_to_us"


@dataclass(frozen=True)
class CommissionLine:
    """A commission expected by us, or a line of an insurer's statement.
    ``period_start``: the first day of the premium call's period."""

    insurer: str
    policy_number: str
    period_start: date
    amount: Decimal
    call_reference: str | None = None

    @property
    def month(self) -> str:
        return f"{self.period_start.year:04d}-{self.period_start.month:02d}"


@dataclass(frozen=True)
class ReconciledLine:
    """One outcome: the expected line, the statement line (either may be
    None) and ``difference`` = statement - expected."""

    status: LineStatus
    expected: CommissionLine | None
    statement: CommissionLine | None
    difference: Decimal


@dataclass
class Totals:
    """Totals of one insurer and month: expected, received, their
    difference, and the number of lines per status."""

    expected: Decimal = ZERO
    received: Decimal = ZERO
    counts: dict[str, int] = field(default_factory=lambda: {status.value: 0 for status in LineStatus})

    @property
    def difference(self) -> Decimal:
        return self.received - self.expected


@dataclass(frozen=True)
class Reconciliation:
    lines: list[ReconciledLine]
    #: keyed by (insurer, "YYYY-MM")
    totals: dict[tuple[str, str], Totals]


def policy_key(policy_number: str) -> str:
    """A policy number as compared: upper-cased, without spaces, dashes,
    dots or slashes (insurers' files write "AB-123 456" and "ab123456")."""
    return re.sub(r"[\s\-./]", "", policy_number).upper()


def line_key(line: CommissionLine) -> tuple[str, str, date]:
    return line.insurer, policy_key(line.policy_number), line.period_start


class ExpectedIndex:
    """Expected lines indexed for O(1) lookups: by (insurer, policy, period),
    in their order, and by the same key plus the call reference. Each line
    can be taken once."""

    def __init__(self, expected_lines: Sequence[CommissionLine]) -> None:
        self.lines = list(expected_lines)
        self.taken = [False] * len(self.lines)
        self.by_key: dict[tuple, deque[int]] = defaultdict(deque)
        self.by_reference: dict[tuple, int] = {}
        for position, line in enumerate(self.lines):
            key = line_key(line)
            self.by_key[key].append(position)
            if line.call_reference:
                self.by_reference[(key, line.call_reference.upper())] = position

    def take(self, line: CommissionLine) -> CommissionLine | None:
        """The expected line for a statement line: the one with its call
        reference when it gives one and we have it, else the first one not
        yet taken with its policy and period."""
        key = line_key(line)
        position = self.by_reference.get((key, (line.call_reference or "").upper()))
        if position is None or self.taken[position]:
            position = self._first_free(key)
        if position is None:
            return None
        self.taken[position] = True
        return self.lines[position]

    def _first_free(self, key: tuple) -> int | None:
        queue = self.by_key.get(key)
        while queue:
            position = queue.popleft()
            if not self.taken[position]:
                return position
        return None

    def left_over(self) -> list[CommissionLine]:
        return [line for line, taken in zip(self.lines, self.taken) if not taken]


def compare(expected: CommissionLine, received: CommissionLine, tolerance: Decimal) -> ReconciledLine:
    difference = Decimal(received.amount) - Decimal(expected.amount)
    status = LineStatus.MATCHED if abs(difference) <= tolerance else LineStatus.AMOUNT_DIFFERS
    return ReconciledLine(status, expected, received, difference)


def reconcile(expected_lines: Sequence[CommissionLine], statement_lines: Sequence[CommissionLine],
              tolerance: Decimal = Decimal("0.01")) -> Reconciliation:
    """Reconcile an insurer's statement with the commissions we expect, in
    O(n) time with dicts.

    Lines match on insurer, policy number (see :func:`policy_key`) and period
    start, and on the call reference when the statement gives one we know.
    ``matched`` when the amounts differ by at most ``tolerance``, else
    ``amount_differs``; our lines left over are ``missing_from_statement``,
    statement lines we cannot place are ``unknown_to_us``. Totals are per
    insurer and month of the period; the lines keep the statement's order,
    then the missing ones in ours."""
    index = ExpectedIndex(expected_lines)
    lines = []
    for received in statement_lines:
        expected = index.take(received)
        lines.append(compare(expected, received, Decimal(tolerance)) if expected is not None else
                     ReconciledLine(LineStatus.UNKNOWN_TO_US, None, received, Decimal(received.amount)))
    lines += [ReconciledLine(LineStatus.MISSING_FROM_STATEMENT, line, None, -Decimal(line.amount))
              for line in index.left_over()]
    return Reconciliation(lines, totals_of(lines))


def totals_of(lines: Sequence[ReconciledLine]) -> dict[tuple[str, str], Totals]:
    """Totals per (insurer, month), from the expected line when there is one."""
    totals: dict[tuple[str, str], Totals] = defaultdict(Totals)
    for line in lines:
        reference = line.expected or line.statement
        bucket = totals[(reference.insurer, reference.month)]
        bucket.counts[line.status.value] += 1
        if line.expected is not None:
            bucket.expected += Decimal(line.expected.amount)
        if line.statement is not None:
            bucket.received += Decimal(line.statement.amount)
    return dict(totals)


# --- the rate and terms of a commission line ----------------------------------------------

from app.contracts.rules import add_months  # noqa: E402  (rules above this line need none)

EARNED_ON_ISSUE = "issue"
EARNED_ON_PAYMENT = "payment"


def is_renewal(effective_date: date, period_start: date) -> bool:
    """Whether a call is for a renewal year (the agreement's renewal rate):
    its period starts one year or more after the contract took effect."""
    return period_start >= add_months(effective_date, 12)


def commission_rate(contract_rate: Decimal | None, product_rate: Decimal | None, agreement,
                    renewal: bool) -> Decimal:
    """The rate of a commission line, first that applies: the contract's own
    rate when above zero (an override, or the rate fixed when placed), else
    the product's when above zero, else the insurer agreement's (``agreement``
    as chosen by :func:`app.catalog.insurer_rules.applicable_agreement`:
    for the line rather than for all lines, in force on the due date) at its
    renewal or new-business rate, else zero."""
    for rate in (contract_rate, product_rate):
        if rate is not None and Decimal(rate) > 0:
            return Decimal(rate)
    if agreement is None:
        return ZERO
    return Decimal(agreement.renewal_rate if renewal else agreement.new_business_rate)


def earned_when(agreement, base_net: Decimal) -> str:
    """When a line is earned: as the insurer agreement says (``issue`` with no
    agreement). A credit note's (negative) commission is taken back when the
    credit note is issued: nobody pays it, so it could never be earned on
    payment."""
    if Decimal(base_net) < 0 or agreement is None:
        return EARNED_ON_ISSUE
    return agreement.earned_on if agreement.earned_on == EARNED_ON_PAYMENT else EARNED_ON_ISSUE


# --- shares of beneficiaries, and reversals ---------------------------------------------

def beneficiary_rate(default_rate: Decimal, product_rate: Decimal | None) -> Decimal:
    """A beneficiary's percent of the commission on a product: their rule for
    the product when they have one, else their default rate."""
    return Decimal(product_rate if product_rate is not None else default_rate)


def contract_shares(rates: Sequence[tuple[str, Decimal]]) -> list[tuple[str, Decimal]]:
    """The shares of a contract's beneficiaries, ``[(beneficiary, percent)]``:
    those at zero take nothing and are left out; the rest must pass
    :func:`check_shares` (never more than 100 % of the commission)."""
    shares = [(beneficiary, Decimal(rate)) for beneficiary, rate in rates if Decimal(rate) != 0]
    check_shares(shares)
    return shares


def given_back(total: Decimal, paid: Decimal, refunded: Decimal) -> Decimal:
    """The money of a call refunded and not received again: what was given
    back, but no more than what is owed again (a refund paid anew counts for
    nothing)."""
    kept = Decimal(paid) - Decimal(refunded)
    return max(min(Decimal(refunded), Decimal(total) - kept), ZERO)


def reversal_due(amount: Decimal, net: Decimal, total: Decimal, paid: Decimal, refunded: Decimal, *,
                 closed: bool) -> Decimal:
    """How much of a line's commission ``amount`` stands reversed (zero or of
    the opposite sign), from the state of its call: all of it when the call is
    closed (cancelled, or every payment on it refunded); else the commission
    pro rata of the net premium refunded and not paid again
    (:func:`commission_reversal`, the money refunded carrying net in the
    call's proportion of net to total)."""
    if closed:
        return -Decimal(amount)
    back = given_back(total, paid, refunded)
    if back == 0 or Decimal(net) <= 0 or Decimal(total) <= 0:
        return ZERO
    refunded_net = min(Decimal(net), round_cents(Decimal(net) * back / Decimal(total)))
    return commission_reversal(amount, net, refunded_net)


def share_adjustment(amount: Decimal, reversal: Decimal, percent: Decimal, standing: Decimal) -> Decimal:
    """The share row to add so that a beneficiary's shares of a line
    (``standing``: the sum of their rows so far) come to their part of the
    commission less their part of the reversal. Shares round toward zero, so
    a full reversal takes back exactly what was shared."""
    return share_of(amount, percent) + share_of(reversal, percent) - Decimal(standing)


# --- insurer statements: what we expect, totals by status, what a dispute claims ---------

def expected_net(amount: Decimal, reversed_amount: Decimal) -> Decimal:
    """What the insurer owes on a commission line: its amount less what stands
    reversed. A reversal only ever brings a commission toward zero, so this
    holds whichever sign the reversal is written with."""
    amount, back = Decimal(amount), abs(Decimal(reversed_amount))
    return max(amount - back, ZERO) if amount >= 0 else min(amount + back, ZERO)


def match_date(day: date, by_month: bool) -> date:
    """The date a statement line and a commission line are matched on: the
    due date itself, or the 1st of its month when the insurer's file gives a
    period rather than a day (see :func:`reconcile`'s ``period_start``)."""
    return day.replace(day=1) if by_month else day


def status_totals(lines: Sequence[ReconciledLine]) -> dict[str, Totals]:
    """Totals of a reconciliation per status (each one counting its own
    lines), for the tabs of a statement; amounts as in :func:`totals_of`."""
    totals = {status.value: Totals() for status in LineStatus}
    for line in lines:
        bucket = totals[line.status.value]
        bucket.counts[line.status.value] += 1
        if line.expected is not None:
            bucket.expected += Decimal(line.expected.amount)
        if line.statement is not None:
            bucket.received += Decimal(line.statement.amount)
    return totals


def add_up(totals: Sequence[Totals]) -> Totals:
    """Several totals (the months of a statement, the statements of a list) as one."""
    whole = Totals()
    for part in totals:
        whole.expected += part.expected
        whole.received += part.received
        for status, count in part.counts.items():
            whole.counts[status] = whole.counts.get(status, 0) + count
    return whole


CLAIMABLE = frozenset({LineStatus.AMOUNT_DIFFERS.value, LineStatus.MISSING_FROM_STATEMENT.value})


def claim_amount(status: str, difference: Decimal) -> Decimal:
    """What a dispute claims from the insurer for a reconciled line: the
    shortfall (minus the difference, statement - expected) of a line paid less
    than expected or missing from the statement. ``nothing_to_claim`` for a
    line paid in full or more, or unknown to us."""
    if status not in CLAIMABLE or Decimal(difference) >= 0:
        raise CommissionRuleError("nothing_to_claim")
    return -Decimal(difference)


def check_recovery(claimed: Decimal, recovered: Decimal) -> None:
    """A dispute resolved recovers between nothing and the amount claimed
    (``recovered_negative``, ``recovered_over_claim``)."""
    if Decimal(recovered) < 0:
        raise CommissionRuleError("recovered_negative")
    if Decimal(recovered) > Decimal(claimed):
        raise CommissionRuleError("recovered_over_claim")


def age_in_days(opened_on: date, closed_on: date | None, today: date) -> int:
    """How long a dispute has been (or was) open, in days."""
    return ((closed_on or today) - opened_on).days

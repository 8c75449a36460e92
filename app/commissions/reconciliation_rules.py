"""Reconciliation of an insurer's commission statement (bordereau) with
the commissions we expect, line by line; totals per insurer and month and
per status; what we expect once a reversal stands, the date lines are
matched on, what a dispute claims and may recover, a dispute's age. Pure:
no DB, no Flask.

Conventions:

- Amounts are ``Decimal``.
- A difference is always ``statement amount - expected amount``: negative
  when the insurer paid less than due.
"""

from __future__ import annotations

import re
from collections import defaultdict, deque
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from enum import StrEnum
from typing import Sequence

from app.commissions.rules import ZERO, CommissionRuleError


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

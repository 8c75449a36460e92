"""Commission rules: the commission on a premium, its reversal, its split
with introducers and producers, the rate and terms of a commission line.
Pure: no DB, no Flask. The reconciliation of an insurer's commission
statement (bordereau) is in :mod:`app.commissions.reconciliation_rules`.

Conventions:

- Amounts are ``Decimal``; a commission is rounded half-up to the cent by
  :func:`app.catalog.rules.round_cents`.
- A beneficiary's share of a commission is rounded TOWARD ZERO to the cent:
  nobody is paid a fraction of a cent the firm did not receive, and the firm
  keeps the remainder, so the shares and the firm's part add up exactly to
  the commission. Reversals split the same way, with the opposite sign.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import ROUND_DOWN, Decimal
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

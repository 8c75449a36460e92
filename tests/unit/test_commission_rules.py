"""Commission rules: commission on the net premium half-up to the cent,
reversal pro rata of the net refunded, splits with introducers (apporteurs)
and producers (shares rounded toward zero, the remainder to the firm)."""

from __future__ import annotations

from decimal import Decimal

import pytest

from app.commissions import rules
from app.commissions.rules import CommissionRuleError

D = Decimal


# --- commission and reversal -------------------------------------------------------------

@pytest.mark.parametrize("net, rate, expected", [
    ("1000.00", "15", "150.00"),
    ("83.33", "12.5", "10.42"),     # 10.41625 -> 10.42
    ("10.10", "15", "1.52"),        # 1.515 -> 1.52, half-up
    ("0.00", "20", "0.00"),
    ("-22.00", "15", "-3.30"),      # a credit note's commission is negative
])
def test_commission_on_the_net_premium_half_up_to_the_cent(net, rate, expected):
    assert rules.commission(D(net), D(rate)) == D(expected)


def test_a_refund_reverses_the_commission_pro_rata_and_a_full_refund_exactly():
    assert rules.commission_reversal(D("10.42"), D("83.33"), D("41.67")) == D("-5.21")
    assert rules.commission_reversal(D("10.42"), D("83.33"), D("83.33")) == D("-10.42")
    assert rules.commission_reversal(D("10.42"), D("83.33"), D("0")) == D("0.00")


def test_a_refund_beyond_the_premium_is_refused():
    with pytest.raises(CommissionRuleError) as error:
        rules.commission_reversal(D("10"), D("100"), D("100.01"))
    assert error.value.code == "refund_out_of_range"


# --- splits ----------------------------------------------------------------------------------

def test_shares_are_rounded_toward_zero_and_the_firm_keeps_the_rest():
    result = rules.split(D("10.01"), [("introducer", D("50")), ("producer", D("33.33"))])
    assert result.shares == [("introducer", D("5.00")), ("producer", D("3.33"))]
    assert result.firm == D("1.68")
    assert result.total == D("10.01")


@pytest.mark.parametrize("amount", ["0.01", "0.03", "99.99", "1234.57", "-10.01", "-0.01"])
@pytest.mark.parametrize("shares", [[("a", "50"), ("b", "50")], [("a", "33.33"), ("b", "33.33"), ("c", "33.34")],
                                    [("a", "12.5")], [], [("a", "100")]])
def test_a_split_adds_up_exactly_and_nobody_gets_more_than_the_commission(amount, shares):
    result = rules.split(D(amount), [(name, D(p)) for name, p in shares])
    assert result.total == D(amount)
    assert all(abs(share) <= abs(D(amount)) for _, share in result.shares)
    assert result.firm * D(amount) >= 0   # the firm's part never has the opposite sign


def test_a_reversal_splits_symmetrically():
    earned = rules.split(D("10.01"), [("introducer", D("50"))])
    reversed_ = rules.split(D("-10.01"), [("introducer", D("50"))])
    assert reversed_.shares == [("introducer", D("-5.00"))] and reversed_.firm == -earned.firm


@pytest.mark.parametrize("shares, code", [
    ([("a", D("60")), ("b", D("40.01"))], "shares_over_100"),
    ([("a", D("0"))], "share_out_of_range"),
    ([("a", D("-5"))], "share_out_of_range"),
    ([("a", D("100.5"))], "share_out_of_range"),
])
def test_shares_over_100_percent_or_out_of_range_are_refused(shares, code):
    with pytest.raises(CommissionRuleError) as error:
        rules.split(D("100"), shares)
    assert error.value.code == code

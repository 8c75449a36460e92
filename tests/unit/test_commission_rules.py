"""Commission rules: commission on the net premium half-up to the cent,
reversal pro rata of the net refunded, splits with introducers (apporteurs)
and producers (shares rounded toward zero, the remainder to the firm), and
reconciliation of an insurer's statement (bordereau) line by line."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from app.commissions import rules
from app.commissions.rules import CommissionLine, CommissionRuleError, LineStatus

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


# --- reconciliation ---------------------------------------------------------------------------

JAN, FEB = date(2026, 1, 1), date(2026, 2, 1)


def line(policy, period, amount, insurer="AXA", reference=None):
    return CommissionLine(insurer, policy, period, D(amount), reference)


def test_a_statement_with_a_matched_an_under_paid_a_missing_and_an_unknown_line():
    expected = [line("P-1", JAN, "15.00"), line("P-2", JAN, "20.00"), line("P-3", JAN, "30.00")]
    statement = [line("P-1", JAN, "15.00"), line("P-2", JAN, "18.50"), line("P-9", JAN, "7.00")]
    result = rules.reconcile(expected, statement)
    assert [(r.status, r.difference) for r in result.lines] == [
        (LineStatus.MATCHED, D("0.00")),
        (LineStatus.AMOUNT_DIFFERS, D("-1.50")),
        (LineStatus.UNKNOWN_TO_US, D("7.00")),
        (LineStatus.MISSING_FROM_STATEMENT, D("-30.00")),
    ]
    totals = result.totals[("AXA", "2026-01")]
    assert (totals.expected, totals.received, totals.difference) == (D("65.00"), D("40.50"), D("-24.50"))
    assert totals.counts == {"matched": 1, "amount_differs": 1, "missing_from_statement": 1, "unknown_to_us": 1}


def test_a_difference_within_the_tolerance_is_matched():
    result = rules.reconcile([line("P-1", JAN, "15.00")], [line("P-1", JAN, "15.01")])
    assert (result.lines[0].status, result.lines[0].difference) == (LineStatus.MATCHED, D("0.01"))
    strict = rules.reconcile([line("P-1", JAN, "15.00")], [line("P-1", JAN, "15.01")], tolerance=D("0"))
    assert strict.lines[0].status == LineStatus.AMOUNT_DIFFERS


def test_policy_numbers_match_whatever_their_spacing_case_and_dashes():
    result = rules.reconcile([line("AB-123 456", JAN, "10")], [line("ab123456", JAN, "10")])
    assert result.lines[0].status == LineStatus.MATCHED


def test_the_period_and_the_insurer_are_part_of_the_match():
    result = rules.reconcile([line("P-1", JAN, "10")], [line("P-1", FEB, "10"), line("P-1", JAN, "10", "MMA")])
    assert [r.status for r in result.lines] == [LineStatus.UNKNOWN_TO_US, LineStatus.UNKNOWN_TO_US,
                                               LineStatus.MISSING_FROM_STATEMENT]
    assert set(result.totals) == {("AXA", "2026-01"), ("AXA", "2026-02"), ("MMA", "2026-01")}


def test_the_call_reference_picks_the_line_when_a_policy_has_two_calls_in_a_period():
    expected = [line("P-1", JAN, "10.00", reference="QUI-000001"),
                line("P-1", JAN, "-4.00", reference="QUI-000002")]
    statement = [line("P-1", JAN, "-4.00", reference="qui-000002"), line("P-1", JAN, "10.00")]
    result = rules.reconcile(expected, statement)
    assert [(r.status, r.expected.call_reference) for r in result.lines] == [
        (LineStatus.MATCHED, "QUI-000002"), (LineStatus.MATCHED, "QUI-000001")]


def test_each_expected_line_is_matched_once_only():
    result = rules.reconcile([line("P-1", JAN, "10")], [line("P-1", JAN, "10"), line("P-1", JAN, "10")])
    assert [r.status for r in result.lines] == [LineStatus.MATCHED, LineStatus.UNKNOWN_TO_US]


def test_totals_are_per_insurer_and_month():
    expected = [line("P-1", JAN, "10"), line("P-2", FEB, "20"), line("P-3", JAN, "5", "MMA")]
    statement = [line("P-1", JAN, "10"), line("P-2", FEB, "19"), line("P-3", JAN, "5", "MMA")]
    totals = rules.reconcile(expected, statement).totals
    assert {key: (t.expected, t.received) for key, t in totals.items()} == {
        ("AXA", "2026-01"): (D("10"), D("10")), ("AXA", "2026-02"): (D("20"), D("19")),
        ("MMA", "2026-01"): (D("5"), D("5"))}


def test_a_large_statement_in_another_order_is_matched_line_for_line():
    """Speed is the benchmark's business (bench/), never asserted in tests."""
    expected = [line(f"P-{n}", JAN, "12.34") for n in range(5_000)]
    statement = [line(f"p{n}", JAN, "12.34") for n in reversed(range(5_000))]
    result = rules.reconcile(expected, statement)
    assert result.totals[("AXA", "2026-01")].counts["matched"] == 5_000

"""Reconciliation of an insurer's commission statement (bordereau) line by
line: matched, amount differs (beyond a tolerance), missing from the
statement, unknown to us; policy numbers compared without spacing, case or
dashes; the call reference when a policy has two calls in a period; totals
per insurer and month."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from app.commissions import reconciliation_rules as rules
from app.commissions.reconciliation_rules import CommissionLine, LineStatus

D = Decimal

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

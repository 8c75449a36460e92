"""Rules of insurer statements (bordereaux) beyond the line-by-line
reconciliation: what we expect once a reversal stands, the date lines are
matched on, totals per status and in all, what a dispute claims and may
recover, a dispute's age."""

from __future__ import annotations

from datetime import date
from decimal import Decimal as D

import pytest

from app.commissions import reconciliation_rules as rules
from app.commissions.reconciliation_rules import CommissionLine, LineStatus
from app.commissions.rules import CommissionRuleError

JAN = date(2026, 1, 1)


@pytest.mark.parametrize("amount,reversed_amount,expected", [
    ("120.00", "0.00", "120.00"),
    ("120.00", "-30.00", "90.00"),     # a reversal written negative (commission_reversal's sign)
    ("120.00", "30.00", "90.00"),      # or as the amount taken back
    ("120.00", "-120.00", "0.00"),     # fully reversed: nothing is owed
    ("-40.00", "15.00", "-25.00"),     # a credit note's commission, partly reversed
    ("-40.00", "-40.00", "0.00"),
])
def test_the_expected_commission_is_the_amount_less_what_stands_reversed(amount, reversed_amount, expected):
    assert rules.expected_net(D(amount), D(reversed_amount)) == D(expected)


def test_lines_are_matched_on_the_day_or_on_the_month():
    assert rules.match_date(date(2026, 1, 15), by_month=False) == date(2026, 1, 15)
    assert rules.match_date(date(2026, 1, 15), by_month=True) == JAN


def reconciled():
    expected = [CommissionLine("1", "P-1", JAN, D("15.00")), CommissionLine("1", "P-2", JAN, D("20.00")),
                CommissionLine("1", "P-3", JAN, D("30.00"))]
    statement = [CommissionLine("1", "P-1", JAN, D("15.00")), CommissionLine("1", "P-2", JAN, D("18.50")),
                 CommissionLine("1", "P-9", JAN, D("7.00"))]
    return rules.reconcile(expected, statement)


def test_totals_per_status_count_and_add_their_own_lines():
    totals = rules.status_totals(reconciled().lines)
    assert {status: (t.counts[status], t.expected, t.received) for status, t in totals.items()} == {
        "matched": (1, D("15.00"), D("15.00")),
        "amount_differs": (1, D("20.00"), D("18.50")),
        "unknown_to_us": (1, D("0"), D("7.00")),
        "missing_from_statement": (1, D("30.00"), D("0")),
    }
    assert totals["amount_differs"].difference == D("-1.50")


def test_totals_add_up_to_those_of_the_whole_statement():
    result = reconciled()
    whole = rules.add_up(list(rules.status_totals(result.lines).values()))
    by_month = rules.add_up(list(result.totals.values()))
    assert (whole.expected, whole.received, whole.difference) == (D("65.00"), D("40.50"), D("-24.50"))
    assert (by_month.expected, by_month.received, by_month.counts) == (whole.expected, whole.received, whole.counts)
    assert rules.add_up([]).counts == {status.value: 0 for status in LineStatus}


@pytest.mark.parametrize("status,difference,claimed", [
    ("amount_differs", "-1.50", "1.50"),          # under-paid: the shortfall is claimed
    ("missing_from_statement", "-30.00", "30.00"),
])
def test_a_dispute_claims_the_shortfall(status, difference, claimed):
    assert rules.claim_amount(status, D(difference)) == D(claimed)


@pytest.mark.parametrize("status,difference", [
    ("amount_differs", "2.00"),     # over-paid: nothing to claim
    ("matched", "0.00"),
    ("unknown_to_us", "-7.00"),
])
def test_nothing_is_claimed_on_a_line_paid_in_full_or_unknown(status, difference):
    with pytest.raises(CommissionRuleError) as refused:
        rules.claim_amount(status, D(difference))
    assert refused.value.code == "nothing_to_claim"


def test_a_dispute_recovers_between_nothing_and_the_claim():
    rules.check_recovery(D("30.00"), D("0.00"))
    rules.check_recovery(D("30.00"), D("30.00"))
    for recovered, code in (("-0.01", "recovered_negative"), ("30.01", "recovered_over_claim")):
        with pytest.raises(CommissionRuleError) as refused:
            rules.check_recovery(D("30.00"), D(recovered))
        assert refused.value.code == code


def test_a_dispute_ages_until_it_is_closed():
    assert rules.age_in_days(date(2026, 1, 10), None, date(2026, 2, 9)) == 30
    assert rules.age_in_days(date(2026, 1, 10), date(2026, 1, 20), date(2026, 2, 9)) == 10

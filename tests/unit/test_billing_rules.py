"""Billing rules: instalments to the cent (remainder on the first call),
pro rata inside an instalment (actual/actual on the annual period), call
status, allocation of payments, matching of bank transfers."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from app.billing import rules
from app.billing.rules import BillingRuleError, CallStatus, MatchKind, OpenCall

D = Decimal
PLANS = {"annual": 1, "half_yearly": 2, "quarterly": 4, "monthly": 12}
ODD_AMOUNTS = [("1000.00", "10.00"), ("1234.57", "15.01"), ("99.99", "0.00"), ("0.05", "0.01"),
               ("0.09", "0.00"), ("1.00", "0.00"), ("100000.01", "33.33"), ("7.77", "2.22")]


# --- instalments ------------------------------------------------------------------------

@pytest.mark.parametrize("plan", PLANS)
@pytest.mark.parametrize("net, fees", ODD_AMOUNTS)
@pytest.mark.parametrize("rate", ["9", "13.4", "18", "0", "7.11"])
def test_the_calls_of_a_year_add_up_exactly_to_the_annual_amounts(plan, net, fees, rate):
    calls = rules.instalments(D(net), D(fees), D(rate), plan, date(2026, 1, 1))
    annual_tax = ((D(net) + D(fees)) * D(rate) / 100).quantize(D("0.01"), rounding="ROUND_HALF_UP")
    assert len(calls) == PLANS[plan]
    assert sum(c.net for c in calls) == D(net)
    assert sum(c.fees for c in calls) == D(fees)
    assert sum(c.tax for c in calls) == annual_tax
    assert sum(c.total for c in calls) == D(net) + D(fees) + annual_tax
    for call in calls:
        assert call.net >= 0 and call.fees >= 0 and call.tax >= 0
        assert call.total.as_tuple().exponent == -2


def test_the_rounding_remainder_goes_on_the_first_instalment():
    calls = rules.instalments(D("1000.00"), D("10.00"), D("9"), "monthly", date(2026, 1, 1))
    assert [c.net for c in calls] == [D("83.37")] + [D("83.33")] * 11
    assert [c.fees for c in calls] == [D("0.87")] + [D("0.83")] * 11
    # each later call's tax is its own (net + fees) x rate, half-up: 84.16 x 9 % = 7.5744
    assert [c.tax for c in calls[1:]] == [D("7.57")] * 11
    # the yearly tax, 1010.00 x 9 % = 90.90, less the others' 83.27
    assert calls[0].tax == D("7.63")


def test_amounts_are_rounded_half_up_to_the_cent():
    calls = rules.instalments(D("100.02"), D("0"), D("0"), "quarterly", date(2026, 1, 1))
    # 100.02 / 4 = 25.005 -> 25.01 half-up; the first takes 100.02 - 75.03
    assert [c.net for c in calls] == [D("24.99"), D("25.01"), D("25.01"), D("25.01")]


def test_an_annual_plan_is_one_call_with_the_yearly_tax():
    [call] = rules.instalments(D("420.00"), D("15.00"), D("13.4"), "annual", date(2026, 3, 1))
    assert (call.net, call.fees, call.tax, call.total) == (D("420.00"), D("15.00"), D("58.29"), D("493.29"))
    assert (call.period_start, call.period_end, call.due_date) == (date(2026, 3, 1), date(2027, 3, 1),
                                                                   date(2026, 3, 1))
    assert call.last_day == date(2027, 2, 28)


def test_monthly_due_dates_clamp_to_the_month_end_and_come_back_to_the_31st():
    calls = rules.instalments(D("1200"), D("0"), D("9"), "monthly", date(2026, 1, 31))
    assert [c.due_date for c in calls[:4]] == [date(2026, 1, 31), date(2026, 2, 28), date(2026, 3, 31),
                                               date(2026, 4, 30)]
    assert calls[-1].period_end == date(2027, 1, 31)


def test_in_a_leap_year_february_ends_on_the_29th():
    calls = rules.instalments(D("1200"), D("0"), D("9"), "monthly", date(2028, 1, 31))
    assert calls[1].due_date == date(2028, 2, 29)
    assert calls[0].last_day == date(2028, 2, 28)


def test_periods_follow_each_other_without_gap_or_overlap():
    for plan in PLANS:
        calls = rules.instalments(D("999.99"), D("0"), D("9"), plan, date(2026, 8, 31))
        assert all(a.period_end == b.period_start for a, b in zip(calls, calls[1:]))
        assert calls[0].period_start == date(2026, 8, 31) and calls[-1].period_end == date(2027, 8, 31)


def test_half_yearly_and_quarterly_due_dates():
    assert [c.due_date for c in rules.instalments(D("100"), D("0"), D("9"), "half_yearly", date(2026, 8, 31))] \
        == [date(2026, 8, 31), date(2027, 2, 28)]
    assert [c.due_date for c in rules.instalments(D("100"), D("0"), D("9"), "quarterly", date(2026, 11, 30))] \
        == [date(2026, 11, 30), date(2027, 2, 28), date(2027, 5, 30), date(2027, 8, 30)]


def test_an_unknown_plan_is_refused():
    with pytest.raises(BillingRuleError) as error:
        rules.instalments(D("100"), D("0"), D("9"), "weekly", date(2026, 1, 1))
    assert error.value.code == "unknown_plan"


# --- pro rata inside an instalment ---------------------------------------------------------

def test_an_endorsement_inside_a_quarter_is_charged_for_its_remaining_days_over_the_year():
    # year 2026-01-01 / 2027-01-01 (365 days); quarter 2026-04-01 / 2026-07-01; change on 2026-05-01
    adjustment = rules.instalment_adjustment(D("1000"), D("1365"), D("9"), date(2026, 5, 1),
                                             date(2026, 4, 1), date(2026, 7, 1), date(2027, 1, 1))
    assert (adjustment.remaining_days, adjustment.period_days) == (61, 365)
    assert adjustment.net == D("61.00")  # 365 x 61 / 365
    assert adjustment.tax == D("5.49")
    assert adjustment.total == D("66.49")


def test_a_leap_year_period_counts_366_days():
    adjustment = rules.instalment_adjustment(D("0"), D("366"), D("0"), date(2028, 2, 1),
                                             date(2028, 1, 1), date(2028, 4, 1), date(2029, 1, 1))
    assert (adjustment.remaining_days, adjustment.period_days, adjustment.net) == (60, 366, D("60.00"))


def test_a_cancellation_credits_the_unused_days_of_the_called_instalment():
    credit = rules.cancellation_credit(D("730"), D("9"), date(2026, 1, 21), date(2026, 1, 1),
                                       date(2026, 2, 1), date(2027, 1, 1))
    assert credit.remaining_days == 11
    assert credit.net == D("-22.00")  # 730 x 11 / 365
    assert credit.tax == D("-1.98")


def test_a_change_before_the_instalment_concerns_all_of_it_and_one_after_concerns_none():
    whole = rules.instalment_adjustment(D("0"), D("365"), D("0"), date(2026, 1, 10), date(2026, 2, 1),
                                        date(2026, 3, 1), date(2027, 1, 1))
    none = rules.instalment_adjustment(D("0"), D("365"), D("0"), date(2026, 3, 5), date(2026, 2, 1),
                                       date(2026, 3, 1), date(2027, 1, 1))
    assert (whole.net, none.net) == (D("28.00"), D("0.00"))


def test_an_instalment_outside_the_annual_period_is_refused():
    with pytest.raises(BillingRuleError) as error:
        rules.instalment_adjustment(D("0"), D("1"), D("0"), date(2026, 1, 5), date(2025, 12, 1),
                                    date(2026, 1, 1), date(2027, 1, 1))
    assert error.value.code == "period_outside_year"


# --- call status and payments --------------------------------------------------------------

TODAY = date(2026, 3, 10)


@pytest.mark.parametrize("paid, refunded, due, cancelled, expected", [
    ("0", "0", date(2026, 3, 10), False, CallStatus.DUE),          # due today is on time
    ("0", "0", date(2026, 3, 9), False, CallStatus.OVERDUE),
    ("40", "0", date(2026, 3, 20), False, CallStatus.PARTLY_PAID),
    ("40", "0", date(2026, 3, 1), False, CallStatus.OVERDUE),
    ("100", "0", date(2026, 3, 1), False, CallStatus.PAID),
    ("130", "0", date(2026, 3, 1), False, CallStatus.PAID),
    ("100", "100", date(2026, 3, 1), False, CallStatus.REFUNDED),
    ("100", "30", date(2026, 3, 20), False, CallStatus.PARTLY_PAID),
    ("0", "0", date(2026, 3, 1), True, CallStatus.CANCELLED),
    ("100", "100", date(2026, 3, 1), True, CallStatus.REFUNDED),
])
def test_call_status_from_amounts(paid, refunded, due, cancelled, expected):
    assert rules.call_status(D("100.00"), D(paid), D(refunded), due, TODAY, cancelled) == expected


def test_outstanding_never_goes_below_zero():
    assert rules.outstanding(D("100"), D("130")) == D("0.00")
    assert rules.outstanding(D("100"), D("100"), D("25")) == D("25")


def test_a_payment_is_allocated_oldest_first_and_the_overpayment_kept_as_credit():
    calls = [OpenCall("QUI-000001", D("50.00")), OpenCall("QUI-000002", D("0.00")),
             OpenCall("QUI-000003", D("80.00"))]
    assert rules.allocate(D("100.00"), calls) == ([("QUI-000001", D("50.00")), ("QUI-000003", D("50.00"))],
                                                  D("0.00"))
    assert rules.allocate(D("150.00"), calls) == ([("QUI-000001", D("50.00")), ("QUI-000003", D("80.00"))],
                                                  D("20.00"))
    assert rules.allocate(D("10.00"), []) == ([], D("10.00"))
    with pytest.raises(BillingRuleError):
        rules.allocate(D("0"), calls)


# --- bank transfers ---------------------------------------------------------------------------

OPEN = [OpenCall("QUI-000123", D("84.20")), OpenCall("QUI-000124", D("120.00")),
        OpenCall("QUI-000200", D("55.00"))]


@pytest.mark.parametrize("text", ["VIR SEPA DUPONT QUI-000123", "vir dupont qui000123 janvier",
                                  "REF:Qui-000123/2026", "QUI 000123", "QUI-123"])
def test_a_reference_is_found_in_free_text_case_insensitive_with_or_without_the_dash(text):
    assert rules.match_transfer(text, D("84.20"), OPEN) == rules.TransferMatch(MatchKind.MATCHED, ("QUI-000123",))


def test_reference_found_amount_short_or_over_gives_the_difference():
    short = rules.match_transfer("QUI-000123", D("80.00"), OPEN)
    over = rules.match_transfer("QUI-000123", D("90.00"), OPEN)
    assert (short.kind, short.difference) == (MatchKind.PARTIAL, D("-4.20"))
    assert (over.kind, over.difference) == (MatchKind.OVER, D("5.80"))
    assert short.needs_review and over.needs_review


def test_several_references_are_matched_against_what_they_owe_together():
    match = rules.match_transfer("QUI-000123 + QUI000124", D("204.20"), OPEN)
    assert (match.kind, match.references) == (MatchKind.MATCHED, ("QUI-000123", "QUI-000124"))


def test_a_longer_number_is_not_taken_for_a_reference():
    assert rules.match_transfer("QUI-0001234", D("1.00"), OPEN).kind == MatchKind.UNMATCHED


def test_without_reference_a_unique_call_of_that_amount_is_probable():
    match = rules.match_transfer("VIREMENT M DUPONT", D("55.00"), OPEN)
    assert (match.kind, match.references, match.needs_review) == (MatchKind.PROBABLE, ("QUI-000200",), True)


def test_without_reference_two_calls_of_that_amount_or_none_is_unmatched():
    twins = OPEN + [OpenCall("QUI-000300", D("55.00"))]
    assert rules.match_transfer("VIREMENT", D("55.00"), twins).kind == MatchKind.UNMATCHED
    assert rules.match_transfer("VIREMENT", D("12.34"), OPEN).kind == MatchKind.UNMATCHED
    assert rules.match_transfer("", D("12.34"), []).kind == MatchKind.UNMATCHED

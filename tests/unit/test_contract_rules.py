"""Contract rules: pro rata temporis (actual/actual on the annual period),
cancellation dates by ground (Code des assurances), status transitions."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from app.contracts import rules
from app.contracts.rules import ContractRuleError

D = Decimal


# --- months and periods -----------------------------------------------------------

@pytest.mark.parametrize("day, months, expected", [
    (date(2025, 1, 31), 1, date(2025, 2, 28)),
    (date(2028, 1, 31), 1, date(2028, 2, 29)),
    (date(2025, 3, 31), 1, date(2025, 4, 30)),
    (date(2024, 2, 29), 12, date(2025, 2, 28)),
    (date(2025, 12, 15), 1, date(2026, 1, 15)),
    (date(2026, 3, 31), -1, date(2026, 2, 28)),
])
def test_months_are_added_with_the_month_end_clamped(day, months, expected):
    assert rules.add_months(day, months) == expected


def test_the_annual_period_holding_29_february_has_366_days():
    assert rules.annual_period(date(2028, 7, 1)).days == 366
    assert rules.annual_period(date(2026, 1, 1)).days == 365
    assert rules.annual_period(date(2028, 7, 1)).start == date(2027, 7, 1)


def test_references_have_six_digits():
    assert rules.reference_for(123) == "CTR-000123"


# --- endorsements: pro rata temporis --------------------------------------------

def test_an_increase_is_charged_for_the_days_left_of_a_365_day_period():
    # 1 Oct 2025 -> 1 Jan 2026: 92 days of 365; 250 × 92 / 365 = 63.0137
    adjustment = rules.pro_rata_adjustment(D("600.00"), D("850.00"), D("18.00"), date(2025, 10, 1), date(2026, 1, 1))
    assert (adjustment.remaining_days, adjustment.period_days) == (92, 365)
    assert adjustment.net == D("63.01")
    assert adjustment.tax == D("11.34")  # 63.01 × 18 % = 11.3418
    assert adjustment.total == D("74.35")


def test_a_leap_year_period_divides_by_366():
    # 1 Mar 2028 -> 1 Jul 2028: 122 days of 366 (the period holds 29 Feb 2028); 100 × 122 / 366 = 33.3333
    adjustment = rules.pro_rata_adjustment(D("500.00"), D("600.00"), D("9.00"), date(2028, 3, 1), date(2028, 7, 1))
    assert (adjustment.remaining_days, adjustment.period_days) == (122, 366)
    assert adjustment.net == D("33.33")
    assert adjustment.tax == D("3.00")
    assert adjustment.total == D("36.33")


def test_a_decrease_is_a_credit_rounded_half_up_away_from_zero():
    # 15 Dec 2025 -> 1 Apr 2026: 107 days of 365; -150 × 107 / 365 = -43.9726
    adjustment = rules.pro_rata_adjustment(D("900.00"), D("750.00"), D("30.00"), date(2025, 12, 15), date(2026, 4, 1))
    assert adjustment.remaining_days == 107
    assert adjustment.net == D("-43.97")
    assert adjustment.tax == D("-13.19")  # -43.97 × 30 % = -13.191
    assert adjustment.total == D("-57.16")


def test_half_a_cent_rounds_up():
    # one day of 366 on 1.83: 0.005 exactly -> 0.01 (banker's rounding would give 0.00)
    adjustment = rules.pro_rata_adjustment(D("100.00"), D("101.83"), D("0"), date(2028, 6, 30), date(2028, 7, 1))
    assert adjustment.net == D("0.01")


def test_the_first_day_of_the_period_charges_the_whole_difference():
    adjustment = rules.pro_rata_adjustment(D("100.00"), D("220.00"), D("0"), date(2027, 7, 1), date(2028, 7, 1))
    assert adjustment.net == D("120.00")


def test_an_endorsement_outside_the_current_period_is_refused():
    with pytest.raises(ContractRuleError) as refused:
        rules.pro_rata_adjustment(D("1"), D("2"), D("0"), date(2026, 1, 1), date(2026, 1, 1))
    assert refused.value.code == "outside_period"
    assert rules.endorsement_problem(status="active", day=date(2025, 6, 1), current_from=date(2025, 7, 1),
                                     renewal_date=date(2026, 1, 1)) == "before_current_version"
    assert rules.endorsement_problem(status="cancelled", day=date(2025, 6, 1), current_from=date(2025, 1, 1),
                                     renewal_date=date(2026, 1, 1)) == "not_in_force"
    assert rules.endorsement_problem(status="active", day=date(2025, 6, 1), current_from=date(2025, 1, 1),
                                     renewal_date=date(2026, 1, 1)) is None


# --- cancellations -----------------------------------------------------------------

def test_hamon_is_available_after_one_year_and_takes_effect_one_month_after_notice():
    """L113-15-2: motor and home, after one year; effective one month after the notice is received."""
    assert rules.any_time_effective_date(line="motor", ground="hamon", contract_start=date(2024, 1, 31),
                                         notice_on=date(2025, 1, 31)) == date(2025, 2, 28)
    assert rules.any_time_effective_date(line="home", ground="hamon", contract_start=date(2026, 5, 2),
                                         notice_on=date(2028, 1, 31)) == date(2028, 2, 29)
    assert rules.any_time_effective_date(line="home", ground="hamon", contract_start=date(2024, 1, 1),
                                         notice_on=date(2025, 3, 31)) == date(2025, 4, 30)


def test_hamon_before_one_year_is_refused_with_the_first_possible_day():
    with pytest.raises(ContractRuleError) as refused:
        rules.any_time_effective_date(line="motor", ground="hamon", contract_start=date(2024, 2, 29),
                                      notice_on=date(2025, 2, 27))
    assert refused.value.code == "before_one_year"
    assert refused.value.day == date(2025, 2, 28)


def test_hamon_is_for_motor_and_home_and_the_any_time_health_cancellation_for_health():
    """Health after one year: law of 14 July 2019 (résiliation infra-annuelle, 1 Dec 2020)."""
    with pytest.raises(ContractRuleError, match="ground_not_for_line"):
        rules.any_time_effective_date(line="rc_pro", ground="hamon", contract_start=date(2020, 1, 1),
                                      notice_on=date(2025, 1, 1))
    assert rules.any_time_effective_date(line="health", ground="health", contract_start=date(2020, 1, 1),
                                         notice_on=date(2025, 1, 31)) == date(2025, 2, 28)


def test_at_renewal_the_notice_must_arrive_by_the_deadline():
    """L113-12: at the main renewal date, with the contract's notice period."""
    assert rules.at_renewal_effective_date(renewal_date=date(2026, 1, 1), notice_days=60,
                                           notice_on=date(2025, 11, 2)) == date(2026, 1, 1)
    with pytest.raises(ContractRuleError) as refused:
        rules.at_renewal_effective_date(renewal_date=date(2026, 1, 1), notice_days=60, notice_on=date(2025, 11, 3))
    assert refused.value.code == "notice_too_late" and refused.value.day == date(2025, 11, 2)
    assert rules.renewal_deadline(date(2028, 3, 1), 60) == date(2028, 1, 1)  # 31 January + 29 February


def test_sale_of_the_insured_object_ends_the_contract_ten_days_after_notice():
    """L121-11."""
    assert rules.sale_effective_date(date(2025, 12, 25)) == date(2026, 1, 4)
    assert rules.sale_effective_date(date(2028, 2, 25)) == date(2028, 3, 6)


def test_by_the_insurer_the_date_given_is_kept_but_not_before_the_notice():
    common = {"line": "motor", "contract_start": date(2024, 1, 1), "renewal_date": date(2026, 1, 1),
              "notice_days": 60, "notice_on": date(2025, 6, 1)}
    assert rules.cancellation_effective_date("insurer", chosen=date(2025, 7, 1), **common) == date(2025, 7, 1)
    with pytest.raises(ContractRuleError, match="before_notice"):
        rules.cancellation_effective_date("insurer", chosen=date(2025, 5, 1), **common)
    with pytest.raises(ContractRuleError, match="date_required"):
        rules.cancellation_effective_date("non_payment", chosen=None, **common)
    assert rules.cancellation_effective_date("chatel", chosen=None, **common) == date(2025, 6, 2)


def test_the_refund_is_the_unused_premium_by_the_same_day_count():
    # 1 Oct 2025 -> 1 Jan 2026: 92 of 365 days of 600.00 = 151.2329
    refund = rules.unused_premium(D("600.00"), D("18.00"), date(2025, 10, 1), date(2026, 1, 1))
    assert refund.net == D("151.23") and refund.tax == D("27.22") and refund.total == D("178.45")
    assert rules.unused_premium(D("600.00"), D("18.00"), date(2026, 1, 1), date(2026, 1, 1)).total == D("0.00")


# --- statuses ------------------------------------------------------------------------

@pytest.mark.parametrize("from_status, to_status, allowed", [
    ("pending", "active", True),
    ("active", "suspended", True),
    ("suspended", "active", True),
    ("active", "cancelled", True),
    ("active", "expired", True),
    ("cancelled", "active", False),
    ("expired", "active", False),
    ("pending", "suspended", False),
    ("active", "active", False),
])
def test_status_transitions(from_status, to_status, allowed):
    assert rules.transition_allowed(from_status, to_status) is allowed


def test_instalments_split_the_annual_total():
    assert rules.instalment_amount(D("1000.00"), "monthly") == D("83.33")
    assert rules.instalment_amount(D("1000.00"), "quarterly") == D("250.00")

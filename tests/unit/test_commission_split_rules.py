"""Commission line terms and beneficiaries' shares (pure rules): the rate of
a line (contract override, product, insurer agreement for the line or for all
lines, new business or renewal), when it is earned, the shares of introducers
(apporteurs) and producers capped at 100 % of the commission, and the
reversal of a commission and of its shares when the premium is refunded or
the call cancelled."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

import pytest

from app.catalog.insurer_rules import applicable_agreement
from app.commissions import rules
from app.commissions.rules import CommissionRuleError

D = Decimal


@dataclass(frozen=True)
class Agreement:
    line: str | None
    new_business_rate: Decimal
    renewal_rate: Decimal
    starts_on: date
    ends_on: date | None = None
    earned_on: str = "issue"


GENERAL = Agreement(None, D("10"), D("8"), date(2024, 1, 1))
MOTOR = Agreement("motor", D("15"), D("12"), date(2025, 1, 1), date(2025, 12, 31), earned_on="payment")


@pytest.mark.parametrize("contract_rate, product_rate, agreement, renewal, expected", [
    (D("20"), D("14"), MOTOR, False, D("20")),        # the contract's override wins
    (D("0"), D("14"), MOTOR, False, D("14")),         # else the product's rate
    (D("0"), D("0"), MOTOR, False, D("15")),          # else the agreement: new business
    (D("0"), None, MOTOR, True, D("12")),             # ... or renewal
    (None, None, None, False, D("0.00")),             # nothing applies
])
def test_the_rate_of_a_line_override_then_product_then_agreement(contract_rate, product_rate, agreement, renewal,
                                                                  expected):
    assert rules.commission_rate(contract_rate, product_rate, agreement, renewal) == expected


def test_the_agreement_for_the_line_wins_over_the_all_lines_one_on_the_due_date():
    agreements = [GENERAL, MOTOR]
    assert applicable_agreement(agreements, "motor", date(2025, 6, 1)) is MOTOR
    assert applicable_agreement(agreements, "motor", date(2025, 12, 31)) is MOTOR     # its end is included
    assert applicable_agreement(agreements, "motor", date(2026, 1, 1)) is GENERAL     # ended: the general one
    assert applicable_agreement(agreements, "home", date(2025, 6, 1)) is GENERAL
    assert applicable_agreement(agreements, "motor", date(2023, 12, 31)) is None       # before both


def test_a_call_is_for_a_renewal_from_the_first_anniversary_month_end_clamped():
    assert not rules.is_renewal(date(2025, 3, 15), date(2026, 3, 14))
    assert rules.is_renewal(date(2025, 3, 15), date(2026, 3, 15))
    assert rules.is_renewal(date(2024, 2, 29), date(2025, 2, 28))


def test_earned_on_issue_or_payment_as_the_agreement_says_and_credit_notes_on_issue():
    assert rules.earned_when(MOTOR, D("100")) == "payment"
    assert rules.earned_when(GENERAL, D("100")) == "issue"
    assert rules.earned_when(None, D("100")) == "issue"
    assert rules.earned_when(MOTOR, D("-40")) == "issue"


def test_a_beneficiary_rule_for_the_product_wins_over_their_default_rate():
    assert rules.beneficiary_rate(D("10"), D("25")) == D("25")
    assert rules.beneficiary_rate(D("10"), None) == D("10")
    assert rules.beneficiary_rate(D("10"), D("0")) == D("0")


def test_contract_shares_leave_out_zero_rates_and_never_exceed_100_percent():
    assert rules.contract_shares([("intro", D("30")), ("producer", D("0")), ("other", D("70"))]) == [
        ("intro", D("30")), ("other", D("70"))]
    with pytest.raises(CommissionRuleError) as refused:
        rules.contract_shares([("intro", D("60")), ("producer", D("40.01"))])
    assert refused.value.code == "shares_over_100"
    with pytest.raises(CommissionRuleError) as refused:
        rules.contract_shares([("intro", D("-5"))])
    assert refused.value.code == "share_out_of_range"


def test_shares_are_rounded_toward_zero_and_the_firm_keeps_the_remainder():
    split = rules.split(D("10.01"), [("intro", D("33.33")), ("producer", D("33.33"))])
    assert split.shares == [("intro", D("3.33")), ("producer", D("3.33"))]
    assert split.firm == D("3.35") and split.total == D("10.01")
    assert rules.share_of(D("-10.01"), D("33.33")) == D("-3.33")


@pytest.mark.parametrize("total, paid, refunded, expected", [
    ("120.00", "120.00", "0.00", "0.00"),       # nothing refunded
    ("120.00", "120.00", "30.00", "30.00"),     # a part given back
    ("120.00", "150.00", "30.00", "0.00"),      # the part given back was paid again
    ("120.00", "40.00", "40.00", "40.00"),      # partly paid, all of it refunded
])
def test_money_given_back_counts_only_what_is_owed_again(total, paid, refunded, expected):
    assert rules.given_back(D(total), D(paid), D(refunded)) == D(expected)


def test_reversal_pro_rata_of_the_net_refunded_and_whole_when_the_call_is_closed():
    # call: net 100, fees 0, tax 20 (total 120); commission 15.00
    assert rules.reversal_due(D("15.00"), D("100"), D("120"), D("120"), D("0"), closed=False) == D("0.00")
    # 60 of the 120 refunded: 50 of net -> half the commission
    assert rules.reversal_due(D("15.00"), D("100"), D("120"), D("120"), D("60"), closed=False) == D("-7.50")
    # 40 refunded: 33.33 of net -> 5.00 (4.9995 half-up)
    assert rules.reversal_due(D("15.00"), D("100"), D("120"), D("120"), D("40"), closed=False) == D("-5.00")
    assert rules.reversal_due(D("15.00"), D("100"), D("120"), D("120"), D("120"), closed=False) == D("-15.00")
    assert rules.reversal_due(D("15.00"), D("100"), D("120"), D("0"), D("0"), closed=True) == D("-15.00")
    assert rules.reversal_due(D("-6.00"), D("-40"), D("-48"), D("0"), D("0"), closed=True) == D("6.00")


def test_share_adjustments_take_back_a_beneficiary_part_of_the_reversal_and_exactly_all_of_it():
    amount, percent = D("10.01"), D("33.33")
    earned = rules.share_adjustment(amount, D("0"), percent, D("0"))
    assert earned == D("3.33")
    half = rules.share_adjustment(amount, D("-5.01"), percent, earned)
    assert half == D("-1.66")
    rest = rules.share_adjustment(amount, D("-10.01"), percent, earned + half)
    assert earned + half + rest == 0
    back = rules.share_adjustment(amount, D("0"), percent, D("0.00"))
    assert back == earned      # a refund paid again: the part is due again

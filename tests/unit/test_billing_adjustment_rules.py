"""What endorsements and cancellations change in premium calls already
issued (app.billing.adjustment_rules): a change of premium (Code des
assurances, L113-4) corrects the period holding its date pro rata temporis
and brings the periods called after it to the new schedule, to the cent; a
cancellation (L113-15-2, L113-16: the premium of the time no longer covered
is given back) credits the unused days of the period holding its date, and
its refund is that credit plus the money of the calls cancelled after it."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from app.billing import rules
from app.billing.adjustment_rules import (CalledPeriod, Released, cancellation_correction, cancellation_refund,
                                          endorsement_corrections, released_net, year_end_for)

D = Decimal
RENEWAL = date(2027, 1, 1)


def called_from(schedule: list[rules.Instalment]) -> list[CalledPeriod]:
    return [CalledPeriod(i.number, i.period_start, i.period_end, i.net, i.tax) for i in schedule]


def monthly(annual: str, rate: str = "10", fees: str = "0") -> list[rules.Instalment]:
    return rules.instalments(D(annual), D(fees), D(rate), "monthly", date(2026, 1, 1))


@pytest.mark.parametrize("renewal, day, end", [
    (date(2027, 1, 1), date(2026, 6, 15), date(2027, 1, 1)),
    (date(2027, 1, 1), date(2027, 1, 1), date(2028, 1, 1)),
    (date(2027, 1, 1), date(2025, 12, 31), date(2026, 1, 1)),
    (date(2027, 1, 1), date(2024, 3, 1), date(2025, 1, 1)),
    (date(2028, 2, 29), date(2027, 3, 1), date(2028, 2, 29)),   # the year starts on 28 February 2027
    (date(2028, 2, 29), date(2027, 2, 27), date(2027, 2, 28)),
])
def test_the_insurance_year_of_a_day_runs_between_anniversaries_of_the_renewal_date(renewal, day, end):
    assert year_end_for(renewal, day) == end


def test_an_increase_corrects_the_current_month_pro_rata_and_the_months_called_ahead_to_the_new_schedule():
    called = called_from(monthly("1200")[:4])          # January to April called at 100.00 + 10.00 tax
    corrections = endorsement_corrections(called, old_annual_net=D("1200"), new_annual_net=D("1800"),
                                          annual_fees=D("0"), tax_rate=D("10"), plan="monthly",
                                          effective_on=date(2026, 3, 16), renewal_date=RENEWAL)
    assert [(c.period_start, c.net, c.tax, c.total) for c in corrections] == [
        (date(2026, 3, 1), D("26.30"), D("2.63"), D("28.93")),    # 600 x 16 / 365 days
        (date(2026, 4, 1), D("50.00"), D("5.00"), D("55.00")),    # 150.00 + 15.00 now, 100.00 + 10.00 called
    ]
    assert (corrections[0].days, corrections[0].year_days) == (16, 365)
    assert corrections[0].number == 3 and corrections[1].number == 4


def test_a_decrease_gives_credit_notes_and_a_period_already_corrected_counts_its_correction():
    called = called_from(monthly("1800")[:2])
    called[1] = CalledPeriod(2, date(2026, 2, 1), date(2026, 3, 1), D("170.00"), D("17.00"))  # 150 + 20 adjusted
    corrections = endorsement_corrections(called, old_annual_net=D("1800"), new_annual_net=D("1200"),
                                          annual_fees=D("0"), tax_rate=D("10"), plan="monthly",
                                          effective_on=date(2026, 2, 1), renewal_date=RENEWAL)
    assert [(c.number, c.net, c.tax, c.total) for c in corrections] == [(2, D("-70.00"), D("-7.00"), D("-77.00"))]


@pytest.mark.parametrize("plan", ["annual", "half_yearly", "quarterly", "monthly"])
@pytest.mark.parametrize("old, new, fees, rate", [("1234.57", "1500.03", "10.01", "18"), ("99.99", "0.07", "0", "9"),
                                                  ("600.00", "450.00", "0", "13.4")])
def test_periods_called_ahead_end_up_exactly_as_if_called_after_the_change(plan, old, new, fees, rate):
    old_schedule = rules.instalments(D(old), D(fees), D(rate), plan, date(2026, 1, 1))
    new_schedule = rules.instalments(D(new), D(fees), D(rate), plan, date(2026, 1, 1))
    effective_on = old_schedule[-1].period_start        # the last period of the year, and only it, is ahead
    corrections = endorsement_corrections(called_from(old_schedule), old_annual_net=D(old), new_annual_net=D(new),
                                          annual_fees=D(fees), tax_rate=D(rate), plan=plan,
                                          effective_on=effective_on, renewal_date=RENEWAL)
    last_old, last_new = old_schedule[-1], new_schedule[-1]
    assert [c.period_start for c in corrections] == [effective_on]
    assert last_old.net + corrections[0].net == last_new.net
    assert last_old.tax + corrections[0].tax == last_new.tax


def test_nothing_to_correct_without_a_change_or_after_the_periods_called():
    called = called_from(monthly("1200")[:2])
    same = endorsement_corrections(called, old_annual_net=D("1200"), new_annual_net=D("1200"), annual_fees=D("0"),
                                   tax_rate=D("10"), plan="monthly", effective_on=date(2026, 1, 10),
                                   renewal_date=RENEWAL)
    later = endorsement_corrections(called, old_annual_net=D("1200"), new_annual_net=D("2400"), annual_fees=D("0"),
                                    tax_rate=D("10"), plan="monthly", effective_on=date(2026, 3, 1),
                                    renewal_date=RENEWAL)
    assert same == [] and later == []


def test_a_period_called_under_another_plan_is_corrected_pro_rata_over_its_whole_length():
    quarter = CalledPeriod(2, date(2026, 4, 1), date(2026, 7, 1), D("300.00"), D("30.00"))
    corrections = endorsement_corrections([quarter], old_annual_net=D("1200"), new_annual_net=D("1565"),
                                          annual_fees=D("0"), tax_rate=D("10"), plan="monthly",
                                          effective_on=date(2026, 3, 1), renewal_date=RENEWAL)
    assert [(c.net, c.tax, c.days) for c in corrections] == [(D("91.00"), D("9.10"), 91)]   # 365 x 91 / 365


def test_a_cancellation_credits_the_unused_days_of_the_period_holding_its_date():
    called = called_from(monthly("730", rate="9"))
    credit = cancellation_correction(called, annual_net=D("730"), tax_rate=D("9"), effective_on=date(2026, 3, 21),
                                     renewal_date=RENEWAL)
    assert (credit.number, credit.period_start, credit.days) == (3, date(2026, 3, 1), 11)
    assert (credit.net, credit.tax, credit.total) == (D("-22.00"), D("-1.98"), D("-23.98"))   # 730 x 11 / 365
    at_a_period_start = cancellation_correction(called, annual_net=D("730"), tax_rate=D("9"),
                                                effective_on=date(2026, 4, 1), renewal_date=RENEWAL)
    assert at_a_period_start is None


def test_the_refund_is_the_credit_note_plus_the_money_of_the_calls_cancelled_and_nothing_else():
    called = called_from(monthly("730", rate="9"))
    credit = cancellation_correction(called, annual_net=D("730"), tax_rate=D("9"), effective_on=date(2026, 3, 21),
                                     renewal_date=RENEWAL)
    only_credit = cancellation_refund(credit, [])
    assert (only_credit.net, only_credit.tax, only_credit.total) == (D("22.00"), D("1.98"), D("23.98"))
    paid_ahead = [Released(D("60.83"), D("66.30"), D("66.30")), Released(D("60.83"), D("66.30"), D("33.15"))]
    refund = cancellation_refund(credit, paid_ahead)
    assert refund.net == D("22.00") + D("60.83") + D("30.42")
    assert refund.total == D("23.98") + D("66.30") + D("33.15")
    assert (refund.remaining_days, refund.period_days) == (11, 365)
    assert cancellation_refund(None, []).total == 0


@pytest.mark.parametrize("released, net", [(Released(D("100"), D("110"), D("110")), D("100")),
                                           (Released(D("100"), D("110"), D("55")), D("50.00")),
                                           (Released(D("0"), D("0"), D("0")), D("0"))])
def test_the_net_inside_money_returned_is_in_proportion(released, net):
    assert released_net(released) == net

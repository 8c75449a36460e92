"""The tariff engine: declarative factors, rounding to the cent at each step,
minimum premium, fees apart, insurance tax; validation of tariffs."""

import json
from datetime import date
from decimal import Decimal as D

import pytest

from app.catalog.rules import ROUNDING, TariffError, insurance_tax, price, round_cents, validate_tariff

AS_OF = date(2025, 6, 1)

AGE_BANDS = {"label": "Driver's age", "attribute": "driver_age", "kind": "bands",
             "bands": [{"min": 18, "max": 25, "multiplier": "1.80"},
                       {"min": 25, "max": None, "multiplier": "1.00"}]}
USE_TABLE = {"label": "Use", "attribute": "use", "kind": "table",
             "values": {"private": "1.00", "business": "1.25"}}
BONUS_MALUS = {"label": "Bonus-malus", "attribute": "bonus_malus", "kind": "coefficient"}
CONTENTS = {"label": "Contents", "attribute": "contents_value", "kind": "per_unit", "unit": "1000", "rate": "2.10"}


def motor(*factors, **amounts):
    return {"base": "420.00", "factors": list(factors), **amounts}


def net(tariff, risk, **kwargs):
    return price(tariff, risk, as_of=AS_OF, **kwargs).net


def test_rounding_is_half_up_to_the_cent():
    assert ROUNDING[0] == D("0.01")
    assert round_cents(D("10.005")) == D("10.01")
    assert round_cents(D("10.0049")) == D("10.00")
    assert round_cents(D("-0.005")) == D("-0.01")


@pytest.mark.parametrize("age, expected", [(18, D("756.00")), (24, D("756.00")), (25, D("420.00")), (80, D("420.00"))])
def test_bands_are_min_inclusive_max_exclusive(age, expected):
    assert net(motor(AGE_BANDS), {"driver_age": age}) == expected


@pytest.mark.parametrize("age", [17, 0])
def test_an_answer_outside_all_bands_cannot_be_priced(age):
    with pytest.raises(TariffError) as error:
        price(motor(AGE_BANDS), {"driver_age": age}, as_of=AS_OF)
    assert [(p.path, p.code) for p in error.value.problems] == [("factors[0]", "out_of_bands")]


def test_a_date_attribute_is_measured_in_whole_years_at_the_pricing_date():
    licence = {"label": "Licence", "attribute": "licence_date", "kind": "bands",
               "bands": [{"min": 0, "max": 3, "multiplier": "1.50"}, {"min": 3, "max": None, "multiplier": "1.00"}]}
    # 2022-06-02 -> 2025-06-01: 2 whole years (the third is one day short)
    assert net(motor(licence), {"licence_date": "2022-06-02"}) == D("630.00")
    assert net(motor(licence), {"licence_date": date(2022, 6, 1)}) == D("420.00")


def test_table_multiplies_by_the_answer_s_value():
    assert net(motor(USE_TABLE), {"use": "business"}) == D("525.00")


def test_a_value_not_in_the_table_needs_a_default():
    with pytest.raises(TariffError) as error:
        price(motor(USE_TABLE), {"use": "delivery"}, as_of=AS_OF)
    assert error.value.problems[0].code == "not_in_table"
    assert net(motor({**USE_TABLE, "default": "1.50"}), {"use": "delivery"}) == D("630.00")


def test_coefficient_multiplies_by_the_answer_itself():
    assert net(motor(BONUS_MALUS), {"bonus_malus": "0.68"}) == D("285.60")


@pytest.mark.parametrize("contents, added", [("15000", D("31.50")), ("15001", D("33.60")), ("1", D("2.10")),
                                             ("0", D("0.00"))])
def test_per_unit_adds_the_rate_per_started_unit(contents, added):
    tariff = {"base": "100.00", "factors": [CONTENTS]}
    assert net(tariff, {"contents_value": contents}) == D("100.00") + added


def test_the_running_premium_is_rounded_half_up_at_each_step():
    tariff = {"base": "10.00", "factors": [
        {"label": "A", "attribute": "bonus_malus", "kind": "coefficient"},
        {"label": "B", "attribute": "claims_3y", "kind": "bands", "bands": [{"min": 0, "max": None, "multiplier": "1.0005"}]},
    ]}
    pricing = price(tariff, {"bonus_malus": "1.0005", "claims_3y": 0}, as_of=AS_OF)
    # 10.005 -> 10.01, then 10.01 x 1.0005 = 10.015005 -> 10.02 (10.01 if rounded only at the end)
    assert [step.amount for step in pricing.steps[:3]] == [D("10.00"), D("10.01"), D("10.02")]
    assert pricing.net == D("10.02")


def test_steps_in_order_with_options_minimum_and_fees_apart():
    tariff = motor(AGE_BANDS, USE_TABLE, BONUS_MALUS, minimum="250.00", fees="15.00")
    pricing = price(tariff, {"driver_age": 40, "use": "private", "bonus_malus": "0.50"},
                    options=[("Glass breakage", D("12.50"))], as_of=AS_OF)
    assert [(s.label, s.amount) for s in pricing.steps] == [
        ("Base premium", D("420.00")), ("Driver's age", D("420.00")), ("Use", D("420.00")),
        ("Bonus-malus", D("210.00")), ("Glass breakage", D("222.50")), ("Minimum premium", D("250.00")),
        ("Fees", D("15.00")),
    ]
    assert (pricing.net, pricing.fees) == (D("250.00"), D("15.00"))


def test_no_minimum_step_when_the_premium_is_above_it():
    pricing = price(motor(minimum="250.00"), {}, as_of=AS_OF)
    assert "Minimum premium" not in [s.label for s in pricing.steps]
    assert pricing.net == D("420.00") and pricing.fees == D("0.00")


def test_every_missing_or_unreadable_answer_is_reported_at_once():
    with pytest.raises(TariffError) as error:
        price(motor(AGE_BANDS, USE_TABLE, BONUS_MALUS), {"driver_age": "", "bonus_malus": "lots"}, as_of=AS_OF)
    assert [(p.path, p.code) for p in error.value.problems] == [
        ("factors[0]", "missing_answer"), ("factors[1]", "missing_answer"), ("factors[2]", "invalid_answer")]


@pytest.mark.parametrize("amount, rate, tax", [
    (D("512.35"), D("18"), D("92.22")),     # 92.223
    (D("0.50"), D("9"), D("0.05")),         # 0.045: half-up, not to even
    (D("1000.00"), D("13.27"), D("132.70")),
    (D("333.33"), D("30"), D("100.00")),    # 99.999
])
def test_insurance_tax_is_rounded_half_up_to_the_cent(amount, rate, tax):
    assert insurance_tax(amount, rate) == tax


def test_the_documented_example_tariff_is_valid():
    home = {"base": "120", "factors": [CONTENTS], "minimum": "90", "fees": "10"}
    assert validate_tariff(motor(AGE_BANDS, USE_TABLE, BONUS_MALUS, minimum="250.00", fees="15.00"), "motor") == []
    assert validate_tariff(home, "home") == []


def problems(tariff, line="motor"):
    return {(p.path, p.code) for p in validate_tariff(tariff, line)}


@pytest.mark.parametrize("tariff, expected", [
    ({}, ("", "empty_tariff")),
    ([], ("", "not_an_object")),
    ({"factors": []}, ("base", "missing")),
    ({"base": "420", "discount": "5"}, ("discount", "unknown_key")),
    ({"base": "abc"}, ("base", "not_decimal")),
    ({"base": "420", "fees": "-1"}, ("fees", "negative")),
    ({"base": "420", "minimum": "NaN"}, ("minimum", "not_decimal")),
    ({"base": "420", "factors": {}}, ("factors", "not_a_list")),
    (motor({**USE_TABLE, "colour": "red"}), ("factors[0].colour", "unknown_key")),
    (motor({**USE_TABLE, "kind": "formula"}), ("factors[0].kind", "unknown_kind")),
    (motor({**BONUS_MALUS, "attribute": "shoe_size"}), ("factors[0].attribute", "unknown_attribute")),
    (motor({**BONUS_MALUS, "attribute": "use"}), ("factors[0].kind", "kind_mismatch")),
    (motor({**USE_TABLE, "attribute": "driver_age"}), ("factors[0].kind", "kind_mismatch")),
    (motor({**AGE_BANDS, "attribute": "vehicle"}), ("factors[0].kind", "kind_mismatch")),
    (motor({**USE_TABLE, "values": {"private": "1", "racing": "2"}}), ("factors[0].values.racing", "not_a_choice")),
    (motor({**USE_TABLE, "values": {"private": "0"}}), ("factors[0].values.private", "multiplier_not_positive")),
    (motor({**USE_TABLE, "values": {}}), ("factors[0].values", "no_values")),
    (motor({**USE_TABLE, "default": "-1"}), ("factors[0].default", "multiplier_not_positive")),
    (motor({**AGE_BANDS, "bands": []}), ("factors[0].bands", "no_bands")),
    (motor({**AGE_BANDS, "bands": [{"min": 18, "max": 25, "multiplier": "-1"}]}),
     ("factors[0].bands[0].multiplier", "multiplier_not_positive")),
    (motor({**AGE_BANDS, "bands": [{"min": 25, "max": 18, "multiplier": "1"}]}),
     ("factors[0].bands[0].max", "min_not_below_max")),
    (motor({**AGE_BANDS, "bands": [{"min": 18, "max": 30, "multiplier": "1"}, {"min": 25, "max": None, "multiplier": "1"}]}),
     ("factors[0].bands[1].min", "band_overlap")),
    (motor({**AGE_BANDS, "bands": [{"min": 18, "max": None, "multiplier": "1"}, {"min": 25, "max": 30, "multiplier": "1"}]}),
     ("factors[0].bands[1].min", "band_overlap")),
    (motor({**AGE_BANDS, "bands": [{"min": 18, "max": 21, "multiplier": "1"}, {"min": 25, "max": None, "multiplier": "1"}]}),
     ("factors[0].bands[1].min", "band_gap")),
    (motor({**AGE_BANDS, "bands": [{"max": 21, "multiplier": "1"}]}), ("factors[0].bands[0].min", "missing")),
    (motor({**AGE_BANDS, "bands": [{"min": 18, "max": "x", "multiplier": "1"}]}),
     ("factors[0].bands[0].max", "not_decimal")),
    (motor({**CONTENTS, "attribute": "vehicle_value", "unit": "0"}), ("factors[0].unit", "not_positive")),
    (motor({**CONTENTS, "attribute": "vehicle_value", "rate": "-2"}), ("factors[0].rate", "negative")),
    (motor({**CONTENTS, "attribute": "vehicle_value", "rate": None}), ("factors[0].rate", "missing")),
])
def test_invalid_tariffs_are_refused(tariff, expected):
    assert expected in problems(tariff)


def test_attributes_are_those_of_the_tariff_s_line():
    assert ("factors[0].attribute", "unknown_attribute") in problems({"base": "100", "factors": [CONTENTS]}, "motor")
    assert problems({"base": "100", "factors": [CONTENTS]}, "home") == set()
    assert ("line", "unknown_line") in problems({"base": "100"}, "boats")


def test_a_boolean_attribute_takes_a_true_false_table():
    backups = {"label": "Backups", "attribute": "backups", "kind": "table", "values": {"true": "0.9", "false": "1.3"}}
    tariff = {"base": "800", "factors": [backups]}
    assert validate_tariff(tariff, "cyber") == []
    assert net(tariff, {"backups": True}) == D("720.00")


def test_code_is_never_evaluated():
    tariff = motor({"label": "x", "attribute": "__import__('os').system('true')", "kind": "coefficient"})
    assert ("factors[0].attribute", "unknown_attribute") in problems(tariff)
    with pytest.raises(TariffError):
        price({"base": "__import__('os')"}, {}, as_of=AS_OF)


def test_each_step_keeps_how_it_was_computed_as_plain_values():
    """The detail is data, worded later in the reader's language, and stored
    as JSON with the offer: numbers as strings, no sentence."""
    tariff = motor(AGE_BANDS, USE_TABLE, BONUS_MALUS, minimum="250.00", fees="15.00")
    pricing = price(tariff, {"driver_age": 40, "use": "private", "bonus_malus": "0,5"},
                    options=[("Glass breakage", D("12.5"))], as_of=AS_OF)
    assert [step.detail for step in pricing.steps] == [
        {},
        {"kind": "bands", "attribute": "driver_age", "value": "40", "min": "25", "max": None, "multiplier": "1.00"},
        {"kind": "table", "attribute": "use", "value": "private", "multiplier": "1.00", "default": False},
        {"kind": "coefficient", "attribute": "bonus_malus", "value": "0.5"},
        {"kind": "option", "premium": "12.50"},
        {"kind": "minimum", "premium": "222.50", "minimum": "250.00"},
        {},
    ]
    assert json.loads(json.dumps([step.detail for step in pricing.steps])) == [step.detail for step in pricing.steps]


def test_a_date_step_keeps_the_date_and_a_per_unit_step_its_arithmetic():
    licence = {"label": "Licence", "attribute": "licence_date", "kind": "bands",
               "bands": [{"min": 0, "max": 3, "multiplier": "1.50"}, {"min": 3, "max": None, "multiplier": "1.00"}]}
    steps = price(motor(licence), {"licence_date": "2022-06-02"}, as_of=AS_OF).steps
    assert steps[1].detail == {"kind": "bands", "attribute": "licence_date", "value": "2", "since": "2022-06-02",
                               "min": "0", "max": "3", "multiplier": "1.50"}
    steps = price({"base": "100.00", "factors": [CONTENTS]}, {"contents_value": "15001"}, as_of=AS_OF).steps
    assert steps[1].detail == {"kind": "per_unit", "attribute": "contents_value", "value": "15001", "unit": "1000",
                               "units": "16", "rate": "2.10", "added": "33.60"}


def test_a_problem_names_the_attribute_and_the_answer_at_fault():
    with pytest.raises(TariffError) as error:
        price(motor(AGE_BANDS, USE_TABLE), {"driver_age": 17, "use": "racing"}, as_of=AS_OF)
    assert [(p.code, p.attribute, p.value) for p in error.value.problems] == [
        ("out_of_bands", "driver_age", D(17)), ("not_in_table", "use", "racing")]

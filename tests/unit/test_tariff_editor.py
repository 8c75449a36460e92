"""The tariff and eligibility editors' rows, to and from the engine's JSON."""

from app.catalog.rules import validate_tariff
from app.catalog.tariff_editor import (FactorInput, Location, condition_rows, conditions_from_rows, factor_inputs,
                                       locate, tariff_from_inputs)


def test_bands_and_table_rows_become_the_documented_json():
    factors = [FactorInput("Driver's age", "driver_age", "bands", "18-25: 1.80\n 25 - : 1,00 \n"),
               FactorInput("Use", "use", "table", "private: 1.00\nbusiness: 1.25", default="1.10"),
               FactorInput("", "bonus_malus", "coefficient"),
               FactorInput("Value", "vehicle_value", "per_unit", unit="1000", rate="2,10")]
    tariff, problems = tariff_from_inputs("420,00", "", "15", factors)
    assert problems == []
    assert tariff == {"base": "420.00", "fees": "15", "factors": [
        {"label": "Driver's age", "attribute": "driver_age", "kind": "bands",
         "bands": [{"min": 18, "max": 25, "multiplier": "1.80"}, {"min": 25, "max": None, "multiplier": "1.00"}]},
        {"label": "Use", "attribute": "use", "kind": "table", "values": {"private": "1.00", "business": "1.25"},
         "default": "1.10"},
        {"label": "bonus_malus", "attribute": "bonus_malus", "kind": "coefficient"},
        {"label": "Value", "attribute": "vehicle_value", "kind": "per_unit", "unit": "1000", "rate": "2.10"}]}
    assert validate_tariff(tariff, "motor") == []


def test_unreadable_rows_are_reported_where_they_are():
    factors = [FactorInput("Age", "driver_age", "bands", "18-25: 1.80\nyoung: 2\n25-"),
               FactorInput("Use", "use", "table", "private 1.00")]
    _tariff, problems = tariff_from_inputs("100", None, None, factors)
    assert [(p.path, p.code) for p in problems] == [
        ("factors[0].bands[1]", "row_unreadable"), ("factors[0].bands[2]", "row_unreadable"),
        ("factors[1].values[0]", "row_unreadable")]


def test_a_saved_tariff_reads_back_as_rows():
    factors = [FactorInput("Age", "driver_age", "bands", "18-25: 1.80\n25-: 1.00"),
               FactorInput("Use", "use", "table", "private: 1.00", default="1.2")]
    tariff, _ = tariff_from_inputs("100", None, None, factors)
    assert factor_inputs(tariff) == factors


def test_problems_are_located_on_the_factor_field_or_row():
    factors = [FactorInput("Use", "use", "table", "private: 1\nracing: 2")]
    assert locate("base", factors) == Location("base")
    assert locate("factors[0].bands[1].min", factors) == Location("rows", 0, 1)
    assert locate("factors[0].values.racing", factors) == Location("rows", 0, 1)
    assert locate("factors[0].attribute", factors) == Location("attribute", 0)
    assert locate("factors[0].unit", factors) == Location("unit", 0)


def test_eligibility_rows_round_trip():
    rows = "driver_age >= 21\nuse in private, commute\nparking != street\nuse not in delivery\nbonus_malus <= 0.85"
    conditions, problems = conditions_from_rows(rows)
    assert problems == []
    assert conditions == [
        {"attribute": "driver_age", "op": "gte", "value": 21},
        {"attribute": "use", "op": "in", "value": ["private", "commute"]},
        {"attribute": "parking", "op": "ne", "value": "street"},
        {"attribute": "use", "op": "not_in", "value": ["delivery"]},
        {"attribute": "bonus_malus", "op": "lte", "value": "0.85"}]
    assert condition_rows(conditions) == rows


def test_unreadable_eligibility_rows_are_reported():
    _conditions, problems = conditions_from_rows("driver_age >= 21\ndriver age is old")
    assert [(p.path, p.code) for p in problems] == [("[1]", "row_unreadable")]

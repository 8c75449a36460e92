"""The rules return codes and plain values; the reader's language words them:
attribute and choice labels, numbers, amounts and dates by locale, French
colons with their non-breaking space, words that need two French ones."""

from __future__ import annotations

from datetime import date

import pytest
from flask_babel import force_locale, pgettext

from app.catalog.lines import LINES, Line
from app.catalog.messages import (condition_text, eligibility_reason, pricing_reason, step_detail, typed_number,
                                  years_text)
from app.catalog.rules import TariffError, eligibility_problems, price

MOTOR = LINES[Line.MOTOR]
AS_OF = date(2025, 6, 1)
NBSP = "\u00a0"


@pytest.fixture
def words(app):
    with app.test_request_context():
        yield


def reasons(conditions, risk, line=MOTOR):
    return [eligibility_reason(p, line) for p in eligibility_problems(conditions, risk, as_of=AS_OF)]


def details(tariff, risk, line=MOTOR):
    return [step_detail(step.detail, line) for step in price(tariff, risk, as_of=AS_OF).steps]


AGE = {"label": "Age", "attribute": "driver_age", "kind": "bands",
       "bands": [{"min": 18, "max": 25, "multiplier": "1.8"}, {"min": 25, "max": None, "multiplier": "1.00"}]}
USE = {"label": "Use", "attribute": "use", "kind": "table", "values": {"private": "1.00"}, "default": "1.25"}
LICENCE = {"label": "Licence", "attribute": "licence_date", "kind": "bands",
           "bands": [{"min": 0, "max": 3, "multiplier": "1.50"}, {"min": 3, "max": None, "multiplier": "1.00"}]}
VALUE = {"label": "Value", "attribute": "vehicle_value", "kind": "per_unit", "unit": "1000", "rate": "5.52"}


def test_eligibility_reasons_name_the_attribute_and_the_answers_by_their_labels(words):
    conditions = [{"attribute": "driver_age", "op": "gte", "value": 21},
                  {"attribute": "use", "op": "in", "value": ["private", "commute"]},
                  {"attribute": "licence_date", "op": "gte", "value": 3},
                  {"attribute": "parking", "op": "ne", "value": "street"},
                  {"attribute": "claims_3y", "op": "lte", "value": 1}]
    risk = {"driver_age": 19, "use": "business", "licence_date": "2022-06-02", "parking": "street", "claims_3y": "x"}
    assert reasons(conditions, risk) == [
        "Main driver's age 19 is not at least 21",
        "Use Business is not one of Private, Private and commuting",
        "Driving licence date Jun 2, 2022 (2 years) is not at least 3 years",
        "Overnight parking must not be Street",
        "Answer not understood: Claims in the last 3 years (x)",
    ]
    assert reasons([{"attribute": "turnover", "op": "lte", "value": "2000000"}], {"turnover": "2500000"},
                   LINES[Line.PROFESSIONAL_LIABILITY]) == ["Annual turnover €2,500,000.00 is not at most €2,000,000.00"]
    assert reasons([{"attribute": "driver_age", "op": "gte", "value": 21}], {}) == ["Answer missing: Main driver's age"]


def test_eligibility_reasons_in_french(words):
    with force_locale("fr"):
        assert reasons([{"attribute": "bonus_malus", "op": "lte", "value": "0.85"}], {"bonus_malus": "0.9"}) == [
            f"Réduction-majoration (bonus-malus){NBSP}: 0,9, il faut au plus 0,85"]
        assert reasons([{"attribute": "use", "op": "in", "value": ["private"]}], {"use": "business"}) == [
            f"Usage{NBSP}: Affaires, réponses acceptées{NBSP}: Privé"]
        assert years_text(2) == "2 ans" and years_text(1) == "1 an"


def test_a_condition_reads_as_a_short_sentence(words):
    assert condition_text({"attribute": "driver_age", "op": "gte", "value": 21}, MOTOR) == "Main driver's age ≥ 21"
    assert condition_text({"attribute": "use", "op": "not_in", "value": ["delivery"]}, MOTOR) == "Use: none of Delivery"


def test_pricing_steps_are_worded_in_the_reader_s_language(words):
    tariff = {"base": "349.60", "factors": [AGE, USE, LICENCE, VALUE], "minimum": "900"}
    risk = {"driver_age": 42, "use": "delivery", "licence_date": "1994-04-15", "vehicle_value": "19000"}
    assert details(tariff, risk) == [
        "", "Main driver's age 42, from 25: × 1.00", "Use Delivery, not in the table: × 1.25",
        "Driving licence date Apr 15, 1994 (31 years), from 3 years: × 1.00",
        "Vehicle value €19,000.00: 19 × €5.52 per €1,000.00 = + €104.88", "€541.88, below the minimum", ""]
    with force_locale("fr"):
        assert details(tariff, risk)[1:3] == [
            f"Âge du conducteur principal{NBSP}: 42, tranche à partir de 25, ×{NBSP}1,00",
            f"Usage{NBSP}: Livraison, hors table, ×{NBSP}1,25"]


def test_an_offer_priced_before_keeps_its_sentence(words):
    assert step_detail("driver_age 30 in [25, 70): × 1.00", MOTOR) == "driver_age 30 in [25, 70): × 1.00"
    assert step_detail({}, MOTOR) == ""


def test_pricing_problems_name_the_answer_at_fault(words):
    with pytest.raises(TariffError) as error:
        price({"base": "100", "factors": [AGE, {**USE, "default": None}]}, {"driver_age": 17, "use": "business"},
              as_of=AS_OF)
    assert [pricing_reason(p, MOTOR) for p in error.value.problems] == [
        "Main driver's age 17 is outside the tariff's bands", "Use Business is not in the tariff's table"]


def test_words_with_two_meanings_have_two_french_words(words):
    with force_locale("fr"):
        assert dict(MOTOR.attribute("use").choices)["business"] == "Affaires"
        assert pgettext("client kind", "Business") == "Professionnel"
        assert pgettext("offer", "Recommended") != pgettext("needs status", "Recommended")
        assert pgettext("email sender", "From") != pgettext("start date", "From")
        rc_pro = LINES[Line.PROFESSIONAL_LIABILITY]
        assert str(rc_pro.label) != str(rc_pro.guarantee_label("professional_liability"))


def test_numbers_are_typed_back_the_reader_s_way(words):
    assert typed_number("448.40") == "448.40" and typed_number(None) == ""
    with force_locale("fr"):
        assert typed_number("448.40") == "448,40" and typed_number(1000) == "1000"

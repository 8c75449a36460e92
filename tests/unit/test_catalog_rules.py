"""Eligibility of a risk for a product, and the lines' default insurance tax."""

from datetime import date
from decimal import Decimal as D

import pytest

from app.catalog.lines import LINES, Line
from app.catalog.rules import EligibilityProblem, eligibility_problems, validate_eligibility

AS_OF = date(2025, 6, 1)


def reasons(conditions, risk):
    return eligibility_problems(conditions, risk, as_of=AS_OF)


@pytest.mark.parametrize("op, value, answer, eligible", [
    ("eq", 2, 2, True), ("eq", 2, "3", False),
    ("ne", 2, 3, True), ("ne", "2", 2, False),
    ("gte", 21, 21, True), ("gte", 21, 20, False),
    ("lte", "2000000", "2000000.00", True), ("lte", "2000000", "2000000.01", False),
    ("gt", 21, 22, True), ("gt", 21, 21, False),
    ("lt", 3, 2, True), ("lt", 3, 3, False),
])
def test_number_operators(op, value, answer, eligible):
    assert (reasons([{"attribute": "claims_3y", "op": op, "value": value}], {"claims_3y": answer}) == []) is eligible


@pytest.mark.parametrize("op, answer, eligible", [
    ("in", "private", True), ("in", "business", False), ("not_in", "business", True), ("not_in", "commute", False),
])
def test_list_operators(op, answer, eligible):
    condition = {"attribute": "use", "op": op, "value": ["private", "commute"]}
    assert (reasons([condition], {"use": answer}) == []) is eligible


def test_choice_and_boolean_equality():
    assert reasons([{"attribute": "parking", "op": "eq", "value": "garage"}], {"parking": "garage"}) == []
    assert reasons([{"attribute": "backups", "op": "eq", "value": True}], {"backups": True}) == []
    assert reasons([{"attribute": "backups", "op": "eq", "value": "true"}], {"backups": False}) != []


def test_dates_are_measured_in_whole_years():
    condition = [{"attribute": "licence_date", "op": "gte", "value": 3}]
    assert reasons(condition, {"licence_date": "2022-06-01"}) == []
    assert reasons(condition, {"licence_date": "2022-06-02"}) == [
        EligibilityProblem("not_met", "licence_date", "gte", "2022-06-02", 3, years=D(2))]


def test_problems_name_the_attribute_the_rule_and_the_answer():
    conditions = [{"attribute": "driver_age", "op": "gte", "value": 21},
                  {"attribute": "use", "op": "in", "value": ["private", "commute"]}]
    assert reasons(conditions, {"driver_age": 19, "use": "business"}) == [
        EligibilityProblem("not_met", "driver_age", "gte", 19, 21),
        EligibilityProblem("not_met", "use", "in", "business", ["private", "commute"])]


def test_a_missing_answer_is_a_problem():
    assert reasons([{"attribute": "driver_age", "op": "gte", "value": 21}], {"driver_age": ""}) == [
        EligibilityProblem("missing_answer", "driver_age", "gte", "", 21)]


def test_an_unreadable_answer_is_a_problem():
    assert reasons([{"attribute": "driver_age", "op": "gte", "value": 21}], {"driver_age": "old"}) == [
        EligibilityProblem("invalid_answer", "driver_age", "gte", "old", 21)]


def test_no_conditions_means_eligible():
    assert reasons([], {}) == []


def codes(conditions, line="motor"):
    return {(p.path, p.code) for p in validate_eligibility(conditions, line)}


def test_valid_conditions():
    assert codes([{"attribute": "driver_age", "op": "gte", "value": 21},
                  {"attribute": "use", "op": "in", "value": ["private", "commute"]},
                  {"attribute": "licence_date", "op": "gte", "value": "2"}]) == set()
    assert codes([{"attribute": "turnover", "op": "lte", "value": "2000000"}], "rc_pro") == set()


@pytest.mark.parametrize("conditions, expected", [
    ({}, ("", "not_a_list")),
    (["driver_age >= 21"], ("[0]", "not_an_object")),
    ([{"attribute": "shoe_size", "op": "eq", "value": 1}], ("[0].attribute", "unknown_attribute")),
    ([{"attribute": "driver_age", "op": "between", "value": 1}], ("[0].op", "unknown_op")),
    ([{"attribute": "driver_age", "op": "gte", "value": "young"}], ("[0].value", "not_decimal")),
    ([{"attribute": "use", "op": "gte", "value": 1}], ("[0].value", "op_mismatch")),
    ([{"attribute": "use", "op": "in", "value": "private"}], ("[0].value", "not_a_list")),
    ([{"attribute": "use", "op": "in", "value": ["private", "racing"]}], ("[0].value", "not_a_choice")),
    ([{"attribute": "use", "op": "eq", "value": "racing"}], ("[0].value", "not_a_choice")),
    ([{"attribute": "vehicle", "op": "eq", "value": ""}], ("[0].value", "missing")),
    ([{"attribute": "use", "op": "eq", "value": "private", "unless": "x"}], ("[0].unless", "unknown_key")),
])
def test_invalid_conditions_are_refused(conditions, expected):
    assert expected in codes(conditions)


def test_default_tax_rates_follow_article_1001_cgi():
    """Art. 1001 CGI: 18 % land motor vehicles, 30 % fire risks of homes (MRH),
    13.27 % "solidaires et responsables" health contracts, 9 % other risks."""
    rates = {line: definition.tax_rate for line, definition in LINES.items()}
    assert rates == {
        Line.MOTOR: D("18.00"), Line.HOME: D("30.00"), Line.HEALTH: D("13.27"),
        Line.PROFESSIONAL_LIABILITY: D("9.00"), Line.BUSINESS_MULTIRISK: D("9.00"), Line.DECENNIAL: D("9.00"),
        Line.PROTECTION: D("9.00"), Line.CYBER: D("9.00"),
    }


def test_siren_is_checked_with_its_luhn_key():
    from app.catalog.insurer_rules import normalise_siren

    assert normalise_siren("542 110 291") == "542110291"
    assert normalise_siren("  ") is None
    with pytest.raises(ValueError):
        normalise_siren("542110292")


@pytest.mark.parametrize("channel, email, endpoint, expected", [
    ("email", "p@alpha.fr", None, {}),
    ("email", "", None, {"placement_email": "placement_email_required"}),
    ("api", None, "https://api.alpha.fr/placements", {}),
    ("api", None, "http://localhost:8055/p", {}),
    ("api", None, "http://127.0.0.1/p", {}),
    ("api", None, "http://api.alpha.fr/p", {"api_endpoint": "api_endpoint_not_https"}),
    ("api", None, "ftp://api.alpha.fr", {"api_endpoint": "api_endpoint_invalid"}),
    ("api", None, "", {"api_endpoint": "api_endpoint_required"}),
    ("fax", None, None, {"placement_channel": "placement_channel_invalid"}),
])
def test_placement_channel_needs_its_address(channel, email, endpoint, expected):
    from app.catalog.insurer_rules import placement_problems

    assert placement_problems(channel, email, endpoint) == expected


def test_secrets_are_shown_masked():
    from app.catalog.insurer_rules import mask_secret

    assert mask_secret("abcdefghij1234") == "••••••••1234"
    assert mask_secret(None) == ""


class Agreement:
    def __init__(self, line, starts_on, ends_on=None, rate=D("10")):
        self.line, self.starts_on, self.ends_on, self.new_business_rate = line, starts_on, ends_on, rate


def test_agreements_of_one_line_must_not_overlap():
    from app.catalog.insurer_rules import agreement_problems

    others = [Agreement("motor", date(2025, 1, 1), date(2025, 12, 31))]
    ok = agreement_problems("motor", D("15"), D("10"), date(2026, 1, 1), None, others)
    assert ok == {}
    assert agreement_problems("motor", D("15"), D("10"), date(2025, 12, 31), None, others) == {
        "starts_on": "agreement_overlap"}
    assert agreement_problems(None, D("15"), D("10"), date(2025, 6, 1), None, others) == {}
    assert agreement_problems("motor", D("101"), D("-1"), date(2026, 1, 1), date(2026, 1, 1), []) == {
        "new_business_rate": "rate_out_of_range", "renewal_rate": "rate_out_of_range", "ends_on": "end_before_start"}


def test_the_line_agreement_wins_over_the_all_lines_one():
    from app.catalog.insurer_rules import applicable_agreement

    general, motor = Agreement(None, date(2025, 1, 1)), Agreement("motor", date(2025, 1, 1), date(2025, 6, 30))
    assert applicable_agreement([general, motor], "motor", date(2025, 6, 30)) is motor
    assert applicable_agreement([general, motor], "motor", date(2025, 7, 1)) is general
    assert applicable_agreement([general, motor], "home", date(2025, 3, 1)) is general
    assert applicable_agreement([motor], "motor", date(2024, 12, 31)) is None

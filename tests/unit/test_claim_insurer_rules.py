"""The insurer's side of a claim, pure: how its answers move the claim's
status, the checks of the answers a handler records by hand, and of the
insurer API's claim requests (app.claims.insurer_rules,
app.insurer_api.claim_rules)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from app.claims.insurer_rules import ACKNOWLEDGED, DECIDED, answers_problems, parse_day, status_after
from app.insurer_api import claim_rules

TODAY = date(2026, 11, 25)
DECLARED = date(2026, 11, 20)
PAYMENT = {"payment_id": "PAY-1", "amount": "1234.50", "paid_on": "2026-11-20",
           "payee": {"kind": "insured", "name": "Léa Martin"}, "method": "transfer", "reference": "VIR-1"}


@pytest.mark.parametrize("status, answer, expected", [
    ("declared", ACKNOWLEDGED, "with_insurer"),
    ("in_progress", ACKNOWLEDGED, "with_insurer"),
    ("with_insurer", ACKNOWLEDGED, "with_insurer"),
    ("settled", ACKNOWLEDGED, "settled"),
    ("declared", DECIDED, "in_progress"),
    ("with_insurer", DECIDED, "in_progress"),
    ("in_progress", DECIDED, "in_progress"),
    ("closed", DECIDED, "closed"),
    ("settled", DECIDED, "settled"),
])
def test_an_acknowledgement_hands_the_claim_to_the_insurer_and_a_decision_hands_it_back(status, answer, expected):
    assert status_after(status, answer) == expected


@pytest.mark.parametrize("typed, expected", [
    ("2026-11-21", date(2026, 11, 21)), ("21/11/2026", date(2026, 11, 21)), ("1/2/2026", date(2026, 2, 1)),
    ("31/02/2026", None), ("2026-13-01", None), ("hier", None), ("", None), ("2026-11-21T10:00", None),
])
def test_a_day_is_read_as_iso_or_french(typed, expected):
    assert parse_day(typed) == expected


def test_answers_by_hand_are_cleaned_and_blank_means_not_known():
    values, problems = answers_problems({"acknowledged_on": "2026-11-21", "insurer_reference": " SX-1 ",
                                         "decision": "accepted", "decision_note": ""},
                                        declared_on=DECLARED, today=TODAY)
    assert problems == {}
    assert values == {"acknowledged_on": date(2026, 11, 21), "insurer_reference": "SX-1", "decision": "accepted",
                      "decision_note": None}
    values, problems = answers_problems({}, declared_on=DECLARED, today=TODAY)
    assert problems == {} and set(values.values()) == {None}


@pytest.mark.parametrize("form, field, code", [
    ({"acknowledged_on": "demain"}, "acknowledged_on", "date_invalid"),
    ({"acknowledged_on": "2026-11-26"}, "acknowledged_on", "in_future"),
    ({"acknowledged_on": "2026-11-19"}, "acknowledged_on", "before_declaration"),
    ({"insurer_reference": "X" * 61}, "insurer_reference", "too_long"),
    ({"insurer_reference": "SX\t1"}, "insurer_reference", "invalid_characters"),
    ({"decision": "maybe"}, "decision", "choice_invalid"),
    ({"decision": "refused"}, "decision_note", "note_required"),
    ({"decision": "partial", "decision_note": "   "}, "decision_note", "note_required"),
    ({"decision_note": "Sans décision"}, "decision", "required"),
    ({"decision": "accepted", "decision_note": "x" * 4001}, "decision_note", "too_long"),
])
def test_answers_by_hand_are_checked_field_by_field(form, field, code):
    assert answers_problems(form, declared_on=DECLARED, today=TODAY)[1] == {field: code}


def test_the_api_acknowledgement_and_reference_bodies():
    assert claim_rules.acknowledgement_problems({}) == ({"insurer_reference": None}, {})
    assert claim_rules.acknowledgement_problems({"insurer_reference": "SX-1"})[0] == {"insurer_reference": "SX-1"}
    assert claim_rules.reference_problems({})[1] == {"insurer_reference": "required"}
    assert claim_rules.reference_problems({"insurer_reference": 3})[1] == {"insurer_reference": "not_a_string"}
    assert claim_rules.reference_problems({"insurer_reference": "SX", "x": 1})[1] == {"x": "unknown_field"}


@pytest.mark.parametrize("body, problems", [
    ({"decision": "accepted"}, {}),
    ({"decision": "refused", "note": "Exclusion 4.2"}, {}),
    ({}, {"decision": "required"}),
    ({"decision": "maybe"}, {"decision": "decision_invalid"}),
    ({"decision": "refused"}, {"note": "note_required"}),
    ({"decision": "partial", "note": 12}, {"note": "not_a_string"}),
])
def test_the_api_decision_body(body, problems):
    assert claim_rules.decision_problems(body)[1] == problems


def test_a_payment_body_is_read_as_money_and_dates_never_floats():
    values, problems = claim_rules.payment_problems(PAYMENT, TODAY)
    assert problems == {}
    assert values["amount"] == Decimal("1234.50") and values["paid_on"] == date(2026, 11, 20)
    assert values["payee"] == {"kind": "insured", "name": "Léa Martin", "siren": None}
    assert claim_rules.payment_problems({k: v for k, v in PAYMENT.items() if k != "method"}, TODAY)[0][
        "method"] == "transfer"


@pytest.mark.parametrize("change, field, code", [
    ({"amount": "-1.00"}, "amount", "amount_not_positive"),
    ({"amount": 12.5}, "amount", "amount_invalid"),
    ({"amount": "1.005"}, "amount", "amount_too_precise"),
    ({"paid_on": "2026-11-26"}, "paid_on", "in_future"),
    ({"payee": None}, "payee", "required"),
    ({"payee": ["insured"]}, "payee", "not_an_object"),
    ({"payee": {"kind": "garage", "name": "X"}}, "payee.kind", "payee_kind_invalid"),
    ({"payee": {"kind": "provider", "name": "X", "siren": "12345678A"}}, "payee.siren", "siren_invalid"),
    ({"payee": {"kind": "insured", "name": "X", "iban": "FR76"}}, "payee.iban", "unknown_field"),
    ({"method": "cash"}, "method", "method_invalid"),
    ({"payment_id": "P" * 101}, "payment_id", "too_long"),
])
def test_a_bad_payment_body_names_the_field(change, field, code):
    assert claim_rules.payment_problems({**PAYMENT, **change}, TODAY)[1] == {field: code}


def test_every_problem_code_has_a_message_for_the_developer():
    codes = {"decision_invalid", "note_required", "not_an_object", "payee_kind_invalid", "method_invalid",
             "in_future", "siren_invalid", "unknown_provider", "required", "amount_not_positive"}
    messages = claim_rules.messages_of({code: code for code in codes})
    assert all(messages[code] != code for code in codes)

"""Rules of the insurer API: keys (shown once, stored hashed, compared in
constant time), bearer tokens (RFC 6750), idempotency keys and request
fingerprints, and the validation of each request's fields."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from app.insurer_api import rules


def test_a_new_key_is_ak_prefix_secret_and_its_prefix_is_found_again():
    prefix, key = rules.new_key()
    assert len(prefix) == 8 and set(prefix) <= set(rules.PREFIX_ALPHABET)
    assert key.startswith(f"ak_{prefix}_")
    assert len(key.split("_", 2)[2]) == 43  # 32 bytes, URL-safe base64 without padding
    assert rules.key_prefix(key) == prefix


def test_two_keys_differ():
    assert len({rules.new_key()[1] for _ in range(50)}) == 50


def test_only_the_sha256_of_the_whole_key_is_compared():
    _prefix, key = rules.new_key()
    stored = rules.hash_key(key)
    assert len(stored) == 64 and key not in stored
    assert rules.key_matches(key, stored)
    assert not rules.key_matches(key[:-1] + ("A" if key[-1] != "A" else "B"), stored)


@pytest.mark.parametrize("value", ["", "ak_", "ak_short_" + "x" * 43, "sk_abcdefgh_" + "x" * 43,
                                   "ak_ABCDEFGH_" + "x" * 43, "ak_abcdefgh_" + "x" * 10, "ak_abcdefgh_" + "é" * 43])
def test_malformed_keys_have_no_prefix(value):
    assert rules.key_prefix(value) is None


@pytest.mark.parametrize("header, token", [
    ("Bearer abc", "abc"), ("bearer  abc ", "abc"), ("Basic abc", None), ("Bearer", None), ("", None), (None, None),
])
def test_the_bearer_token_is_read_from_the_authorization_header(header, token):
    assert rules.bearer_token(header) == token


@pytest.mark.parametrize("value, problem", [
    (None, "missing"), ("", "missing"), ("a", None), ("0f8e-11aa:retry/2", None), ("x" * 100, None),
    ("x" * 101, "invalid"), ("with space", "invalid"), ("é", "invalid"),
])
def test_idempotency_keys_are_1_to_100_visible_ascii_characters(value, problem):
    assert rules.idempotency_key_problem(value) == problem


def test_the_fingerprint_ignores_the_order_of_fields_and_files_but_not_their_content():
    one = rules.fingerprint("post", "/p", {"a": "1", "b": "2"}, [("documents", "a.pdf", b"A"), ("documents", "b.pdf", b"B")])
    two = rules.fingerprint("POST", "/p", {"b": "2", "a": "1"}, [("documents", "b.pdf", b"B"), ("documents", "a.pdf", b"A")])
    assert one == two
    assert one != rules.fingerprint("POST", "/p", {"a": "1", "b": "2"}, [("documents", "a.pdf", b"A"), ("documents", "b.pdf", b"C")])
    assert one != rules.fingerprint("POST", "/q", {"a": "1", "b": "2"}, [("documents", "a.pdf", b"A"), ("documents", "b.pdf", b"B")])


ACCEPTANCE = {"policy_number": "AX-2025-0001", "effective_date": "2025-03-01", "final_premium": "1234.50"}


def test_a_valid_acceptance_gives_typed_values():
    values, problems = rules.acceptance_problems(ACCEPTANCE)
    assert problems == {}
    assert values == {"policy_number": "AX-2025-0001", "effective_date": date(2025, 3, 1),
                      "final_premium": Decimal("1234.50")}


@pytest.mark.parametrize("field, value, problem", [
    ("policy_number", None, "required"), ("policy_number", "  ", "blank"), ("policy_number", "x" * 61, "too_long"),
    ("policy_number", "AX\n1", "invalid_characters"), ("policy_number", 12, "not_a_string"),
    ("effective_date", "01/03/2025", "date_invalid"), ("effective_date", "2025-02-30", "date_invalid"),
    ("effective_date", "2025-3-1", "date_invalid"), ("effective_date", None, "required"),
    ("final_premium", "-10", "amount_not_positive"), ("final_premium", "0", "amount_not_positive"),
    ("final_premium", "12,50", "amount_invalid"), ("final_premium", "1e3", "amount_invalid"),
    ("final_premium", "NaN", "amount_invalid"), ("final_premium", 12.5, "amount_invalid"),
    ("final_premium", "12.345", "amount_too_precise"), ("final_premium", "10000000000", "amount_too_large"),
])
def test_an_acceptance_field_is_refused_with_its_reason(field, value, problem):
    _values, problems = rules.acceptance_problems({**ACCEPTANCE, field: value})
    assert problems == {field: problem}


def test_unknown_fields_are_refused_so_that_a_typo_is_not_silently_ignored():
    _values, problems = rules.acceptance_problems({**ACCEPTANCE, "premium": "12"})
    assert problems == {"premium": "unknown_field"}


def test_a_premium_keeps_its_cents_exactly():
    values, _problems = rules.acceptance_problems({**ACCEPTANCE, "final_premium": "0.1"})
    assert values["final_premium"] == Decimal("0.10") and str(values["final_premium"]) == "0.10"


@pytest.mark.parametrize("value, problem", [
    ("Risk outside our appetite.\nSee the survey.", None), ("", "blank"), (None, "required"), (["x"], "not_a_string"),
    ("x" * 5001, "too_long"), ("bad\x00byte", "invalid_characters"), ("lone \ud800 surrogate", "invalid_characters"),
])
def test_a_reason_is_a_non_blank_text_of_several_lines_at_most(value, problem):
    _values, problems = rules.text_problems({"reason": value}, "reason")
    assert problems == ({"reason": problem} if problem else {})


def test_an_insurer_reference_is_optional():
    assert rules.confirmation_problems({}) == ({"insurer_reference": None}, {})
    assert rules.confirmation_problems({"insurer_reference": " AV-12 "}) == ({"insurer_reference": "AV-12"}, {})
    assert rules.confirmation_problems({"insurer_reference": "x" * 61})[1] == {"insurer_reference": "too_long"}


def test_a_contract_document_names_one_of_the_insurer_kinds():
    assert rules.contract_document_problems({"kind": "specific_conditions"})[1] == {}
    assert rules.contract_document_problems({"kind": "id_card"})[1] == {"kind": "kind_invalid"}
    assert rules.contract_document_problems({})[1] == {"kind": "required"}


def test_every_problem_code_has_a_message():
    assert rules.messages_of({"a": "amount_invalid"}) == {"a": rules.MESSAGES["amount_invalid"]}
    assert all(message.endswith(".") for message in rules.MESSAGES.values())


@given(st.dictionaries(st.text(max_size=20), st.one_of(st.none(), st.text(), st.integers(), st.floats(),
                                                        st.lists(st.text(), max_size=3)), max_size=6))
def test_any_fields_give_values_or_problems_never_an_exception(fields):
    for check in (rules.acceptance_problems, rules.confirmation_problems, rules.contract_document_problems,
                  lambda f: rules.text_problems(f, "message")):
        values, problems = check(fields)
        assert isinstance(values, dict) and isinstance(problems, dict)

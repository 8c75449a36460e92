"""Liability rules: shares in quarters (0, 25, 50, 75, 100 %), the insured's
share from a case of the grid (in the manner of the IRSA convention) and the
side of their vehicle, a different share only with a note, a share and a
note for claims outside the grid; the cases of the grid and the standard
grid's content."""

from __future__ import annotations

import pytest

from app.claims.liability_grid import STANDARD_CASES
from app.claims.liability_rules import (SHARES, Decision, case_problems, decide, differs_from_expert, grid_applies,
                                        parse_share, share_of)


def test_the_grid_applies_to_collisions_on_motor_contracts_only():
    assert grid_applies("motor", "collision")
    assert not grid_applies("motor", "theft") and not grid_applies("home", "collision")


def test_the_insureds_share_is_that_of_their_vehicle():
    assert share_of("A", 100, 0) == 100 and share_of("B", 100, 0) == 0
    assert share_of("B", 25, 75) == 75
    with pytest.raises(ValueError):
        share_of("C", 100, 0)


@pytest.mark.parametrize("typed, share", [("0", 0), ("25", 25), ("50 %", 50), (" 75", 75), ("100", 100), (50, 50),
                                          ("30", None), ("-25", None), ("abc", None), ("", None), (None, None),
                                          ("1e2", None), ("50.0", None)])
def test_shares_are_quarters(typed, share):
    assert parse_share(typed) == share


def test_with_a_case_the_share_is_the_cases_for_the_insureds_side():
    assert decide(case_shares=(100, 0), side="B", share="", note="") == (Decision(0, ""), {})
    assert decide(case_shares=(100, 0), side="A", share="100", note="") == (Decision(100, ""), {})


def test_with_a_case_the_side_is_required():
    assert decide(case_shares=(100, 0), side="", share="", note="") == (None, {"side": "required"})


def test_a_share_other_than_the_cases_needs_a_note():
    assert decide(case_shares=(100, 0), side="A", share="75", note="") == (None, {"note": "note_for_other_share"})
    assert decide(case_shares=(100, 0), side="A", share="75", note="Vitesse excessive de B (rapport d'expertise)") \
        == (Decision(75, "Vitesse excessive de B (rapport d'expertise)"), {})


def test_without_a_case_a_share_and_a_note_are_required():
    assert decide(case_shares=None, side="", share="", note="") == (None, {"share": "required", "note": "required"})
    assert decide(case_shares=None, side="", share="40", note="x") == (None, {"share": "share_invalid"})
    assert decide(case_shares=None, side="", share="0", note=" Fuite chez le voisin du dessus ") == \
        (Decision(0, "Fuite chez le voisin du dessus"), {})


def test_a_note_too_long_is_refused():
    assert decide(case_shares=None, side="", share="50", note="x" * 2001) == (None, {"note": "too_long"})


def test_a_difference_with_the_experts_opinion_is_flagged():
    assert differs_from_expert(50, 100) and not differs_from_expert(50, 50)
    assert not differs_from_expert(None, 50) and not differs_from_expert(50, None)


def test_a_case_needs_a_code_a_title_and_quarters_adding_up_to_100():
    assert case_problems("10", "Heurt à l'arrière", "100", "0") == {}
    assert case_problems("", " ", "100", "0") == {"code": "required", "title": "required"}
    assert case_problems("12345678901", "t", "50", "50") == {"code": "too_long"}
    assert case_problems("11", "t", "60", "40") == {"share_a": "share_invalid", "share_b": "share_invalid"}
    assert case_problems("11", "t", "75", "75") == {"share_b": "shares_not_100"}
    assert case_problems("11", "t", "25", "75") == {}
    assert case_problems("11", "t", "", None) == {"share_a": "required", "share_b": "required"}


def test_the_standard_grid_is_valid_and_its_codes_unique():
    assert len(STANDARD_CASES) >= 15
    assert len({case.code for case in STANDARD_CASES}) == len(STANDARD_CASES)
    for case in STANDARD_CASES:
        assert case_problems(case.code, case.title, case.share_a, case.share_b, case.description) == {}, case.code
        assert case.share_a in SHARES and case.share_b in SHARES
    rear_end = next(case for case in STANDARD_CASES if case.code == "10")
    assert (rear_end.share_a, rear_end.share_b) == (100, 0)

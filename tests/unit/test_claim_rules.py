"""Claim declaration deadlines (Code des assurances L113-2, 4°): 5 working
days, 2 for a theft, French public holidays excepted."""

from datetime import date

import pytest

from app.claims import rules


def test_five_working_days_skip_the_weekend():
    # Wednesday 2026-11-25 -> Thu, Fri, Mon, Tue, Wed
    assert rules.declaration_deadline("water_damage", date(2026, 11, 25)) == date(2026, 12, 2)


def test_a_theft_is_declared_within_two_working_days():
    assert rules.declaration_deadline("theft", date(2026, 11, 27)) == date(2026, 12, 1)   # Fri -> Mon, Tue
    assert rules.declaration_deadline("break_in", date(2026, 11, 25)) == date(2026, 11, 27)


def test_public_holidays_are_not_working_days():
    # Thursday 2026-12-24 -> Christmas (Fri 25) and the weekend are skipped: Mon 28, Tue 29
    assert rules.declaration_deadline("theft", date(2026, 12, 24)) == date(2026, 12, 29)
    # Wednesday 2026-05-13: Ascension Thursday 14 May skipped -> Fri 15, Mon 18, Tue 19, Wed 20, Thu 21
    assert rules.declaration_deadline("fire", date(2026, 5, 13)) == date(2026, 5, 21)
    assert not rules.is_working_day(date(2026, 7, 14))


def test_the_deadline_crosses_the_new_year():
    assert rules.declaration_deadline("glass", date(2026, 12, 30)) == date(2027, 1, 7)


def test_a_late_declaration_is_flagged():
    assert rules.declared_late("theft", date(2026, 11, 25), date(2026, 11, 30))
    assert not rules.declared_late("theft", date(2026, 11, 25), date(2026, 11, 27))


def test_the_form_adapts_to_the_line():
    assert rules.ClaimKind.COLLISION in rules.kinds_for("motor")
    assert rules.ClaimKind.COLLISION not in rules.kinds_for("home")
    assert "vehicle" in rules.sections_for("motor") and "damaged_goods" in rules.sections_for("home")
    assert rules.sections_for("decennial") == rules.DEFAULT_SECTIONS


def test_a_negative_count_is_refused():
    with pytest.raises(ValueError):
        rules.add_working_days(date(2026, 1, 1), -1)


TODAY = date(2026, 11, 25)


def declaration(**values):
    return {"occurred_on": date(2026, 11, 24), "known_on": date(2026, 11, 24), "place": "12 rue des Lilas, Lyon",
            "circumstances": "Fuite du chauffe-eau dans la cuisine."} | values


def test_a_complete_home_declaration_has_no_problem():
    assert rules.declaration_problems("home", "water_damage", declaration(), TODAY) == {}


def test_dates_must_be_past_and_in_order_and_texts_present():
    problems = rules.declaration_problems("home", "water_damage", declaration(
        occurred_on=date(2026, 11, 26), place=" ", circumstances=""), TODAY)
    assert problems == {"occurred_on": "in_future", "place": "required", "circumstances": "required"}
    assert rules.declaration_problems("home", "fire", declaration(known_on=date(2026, 11, 20)), TODAY) == {
        "known_on": "before_loss"}


def test_a_kind_of_another_line_is_refused():
    assert rules.declaration_problems("home", "collision", declaration(), TODAY) == {"kind": "choice_invalid"}


def test_a_theft_needs_a_police_report_with_its_station():
    assert rules.declaration_problems("motor", "theft", declaration(), TODAY) == {
        "police_report": "theft_needs_report"}
    assert rules.declaration_problems("motor", "theft", declaration(police_report="yes"), TODAY) == {
        "police_station": "required"}


def test_injured_people_need_details_and_a_registration_is_checked():
    problems = rules.declaration_problems("motor", "collision", declaration(
        injured="yes", third_party_registration="12345"), TODAY)
    assert problems == {"injured_details": "required", "third_party_registration": "registration_invalid"}


def test_a_loss_is_registered_on_a_contract_in_force_or_ended_after_it():
    """A pending contract covered nothing; an ended one covered the losses before its end (the declaration
    may come later: L113-2 counts from when the insured learned of the loss)."""
    from app.claims.rules import contract_problem

    end = date(2026, 6, 30)
    assert contract_problem("active", None, date(2026, 7, 2)) is None
    assert contract_problem("suspended", None, None) is None
    assert contract_problem("pending", None, None) == "contract_not_in_force"
    assert contract_problem("cancelled", None, None) == "contract_not_in_force"
    assert contract_problem("cancelled", end, None) is None
    assert contract_problem("expired", end, date(2026, 6, 29)) is None
    assert contract_problem("expired", end, end) == "loss_after_end"

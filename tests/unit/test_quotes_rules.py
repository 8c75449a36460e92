"""Needs analyses and comparisons: completeness, guarantee matching, the fit
score and what blocks the client's acceptance (DDA, L521-4)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from types import SimpleNamespace

import pytest

from app.catalog.lines import Line, line_definition
from app.quotes import rules

RC_PRO = line_definition(Line.PROFESSIONAL_LIABILITY)
D = Decimal


# --- answers typed for JSON -------------------------------------------------

@pytest.mark.parametrize("kind, value, stored", [
    ("integer", 12, 12),
    ("money", D("1234.5"), "1234.50"),
    ("decimal", D("0.85"), "0.85"),
    ("date", date(2020, 3, 14), "2020-03-14"),
    ("boolean", False, False),
    ("text", "  Boulangerie ", "Boulangerie"),
    ("text", "   ", None),
    ("integer", None, None),
])
def test_answers_are_stored_typed(kind, value, stored):
    assert rules.to_json_value(kind, value) == stored


def test_stored_answers_read_back_typed():
    assert rules.from_json_value("money", "1234.50") == D("1234.50")
    assert rules.from_json_value("date", "2020-03-14") == date(2020, 3, 14)
    assert rules.from_json_value("date", "not a date") is None


# --- completeness -----------------------------------------------------------

def test_missing_answers_are_the_required_ones_left_empty():
    risk = {"activity": "Architecte", "turnover": "250000.00", "headcount": None, "premises": "", "claims_3y": 0}
    assert rules.missing_answers(RC_PRO, risk) == ("headcount", "premises")


def test_a_boolean_no_is_an_answer():
    cyber = line_definition(Line.CYBER)
    risk = {"turnover": "1.00", "records_held": 1, "headcount": 1, "backups": False}
    assert rules.missing_answers(cyber, risk) == ()


def test_optional_attributes_are_never_missing():
    motor = line_definition(Line.MOTOR)
    assert "registration" not in rules.missing_answers(motor, {})


def test_documents_missing_to_quote_and_to_place():
    risk = {a.name: 1 for a in RC_PRO.attributes}
    gaps = rules.completeness(RC_PRO, risk, held_kinds={"id_card"})
    assert gaps.missing_to_quote == ("kbis",)
    assert gaps.missing_to_place == ("kbis", "claims_record")
    assert gaps.missing_documents == ("kbis", "claims_record")
    assert not gaps.is_complete


def test_complete_when_every_answer_and_document_is_there():
    risk = {a.name: 1 for a in RC_PRO.attributes}
    assert rules.completeness(RC_PRO, risk, held_kinds={"kbis", "claims_record"}).is_complete


# --- an offer's amounts -----------------------------------------------------

def test_tax_is_on_net_plus_fees_and_commission_on_net_alone():
    amounts = rules.offer_amounts(D("1000.00"), D("25.00"), D("9.00"), D("15.00"))
    assert amounts.tax == D("92.25")
    assert amounts.total == D("1117.25")
    assert amounts.commission == D("150.00")


def test_amounts_round_half_up_to_the_cent():
    amounts = rules.offer_amounts(D("100.50"), D("0"), D("9.00"), D("12.50"))
    assert amounts.tax == D("9.05")  # 9.045: half-up, not the banker's 9.04
    assert amounts.commission == D("12.56")  # 12.5625


# --- guarantee matching -----------------------------------------------------

OFFERED = [
    {"code": "operating_liability", "ceiling": "5000000.00", "deductible": "500.00", "included": True},
    {"code": "professional_liability", "ceiling": "1000000.00", "deductible": "1500.00", "included": True},
    {"code": "legal", "ceiling": None, "deductible": None, "included": False},
]


def test_a_wanted_guarantee_is_covered_with_its_ceiling_and_deductible():
    match = rules.match_guarantee({"code": "operating_liability", "ceiling": "3000000.00", "deductible": "1000.00"},
                                  OFFERED)
    assert match.covered and match.ceiling_ok and match.deductible_ok and match.fits


def test_a_lower_ceiling_or_a_higher_deductible_does_not_fit():
    match = rules.match_guarantee({"code": "professional_liability", "ceiling": "2000000.00",
                                   "deductible": "1000.00"}, OFFERED)
    assert match.covered
    assert not match.ceiling_ok
    assert not match.deductible_ok


def test_an_option_not_taken_does_not_cover():
    assert not rules.match_guarantee({"code": "legal"}, OFFERED).covered
    assert not rules.match_guarantee({"code": "data_loss"}, OFFERED).covered


def test_no_ceiling_means_unlimited_and_no_deductible_means_none():
    offered = [{"code": "defence", "ceiling": None, "deductible": None}]
    match = rules.match_guarantee({"code": "defence", "ceiling": "10000.00", "deductible": "0.00"}, offered)
    assert match.fits


# --- fit score --------------------------------------------------------------

WANTED = [
    {"code": "operating_liability", "ceiling": "3000000.00", "deductible": "1000.00"},
    {"code": "professional_liability", "ceiling": "2000000.00", "deductible": None},
    {"code": "legal", "ceiling": None, "deductible": None},
]


def test_a_perfect_offer_within_budget_scores_100():
    offered = [dict(item, included=True, ceiling=item["ceiling"], deductible=item["deductible"]) for item in WANTED]
    score, lines = rules.fit_score(WANTED, offered, D("900.00"), D("1000.00"))
    assert score == 100
    assert [line.points for line in lines] == [50, 15, 15, 20]
    assert all(line.points == line.max for line in lines)


def test_fit_score_explains_each_component():
    score, lines = rules.fit_score(WANTED, OFFERED, D("1100.00"), D("1000.00"))
    by_code = {line.code: line for line in lines}
    # 2 of 3 covered: 50 * 2/3 = 33.3 -> 33 (legal is an option not taken: heavy penalty)
    assert by_code["coverage"].points == 33
    assert by_code["coverage"].params["missing"] == ["legal"]
    # ceilings asked on 2 guarantees, professional liability's 1M < 2M wanted
    assert by_code["ceilings"].points == 8 and by_code["ceilings"].params["short"] == ["professional_liability"]
    # one deductible asked (1000), 500 offered: met
    assert by_code["deductibles"].points == 15
    # 10 % over budget loses 10 % of the 20 price points
    assert by_code["price"].points == 18
    assert score == 33 + 8 + 15 + 18
    assert lines[0].as_dict() == {"code": "coverage", "label": "2 of 3 wanted guarantees covered",
                                  "points": 33, "max": 50, "params": by_code["coverage"].params}


@pytest.mark.parametrize("total, points", [
    (D("1000.00"), 20), (D("999.99"), 20), (D("1250.00"), 15), (D("1500.00"), 10),
    (D("2000.00"), 0), (D("5000.00"), 0),
])
def test_budget_penalty_is_proportional_to_the_overrun(total, points):
    assert rules.budget_points(total, D("1000.00")) == points


def test_no_budget_and_no_wishes_give_full_points():
    score, lines = rules.fit_score([], [], D("5000.00"), None)
    assert score == 100
    assert [line.label for line in lines] == ["No guarantee wanted", "No ceiling wanted", "No deductible wanted",
                                             "No budget set"]


def test_missing_every_wanted_guarantee_is_heavily_penalised():
    score, _ = rules.fit_score(WANTED, [], D("100.00"), D("1000.00"))
    assert score == 20  # only the price points remain


# --- acceptance (DDA, L521-4) -----------------------------------------------

def test_acceptance_needs_completeness_or_a_waiver_and_an_advice_document():
    assert rules.acceptance_problems(is_complete=False, waiver=None, has_advice=False,
                                     already_accepted=False, withdrawn=False) == ["incomplete", "no_advice"]
    assert rules.acceptance_problems(is_complete=False, waiver="  ", has_advice=True,
                                     already_accepted=False, withdrawn=False) == ["incomplete"]
    assert rules.acceptance_problems(is_complete=False, waiver="Kbis promised for Monday", has_advice=True,
                                     already_accepted=False, withdrawn=False) == []
    assert rules.acceptance_problems(is_complete=True, waiver=None, has_advice=True,
                                     already_accepted=True, withdrawn=False) == ["already_accepted"]


# --- arranging a comparison -------------------------------------------------

def _offer(id_, total, fit, commission):
    return SimpleNamespace(id=id_, total=D(total), fit_score=fit, commission=D(commission))


def test_offers_sort_by_total_fit_or_commission_and_filter_on_budget():
    offers = [_offer(1, "900", 70, "80"), _offer(2, "1200", 90, "150"), _offer(3, "800", 60, "60")]
    assert [o.id for o in rules.arrange(offers, sort="total")] == [3, 1, 2]
    assert [o.id for o in rules.arrange(offers, sort="fit")] == [2, 1, 3]
    assert [o.id for o in rules.arrange(offers, sort="commission")] == [2, 1, 3]
    assert [o.id for o in rules.arrange(offers, sort="total", within_budget=True, budget=D("1000"))] == [3, 1]
    assert [o.id for o in rules.arrange(offers, sort="nonsense")] == [3, 1, 2]

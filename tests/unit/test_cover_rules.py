"""The cover check against combinations of clauses: the guarantee present or
absent, the ceiling, the deductible, exclusions, the contract's dates, the
version in force on the day of the loss (endorsements), and cover
suspended for non-payment (Code des assurances L113-3: suspended from the
first day of suspension, resuming at noon the day after payment)."""

from __future__ import annotations

from datetime import date, datetime, timedelta, timezone
from decimal import Decimal

import pytest

from app.billing.nonpayment_rules import cover_resumes_at
from app.catalog.lines import LINES
from app.claims.cover_rules import (KIND_GUARANTEES, PARIS, ClauseCode, ExclusionScope, Facts, Guarantee, Proposal,
                                    Relied, Suspension, estimate, exclusion_items, guarantees_of, propose,
                                    propose_guarantee, start_of)
from app.claims.models import CoverVerdict

D = Decimal
WATER = Guarantee("water_damage", "Dégâts des eaux", ceiling=D("50000.00"), deductible=D("150.00"),
                  exclusions=("Défaut d'entretien",))


def at(day: date, hour: int = 21) -> datetime:
    return datetime(day.year, day.month, day.day, hour, 30, tzinfo=PARIS)


def facts(**changes) -> Facts:
    values = {"loss_at": at(date(2025, 6, 10)), "effective_date": date(2025, 1, 1), "version_number": 1,
              "version_from": date(2025, 1, 1), "guarantee_code": "water_damage", "guarantee": WATER,
              "amount": D("2400.00")}
    return Facts(**(values | changes))


def codes(proposal: Proposal) -> list[str]:
    return [item.code.value for item in proposal.clauses]


def test_a_loss_under_a_guarantee_within_its_ceiling_is_covered_citing_the_version_guarantee_and_deductible():
    proposal = propose(facts())
    assert proposal.verdict == CoverVerdict.COVERED
    assert codes(proposal) == ["version", "guarantee", "deductible"]
    guarantee = proposal.clauses[1]
    assert guarantee.guarantee == "water_damage" and guarantee.label == "Dégâts des eaux"
    assert guarantee.limit == D("50000.00") and proposal.clauses[2].limit == D("150.00")


def test_the_guarantee_absent_from_the_version_means_not_covered():
    proposal = propose(facts(guarantee=None))
    assert proposal.verdict == CoverVerdict.NOT_COVERED
    assert proposal.clauses[-1] == Relied(ClauseCode.GUARANTEE_MISSING, guarantee="water_damage")
    assert propose(facts(guarantee=None, guarantee_code=None)).clauses[-1].guarantee is None


def test_a_loss_above_the_ceiling_is_partly_covered():
    proposal = propose(facts(amount=D("62000.00")))
    assert proposal.verdict == CoverVerdict.PARTIAL
    assert proposal.clauses[-1] == Relied(ClauseCode.CEILING_EXCEEDED, amount=D("62000.00"), limit=D("50000.00"))
    assert propose(facts(amount=D("50000.00"))).verdict == CoverVerdict.COVERED


def test_a_guarantee_without_ceiling_is_never_exceeded():
    unlimited = Guarantee("third_party", "RC", ceiling=None)
    proposal = propose(facts(guarantee=unlimited, guarantee_code="third_party", amount=D("9999999.00")))
    assert proposal.verdict == CoverVerdict.COVERED and codes(proposal) == ["version", "guarantee"]


def test_an_exclusion_of_the_whole_loss_means_not_covered_and_of_part_of_it_partly_covered():
    whole = propose(facts(exclusion=ExclusionScope.ALL, exclusion_note=" Défaut d'entretien du joint "))
    assert whole.verdict == CoverVerdict.NOT_COVERED
    assert whole.clauses[-1].code == ClauseCode.EXCLUDED and whole.clauses[-1].text == "Défaut d'entretien du joint"
    part = propose(facts(exclusion=ExclusionScope.PART, exclusion_note="Le meuble TV, hors garantie"))
    assert part.verdict == CoverVerdict.PARTIAL and ClauseCode.EXCLUDED_IN_PART in {c.code for c in part.clauses}


def test_a_partial_exclusion_and_a_ceiling_exceeded_stay_partial():
    proposal = propose(facts(exclusion=ExclusionScope.PART, exclusion_note="x", amount=D("70000")))
    assert proposal.verdict == CoverVerdict.PARTIAL
    assert codes(proposal)[-2:] == ["excluded_in_part", "ceiling_exceeded"]


def test_a_deductible_larger_than_the_loss_leaves_nothing_to_pay():
    proposal = propose(facts(amount=D("120.00")))
    assert proposal.verdict == CoverVerdict.NOT_COVERED
    assert proposal.clauses[-1] == Relied(ClauseCode.BELOW_DEDUCTIBLE, amount=D("120.00"), limit=D("150.00"))
    assert propose(facts(amount=D("150.00"))).verdict == CoverVerdict.NOT_COVERED
    assert propose(facts(amount=D("150.01"))).verdict == CoverVerdict.COVERED


def test_an_unknown_amount_is_covered_with_the_amount_still_to_check():
    proposal = propose(facts(amount=None))
    assert proposal.verdict == CoverVerdict.COVERED and codes(proposal)[-1] == "no_amount"


def test_a_loss_before_the_effective_date_or_from_the_end_is_not_covered():
    before = propose(facts(loss_at=at(date(2024, 12, 31), 23)))
    assert before.verdict == CoverVerdict.NOT_COVERED
    assert before.clauses == (Relied(ClauseCode.BEFORE_EFFECT, day=date(2025, 1, 1)),)
    assert propose(facts(loss_at=at(date(2025, 1, 1), 0))).verdict == CoverVerdict.COVERED
    ended = propose(facts(ended_on=date(2025, 6, 10)))
    assert ended.verdict == CoverVerdict.NOT_COVERED and ended.clauses == (Relied(ClauseCode.ENDED, day=date(2025, 6, 10)),)
    assert propose(facts(ended_on=date(2025, 6, 11))).verdict == CoverVerdict.COVERED


def test_the_day_of_the_loss_is_the_day_in_paris():
    """23:30 UTC on 31 December is already 1 January in Paris: in force."""
    assert propose(facts(loss_at=datetime(2024, 12, 31, 23, 30, tzinfo=timezone.utc))).verdict == CoverVerdict.COVERED


def test_no_version_in_force_is_not_covered():
    proposal = propose(facts(version_number=None, version_from=None))
    assert proposal.verdict == CoverVerdict.NOT_COVERED and codes(proposal) == ["no_version"]


def test_a_loss_while_cover_is_suspended_for_non_payment_is_not_covered_l113_3():
    suspended = Suspension(start_of(date(2025, 6, 1)), None)
    proposal = propose(facts(suspensions=(suspended,)))
    assert proposal.verdict == CoverVerdict.NOT_COVERED
    assert proposal.clauses[-1] == Relied(ClauseCode.SUSPENDED, day=date(2025, 6, 1))
    assert proposal.clauses[-1].article == "L113-3"


def test_cover_resumes_at_noon_the_day_after_payment_l113_3():
    """Paid on 9 June: suspended until noon on 10 June; a loss at 11:30 that
    day is not covered, one at 21:30 is."""
    suspension = Suspension(start_of(date(2025, 6, 1)), cover_resumes_at(date(2025, 6, 9)))
    morning = propose(facts(loss_at=at(date(2025, 6, 10), 11), suspensions=(suspension,)))
    assert morning.verdict == CoverVerdict.NOT_COVERED and morning.clauses[-1].at == suspension.end
    evening = propose(facts(suspensions=(suspension,)))
    assert evening.verdict == CoverVerdict.COVERED
    assert evening.clauses[1] == Relied(ClauseCode.RESUMED, day=date(2025, 6, 1), at=suspension.end)


def test_a_suspension_starting_after_the_loss_does_not_matter():
    later = Suspension(start_of(date(2025, 6, 11)), None)
    proposal = propose(facts(suspensions=(later,)))
    assert proposal.verdict == CoverVerdict.COVERED and "resumed" not in codes(proposal)


def test_the_first_day_of_suspension_has_no_cover_from_midnight():
    suspension = Suspension(start_of(date(2025, 6, 10)), None)
    assert propose(facts(loss_at=at(date(2025, 6, 10), 0), suspensions=(suspension,))).verdict == \
        CoverVerdict.NOT_COVERED
    assert propose(facts(loss_at=at(date(2025, 6, 9), 23), suspensions=(suspension,))).verdict == \
        CoverVerdict.COVERED


def test_the_version_on_the_day_of_the_loss_counts_after_an_endorsement():
    """An endorsement of 1 June added water damage: a loss in May falls under
    version 1 (without it), one in June under version 2."""
    version_1 = [{"code": "fire", "label": "Incendie", "ceiling": "100000.00", "deductible": None, "exclusions": None}]
    version_2 = version_1 + [{"code": "water_damage", "label": "Dégâts des eaux", "ceiling": "50000.00",
                              "deductible": "150.00", "exclusions": "Défaut d'entretien"}]

    def check(loss_day: date, number: int, guarantees: list[dict], since: date) -> Proposal:
        held = guarantees_of(guarantees)
        code = propose_guarantee("home", "water_damage", [item.code for item in held])
        return propose(facts(loss_at=at(loss_day), version_number=number, version_from=since, guarantee_code=code,
                             guarantee=next((item for item in held if item.code == code), None)))

    may = check(date(2025, 5, 20), 1, version_1, date(2025, 1, 1))
    assert may.verdict == CoverVerdict.NOT_COVERED and codes(may) == ["version", "guarantee_missing"]
    june = check(date(2025, 6, 10), 2, version_2, date(2025, 6, 1))
    assert june.verdict == CoverVerdict.COVERED and june.clauses[0] == Relied(ClauseCode.VERSION, number=2,
                                                                               day=date(2025, 6, 1))


def test_guarantees_not_subscribed_are_not_held_and_amounts_are_read_safely():
    held = guarantees_of([
        {"code": "third_party", "label": "RC", "included": True, "ceiling": "1000000.00", "deductible": None},
        {"code": "legal", "label": "PJ", "included": False},
        {"code": "glass", "label": "Bris de glace", "ceiling": "abc", "deductible": "-5", "exclusions": "a; b\nc"},
    ])
    assert [item.code for item in held] == ["third_party", "glass"]
    assert held[0].ceiling == D("1000000.00") and held[1].ceiling is None and held[1].deductible is None
    assert held[1].exclusions == ("a", "b", "c")
    assert exclusion_items(None) == () and exclusion_items("- Usure\n\n- Gel") == ("Usure", "Gel")


def test_the_proposed_guarantee_follows_the_kind_of_loss_and_the_line():
    assert propose_guarantee("home", "water_damage", ["fire", "water_damage"]) == "water_damage"
    assert propose_guarantee("motor", "collision", ["third_party", "all_risks"]) == "all_risks"
    assert propose_guarantee("motor", "collision", ["third_party"]) == "third_party"
    assert propose_guarantee("home", "water_damage", ["fire"]) is None
    assert propose_guarantee("unknown", "fire", ["fire"]) is None


@pytest.mark.parametrize("line", sorted(KIND_GUARANTEES))
def test_every_mapped_code_is_a_standard_guarantee_of_its_line(line):
    standard = {item.code for item in LINES[line].guarantees}
    assert {code for codes_ in KIND_GUARANTEES[line].values() for code in codes_} <= standard


def test_the_estimate_prefers_damage_items_then_the_expert_then_the_client():
    damages = [(D("800"), D("900"), D("1000")), (None, D("300"), D("400")), (None, None, D("50")), (None, None, None)]
    assert estimate(damages, D("5000"), "2400") == (D("1150.00"), "damages")
    assert estimate([(None, None, None)], D("5000"), "2400") == (D("5000.00"), "expert")
    assert estimate([], None, "2 400,50") == (D("2400.50"), "declaration")
    assert estimate([], None, "beaucoup") == (None, None)
    assert estimate([], None, None) == (None, None)


def test_the_proposal_round_trips_through_json():
    proposal = propose(facts(amount=D("62000"), suspensions=(
        Suspension(start_of(date(2025, 3, 1)), cover_resumes_at(date(2025, 3, 20))),)))
    stored = proposal.to_json()
    assert stored["verdict"] == "partial"
    assert [Relied.from_json(item) for item in stored["clauses"]] == list(proposal.clauses)
    assert stored["clauses"][1]["article"] == "L113-3"
    assert proposal.clauses[1].at - timedelta(days=1) == datetime(2025, 3, 20, 12, tzinfo=PARIS)

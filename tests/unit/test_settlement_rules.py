"""The indemnity of a claim (app.claims.settlement_rules): agreed damages,
the liability share (IRSA-like shares; own damage paid for the third
party's part, a liability cover paying the insured's part, L124-3), the
guarantee's deductible and ceiling in the order the contract's particular
conditions state ("deductible_basis"), the indemnity principle (L121-1:
never more than the loss, never below 0), payments made and what remains;
money rounded half-up to the cent."""

from decimal import Decimal

import pytest

from app.claims.settlement_rules import (AmountError, DamageAmounts, DeductibleBasis, GuaranteeTerms, IndemnityError,
                                         LiabilityBasis, compute_indemnity, damage_totals, default_liability_basis,
                                         is_paid_in_full, parse_amount, proposed_reserve, terms_of)

D = Decimal


def agreed(*amounts, category="material"):
    return [DamageAmounts(category, agreed=D(amount)) for amount in amounts]


def terms(deductible=None, ceiling=None, basis="before_ceiling", liability="none"):
    return terms_of({"code": "water_damage", "deductible": deductible, "ceiling": ceiling,
                     "deductible_basis": basis, "liability_basis": liability})


def codes(result):
    return [line.code for line in result.lines]


def test_deductible_before_the_ceiling_is_the_default():
    # Contract: deductible 500 €, ceiling 10 000 €, no basis stated -> deductible first: min(12 000 - 500, 10 000)
    result = compute_indemnity(agreed("12000"), terms_of({"code": "fire", "deductible": "500.00",
                                                          "ceiling": "10000.00"}), liability_share=None)
    assert result.amount == D("10000.00")
    assert codes(result) == ["damages", "damages_total", "deductible", "ceiling", "indemnity", "paid", "remaining"]
    assert [line.total for line in result.lines[:4]] == [D("12000"), D("12000"), D("11500.00"), D("10000.00")]
    assert result.lines[2].amount == D("-500.00") and result.lines[3].amount == D("-1500.00")


def test_deductible_after_the_ceiling_when_the_contract_says_so():
    # Same loss, "deductible_basis": "after_ceiling" -> min(12 000, 10 000) - 500
    result = compute_indemnity(agreed("12000"), terms("500", "10000", basis="after_ceiling"), liability_share=None)
    assert result.amount == D("9500.00")
    assert codes(result)[2:4] == ["ceiling", "deductible_after_ceiling"]


def test_below_the_ceiling_the_order_does_not_matter():
    for basis in DeductibleBasis:
        result = compute_indemnity(agreed("2000", "400"), terms("300", "10000", basis=basis), liability_share=None)
        assert result.amount == D("2100.00")
        assert "ceiling_not_reached" in codes(result)


def test_a_deductible_larger_than_the_damage_leaves_nothing():
    result = compute_indemnity(agreed("180"), terms("300", "10000"), liability_share=None)
    assert result.amount == D("0.00") and result.remaining == D("0.00")
    assert result.lines[2].code == "deductible_absorbs" and result.lines[2].amount == D("-180")


def test_no_deductible_and_no_ceiling_are_stated():
    result = compute_indemnity(agreed("750.40"), terms(), liability_share=None)
    assert result.amount == D("750.40")
    assert codes(result)[2:4] == ["no_deductible", "no_ceiling"]


@pytest.mark.parametrize(("share", "owed"), [(0, "8000.00"), (25, "6000.00"), (50, "4000.00"), (100, "0.00")])
def test_own_damage_is_paid_for_the_third_partys_share(share, owed):
    # Motor collision without "dommages tous accidents": indemnity = damage x (100 - insured's share) %
    result = compute_indemnity(agreed("8000"), terms(liability="third_party_fault"), liability_share=share)
    assert result.amount == D(owed)
    assert result.lines[2].code == "liability_third_party_fault" and result.lines[2].params["kept"] == 100 - share


@pytest.mark.parametrize(("share", "owed"), [(0, "0.00"), (25, "1000.00"), (50, "2000.00"), (100, "4000.00")])
def test_a_liability_cover_pays_the_insureds_share(share, owed):
    result = compute_indemnity(agreed("4000"), terms(liability="insured_liability"), liability_share=share)
    assert result.amount == D(owed)


def test_the_share_comes_before_the_deductible_and_the_ceiling():
    # 50 % of 30 000 = 15 000, less a 1 000 deductible = 14 000, capped at 12 000
    result = compute_indemnity(agreed("30000"), terms("1000", "12000", liability="third_party_fault"),
                               liability_share=50)
    assert [line.total for line in result.lines[2:5]] == [D("15000.00"), D("14000.00"), D("12000.00")]


def test_a_share_is_required_where_the_guarantee_applies_it_and_ignored_where_not():
    with pytest.raises(IndemnityError) as error:
        compute_indemnity(agreed("100"), terms(liability="third_party_fault"), liability_share=None)
    assert error.value.code == "liability_required"
    result = compute_indemnity(agreed("100"), terms(), liability_share=50)
    assert result.amount == D("100") and result.lines[2].code == "liability_not_applied"


def test_partial_payments_leave_the_remaining_to_pay():
    result = compute_indemnity(agreed("3000"), terms("200"), liability_share=None, paid=D("1000.00"), payments=2)
    assert result.amount == D("2800.00") and result.paid == D("1000.00") and result.remaining == D("1800.00")
    assert result.lines[-2].code == "paid" and result.lines[-2].params == {"count": 2}
    assert result.lines[-1].total == D("1800.00")
    assert not is_paid_in_full(result.amount, D("1000.00"))
    assert is_paid_in_full(result.amount, D("2800.00"))
    assert not is_paid_in_full(D("0.00"), D("0.00")) and not is_paid_in_full(None, D("10"))


def test_shares_are_rounded_half_up_to_the_cent():
    # 25 % of 0.10 = 0.025 -> 0.03 (half-up; banker's rounding would give 0.02)
    assert compute_indemnity(agreed("0.10"), terms(liability="third_party_fault"), liability_share=75).amount \
        == D("0.03")
    # 25 % of 100.02 = 25.005 -> 25.01 (banker's: 25.00)
    assert compute_indemnity(agreed("100.02"), terms(liability="insured_liability"), liability_share=25).amount \
        == D("25.01")


def test_only_agreed_amounts_count_and_categories_are_listed():
    damages = [DamageAmounts("material", claimed=D("900"), agreed=D("800")),
               DamageAmounts("bodily", agreed=D("1500")), DamageAmounts("consequential", claimed=D("300"))]
    result = compute_indemnity(damages, terms(), liability_share=None)
    assert result.amount == D("2300")
    assert [(line.params.get("category"), line.amount) for line in result.lines[:2]] == [
        ("bodily", D("1500")), ("material", D("800"))]
    with pytest.raises(IndemnityError):
        compute_indemnity([DamageAmounts("material", claimed=D("10"))], terms(), liability_share=None)


def test_not_covered_means_nothing_owed():
    result = compute_indemnity(agreed("500"), terms(), liability_share=None, covered=False)
    assert result.amount == D("0.00") and "not_covered" in codes(result) and "deductible" not in codes(result)


def test_the_explanation_is_json():
    lines = compute_indemnity(agreed("12000"), terms("500", "10000"), liability_share=None).as_json()
    assert lines[2] == {"code": "deductible", "amount": "-500.00", "total": "11500.00",
                        "params": {"deductible": "500.00"}}


def test_guarantee_terms_read_from_the_contract_dict():
    read = terms_of({"code": "all_risks", "deductible": "350.00", "ceiling": None}, "collision")
    assert read == GuaranteeTerms("all_risks", D("350.00"), None, DeductibleBasis.BEFORE_CEILING, LiabilityBasis.NONE)
    assert terms_of({"code": "x", "deductible_basis": "sideways"}).deductible_basis == DeductibleBasis.BEFORE_CEILING
    assert terms_of({"code": "x", "deductible": "beaucoup"}).deductible is None
    assert default_liability_basis("third_party", "collision") == LiabilityBasis.THIRD_PARTY_FAULT
    assert default_liability_basis("civil_liability", "liability") == LiabilityBasis.INSURED_LIABILITY
    assert default_liability_basis("water_damage", "water_damage") == LiabilityBasis.NONE


def test_typed_amounts():
    assert parse_amount("1 234,50") == D("1234.50") and parse_amount("") is None
    assert parse_amount("9999999999.99") == D("9999999999.99")
    for text, code in [("douze", "amount_invalid"), ("-5", "negative"), ("12345678901", "too_large"),
                       ("1.234", "amount_invalid"), ("NaN", "amount_invalid"), ("Infinity", "amount_invalid")]:
        with pytest.raises(AmountError) as error:
            parse_amount(text)
        assert error.value.code == code, text
    with pytest.raises(AmountError):
        parse_amount("0", positive=True)


def test_totals_and_the_proposed_reserve():
    damages = [DamageAmounts("material", claimed=D("1000"), expert=D("800")),
               DamageAmounts("material", claimed=D("500"), expert=D("450"), agreed=D("400")),
               DamageAmounts("bodily", claimed=D("2000"))]
    totals = damage_totals(damages)
    assert totals["material"] == {"claimed": D("1500"), "expert": D("1250"), "agreed": D("400")}
    assert totals["all"]["claimed"] == D("3500")
    # 800 (expert) + 400 (agreed) + 2000 (claimed) - 1000 paid
    assert proposed_reserve(damages, D("1000")) == D("2200.00")
    assert proposed_reserve(damages, D("9000")) == D("0.00")
    # once computed, the indemnity (deductible, ceiling and share applied) replaces the damages
    assert proposed_reserve(damages, D("1000"), indemnity=D("2500.00")) == D("1500.00")

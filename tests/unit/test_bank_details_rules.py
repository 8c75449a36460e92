"""The firm's bank details for transfers: the IBAN checked as ISO 13616 says
(country format, length, mod-97 check digits), the BIC as ISO 9362 says (8 or
11 characters, a real country), the holder's name required beside an IBAN
and at most 70 characters (the SEPA credit transfer's creditor name)."""

from __future__ import annotations

import pytest

from app.billing.bank_details_rules import BankDetails, check

IBAN = "FR76 3000 6000 0112 3456 7890 189"


def test_valid_details_are_normalised_to_their_compact_forms():
    details, problems = check("  Cabinet   Durand  ", "fr76 3000 6000 0112 3456 7890 189", "bnpafrpp")
    assert problems == {}
    assert details == BankDetails("Cabinet Durand", "FR7630006000011234567890189", "BNPAFRPP")
    assert details.iban_formatted == IBAN and details.for_transfer


def test_nothing_given_is_no_bank_details_and_no_problem():
    details, problems = check("", "  ", None)
    assert problems == {} and details == BankDetails() and not details.for_transfer
    assert details.iban_formatted == ""


def test_the_bic_is_optional_beside_an_iban():
    details, problems = check("Cabinet Durand", "DE89 3704 0044 0532 0130 00", "")
    assert problems == {} and details.bic is None and details.iban == "DE89370400440532013000"


@pytest.mark.parametrize("iban, problem", [
    ("FR76 3000 6000 0112 3456 7890 180", "settings_iban_checksum"),   # one digit changed: mod 97 fails
    ("FR76 3000 6000 0112 3456 7890", "settings_iban_invalid"),         # too short for France (27)
    ("ZZ76 3000 6000 0112 3456 7890 189", "settings_iban_invalid"),     # no such country
    ("FR76-3000-6000-0112!", "settings_iban_invalid"),
])
def test_a_wrong_iban_is_refused_with_the_reason(iban, problem):
    _details, problems = check("Cabinet Durand", iban, "")
    assert problems == {"iban": problem}


@pytest.mark.parametrize("bic", ["BNPAFRP", "BNPAZZPP", "BNPA FRPP XX", "12345678"])
def test_a_wrong_bic_is_refused(bic):
    _details, problems = check("Cabinet Durand", IBAN, bic)
    assert problems == {"bic": "settings_bic_invalid"}


def test_an_eleven_character_bic_with_its_branch_is_accepted():
    details, problems = check("Cabinet Durand", IBAN, "AGRIFRPP882")
    assert problems == {} and details.bic == "AGRIFRPP882"


def test_a_holder_is_needed_with_an_iban_and_an_iban_with_a_holder_or_a_bic():
    assert check("", IBAN, "")[1] == {"bank_account_holder": "settings_holder_required"}
    assert check("Cabinet Durand", "", "")[1] == {"iban": "settings_iban_required"}
    assert check("", "", "BNPAFRPP")[1] == {"iban": "settings_iban_required"}


def test_the_holder_fits_a_sepa_transfer():
    assert check("x" * 70, IBAN, "")[1] == {}
    assert check("x" * 71, IBAN, "")[1] == {"bank_account_holder": "settings_holder_too_long"}


def test_every_wrong_field_is_named_at_once():
    _details, problems = check("", "FR00", "nope")
    assert problems == {"iban": "settings_iban_invalid", "bic": "settings_bic_invalid",
                        "bank_account_holder": "settings_holder_required"}

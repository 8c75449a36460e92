"""Rules of the client file: search, duplicates, identity checks, import rows, cross-selling."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from app.crm import import_rules, rules

TODAY = date(2025, 6, 15)
VALID_SIREN = "732829320"
VALID_SIRET = "73282932000074"


# --- search ---------------------------------------------------------------

def test_normalise_strips_accents_case_and_punctuation():
    assert rules.normalise("Éléonore Dupont-Lefèvre") == "eleonore dupont lefevre"
    assert rules.normalise("  L'Œuvre & Fils, S.A.R.L. ") == "l oeuvre fils s a r l"
    assert rules.normalise(None) == ""


@pytest.mark.parametrize("typed", ["eleonore", "LEFEV", "dupont lef", "Éléo", "dupont-lefèvre"])
def test_every_typed_word_becomes_a_prefix_term_of_the_indexed_words(typed):
    """"Éléonore Dupont-Lefèvre" is found whatever the case, accents and word order typed."""
    indexed = set(rules.search_text({"kind": "individual", "first_name": "Éléonore",
                                     "last_name": "Dupont-Lefèvre"}).split())
    query = rules.search_query(typed)
    terms = [term.removesuffix(":*") for term in query.split(" & ")]
    assert all(any(word.startswith(term) for word in indexed) for term in terms)


def test_search_query_keeps_only_letters_and_digits():
    assert rules.search_query("dupont lef") == "dupont:* & lef:*"
    assert rules.search_query("a' | !b & (c):*") == "a:* & b:* & c:*"
    assert rules.search_query(" -- ") is None
    assert rules.search_query("") is None


def test_a_phone_number_typed_with_spaces_is_one_term():
    """Phones are indexed as digits only, so "06 12 34" must search "061234"."""
    assert rules.search_query("06 12 34") == "061234:*"
    assert "0612345678" in rules.search_text({"kind": "individual", "last_name": "X", "phone": "06 12 34 56 78"})


def test_search_text_holds_email_city_siren_and_reference_number():
    text = rules.search_text({"kind": "business", "legal_name": "Boulangerie Léa", "email": "lea@pain.fr",
                              "city": "Saint-Étienne", "siren": VALID_SIREN, "reference": "CLI-000042"})
    for word in ("boulangerie", "lea", "pain", "saint", "etienne", VALID_SIREN, "cli", "000042", "42"):
        assert word in text.split()


def test_display_name_is_last_name_first_for_people_and_legal_name_for_businesses():
    assert rules.display_name({"kind": "individual", "first_name": "Jean", "last_name": "Dupont"}) == "Dupont Jean"
    assert rules.display_name({"kind": "business", "legal_name": " ACME "}) == "ACME"


# --- duplicates -----------------------------------------------------------

def test_same_person_whatever_accents_and_case_has_the_same_key():
    one = {"kind": "individual", "last_name": "Lefèvre", "first_name": "Éric", "birth_date": date(1980, 1, 2)}
    two = {"kind": "individual", "last_name": "LEFEVRE", "first_name": "eric", "birth_date": date(1980, 1, 2)}
    assert rules.duplicate_key(one) == rules.duplicate_key(two) is not None


def test_without_birth_date_names_alone_do_not_make_a_duplicate():
    """Homonyms are common: names without a birth date prove nothing."""
    assert rules.duplicate_key({"kind": "individual", "last_name": "Martin", "first_name": "Marie"}) is None


def test_a_business_is_a_duplicate_by_siren():
    assert rules.duplicate_key({"kind": "business", "siren": VALID_SIREN}) == ("siren", VALID_SIREN)
    assert rules.duplicate_key({"kind": "business", "siren": None}) is None


# --- identity checks --------------------------------------------------------

def person(**values):
    return {"kind": "individual", "last_name": "Dupont", "country": "FR"} | values


def business(**values):
    return {"kind": "business", "legal_name": "ACME", "country": "FR"} | values


def test_a_correct_person_and_business_have_no_problem():
    assert rules.client_problems(person(birth_date=date(1980, 5, 1), email="a@b.fr", postal_code="75001"), TODAY) == {}
    assert rules.client_problems(business(siren=VALID_SIREN, siret=VALID_SIRET, naf_code="62.01Z",
                                          turnover=Decimal("0"), headcount=0), TODAY) == {}


@pytest.mark.parametrize("values, field, code", [
    (person(last_name=""), "last_name", "required"),
    (business(legal_name=" "), "legal_name", "required"),
    (person(email="not-an-email"), "email", "email_invalid"),
    (person(postal_code="7500"), "postal_code", "postal_code_invalid"),
    (person(birth_date=TODAY), "birth_date", "birth_date_future"),
    (person(birth_date=date(1890, 1, 1)), "birth_date", "birth_date_implausible"),
    (person(phone="call me"), "phone", "phone_invalid"),
    (business(siren="732829321"), "siren", "siren_invalid"),
    (business(siret="73282932000075"), "siret", "siret_invalid"),
    (business(siren="552100554", siret=VALID_SIRET), "siret", "siret_not_of_siren"),
    (business(naf_code="62-01"), "naf_code", "naf_invalid"),
    (business(turnover=Decimal("-1")), "turnover", "negative"),
    (business(headcount=-2), "headcount", "negative"),
    ({"kind": "robot"}, "kind", "choice_invalid"),
])
def test_identity_problems(values, field, code):
    assert rules.client_problems(values, TODAY)[field] == code


def test_a_foreign_postal_code_is_not_checked_as_french():
    assert rules.client_problems(person(postal_code="1000", country="BE"), TODAY) == {}


def test_clean_identity_stores_compact_numbers_and_a_dotted_naf_code():
    cleaned = rules.clean_identity(business(siren="732 829 320", naf_code="6201z", country="fr", first_name="x"))
    assert (cleaned["siren"], cleaned["naf_code"], cleaned["country"]) == (VALID_SIREN, "62.01Z", "FR")
    assert cleaned["first_name"] is None, "fields of the other kind are cleared"


def test_amounts_are_read_the_french_way_and_rounded_half_up_to_the_cent():
    assert rules.parse_decimal("12 500,505") == Decimal("12500.51")
    assert rules.parse_decimal("1.005") == Decimal("1.01")
    with pytest.raises(rules.BadValue):
        rules.parse_decimal("douze")
    with pytest.raises(rules.BadValue):
        rules.parse_decimal("NaN")


def test_dates_are_read_in_french_and_iso_forms():
    assert rules.parse_date("31/03/2024") == rules.parse_date("2024-03-31") == date(2024, 3, 31)
    with pytest.raises(rules.BadValue):
        rules.parse_date("31/13/2024")


# --- import rows --------------------------------------------------------------

def test_an_import_row_is_checked_with_the_form_rules():
    values, problems = import_rules.parse_row(
        {"kind": "particulier", "civility": "Mme", "last_name": "Durand", "first_name": "Léa",
         "birth_date": "12/04/1985", "postal_code": "6900", "email": "lea@"}, TODAY)
    assert values["kind"] == "individual" and values["civility"] == "mrs"
    assert values["birth_date"] == date(1985, 4, 12)
    assert problems == {"postal_code": "postal_code_invalid", "email": "email_invalid"}


def test_an_import_row_with_unreadable_cells_says_which():
    _values, problems = import_rules.parse_row({"kind": "entreprise", "legal_name": "ACME", "turnover": "beaucoup",
                                                "headcount": "2.5", "siren": "123"}, TODAY)
    assert problems == {"turnover": "number_format", "headcount": "integer_format", "siren": "siren_invalid"}


def test_spreadsheet_numbers_keep_a_postal_codes_leading_zero():
    values, problems = import_rules.parse_row({"kind": "individual", "last_name": "X", "postal_code": 1000,
                                               "siren": 732829320.0}, TODAY)
    assert values["postal_code"] == "01000" and problems == {}


def test_import_headers_are_normalised_and_unknown_ones_refused():
    headers = [import_rules.column_name(header) for header in ("Kind", "Last name", "Birth-Date", "Colour", "kind")]
    assert headers == ["kind", "last_name", "birth_date", "colour", "kind"]
    assert import_rules.header_problems(headers) == [("colour", "column_unknown"), ("kind", "column_repeated")]
    assert import_rules.header_problems(["last_name"]) == [("kind", "column_missing")]


def test_a_row_repeating_an_earlier_one_is_reported_against_its_first_occurrence():
    assert import_rules.repeated_rows([("siren", "1"), None, ("siren", "2"), ("siren", "1"), None]) == {3: 0}


# --- cross-selling ------------------------------------------------------------

def codes(*args) -> set[str]:
    return {suggestion.code for suggestion in rules.cross_sell(*args)}


def test_a_business_without_rc_pro_or_cyber_is_offered_both():
    """Liability for its work and cyber risk concern every business."""
    assert codes("business", set(), 0, False) == {"business_rc_pro", "business_cyber"}
    assert codes("business", {"rc_pro", "cyber"}, 0, False) == set()


def test_a_business_with_staff_and_no_protection_is_offered_protection():
    """Employees and no prévoyance: collective agreements often require one."""
    assert "business_protection" in codes("business", set(), 3, False)
    assert "business_protection" not in codes("business", {"protection"}, 3, False)
    assert "business_protection" not in codes("business", set(), None, False)


def test_a_business_with_premises_and_no_multirisk_is_offered_multirisk():
    """Premises without multi-risk: fire, water damage and theft are uninsured."""
    assert "business_multirisk" in codes("business", set(), 0, True)
    assert "business_multirisk" not in codes("business", {"multirisk"}, 0, True)
    assert "business_multirisk" not in codes("business", set(), 0, False)


def test_an_individual_with_motor_but_no_home_is_offered_home():
    """A vehicle insured and no home: the natural next cover."""
    assert codes("individual", {"motor", "health"}, None, False) == {"individual_home"}
    assert "individual_home" not in codes("individual", {"health"}, None, False)


def test_an_individual_without_health_is_offered_health():
    """The public scheme leaves much of optical, dental and hospital costs to the client."""
    assert codes("individual", {"home"}, None, False) == {"individual_health"}
    assert codes("individual", {"home", "health"}, None, False) == set()

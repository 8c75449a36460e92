"""Providers' rules: SIREN with its Luhn key (INSEE), the 101 French
départements of the Code officiel géographique (2A/2B since 1975, no "20";
971-974 and 976, not the collectivity 975), postal codes to départements
(Corsica 200xx-201xx in 2A, 202xx-206xx in 2B), specialties, and which
experts suit a claim."""

from __future__ import annotations

from app.providers import rules

VALID = {"kind": "expert", "name": "Cabinet Delorme", "email": "missions@delorme.example", "phone": "01 45 22 18 90",
         "siren": "812 345 676", "specialties": ["home", "plumbing"], "areas": "75, 92 93;2a"}


def test_there_are_101_departements_with_corsica_split_and_five_overseas():
    assert len(rules.DEPARTEMENTS) == 101
    assert "20" not in rules.DEPARTEMENTS and {"2A", "2B"} <= set(rules.DEPARTEMENTS)
    assert [code for code in rules.DEPARTEMENTS if len(code) == 3] == ["971", "972", "973", "974", "976"]
    assert rules.DEPARTEMENTS.index("2A") == rules.DEPARTEMENTS.index("19") + 1


def test_areas_are_normalised_sorted_and_deduplicated():
    assert rules.parse_areas("93, 2a 75;75 1/971") == (["01", "2A", "75", "93", "971"], [])
    assert rules.parse_areas(["2b", " ", "92"]) == (["2B", "92"], [])
    assert rules.parse_areas("") == ([], [])


def test_unknown_departements_are_reported():
    assert rules.parse_areas("75, 20, 96, 975, Paris") == (["75"], ["20", "96", "975", "Paris"])
    assert rules.parse_areas("00 100")[1] == ["00", "100"]


def test_a_postal_code_gives_its_departement():
    assert rules.departement_of_postal_code("69003") == "69"
    assert rules.departement_of_postal_code("01000") == "01"
    assert rules.departement_of_postal_code("20000") == "2A"     # Ajaccio
    assert rules.departement_of_postal_code("20137") == "2A"     # Porto-Vecchio
    assert rules.departement_of_postal_code("20200") == "2B"     # Bastia
    assert rules.departement_of_postal_code("20600") == "2B"     # Furiani
    assert rules.departement_of_postal_code("97400") == "974"
    assert rules.departement_of_postal_code("97600") == "976"
    assert rules.departement_of_postal_code("97500") is None     # Saint-Pierre-et-Miquelon
    assert rules.departement_of_postal_code("98000") is None     # Monaco
    assert rules.departement_of_postal_code("7500") is None
    assert rules.departement_of_postal_code(None) is None


def test_the_departement_is_found_in_an_address():
    assert rules.departement_in("12 rue des Lilas, 69003 Lyon") == "69"
    assert rules.departement_in("Route de Bonifacio 20137 Porto-Vecchio") == "2A"
    assert rules.departement_in("12 rue des Lilas, Lyon") is None
    assert rules.departement_in("Lot 123456, 75011 Paris") == "75"   # six digits are no postal code


def test_a_valid_provider_is_cleaned():
    cleaned, problems = rules.clean(VALID | {"name": "  Cabinet Delorme  ", "notes": " "})
    assert problems == {}
    assert cleaned["name"] == "Cabinet Delorme" and cleaned["notes"] is None
    assert cleaned["siren"] == "812345676"
    assert cleaned["areas"] == ["2A", "75", "92", "93"]
    assert cleaned["specialties"] == ["home", "plumbing"]


def test_a_siren_must_pass_its_luhn_key():
    assert rules.siren_problem("812345676") == ("812345676", None)
    assert rules.siren_problem("812345677") == (None, "siren_invalid")
    assert rules.siren_problem("81234567") == (None, "siren_invalid")
    assert rules.siren_problem("abc") == (None, "siren_invalid")
    assert rules.siren_problem("  ") == (None, None)


def test_each_bad_field_has_its_problem():
    _cleaned, problems = rules.clean({"kind": "wizard", "name": " ", "email": "not-an-email", "phone": "call me",
                                      "siren": "123456789", "specialties": ["home", "magic"], "areas": "75, 99"})
    assert problems == {"kind": "choice_invalid", "name": "required", "email": "email_invalid",
                        "phone": "phone_invalid", "siren": "siren_invalid", "specialties": "choice_invalid",
                        "areas": "departement_invalid"}


def test_an_expert_needs_an_email_address_other_providers_do_not():
    assert rules.clean(VALID | {"email": ""})[1] == {"email": "expert_needs_email"}
    assert rules.clean(VALID | {"kind": "garage", "email": ""})[1] == {}


def test_experts_are_ranked_by_line_and_departement():
    assert rules.suggestion_rank(["home"], ["69"], "home", "69") == 2
    assert rules.suggestion_rank(["home"], ["75"], "home", "69") == 1
    assert rules.suggestion_rank(["motor"], ["69"], "home", "69") == 1
    assert rules.suggestion_rank(["motor"], ["75"], "home", "69") == 0
    assert rules.suggestion_rank(["home"], [], "home", None) == 1

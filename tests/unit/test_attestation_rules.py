"""Attestations: verification codes, statuses and the mandatory mentions
(décennale: arrêté du 5 janvier 2016)."""

from __future__ import annotations

import re
from datetime import date

import pytest

from app.attestations import rules
from app.attestations.rules import AttestationStatus


def test_a_code_is_twenty_unambiguous_characters_in_groups_of_four():
    codes = {rules.new_code() for _ in range(200)}
    assert len(codes) == 200
    for code in codes:
        assert re.fullmatch(r"[A-HJKMNP-Z2-9]{4}(-[A-HJKMNP-Z2-9]{4}){4}", code), code
        assert not set(code) & set("01OIL")


def test_a_typed_code_is_normalised_or_refused():
    code = rules.new_code()
    assert rules.normalise_code(code.lower().replace("-", " ")) == code
    assert rules.normalise_code(f"  {code.replace('-', '')} ") == code
    assert rules.normalise_code(code[:-1]) is None
    assert rules.normalise_code("O" * 20) is None
    assert rules.normalise_code("'; drop table attestation; --") is None
    assert rules.normalise_code("") is None and rules.normalise_code(None) is None


def test_codes_are_compared_in_constant_time():
    assert rules.same_code("ABCD-EFGH", "ABCD-EFGH") and not rules.same_code("ABCD-EFGH", "ABCD-EFGJ")


PERIOD = {"valid_from": date(2026, 1, 1), "valid_to": date(2026, 12, 31)}


@pytest.mark.parametrize("today, revoked, ended, status", [
    (date(2026, 6, 1), False, None, AttestationStatus.VALID),
    (date(2026, 12, 31), False, None, AttestationStatus.VALID),
    (date(2027, 1, 1), False, None, AttestationStatus.EXPIRED),
    (date(2025, 12, 31), False, None, AttestationStatus.NOT_YET_VALID),
    (date(2026, 6, 1), True, None, AttestationStatus.CANCELLED),
    (date(2026, 6, 1), False, date(2026, 5, 1), AttestationStatus.CANCELLED),
    (date(2026, 4, 1), False, date(2026, 5, 1), AttestationStatus.VALID),  # cancellation not yet in effect
    (date(2027, 6, 1), False, date(2027, 1, 1), AttestationStatus.EXPIRED),  # ended after the period
])
def test_status_today(today, revoked, ended, status):
    assert rules.status_on(today, revoked=revoked, contract_ended_on=ended, **PERIOD) == status


def test_the_decennial_mentions_of_the_arrete_of_5_january_2016_are_all_required():
    """Arrêté du 5 janvier 2016: insurer, insured and SIREN, contract number,
    period, activities, geographic scope, site condition, cover, amounts."""
    required = set(rules.REQUIRED_MENTIONS["decennial"])
    assert {"insurer_name", "insured_name", "insured_siren", "contract_number", "valid_from", "valid_to",
            "activities", "geographic_scope", "amounts"} <= required
    for mention in required:
        assert f"``{mention}``" in rules.__doc__, mention
    details = {name: "x" for name in required}
    assert rules.missing_mentions("decennial", details) == []
    lacking = rules.missing_mentions("decennial", {**details, "insured_siren": "", "amounts": []})
    assert set(lacking) == {"insured_siren", "amounts"}


def test_certificates_only_for_their_lines_and_active_contracts():
    assert rules.ATTESTATION_LINES == {"rc_pro", "decennial", "home", "motor"}
    assert rules.can_issue(line="health", status="active") == "line_without_attestation"
    assert rules.can_issue(line="motor", status="cancelled") == "contract_not_active"
    assert rules.can_issue(line="motor", status="active") is None


def test_the_period_stays_within_the_contract():
    start, end = date(2026, 1, 1), date(2027, 1, 1)
    ok = rules.period_problem(date(2026, 1, 1), date(2026, 12, 31), contract_start=start, contract_end=end)
    assert ok is None
    assert rules.period_problem(date(2026, 3, 1), date(2026, 2, 1), contract_start=start,
                                contract_end=end) == "period_reversed"
    assert rules.period_problem(date(2025, 12, 1), date(2026, 2, 1), contract_start=start,
                                contract_end=end) == "outside_contract"
    assert rules.period_problem(date(2026, 1, 1), date(2027, 1, 1), contract_start=start,
                                contract_end=end) == "outside_contract"

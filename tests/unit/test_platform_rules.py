"""SIREN (INSEE, Luhn check digit) and ORIAS (R512-5 registry, 8 digits)."""

import pytest

from app.platform.rules import normalise_orias, normalise_siren


@pytest.mark.parametrize("value", ["732829320", "732 829 320", " 552 100 554 "])
def test_valid_siren_is_compacted(value):
    assert len(normalise_siren(value)) == 9


@pytest.mark.parametrize("value", ["", "732829321", "12345678", "abcdefghi", "7328293200"])
def test_invalid_siren_is_refused(value):
    with pytest.raises(ValueError):
        normalise_siren(value)


@pytest.mark.parametrize("value, expected", [("07000123", "07000123"), ("07 000 123", "07000123"), ("12.345.678", "12345678")])
def test_orias_number_is_eight_digits(value, expected):
    assert normalise_orias(value) == expected


@pytest.mark.parametrize("value", ["", "1234567", "123456789", "ABCDEFGH", "0700012a"])
def test_invalid_orias_number_is_refused(value):
    with pytest.raises(ValueError):
        normalise_orias(value)

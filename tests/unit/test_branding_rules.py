"""Branding colours (app.settings.rules), WCAG 2.x contrast."""

from app.settings import rules


def test_only_six_digit_hex_colours_are_accepted():
    assert rules.normalise_colour(" #0B3D91 ") == "#0b3d91"
    assert rules.normalise_colour("#fff") is None
    assert rules.normalise_colour("red") is None
    assert rules.normalise_colour("#12345g") is None
    assert rules.normalise_colour(None) is None


def test_shade_darkens_each_channel():
    assert rules.shade("#ffffff", 0.5) == "#808080"
    assert rules.shade("#000000", 0.3) == "#000000"


def test_contrast_ratio_matches_wcag_reference_values():
    assert round(rules.contrast_ratio("#ffffff", "#000000"), 1) == 21.0
    assert round(rules.contrast_ratio("#777777", "#ffffff"), 2) == 4.48


def test_text_colour_is_white_on_dark_and_black_on_light():
    assert rules.text_colour_on("#0b3d91") == "#ffffff"
    assert rules.text_colour_on("#ffd400") == "#000000"

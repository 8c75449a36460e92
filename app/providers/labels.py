"""Words of the providers' network: kinds, specialties, problems. Lazy, so
they follow the reader's language."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

from app.catalog.lines import line_choices

KIND_LABELS = {"expert": _l("Expert"), "garage": _l("Garage"), "craftsman": _l("Craftsman"),
               "lawyer": _l("Lawyer"), "other": _l("Other provider")}
KIND_BADGES = {"expert": "text-bg-primary", "garage": "text-bg-info", "craftsman": "text-bg-warning",
               "lawyer": "text-bg-dark", "other": "text-bg-secondary"}
TRADE_LABELS = {
    "bodywork": _l("Bodywork"), "mechanics": _l("Mechanics"), "glazing": _l("Glazing"), "towing": _l("Towing"),
    "plumbing": _l("Plumbing"), "leak_detection": _l("Leak detection"), "drying": _l("Drying out"),
    "electricity": _l("Electricity"), "roofing": _l("Roofing"), "masonry": _l("Masonry"),
    "carpentry": _l("Carpentry"), "painting": _l("Painting and decorating"), "locksmith": _l("Locksmith"),
    "cleaning": _l("Cleaning after a loss"), "bodily_injury": _l("Bodily injury (medical expert)"),
    "insurance_law": _l("Insurance law"), "construction_law": _l("Construction law"),
    "personal_injury_law": _l("Personal injury law"),
}


def specialty_labels() -> dict:
    """Every specialty's label: lines of business first, then trades."""
    return dict(line_choices()) | TRADE_LABELS


PROBLEMS = {
    "required": _l("This field is required."), "choice_invalid": _l("Choose one of the proposed values."),
    "email_invalid": _l("Enter a valid email address."),
    "phone_invalid": _l("Enter a phone number (digits, spaces, dots, an optional +)."),
    "siren_invalid": _l("This SIREN is not valid: 9 digits whose last one is a check digit."),
    "departement_invalid": _l("Enter French département codes separated by commas: 75, 92, 2A, 971…"),
    "expert_needs_email": _l("An expert needs an email address: mission letters are sent by email."),
    "stale": _l("Someone changed this provider meanwhile: reload the page and try again."),
}


def problem(code: str) -> str:
    return str(PROBLEMS.get(code, code))

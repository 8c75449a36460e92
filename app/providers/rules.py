"""Rules of the providers' network, pure: a provider's identity (SIREN,
email, phone), the French départements it works in, its specialties, and
which experts suit a claim. Problems are codes, worded by
``app.providers.labels``.

SIREN: 9 digits whose last is a Luhn key (INSEE, répertoire SIRENE),
checked by python-stdnum.

Départements: the 101 of INSEE's Code officiel géographique — 01 to 95,
Corsica split into 2A (Corse-du-Sud) and 2B (Haute-Corse) since the law of
15 May 1975 (there is no "20"), and the five overseas départements 971
Guadeloupe, 972 Martinique, 973 Guyane, 974 La Réunion and 976 Mayotte (a
département since 2011). 975 (Saint-Pierre-et-Miquelon), 977 and 978 are
overseas collectivities, not départements.

A postal code gives its département by its first two digits, three
overseas (971xx...); Corsica's codes start with 20: 200xx and 201xx are in
Corse-du-Sud, 202xx to 206xx in Haute-Corse (La Poste's allocation)."""

from __future__ import annotations

import re

from stdnum.exceptions import ValidationError
from stdnum.fr import siren

from app.crm.rules import email_problem, phone_problem

KINDS = ("expert", "garage", "craftsman", "lawyer", "other")
OVERSEAS = ("971", "972", "973", "974", "976")
DEPARTEMENTS: tuple[str, ...] = (*(f"{n:02d}" for n in range(1, 20)), "2A", "2B",
                                 *(f"{n:02d}" for n in range(21, 96)), *OVERSEAS)
_ORDER = {code: position for position, code in enumerate(DEPARTEMENTS)}

#: what providers do: the lines of business an expert or lawyer handles, and trades
LINE_SPECIALTIES = ("motor", "home", "rc_pro", "multirisk", "decennial", "health", "protection", "cyber")
TRADE_SPECIALTIES = ("bodywork", "mechanics", "glazing", "towing", "plumbing", "leak_detection", "drying",
                     "electricity", "roofing", "masonry", "carpentry", "painting", "locksmith", "cleaning",
                     "bodily_injury", "insurance_law", "construction_law", "personal_injury_law")
SPECIALTIES = LINE_SPECIALTIES + TRADE_SPECIALTIES

MAX_AREAS = len(DEPARTEMENTS)
POSTAL_CODE = re.compile(r"(?<!\d)(\d{5})(?!\d)")
_SEPARATORS = re.compile(r"[\s,;/]+")


def departement_of_postal_code(postal_code: str | None) -> str | None:
    """The département of a French postal code (``"69003"`` → ``"69"``,
    ``"20090"`` → ``"2A"``, ``"97400"`` → ``"974"``), None when it names none."""
    code = (postal_code or "").strip().replace(" ", "")
    if not re.fullmatch(r"\d{5}", code):
        return None
    if code.startswith("97"):
        return code[:3] if code[:3] in OVERSEAS else None
    if code.startswith("20"):
        return "2A" if code[2] in "01" else "2B"
    return code[:2] if code[:2] in _ORDER else None


def departement_in(text: str | None) -> str | None:
    """The département of the first postal code written in ``text`` (an address, a claim's place)."""
    for found in POSTAL_CODE.finditer(text or ""):
        departement = departement_of_postal_code(found.group(1))
        if departement:
            return departement
    return None


def normalise_departement(token: str) -> str | None:
    """``"2a"`` → ``"2A"``, ``"1"`` → ``"01"``; None when not a département."""
    code = token.strip().upper()
    if code.isdigit() and len(code) == 1:
        code = "0" + code
    return code if code in _ORDER else None


def parse_areas(text: str | list[str] | None) -> tuple[list[str], list[str]]:
    """(départements in their official order, without repeats; the tokens
    that are none), from ``"75, 92 93; 2a"`` or a list."""
    tokens = text if isinstance(text, list) else _SEPARATORS.split(text or "")
    areas, bad = set(), []
    for token in (item.strip() for item in tokens):
        if not token:
            continue
        code = normalise_departement(token)
        if code is None:
            bad.append(token[:10])
        else:
            areas.add(code)
    return sorted(areas, key=_ORDER.__getitem__), bad


def siren_problem(value: str | None) -> tuple[str | None, str | None]:
    """(the SIREN's 9 digits or None when blank, the problem code or None)."""
    if not value or not value.strip():
        return None, None
    try:
        return siren.validate(value), None
    except ValidationError:
        return None, "siren_invalid"


def _text(values: dict, name: str, limit: int) -> str | None:
    """The field's text, stripped and cut to ``limit``; None when blank."""
    value = str(values.get(name) or "").strip()
    return value[:limit] or None


def clean(values: dict) -> tuple[dict, dict[str, str]]:
    """(the provider's fields ready to store, {field: problem code}) from
    what a form or an import gives."""
    problems: dict[str, str] = {}
    cleaned = {name: _text(values, name, limit) for name, limit in
               (("name", 200), ("contact_name", 200), ("email", 254), ("phone", 30), ("address", 400),
                ("notes", 5000))}
    cleaned["kind"] = values.get("kind") or ""
    if cleaned["kind"] not in KINDS:
        problems["kind"] = "choice_invalid"
    if not cleaned["name"]:
        problems["name"] = "required"
    for name, problem in (("email", email_problem(cleaned["email"])), ("phone", phone_problem(cleaned["phone"]))):
        if problem:
            problems[name] = problem
    cleaned["siren"], problem = siren_problem(values.get("siren"))
    if problem:
        problems["siren"] = problem
    specialties = [value for value in dict.fromkeys(values.get("specialties") or []) if value]
    if any(value not in SPECIALTIES for value in specialties):
        problems["specialties"] = "choice_invalid"
    cleaned["specialties"] = [value for value in SPECIALTIES if value in specialties]
    cleaned["areas"], bad = parse_areas(values.get("areas"))
    if bad:
        problems["areas"] = "departement_invalid"
    if cleaned["kind"] == "expert" and not cleaned["email"] and "email" not in problems:
        problems["email"] = "expert_needs_email"
    return cleaned, problems


def suggestion_rank(specialties: list[str], areas: list[str], line: str, departement: str | None) -> int:
    """How well an expert suits a claim: 2 when they handle its line and
    work in its département, 1 for one of the two, 0 for neither."""
    return int(line in (specialties or [])) + int(departement is not None and departement in (areas or []))

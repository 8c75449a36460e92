"""Claim rules, pure.

Declaration deadlines (Code des assurances L113-2, 4°): the insured must
declare a loss within the contract's delay, which may not be shorter than
5 working days (jours ouvrés) from the day they learned of it, 2 working
days for a theft. Working days: Monday to Friday, French public holidays
excepted (the ``holidays`` package's calendar for France)."""

from __future__ import annotations

from datetime import date, timedelta
from enum import StrEnum
from functools import lru_cache

import holidays

from app.portal.rules import REGISTRATION  # the French SIV plate, as the portal's requests check it

DECLARATION_WORKING_DAYS = 5
THEFT_DECLARATION_WORKING_DAYS = 2


class ClaimKind(StrEnum):
    """What happened, as the declaration form asks it; the kinds offered
    depend on the contract's line (:data:`KINDS_BY_LINE`)."""

    COLLISION = "collision"
    THEFT = "theft"
    BREAK_IN = "break_in"
    WATER_DAMAGE = "water_damage"
    FIRE = "fire"
    GLASS = "glass"
    NATURAL_EVENT = "natural_event"
    LIABILITY = "liability"
    ILLNESS = "illness"
    OTHER = "other"


KINDS_BY_LINE = {
    "motor": (ClaimKind.COLLISION, ClaimKind.THEFT, ClaimKind.GLASS, ClaimKind.FIRE, ClaimKind.NATURAL_EVENT,
              ClaimKind.OTHER),
    "home": (ClaimKind.WATER_DAMAGE, ClaimKind.BREAK_IN, ClaimKind.THEFT, ClaimKind.FIRE, ClaimKind.GLASS,
             ClaimKind.NATURAL_EVENT, ClaimKind.LIABILITY, ClaimKind.OTHER),
    "health": (ClaimKind.ILLNESS, ClaimKind.OTHER),
}
DEFAULT_KINDS = (ClaimKind.LIABILITY, ClaimKind.FIRE, ClaimKind.WATER_DAMAGE, ClaimKind.THEFT, ClaimKind.OTHER)

#: the sections of the declaration form each line asks for
SECTIONS_BY_LINE = {
    "motor": ("third_parties", "police_report", "injured", "vehicle"),
    "home": ("third_parties", "police_report", "injured", "damaged_goods"),
    "health": ("injured",),
}
DEFAULT_SECTIONS = ("third_parties", "police_report", "injured", "damaged_goods")


def kinds_for(line: str) -> tuple[ClaimKind, ...]:
    return KINDS_BY_LINE.get(line, DEFAULT_KINDS)


def sections_for(line: str) -> tuple[str, ...]:
    return SECTIONS_BY_LINE.get(line, DEFAULT_SECTIONS)


@lru_cache(maxsize=16)
def _french_holidays(year: int) -> frozenset[date]:
    return frozenset(holidays.France(years=year))


def is_working_day(day: date) -> bool:
    return day.weekday() < 5 and day not in _french_holidays(day.year)


def add_working_days(start: date, count: int) -> date:
    """The ``count``-th working day after ``start`` (``start`` itself not counted)."""
    if count < 0:
        raise ValueError("count")
    day = start
    while count:
        day += timedelta(days=1)
        if is_working_day(day):
            count -= 1
    return day


#: a claim is registered on a contract in force (or suspended: the cover check says it does not cover);
#: on an ended contract only for a loss that happened before it ended (the cover ran then)
IN_FORCE = ("active", "suspended")
ENDED = ("cancelled", "expired")


def contract_problem(status: str, ended_on: date | None, occurred_on: date | None) -> str | None:
    """Why a loss cannot be registered on a contract in this state, or None.
    A pending contract never covered anything; an ended one covered losses
    before its end (the claim may be declared after it)."""
    if status in IN_FORCE:
        return None
    if status not in ENDED or ended_on is None:
        return "contract_not_in_force"
    if occurred_on is not None and occurred_on >= ended_on:
        return "loss_after_end"
    return None


def declaration_deadline(kind: str, known_on: date) -> date:
    """L113-2, 4°: the last day to declare, counted from the day the insured
    learned of the loss: 2 working days for a theft, 5 otherwise."""
    days = THEFT_DECLARATION_WORKING_DAYS if kind in (ClaimKind.THEFT, ClaimKind.BREAK_IN) \
        else DECLARATION_WORKING_DAYS
    return add_working_days(known_on, days)


def declared_late(kind: str, known_on: date, declared_on: date) -> bool:
    return declared_on > declaration_deadline(kind, known_on)


# --- the declaration form ----------------------------------------------------------------

MAX_TEXT = 4000
SECTION_FIELDS = {
    "third_parties": ("third_party_name", "third_party_insurer", "third_party_policy", "third_party_registration"),
    "police_report": ("police_report", "police_station", "police_report_number"),
    "injured": ("injured", "injured_details"),
    "damaged_goods": ("damaged_goods", "estimated_amount"),
    "vehicle": ("vehicle_registration", "vehicle_drivable"),
}
YES_NO = ("yes", "no")


def declaration_problems(line: str, kind: str, values: dict, today: date) -> dict[str, str]:
    """Problems of a declaration by field: the kind must suit the line; the
    date of the loss may not be in the future, nor the day it was known
    before it; place and circumstances are required; a police report or
    injured people answered "yes" need their details; a theft needs a
    police report (insurers require the filed complaint)."""
    problems: dict[str, str] = {}
    if kind not in {item.value for item in kinds_for(line)}:
        problems["kind"] = "choice_invalid"
    occurred_on, known_on = values.get("occurred_on"), values.get("known_on")
    if occurred_on is None:
        problems["occurred_on"] = "required"
    elif occurred_on > today:
        problems["occurred_on"] = "in_future"
    if known_on is not None and "occurred_on" not in problems and known_on < occurred_on:
        problems["known_on"] = "before_loss"
    elif known_on is not None and known_on > today:
        problems["known_on"] = "in_future"
    for name in ("place", "circumstances"):
        if not (values.get(name) or "").strip():
            problems[name] = "required"
        elif len(values[name]) > MAX_TEXT:
            problems[name] = "too_long"
    sections = sections_for(line)
    if "police_report" in sections:
        if values.get("police_report") == "yes" and not (values.get("police_station") or "").strip():
            problems["police_station"] = "required"
        if kind in (ClaimKind.THEFT, ClaimKind.BREAK_IN) and values.get("police_report") != "yes":
            problems["police_report"] = "theft_needs_report"
    if "injured" in sections and values.get("injured") == "yes" and not (values.get("injured_details") or "").strip():
        problems["injured_details"] = "required"
    registration = (values.get("third_party_registration") or "").strip().upper().replace(" ", "")
    if registration and not REGISTRATION.match(registration):
        problems["third_party_registration"] = "registration_invalid"
    return problems

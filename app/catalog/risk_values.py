"""Reading a risk's answers for the tariff engine and eligibility. Pure.

A needs analysis stores answers as JSON: numbers or strings of digits,
ISO dates ("2019-03-14"), choice codes, booleans. A date is measured in whole
years elapsed at the pricing date: a licence date gives years of licence,
a first registration the vehicle's age.
"""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal, InvalidOperation

ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


class UnreadableAnswer(ValueError):
    """An answer that is neither a number nor a date where one is needed."""


def is_missing(value: object) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def whole_years_between(start: date, end: date) -> int:
    """Return the whole years elapsed from ``start`` to ``end`` (birthday rule)."""
    years = end.year - start.year
    if (end.month, end.day) < (start.month, start.day):
        years -= 1
    return years


def as_date(value: object) -> date | None:
    """Return ``value`` as a date when it is one (or an ISO date string), else None."""
    if isinstance(value, date):
        return value
    if isinstance(value, str) and ISO_DATE.match(value.strip()):
        try:
            return date.fromisoformat(value.strip())
        except ValueError as exc:
            raise UnreadableAnswer(value) from exc
    return None


def as_decimal(value: object) -> Decimal:
    """Return a finite Decimal from a number or a numeric string (comma accepted)."""
    if isinstance(value, bool):
        raise UnreadableAnswer(value)
    if isinstance(value, Decimal):
        number = value
    elif isinstance(value, (int, float)):
        number = Decimal(str(value))
    elif isinstance(value, str):
        try:
            number = Decimal(value.strip().replace(" ", "").replace(",", "."))
        except InvalidOperation as exc:
            raise UnreadableAnswer(value) from exc
    else:
        raise UnreadableAnswer(value)
    if not number.is_finite():
        raise UnreadableAnswer(value)
    return number


def measure(value: object, as_of: date) -> Decimal:
    """Return the number an answer stands for: itself, or years elapsed since a date."""
    when = as_date(value)
    if when is not None:
        return Decimal(whole_years_between(when, as_of))
    return as_decimal(value)


def as_key(value: object) -> str:
    """Return the answer as a choice key: booleans become "true" / "false"."""
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value).strip()

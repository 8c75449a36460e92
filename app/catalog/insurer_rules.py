"""Rules of the insurer panel: identity, placement channel, commission agreements. Pure."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from decimal import Decimal
from typing import Protocol
from urllib.parse import urlsplit

from stdnum.exceptions import ValidationError
from stdnum.fr import siren

LOCAL_HOSTS = frozenset({"localhost", "127.0.0.1", "::1"})
PAYMENT_OPTIONS = ("annual", "half_yearly", "quarterly", "monthly")


class Dated(Protocol):
    line: str | None
    starts_on: date
    ends_on: date | None


def normalise_siren(value: str | None) -> str | None:
    """Return the 9 digits of a valid SIREN, None when blank; ValueError when invalid (Luhn)."""
    if not value or not value.strip():
        return None
    try:
        return siren.validate(value)
    except ValidationError as exc:
        raise ValueError("siren_invalid") from exc


def api_endpoint_problem(url: str | None) -> str | None:
    """Return why ``url`` cannot receive placements: HTTPS, or plain HTTP on this machine only."""
    if not url or not url.strip():
        return "api_endpoint_required"
    try:
        parts = urlsplit(url.strip())
    except ValueError:
        return "api_endpoint_invalid"
    if not parts.hostname or parts.scheme not in ("https", "http"):
        return "api_endpoint_invalid"
    if parts.scheme == "http" and parts.hostname not in LOCAL_HOSTS:
        return "api_endpoint_not_https"
    return None


def placement_problems(channel: str, email: str | None, endpoint: str | None) -> dict[str, str]:
    """Return {field: code} of what the placement channel lacks."""
    if channel == "email":
        return {} if email and email.strip() else {"placement_email": "placement_email_required"}
    if channel == "api":
        problem = api_endpoint_problem(endpoint)
        return {"api_endpoint": problem} if problem else {}
    return {"placement_channel": "placement_channel_invalid"}


def mask_secret(secret: str | None) -> str:
    """Show only the last four characters of a secret."""
    if not secret:
        return ""
    return "••••••••" + secret[-4:]


def rate_problem(rate: Decimal | None) -> str | None:
    """A commission rate is a percent between 0 and 100."""
    if rate is None:
        return "rate_required"
    return None if Decimal(0) <= rate <= Decimal(100) else "rate_out_of_range"


def periods_overlap(start_a: date, end_a: date | None, start_b: date, end_b: date | None) -> bool:
    """Whether two periods share a day; ends are inclusive, None is open-ended."""
    return (end_b is None or start_a <= end_b) and (end_a is None or start_b <= end_a)


def agreement_problems(line: str | None, new_business: Decimal | None, renewal: Decimal | None,
                       starts_on: date | None, ends_on: date | None, others: Iterable[Dated]) -> dict[str, str]:
    """Return {field: code} of what is wrong with an agreement among the insurer's ``others``.

    Two agreements of one insurer for the same line (or both for all lines)
    must not overlap: the commission on a premium would be ambiguous.
    """
    problems = {}
    for field, rate in (("new_business_rate", new_business), ("renewal_rate", renewal)):
        problem = rate_problem(rate)
        if problem:
            problems[field] = problem
    if starts_on is None:
        problems["starts_on"] = "start_required"
    elif ends_on is not None and ends_on <= starts_on:
        problems["ends_on"] = "end_before_start"
    elif any(other.line == line and periods_overlap(starts_on, ends_on, other.starts_on, other.ends_on)
             for other in others):
        problems["starts_on"] = "agreement_overlap"
    return problems


def applicable_agreement(agreements: Iterable[Dated], line: str, as_of: date):
    """Return the agreement for ``line`` in force at ``as_of``, else the all-lines one, else None."""
    in_force = [a for a in agreements if a.starts_on <= as_of and (a.ends_on is None or as_of <= a.ends_on)]
    for wanted in (line, None):
        found = next((a for a in in_force if a.line == wanted), None)
        if found is not None:
            return found
    return None

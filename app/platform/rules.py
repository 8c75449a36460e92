"""Checks on a broker firm's registration numbers. Pure."""

from __future__ import annotations

import re

from stdnum.fr import siren

ORIAS_PATTERN = re.compile(r"^\d{8}$")


def normalise_siren(value: str) -> str:
    """Return the 9-digit SIREN or raise ValueError.

    SIREN: 9 digits with a Luhn check digit (INSEE); checked by python-stdnum.
    """
    compact = siren.compact(value or "")
    if not siren.is_valid(compact):
        raise ValueError("invalid SIREN")
    return compact


def normalise_orias(value: str) -> str:
    """Return the ORIAS registration number (8 digits) or raise ValueError.

    ORIAS numbers (Code des assurances R512-5, registre unique des
    intermédiaires) are 8 digits, often written in groups: "07 000 123".
    """
    compact = re.sub(r"[\s.-]", "", value or "")
    if not ORIAS_PATTERN.match(compact):
        raise ValueError("invalid ORIAS number")
    return compact

"""Attestations (certificates of insurance): which lines have them, what each
must state, verification codes and the status a verifier is told. Pure: no
DB, no Flask.

Ten-year construction liability (décennale): the arrêté du 5 janvier 2016
(modèle d'attestation d'assurance de responsabilité civile décennale, taken
under article L243-2 of the Code des assurances) makes the certificate state:

1. the insurer: its name and address (``insurer_name``, ``insurer_address``);
2. the insured: name or company name, address and SIREN number
   (``insured_name``, ``insured_address``, ``insured_siren``);
3. the contract number (``contract_number``);
4. the period of validity (``valid_from``, ``valid_to``);
5. the activities covered, as declared (``activities``);
6. the geographic scope: works carried out in metropolitan France and the
   overseas departments (``geographic_scope``);
7. the works covered: those whose site opened during the period of validity
   (``site_condition``);
8. the nature of the cover: the mandatory ten-year liability of articles
   1792 and following of the Civil Code, under L241-1 / L241-2, for ten
   years from acceptance of the works (``cover_nature``);
9. the amounts: for housing works, the cost of repairing the damage; for
   other works, the ceiling per claim (``amounts``).

The other lines' certificates (professional liability, home for a landlord,
motor) state the insurer, insured, contract, period and what the line makes
a third party check (activities and amounts, insured premises, vehicle).
"""

from __future__ import annotations

import hmac
import re
import secrets
from datetime import date
from enum import StrEnum

#: unambiguous characters: no 0/O, 1/I/L
CODE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
CODE_LENGTH = 20
CODE_GROUP = 4
_CODE_PATTERN = re.compile(rf"^[{CODE_ALPHABET}]{{{CODE_LENGTH}}}$")

COMMON_MENTIONS = ("insurer_name", "insured_name", "contract_number", "valid_from", "valid_to")
DECENNIAL_MENTIONS = (
    "insurer_name", "insurer_address", "insured_name", "insured_address", "insured_siren", "contract_number",
    "valid_from", "valid_to", "activities", "geographic_scope", "site_condition", "cover_nature", "amounts",
)
REQUIRED_MENTIONS: dict[str, tuple[str, ...]] = {
    "decennial": DECENNIAL_MENTIONS,
    "rc_pro": COMMON_MENTIONS + ("insured_siren", "activities", "geographic_scope", "amounts"),
    "home": COMMON_MENTIONS + ("insured_premises", "amounts"),
    "motor": COMMON_MENTIONS + ("vehicle", "registration"),
}
#: the lines for which the firm issues certificates
ATTESTATION_LINES = frozenset(REQUIRED_MENTIONS)
ISSUABLE_STATUSES = frozenset({"active"})


class AttestationStatus(StrEnum):
    VALID = "valid"
    EXPIRED = "expired"
    CANCELLED = "cancelled"
    NOT_YET_VALID = "not_yet_valid"


def new_code() -> str:
    """20 random characters of an unambiguous alphabet (about 99 bits),
    grouped by four: ``K7QM-3WXR-...``."""
    raw = "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))
    return group(raw)


def group(raw: str) -> str:
    return "-".join(raw[i:i + CODE_GROUP] for i in range(0, len(raw), CODE_GROUP))


def normalise_code(typed: str) -> str | None:
    """The stored form of a code as typed (any case, spaces or dashes), or
    None when it cannot be one of ours."""
    raw = re.sub(r"[\s\-]", "", (typed or "")[:80]).upper()
    return group(raw) if _CODE_PATTERN.match(raw) else None


def same_code(stored: str, typed: str) -> bool:
    """Compare in constant time, so timing says nothing of a near miss."""
    return hmac.compare_digest(stored.encode(), typed.encode())


def missing_mentions(line: str, details: dict) -> list[str]:
    """The mentions the line requires that ``details`` lacks or leaves blank."""
    return [name for name in REQUIRED_MENTIONS.get(line, COMMON_MENTIONS) if details.get(name) in (None, "", [])]


def can_issue(*, line: str, status: str) -> str | None:
    """Why no certificate can be issued for the contract, or None."""
    if line not in ATTESTATION_LINES:
        return "line_without_attestation"
    if status not in ISSUABLE_STATUSES:
        return "contract_not_active"
    return None


def period_problem(valid_from: date, valid_to: date, *, contract_start: date, contract_end: date | None) -> str | None:
    """A certificate covers at most the contract's own dates."""
    if valid_to < valid_from:
        return "period_reversed"
    if valid_from < contract_start or (contract_end is not None and valid_to >= contract_end):
        return "outside_contract"
    return None


def status_on(today: date, *, valid_from: date, valid_to: date, revoked: bool,
              contract_ended_on: date | None) -> AttestationStatus:
    """What the public page says today. Cancelled: the certificate was
    revoked, or the contract ended (cancellation in effect) before the end of
    the period; expired: the period is over; valid otherwise."""
    if revoked or (contract_ended_on is not None and contract_ended_on <= today and contract_ended_on <= valid_to):
        return AttestationStatus.CANCELLED
    if today > valid_to:
        return AttestationStatus.EXPIRED
    if today < valid_from:
        return AttestationStatus.NOT_YET_VALID
    return AttestationStatus.VALID

"""The firm's bank details, printed on the premium notice for payment by
transfer: the account holder's name, the IBAN (ISO 13616: country format and
mod-97 check digits, checked by schwifty) and the BIC (ISO 9362: 8 or 11
characters with a real country code). Pure: no database, no Flask.

The IBAN is what a transfer needs (SEPA transfers need no BIC since 2016),
so the holder and the BIC only make sense beside an IBAN; a holder is needed
with it, because the payer's bank asks for the beneficiary's name.
"""

from __future__ import annotations

from dataclasses import dataclass

from schwifty import BIC, IBAN
from schwifty.exceptions import InvalidChecksumDigits, SchwiftyException

#: a SEPA credit transfer carries the creditor's name in at most 70 characters
HOLDER_MAX = 70
FIELDS = ("bank_account_holder", "iban", "bic")


@dataclass(frozen=True)
class BankDetails:
    """Normalised bank details: compact IBAN and BIC, trimmed holder; None when blank."""

    holder: str | None = None
    iban: str | None = None
    bic: str | None = None

    @property
    def iban_formatted(self) -> str:
        """The IBAN in groups of four characters, as printed for people to copy."""
        compact = self.iban or ""
        return " ".join(compact[start:start + 4] for start in range(0, len(compact), 4))

    @property
    def for_transfer(self) -> bool:
        return bool(self.iban)


def _blank_to_none(value: str | None) -> str | None:
    cleaned = " ".join((value or "").split())
    return cleaned or None


def _iban(value: str | None) -> tuple[str | None, str | None]:
    """(compact IBAN, problem code)."""
    if value is None:
        return None, None
    try:
        return IBAN(value).compact, None
    except InvalidChecksumDigits:
        return None, "settings_iban_checksum"
    except SchwiftyException:
        return None, "settings_iban_invalid"


def _bic(value: str | None) -> tuple[str | None, str | None]:
    """(compact BIC, problem code)."""
    if value is None:
        return None, None
    try:
        return BIC(value).compact, None
    except SchwiftyException:
        return None, "settings_bic_invalid"


def check(holder: str | None, iban: str | None, bic: str | None) -> tuple[BankDetails, dict[str, str]]:
    """The details normalised, and the problems found as {field: code}
    (fields of :data:`FIELDS`); the details are meaningful only without problems."""
    holder, iban, bic = _blank_to_none(holder), _blank_to_none(iban), _blank_to_none(bic)
    compact_iban, iban_problem = _iban(iban)
    compact_bic, bic_problem = _bic(bic)
    problems = {}
    if iban_problem:
        problems["iban"] = iban_problem
    elif iban is None and (holder or bic):
        problems["iban"] = "settings_iban_required"
    if bic_problem:
        problems["bic"] = bic_problem
    if iban is not None and holder is None:
        problems["bank_account_holder"] = "settings_holder_required"
    elif holder is not None and len(holder) > HOLDER_MAX:
        problems["bank_account_holder"] = "settings_holder_too_long"
    return BankDetails(holder, compact_iban, compact_bic), problems

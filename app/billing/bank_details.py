"""The firm's bank details (in :class:`BillingSettings`): changed from the
billing settings screen, audited, and read by the premium notice."""

from __future__ import annotations

from sqlalchemy.orm import Session
from sqlalchemy.orm.exc import StaleDataError

from app.audit import services as audit
from app.billing import firm_settings
from app.billing.bank_details_rules import BankDetails, check
from app.billing.errors import BillingError
from app.billing.models import BillingSettings


def current(session: Session) -> BankDetails:
    """The stored details (all None when the firm has given none)."""
    settings = session.get(BillingSettings, 1)
    if settings is None:
        return BankDetails()
    return BankDetails(settings.bank_account_holder, settings.iban, settings.bic)


def _snapshot(details: BankDetails) -> dict:
    return {"bank_account_holder": details.holder, "iban": details.iban, "bic": details.bic}


def update(session: Session, actor, *, holder: str | None, iban: str | None, bic: str | None) -> BankDetails:
    """Store the details; :class:`firm_settings.SettingsInvalid` names the
    wrong fields. The caller checked the form's version in this transaction
    (:func:`firm_settings.update`); a change made meanwhile is ``stale``."""
    details, problems = check(holder, iban, bic)
    if problems:
        raise firm_settings.SettingsInvalid(problems)
    settings = firm_settings.load(session)
    before = current(session)
    if before == details:
        return details
    settings.bank_account_holder, settings.iban, settings.bic = details.holder, details.iban, details.bic
    try:
        session.flush()
    except StaleDataError:
        session.rollback()
        raise BillingError("stale") from None
    audit.record(session, actor, "billing_settings.update", "billing_settings", settings.id,
                 before=_snapshot(before), after=_snapshot(details))
    return details

"""The firm's billing settings (one row): the reminder delay, premium notices
by email, and how it takes payments on its own Stripe account. Secrets are
replaced only when a new one is typed, and never written to the audit log."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.orm import Session
from sqlalchemy.orm.exc import StaleDataError

from app.audit import services as audit
from app.billing import stripe_rules
from app.billing.errors import BillingError
from app.billing.models import BillingSettings
from app.billing.stripe_rules import StripeMode

REMINDER_DAYS_RANGE = (1, 60)


class SettingsInvalid(BillingError):
    """The settings were refused; ``problems`` is {field: code}."""

    def __init__(self, problems: dict[str, str]) -> None:
        super().__init__("settings_invalid")
        self.problems = problems


@dataclass(frozen=True)
class PlatformStripe:
    """The platform's own Stripe set-up (app configuration): its API address,
    the key that acts for connected accounts, its Connect webhook secret."""

    api_base: str
    secret_key: str = ""
    publishable_key: str = ""
    webhook_secret: str = ""
    timeout_seconds: float = 20.0


def load(session: Session) -> BillingSettings:
    """The firm's settings, created with the defaults on first use."""
    settings = session.get(BillingSettings, 1)
    if settings is None:
        session.execute(insert(BillingSettings).values(id=1).on_conflict_do_nothing(index_elements=["id"]))
        settings = session.get(BillingSettings, 1)
    return settings


def stripe_mode(settings: BillingSettings | None) -> StripeMode:
    if settings is None:
        return StripeMode.NONE
    if settings.stripe_account_id:
        return StripeMode.CONNECTED
    if settings.stripe_secret_key:
        return StripeMode.OWN_KEYS
    return StripeMode.NONE


def _snapshot(settings: BillingSettings) -> dict:
    """What the audit log shows: never the secrets themselves."""
    return {"reminder_days": settings.reminder_days, "email_notices": settings.email_notices,
            "stripe_mode": stripe_mode(settings).value, "stripe_account_id": settings.stripe_account_id,
            "stripe_publishable_key": settings.stripe_publishable_key,
            "sepa_debit_enabled": settings.sepa_debit_enabled}


def _clean(value: str | None) -> str:
    return (value or "").strip()


def stripe_input(settings: BillingSettings, platform: PlatformStripe, *, mode: str, account_id: str | None = None,
                 secret_key: str | None = None, publishable_key: str | None = None,
                 webhook_secret: str | None = None) -> stripe_rules.StripeSettingsInput:
    """The Stripe values typed, beside what is stored and what the platform has."""
    return stripe_rules.StripeSettingsInput(
        mode=mode, account_id=_clean(account_id), secret_key=_clean(secret_key) or None,
        publishable_key=_clean(publishable_key), webhook_secret=_clean(webhook_secret) or None,
        stored_secret_key=settings.stripe_secret_key, stored_webhook_secret=settings.stripe_webhook_secret,
        platform_has_key=bool(platform.secret_key), platform_has_webhook_secret=bool(platform.webhook_secret))


def update(session: Session, actor, platform: PlatformStripe, *, version: int | None, reminder_days: int,
           email_notices: bool, mode: str, account_id: str | None = None, secret_key: str | None = None,
           publishable_key: str | None = None, webhook_secret: str | None = None,
           sepa_debit_enabled: bool = False) -> BillingSettings:
    """Change the settings. A blank secret keeps the stored one; choosing a
    mode forgets what belongs to the other (a connected account drops the
    firm's own keys, and the reverse); "none" forgets all of Stripe."""
    settings = load(session)
    if version is not None and version != settings.version:
        raise BillingError("stale")
    given = stripe_input(settings, platform, mode=mode, account_id=account_id, secret_key=secret_key,
                         publishable_key=publishable_key, webhook_secret=webhook_secret)
    problems = stripe_rules.settings_problems(given)
    low, high = REMINDER_DAYS_RANGE
    if not isinstance(reminder_days, int) or not low <= reminder_days <= high:
        problems["reminder_days"] = "reminder_days_invalid"
    if problems:
        raise SettingsInvalid(problems)
    before = _snapshot(settings)
    old_secret, old_webhook_secret = settings.stripe_secret_key, settings.stripe_webhook_secret
    settings.reminder_days, settings.email_notices = reminder_days, bool(email_notices)
    _apply_stripe(settings, given, bool(sepa_debit_enabled))
    changed = {"secret_key_changed": settings.stripe_secret_key != old_secret,
               "webhook_secret_changed": settings.stripe_webhook_secret != old_webhook_secret}
    after = _snapshot(settings)
    if before == after and not any(changed.values()):
        return settings
    try:
        session.flush()
    except StaleDataError:
        session.rollback()
        raise BillingError("stale") from None
    audit.record(session, actor, "billing_settings.update", "billing_settings", settings.id,
                 before=before, after=after | changed)
    return settings


def _apply_stripe(settings: BillingSettings, given: stripe_rules.StripeSettingsInput, sepa: bool) -> None:
    if given.mode == StripeMode.NONE:
        settings.stripe_account_id = settings.stripe_secret_key = None
        settings.stripe_publishable_key = settings.stripe_webhook_secret = None
        settings.sepa_debit_enabled = False
        return
    if given.mode == StripeMode.CONNECTED:
        settings.stripe_account_id = given.account_id
        settings.stripe_secret_key = settings.stripe_publishable_key = None
    else:
        settings.stripe_account_id = None
        settings.stripe_secret_key = given.secret_key or settings.stripe_secret_key
        settings.stripe_publishable_key = given.publishable_key
    if given.webhook_secret:
        settings.stripe_webhook_secret = given.webhook_secret
    settings.sepa_debit_enabled = sepa

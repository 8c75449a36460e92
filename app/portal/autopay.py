"""Automatic payment (opt-in): each morning, the calls falling due of the
accounts that turned it on are paid off-session with their saved method.

Never two intents for one call: the call is locked, then its automatic
attempt looked up (one per call, a unique key); billing's gateway also
refuses while another payment of the call is under way. A refusal is kept on
the attempt and the client is emailed once; a payment that fails later (a
SEPA debit the bank refuses, told by Stripe's webhook) is emailed at the
next pass. When Stripe cannot be reached nothing is kept, and the next pass
tries again.
"""

from __future__ import annotations

from datetime import date

from flask_babel import force_locale
from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.orm import Session

from app.billing.models import PremiumCall, StripeIntent
from app.billing.payments import open_calls
from app.columns import utcnow
from app.portal import payment_rules, payments
from app.portal.models import PortalAccount
from app.portal.payment_labels import error_message
from app.portal.payment_models import PortalPayment, PortalPaymentOutcome, SavedPaymentMethod
from app.mail.services import queue_email
from app.web.urls import tenant_url

#: failures the next pass may not see again (Stripe down): nothing is kept, the call is tried again
_RETRY = frozenset({"unreachable"})
#: nothing to do for this call (paid meanwhile, or its payment is under way)
_SKIP = frozenset({"under_way", "call_not_open", "not_found"})


def _opted_in(session: Session) -> list[tuple[SavedPaymentMethod, PortalAccount]]:
    return [tuple(row) for row in session.execute(
        select(SavedPaymentMethod, PortalAccount).join(PortalAccount, PortalAccount.id == SavedPaymentMethod.account_id)
        .where(SavedPaymentMethod.autopay.is_(True), SavedPaymentMethod.payment_method_id.is_not(None),
               PortalAccount.is_active.is_(True))
        .order_by(SavedPaymentMethod.id))]


def calls_due(session: Session, method: SavedPaymentMethod, today: date) -> list[PremiumCall]:
    """The payer's open calls automatic payment pays today and has not tried yet."""
    calls = [call for call in open_calls(session, method.client_id)
             if payment_rules.autopay_due(call.due_date, method.autopay_since, today)]
    if not calls:
        return []
    tried = set(session.scalars(select(PortalPayment.autopay_call_id)
                                .where(PortalPayment.autopay_call_id.in_([call.id for call in calls]))))
    return [call for call in calls if call.id not in tried]


def run_daily(session: Session, *, today: date, tenant, locale: str, platform=None) -> dict:
    """One firm's pass; commits after each call so that one failure keeps the others."""
    counts = {"started": 0, "declined": 0, "failed": 0, "skipped": 0, "retry": 0, "late_failures": 0}
    for method, account in _opted_in(session):
        for call in calls_due(session, method, today):
            counts[_pay_one(session, account, call, today, tenant, locale, platform)] += 1
    counts["late_failures"] = _tell_late_failures(session, tenant, locale)
    session.commit()
    return counts


def _pay_one(session: Session, account: PortalAccount, call: PremiumCall, today: date, tenant, locale: str,
             platform) -> str:
    session.scalar(select(PremiumCall.id).where(PremiumCall.id == call.id).with_for_update())
    if session.scalar(select(PortalPayment.id).where(PortalPayment.autopay_call_id == call.id)) is not None:
        session.rollback()
        return "skipped"  # another pass got there first
    try:
        payments.pay(session, account, [call.id], today=today, platform=platform, autopay_call=call)
    except payments.PaymentError as exc:
        return _refused(session, account, call, exc, tenant, locale)
    session.commit()
    return "started"


def _refused(session: Session, account: PortalAccount, call: PremiumCall, exc: payments.PaymentError, tenant,
             locale: str) -> str:
    if exc.code in _RETRY or exc.code in _SKIP:
        session.rollback()
        return "retry" if exc.code in _RETRY else "skipped"
    attempt = exc.payment
    if attempt is None:
        attempt = PortalPayment(account_id=account.id, client_id=account.client_id, call_ids=[call.id],
                                amount=call.outstanding, autopay_call_id=call.id,
                                outcome=PortalPaymentOutcome.FAILED.value, failure_message=exc.code)
        session.add(attempt)
        session.flush()
    _tell(session, account, attempt, [call], error_message(exc.code, exc.detail), tenant, locale)
    session.commit()
    return "declined" if exc.code == "declined" else "failed"


def _tell(session: Session, account: PortalAccount, attempt: PortalPayment, calls: list[PremiumCall], reason: str,
          tenant, locale: str) -> None:
    """Email the client that an automatic payment did not go through."""
    locale = account.locale or locale
    with force_locale(locale):
        subject = _("%(firm)s: your automatic payment did not go through", firm=tenant.name)
        queue_email(session, tenant.slug, account.email, subject, "portal_autopay_failed", sender_name=tenant.name,
                    locale=locale, firm=tenant.name, name=account.display_name, calls=calls, reason=reason,
                    link=tenant_url(tenant.slug, "/portal/premiums"))
    attempt.notified_at = utcnow()


def _tell_late_failures(session: Session, tenant, locale: str) -> int:
    """Automatic payments Stripe failed after they started (a refused debit): tell the client once."""
    rows = session.execute(
        select(PortalPayment, StripeIntent, PortalAccount)
        .join(StripeIntent, StripeIntent.id == PortalPayment.stripe_intent_id)
        .join(PortalAccount, PortalAccount.id == PortalPayment.account_id)
        .where(PortalPayment.autopay_call_id.is_not(None), PortalPayment.notified_at.is_(None),
               PortalPayment.outcome == PortalPaymentOutcome.STARTED.value, StripeIntent.payment_id.is_(None),
               StripeIntent.failure_message.is_not(None))
        .with_for_update(of=PortalPayment)).all()
    for attempt, intent, account in rows:
        attempt.outcome, attempt.failure_message = PortalPaymentOutcome.DECLINED.value, intent.failure_message
        calls = list(session.scalars(select(PremiumCall).where(PremiumCall.id.in_(attempt.call_ids))))
        _tell(session, account, attempt, calls, error_message("declined", intent.failure_message), tenant, locale)
    return len(rows)

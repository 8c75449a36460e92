"""The premium notice (avis d'échéance) of a call: its PDF, and the email
that carries it to the payer.

The notice states what the law wants the policyholder to read before paying:
the amount and its due date, the period it covers, the tax apart from the
net premium, and what non-payment leads to (Code des assurances, L113-3).
Emailing queues the message in the caller's transaction and stamps
``PremiumCall.notice_sent_at``: the month run's batch sends each notice once.
"""

from __future__ import annotations

from collections.abc import Iterable
from flask import render_template
from flask_babel import force_locale
from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.orm import Session

from app.audit import services as audit
from app.billing import bank_details, nonpayment_rules, rules
from app.billing.errors import BillingError
from app.billing.listing import last_day, outstanding_of
from app.billing.models import CallKind, PremiumCall
from app.catalog.lines import line_definition
from app.catalog.models import Insurer
from app.columns import utcnow
from app.contracts.models import Contract
from app.crm.models import Client, Interaction, InteractionKind
from app.letters.pdf import render_pdf
from app.letters.services import client_address
from app.mail.services import queue_email
from app.settings import branding

#: a call in one of these has nothing to announce
CLOSED = (rules.CallStatus.CANCELLED.value, rules.CallStatus.REFUNDED.value)
#: the month run emails the notices of calls not yet late and not yet paid
BATCH_STATUSES = (rules.CallStatus.DUE.value, rules.CallStatus.PARTLY_PAID.value)


def filename(call: PremiumCall) -> str:
    return f"notice-{call.reference}.pdf"


def _context(session: Session, call: PremiumCall, tenant) -> dict:
    contract = session.get(Contract, call.contract_id)
    client = session.get(Client, call.client_id)
    settings = getattr(tenant, "settings", None) or {}
    return {
        "call": call, "contract": contract, "client": client, "address": client_address(client),
        "insurer": session.get(Insurer, call.insurer_id), "line": line_definition(call.line).label,
        "firm": tenant.name, "header": branding.document_header(session, tenant), "siren": settings.get("siren"),
        "period_last_day": last_day(call),
        "amount_due": outstanding_of(call), "kept": call.paid - call.refunded,
        "is_credit": call.kind == CallKind.CREDIT_NOTE.value or call.total < 0,
        "formal_notice_from": nonpayment_rules.earliest_formal_notice(call.due_date),
        "bank": bank_details.current(session),
    }


def notice_pdf(session: Session, call: PremiumCall, tenant) -> bytes:
    """The notice of ``call`` as a PDF, in the current locale."""
    return render_pdf(render_template("billing/pdf/notice.html", **_context(session, call, tenant)))


def _subject(call: PremiumCall, firm: str) -> str:
    return _("%(firm)s: premium notice %(reference)s", firm=firm, reference=call.reference)


def _email(session: Session, actor, call: PremiumCall, client: Client, tenant, locale: str) -> None:
    """Queue the notice to ``client`` and stamp the call (the caller checked the address)."""
    with force_locale(locale):
        pdf = notice_pdf(session, call, tenant)
        subject = _subject(call, tenant.name)
        queue_email(session, tenant.slug, client.email, subject, "premium_notice", sender_name=tenant.name,
                    locale=locale, firm=tenant.name, client=client, call=call, amount_due=outstanding_of(call),
                    attachments=((filename(call), "application/pdf", pdf),))
    call.notice_sent_at = utcnow()
    session.add(Interaction(client_id=client.id, kind=InteractionKind.EMAIL.value, direction="out",
                            occurred_at=call.notice_sent_at, subject=subject[:200],
                            author_id=getattr(actor, "id", None)))


def send_notice(session: Session, actor, call: PremiumCall, *, tenant, locale: str) -> str:
    """Email the notice of ``call`` to its payer now; returns the address.
    Refused for a cancelled or refunded call and for a payer without email."""
    if call.status in CLOSED:
        raise BillingError("notice_call_closed")
    client = session.get(Client, call.client_id)
    if not (client.email or "").strip():
        raise BillingError("notice_no_email")
    _email(session, actor, call, client, tenant, locale)
    audit.record(session, actor, "premium_call.notice_email", "premium_call", call.id,
                 after={"sent_to": client.email})
    return client.email


def send_batch(session: Session, actor, call_ids: Iterable[int], *, tenant, locale: str) -> tuple[int, int]:
    """Email the notices of ``call_ids`` not sent yet, for calls still to pay
    and not late; payers without email are skipped. Returns (sent, skipped).
    Rows are locked, so two batches never send the same notice."""
    calls = list(session.scalars(
        select(PremiumCall).where(PremiumCall.id.in_(list(call_ids)), PremiumCall.notice_sent_at.is_(None),
                                  PremiumCall.status.in_(BATCH_STATUSES), PremiumCall.cancelled_at.is_(None))
        .order_by(PremiumCall.id).with_for_update(skip_locked=True)))
    sent, skipped = [], []
    for call in calls:
        client = session.get(Client, call.client_id)
        if not (client.email or "").strip():
            skipped.append(call.reference)
            continue
        _email(session, actor, call, client, tenant, locale)
        sent.append(call.reference)
    if calls:
        audit.record(session, actor, "premium_call.notice_batch", "premium_call", None,
                     after={"sent": sent, "skipped_no_email": skipped})
    return len(sent), len(skipped)

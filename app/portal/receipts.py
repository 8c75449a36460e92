"""Payment receipts: the PDF a client downloads from their payment history,
and the email that carries it once Stripe's webhook recorded a payment.

Billing's webhook calls :func:`payment_recorded` in the transaction that
records the money (once per payment: a replayed event records nothing);
it queues a job, so the webhook answers Stripe at once and the email leaves
only if the payment commits.
"""

from __future__ import annotations

from flask import g, render_template
from flask_babel import force_locale, format_currency
from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.orm import Session

from app.billing.models import Payment, PaymentStatus, StripeIntent
from app.columns import utcnow
from app.crm.models import Client, Interaction, InteractionKind
from app.jobs.queue import enqueue
from app.letters.pdf import render_pdf
from app.letters.services import client_address
from app.mail.services import queue_email
from app.portal import premiums
from app.portal.models import PortalAccount
from app.portal.payment_labels import METHOD_LABELS
from app.portal.payment_models import PortalPayment
from app.settings import branding


def number(payment: Payment) -> str:
    return f"REC-{payment.id:06d}"


def filename(payment: Payment) -> str:
    return f"receipt-{number(payment)}.pdf"


def receipt_pdf(session: Session, line: premiums.PaymentLine, tenant) -> bytes:
    """The receipt of one payment, in the current locale, with the firm's identity."""
    payment = line.payment
    client = session.get(Client, payment.payer_client_id)
    settings = getattr(tenant, "settings", None) or {}
    return render_pdf(render_template(
        "portal/pdf/receipt.html", payment=payment, calls=line.calls, client=client, address=client_address(client),
        header=branding.document_header(session, tenant), siren=settings.get("siren"), number=number(payment),
        method=METHOD_LABELS.get(payment.method, payment.method), issued_at=utcnow()))


def payment_recorded(session: Session, payment: Payment) -> None:
    """Billing recorded ``payment`` from Stripe's webhook: queue its receipt
    (called inside the firm's request or job, where ``g.tenant`` is set)."""
    if payment.status != PaymentStatus.RECORDED.value:
        return  # refunded at once (the refund's event came first): nothing to acknowledge
    from app.portal.jobs import send_receipt

    enqueue(session, send_receipt, tenant=g.tenant.slug, payment_id=payment.id)


def _recipient(session: Session, payment: Payment) -> tuple[str | None, str | None]:
    """(address, locale): the portal account that paid, else the payer's own address."""
    account = session.scalar(
        select(PortalAccount).join(PortalPayment, PortalPayment.account_id == PortalAccount.id)
        .join(StripeIntent, StripeIntent.id == PortalPayment.stripe_intent_id)
        .where(StripeIntent.payment_id == payment.id, PortalAccount.is_active.is_(True))
        .order_by(PortalPayment.id.desc()).limit(1))
    if account is not None:
        return account.email, account.locale
    client = session.get(Client, payment.payer_client_id)
    return (client.email if client else None), None


def email_receipt(session: Session, payment_id: int, tenant, default_locale: str) -> bool:
    """Email the receipt of a payment to whoever paid it; False when there is nobody to send it to."""
    payment = session.get(Payment, payment_id)
    if payment is None or payment.status != PaymentStatus.RECORDED.value:
        return False
    address, locale = _recipient(session, payment)
    if not address:
        return False
    locale = locale or default_locale
    line = premiums.line_of(session, payment)
    with force_locale(locale):
        pdf = receipt_pdf(session, line, tenant)
        subject = _("%(firm)s: receipt of your payment of %(amount)s", firm=tenant.name,
                    amount=format_currency(payment.amount, "EUR"))
        queue_email(session, tenant.slug, address, subject, "portal_payment_receipt", sender_name=tenant.name,
                    locale=locale, firm=tenant.name, payment=payment, calls=line.calls, number=number(payment),
                    method=METHOD_LABELS.get(payment.method, payment.method),
                    attachments=((filename(payment), "application/pdf", pdf),))
    session.add(Interaction(client_id=payment.payer_client_id, kind=InteractionKind.EMAIL.value, direction="out",
                            occurred_at=utcnow(), subject=subject[:200]))
    return True

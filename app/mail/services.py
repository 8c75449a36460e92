"""Compose emails from templates and queue them for delivery."""

from __future__ import annotations

from email.message import EmailMessage
from email.utils import formataddr, make_msgid

from flask import current_app, render_template
from flask_babel import force_locale

from sqlalchemy.orm import Session

from app.jobs.queue import enqueue


def compose(to: str, subject: str, template: str, *, sender_name: str, locale: str = "fr",
            attachments: tuple[tuple[str, str, bytes], ...] = (), **context) -> str:
    """Render ``emails/<template>.txt`` and ``.html`` into a MIME message, with
    ``attachments`` as (file name, content type, content)."""
    with force_locale(locale):
        text = render_template(f"emails/{template}.txt", **context)
        html = render_template(f"emails/{template}.html", **context)
    sender = current_app.config["MAIL_FROM"]
    message = EmailMessage()
    message["Subject"] = subject
    message["From"] = formataddr((sender_name, sender))
    message["To"] = to
    message["Message-ID"] = make_msgid(domain=sender.rsplit("@", 1)[-1])
    message.set_content(text)
    message.add_alternative(html, subtype="html")
    for filename, content_type, content in attachments:
        maintype, subtype = content_type.split("/", 1)
        message.add_attachment(content, maintype=maintype, subtype=subtype, filename=filename)
    return message.as_string()


def queue_email(
    session: Session, tenant_slug: str, to: str, subject: str, template: str, *, sender_name: str, **context
) -> int:
    """Compose one email for ``tenant_slug`` and queue it in ``session``'s
    transaction: it leaves only if the change it announces commits."""
    from app.mail.jobs import deliver_email

    message = compose(to, subject, template, sender_name=sender_name, **context)
    return enqueue(session, deliver_email, tenant=tenant_slug, message=message)

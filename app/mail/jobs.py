"""The email delivery job."""

from __future__ import annotations

import smtplib

from flask import current_app, g
from procrastinate import RetryStrategy

from app.jobs.queue import tenant_task
from app.mail.delivery import send_smtp, write_eml
from tenants.jobs import TenantUnavailable


@tenant_task(
    name="mail.deliver",
    retry=RetryStrategy(max_attempts=12, exponential_wait=4, retry_exceptions={OSError, smtplib.SMTPException, TenantUnavailable}),
)
def deliver_email(message: str) -> None:
    """Send one composed message, by SMTP when configured, else to a file.

    Retried with a growing wait while SMTP is down or the tenant suspended.
    """
    mail_url = current_app.config["MAIL_URL"]
    if mail_url:
        send_smtp(mail_url, message)
    else:
        write_eml(current_app.config["MAIL_DIR"], g.tenant.slug, message)

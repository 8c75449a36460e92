"""The portal's jobs: the receipt of a payment Stripe's webhook recorded,
and the daily automatic payment pass of each firm
(:func:`app.portal.autopay.run_daily`)."""

from __future__ import annotations

from datetime import date

from flask import current_app, g

from app.extensions import db
from app.jobs.queue import flask_app, queue, queue_tenant_passes, tenant_task
from app.portal import autopay, receipts

DAILY_CRON = "30 6 * * *"  # 06:30 UTC: after the non-payment pass, before the firm opens


@tenant_task(name="portal.send_receipt")
def send_receipt(payment_id: int) -> bool:
    """Email the receipt (PDF attached) of a payment recorded from Stripe."""
    return receipts.email_receipt(db.session, payment_id, g.tenant, current_app.config["BABEL_DEFAULT_LOCALE"])


@tenant_task(name="portal.autopay_pass")
def autopay_pass(day: str) -> dict:
    """One firm's automatic payments for ``day`` (ISO date)."""
    return autopay.run_daily(db.session, today=date.fromisoformat(day), tenant=g.tenant,
                             locale=current_app.config["BABEL_DEFAULT_LOCALE"])


def queue_autopay_passes(day: date) -> int:
    """Queue one pass per active firm; return how many."""
    return queue_tenant_passes(autopay_pass, day)


@queue.periodic(cron=DAILY_CRON, periodic_id="portal.autopay")
@queue.task(name="portal.autopay_schedule", queueing_lock="portal.autopay_schedule")
def schedule_daily(timestamp: int) -> None:
    """The periodic trigger: each firm's pass runs as a job of its own."""
    with flask_app().app_context():
        queue_autopay_passes(date.fromtimestamp(timestamp))

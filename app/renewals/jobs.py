"""The daily renewals job: every morning, for each active tenant, send the
renewal notices due and roll the contracts whose renewal date has come."""

from __future__ import annotations

from datetime import date

from flask import current_app, g

from app.extensions import db
from app.jobs.queue import flask_app, queue, queue_tenant_passes, tenant_task
from app.renewals import services as renewals

DAILY_CRON = "30 5 * * *"  # 05:30 UTC, before the firm opens


@tenant_task(name="renewals.daily_pass")
def daily_pass(day: str) -> dict:
    """One tenant's pass for ``day`` (ISO date): notices, then renewals."""
    sent, renewed = renewals.run_daily(db.session, today=date.fromisoformat(day), tenant=g.tenant,
                                       locale=current_app.config["BABEL_DEFAULT_LOCALE"])
    return {"notices": sent, "renewals": renewed}


def queue_daily_passes(day: date) -> int:
    """Queue one pass per active tenant; return how many."""
    return queue_tenant_passes(daily_pass, day)


@queue.periodic(cron=DAILY_CRON, periodic_id="renewals.daily")
@queue.task(name="renewals.schedule", queueing_lock="renewals.schedule")
def schedule_daily(timestamp: int) -> None:
    """The periodic trigger: each tenant's pass runs as a job of its own."""
    with flask_app().app_context():
        queue_daily_passes(date.fromtimestamp(timestamp))

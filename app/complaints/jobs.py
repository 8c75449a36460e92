"""Complaints' jobs: the daily alerts before a deadline passes (ACPR
2022-R-01). Every morning, each active tenant's pass runs as a job of its
own; :func:`app.complaints.alerts.run_daily` is one tenant's pass."""

from __future__ import annotations

from datetime import date

from flask import current_app, g

from app.complaints import alerts
from app.extensions import db
from app.jobs.queue import flask_app, queue, queue_tenant_passes, tenant_task

DAILY_CRON = "15 6 * * *"  # 06:15 UTC, before the firm opens


@tenant_task(name="complaints.alert_pass")
def alert_pass(day: str) -> dict:
    """One tenant's alerts for ``day`` (ISO date)."""
    return alerts.run_daily(db.session, tenant=g.tenant, today=date.fromisoformat(day),
                            locale=current_app.config["BABEL_DEFAULT_LOCALE"])


def queue_alert_passes(day: date) -> int:
    """Queue one pass per active tenant; return how many."""
    return queue_tenant_passes(alert_pass, day)


@queue.periodic(cron=DAILY_CRON, periodic_id="complaints.alerts")
@queue.task(name="complaints.alert_schedule", queueing_lock="complaints.alert_schedule")
def schedule_daily(timestamp: int) -> None:
    """The periodic trigger: each tenant's pass runs as a job of its own."""
    with flask_app().app_context():
        queue_alert_passes(date.fromtimestamp(timestamp))

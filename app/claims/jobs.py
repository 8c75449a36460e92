"""Claims' jobs: reminders to experts whose report is late. Every morning,
for each active tenant, a pass reminds the experts whose report is past due
(:func:`app.claims.missions.run_reminders`, at most once every few working
days per mission, the handler alerted after the third)."""

from __future__ import annotations

from datetime import date

from flask import g

from app.claims import missions
from app.extensions import db
from app.jobs.queue import flask_app, queue, queue_tenant_passes, tenant_task

DAILY_CRON = "15 6 * * *"  # 06:15 UTC, before the firm opens


@tenant_task(name="claims.expert_reminders")
def expert_reminders(day: str) -> dict:
    """One tenant's pass for ``day`` (ISO date)."""
    return missions.run_reminders(db.session, g.tenant, date.fromisoformat(day))


def queue_expert_reminders(day: date) -> int:
    """Queue one pass per active tenant; return how many."""
    return queue_tenant_passes(expert_reminders, day)


@queue.periodic(cron=DAILY_CRON, periodic_id="claims.expert_reminders")
@queue.task(name="claims.expert_reminders_schedule", queueing_lock="claims.expert_reminders_schedule")
def schedule_daily(timestamp: int) -> None:
    """The periodic trigger: each tenant's pass runs as a job of its own."""
    with flask_app().app_context():
        queue_expert_reminders(date.fromtimestamp(timestamp))

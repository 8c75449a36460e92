"""The daily non-payment job (Code des assurances, L113-3): every morning,
for each active tenant, the overdue statuses are refreshed and each overdue
call's procedure takes the steps due that day (reminder, formal notice,
suspension, cancellable). :func:`app.billing.dunning.run_daily` runs one
tenant's pass for a given day."""

from __future__ import annotations

from datetime import date

from flask import current_app, g

from app.billing import dunning
from app.extensions import db
from app.jobs.queue import flask_app, queue, queue_tenant_passes, tenant_task

DAILY_CRON = "0 6 * * *"  # 06:00 UTC, after the renewals pass, before the firm opens


@tenant_task(name="billing.dunning_pass")
def dunning_pass(day: str) -> dict:
    """One tenant's pass for ``day`` (ISO date)."""
    return dunning.run_daily(db.session, today=date.fromisoformat(day), tenant=g.tenant,
                             locale=current_app.config["BABEL_DEFAULT_LOCALE"])


def queue_dunning_passes(day: date) -> int:
    """Queue one pass per active tenant; return how many."""
    return queue_tenant_passes(dunning_pass, day)


@queue.periodic(cron=DAILY_CRON, periodic_id="billing.dunning")
@queue.task(name="billing.dunning_schedule", queueing_lock="billing.dunning_schedule")
def schedule_daily(timestamp: int) -> None:
    """The periodic trigger: each tenant's pass runs as a job of its own."""
    with flask_app().app_context():
        queue_dunning_passes(date.fromtimestamp(timestamp))

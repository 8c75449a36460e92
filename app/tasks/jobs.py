"""Tasks' jobs: each colleague's daily digest. Every morning, for each
active tenant, :func:`app.tasks.digest.send_daily` queues the day's digest
of each colleague with something overdue or due that day."""

from __future__ import annotations

from datetime import date

from flask import current_app, g

from app.extensions import db
from app.jobs.queue import flask_app, queue, queue_tenant_passes, tenant_task
from app.tasks import digest

DAILY_CRON = "45 6 * * *"  # 06:45 UTC: after the passes that give tasks (renewals, non-payment, complaints)


@tenant_task(name="tasks.digest_pass")
def digest_pass(day: str) -> int:
    """One tenant's digests for ``day`` (ISO date); how many were queued."""
    return digest.send_daily(db.session, day=date.fromisoformat(day), tenant=g.tenant,
                             locale=current_app.config["BABEL_DEFAULT_LOCALE"])


def queue_digest_passes(day: date) -> int:
    """Queue one pass per active tenant; return how many."""
    return queue_tenant_passes(digest_pass, day)


@queue.periodic(cron=DAILY_CRON, periodic_id="tasks.digest")
@queue.task(name="tasks.digest_schedule", queueing_lock="tasks.digest_schedule")
def schedule_daily(timestamp: int) -> None:
    """The periodic trigger: each tenant's pass runs as a job of its own."""
    with flask_app().app_context():
        queue_digest_passes(date.fromtimestamp(timestamp))

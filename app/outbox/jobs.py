"""Jobs of the outbox: deliver one message, and every minute re-queue the
due messages whose job was lost."""

from __future__ import annotations

from app.extensions import db
from app.jobs.queue import flask_app, queue, tenant_task
from app.outbox import services


@tenant_task(name="outbox.deliver")
def deliver_message(message_id: int) -> None:
    """One try of the message, if it is due and no other worker holds it;
    a failed try queues the next one itself."""
    services.deliver(db.session, message_id)


@queue.periodic(cron="* * * * *", periodic_id="outbox-sweep")
@queue.task(name="outbox.sweep", queueing_lock="outbox.sweep")
def sweep_outbox(timestamp: int) -> int:
    """Safety net of the at-least-once delivery: a job deleted, or a worker
    killed between a message's commit and its job, delays a message by a
    minute at most instead of losing it."""
    with flask_app().app_context():
        try:
            return services.requeue_lost(db.engine, db.session)
        finally:
            db.session.remove()

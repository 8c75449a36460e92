"""The procrastinate job queue, on the application's own database.

Jobs that touch a tenant's data are declared with :func:`tenant_task`: they
receive the tenant's slug, run inside a Flask app context with the session
bound to that tenant, and do not run for an unknown or suspended tenant.
"""

from __future__ import annotations

import logging
from datetime import date, datetime
from functools import wraps

import procrastinate
from flask import Flask, g
from sqlalchemy import (BigInteger, Column, DateTime, Integer, MetaData, String, Table, and_, func, insert, or_,
                        select)
from sqlalchemy.engine import Connection
from sqlalchemy.dialects.postgresql import ENUM, JSONB
from sqlalchemy.orm import Session

from app.extensions import db
from tenants.jobs import TenantUnavailable, tenant_context
from tenants.provisioning import list_tenants

logger = logging.getLogger(__name__)

JOB_MODULES = ["app.mail.jobs", "app.outbox.jobs", "app.renewals.jobs", "app.billing.jobs", "app.billing.dunning_jobs",
               "app.portal.jobs", "app.claims.jobs", "app.complaints.jobs", "app.tasks.jobs"]

queue = procrastinate.App(connector=procrastinate.PsycopgConnector(), import_paths=JOB_MODULES)

_state: dict = {"flask_app": None}


def libpq_url(sqlalchemy_url: str) -> str:
    return sqlalchemy_url.replace("postgresql+psycopg://", "postgresql://", 1)


def configure_queue(app: Flask) -> None:
    """Point the queue at the app's database and remember the app for jobs."""
    connector = procrastinate.PsycopgConnector(conninfo=libpq_url(app.config["SQLALCHEMY_DATABASE_URI"]))
    queue.connector = connector
    queue.job_manager.connector = connector
    _state["flask_app"] = app


def flask_app() -> Flask:
    app = _state["flask_app"]
    if app is None:
        raise RuntimeError("the job queue is not configured: call configure_queue(app)")
    return app


#: procrastinate's job table, as far as enqueuing needs it (public schema,
#: never translated: the queue is shared by all tenants).
_jobs = Table(
    "procrastinate_jobs",
    MetaData(schema="public"),
    Column("id", BigInteger, primary_key=True),
    Column("queue_name", String),
    Column("task_name", String),
    Column("priority", Integer),
    Column("args", JSONB),
    Column("scheduled_at", DateTime(timezone=True)),
    Column("status", ENUM("todo", "doing", "succeeded", "failed", "cancelled", "aborting", "aborted",
                          name="procrastinate_job_status", schema="public", create_type=False)),
)


def runnable_job_args(conn: Connection, task_name: str) -> list[dict]:
    """The arguments of ``task_name``'s jobs running now or due to run now."""
    due = or_(_jobs.c.status == "doing",
              and_(_jobs.c.status == "todo", or_(_jobs.c.scheduled_at.is_(None), _jobs.c.scheduled_at <= func.now())))
    return list(conn.scalars(select(_jobs.c.args).where(_jobs.c.task_name == task_name, due)))


def enqueue(session: Session, task, *, scheduled_at: datetime | None = None, **kwargs) -> int:
    """Queue ``task`` inside ``session``'s transaction: the job exists if and
    only if the change that asks for it commits (a transactional outbox).
    With ``scheduled_at`` the job does not run before that time."""
    return session.execute(
        insert(_jobs)
        .values(queue_name=task.queue, task_name=task.name, priority=0, args=kwargs, scheduled_at=scheduled_at)
        .returning(_jobs.c.id)
    ).scalar_one()


def tenant_task(**task_options):
    """Declare a job that runs inside the tenant named by its ``tenant`` argument."""

    def decorator(function):
        @wraps(function)
        def run(tenant: str, **kwargs):
            app = flask_app()
            with app.app_context():
                try:
                    with tenant_context(db.session, db.engine, tenant) as ref:
                        g.tenant = ref
                        result = function(**kwargs)
                        db.session.commit()
                        return result
                except TenantUnavailable:
                    logger.warning("job %s not run for tenant %s", function.__name__, tenant)
                    raise

        return queue.task(name=task_options.pop("name", function.__qualname__), **task_options)(run)

    return decorator


def queue_tenant_passes(task, day: date) -> int:
    """Queue a daily ``task`` (a :func:`tenant_task` taking ``day``) once per
    active tenant, in one commit; return how many. Each tenant's pass runs
    as a job of its own, so one firm's failure does not stop the others."""
    slugs = [row.slug for row in list_tenants(db.engine) if row.status == "active"]
    for slug in slugs:
        enqueue(db.session, task, tenant=slug, day=day.isoformat())
    db.session.commit()
    return len(slugs)

"""Tasks' jobs: each handler's daily digest."""

from app.jobs.queue import queue, tenant_task  # noqa: F401

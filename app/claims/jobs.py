"""Claims' jobs: reminders to experts whose report is late."""

from app.jobs.queue import queue, tenant_task  # noqa: F401

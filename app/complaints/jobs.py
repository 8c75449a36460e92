"""Complaints' jobs: alerts before a deadline passes."""

from app.jobs.queue import queue, tenant_task  # noqa: F401

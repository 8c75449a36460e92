"""Where a task leads: the page of what it follows up (a claim, a
complaint, a placement, a client request), else its client's page; a path
built inside a request or, for the digest email, inside a job."""

from __future__ import annotations

from flask import current_app, has_request_context, url_for
from werkzeug.routing import BuildError

from app.tasks.services import SourceRef


def path(endpoint: str, **values) -> str:
    """``url_for``'s path, also outside a request (raises BuildError)."""
    if has_request_context():
        return url_for(endpoint, **values)
    return current_app.url_map.bind("localhost").build(endpoint, values)


def task_path(source: SourceRef | None, client_id: int | None, task_id: int | None = None) -> str | None:
    """The source's page (while its page exists), else the client's, else
    the task's own page when ``task_id`` is given, else None."""
    candidates = []
    if source is not None:
        candidates.append((source.endpoint, source.values))
    if client_id is not None:
        candidates.append(("crm.show", {"client_id": client_id}))
    if task_id is not None:
        candidates.append(("tasks.show", {"task_id": task_id}))
    for endpoint, values in candidates:
        try:
            return path(endpoint, **values)
        except BuildError:
            continue
    return None

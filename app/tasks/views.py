"""Tasks: each handler's list of follow-ups from every area."""

from __future__ import annotations

from flask import Blueprint

from app.auth.access import guard_blueprint

bp = guard_blueprint(Blueprint("tasks", __name__, url_prefix="/tasks"))

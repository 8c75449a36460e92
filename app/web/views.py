"""Routes every host shares: health check and language choice."""

from __future__ import annotations

from flask import Blueprint, current_app, redirect, request, session
from sqlalchemy import select
from sqlalchemy.exc import SQLAlchemyError

from app.extensions import db

bp = Blueprint("web", __name__)


@bp.get("/healthz")
def healthz():
    """200 when the database answers, 503 otherwise."""
    try:
        with db.engine.connect() as conn:
            conn.execute(select(1))
    except SQLAlchemyError:
        return {"status": "unavailable", "database": "down"}, 503
    return {"status": "ok", "database": "up"}


@bp.post("/language")
def set_language():
    """Remember the chosen UI language and go back."""
    language = request.form.get("language", "")
    if language in current_app.config["LANGUAGES"]:
        session["language"] = language
    target = request.form.get("next") or "/"
    if not target.startswith("/") or target.startswith("//"):
        target = "/"
    return redirect(target, code=303)

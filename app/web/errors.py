"""Error pages in the layout, or JSON for API callers; the session rolled back."""

from __future__ import annotations

from flask import Flask, render_template, request
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException, InternalServerError

from app.extensions import db


def _wants_json() -> bool:
    return request.path.startswith("/api/") or request.accept_mimetypes.best == "application/json"


def render_error(error: HTTPException):
    db.session.rollback()
    code = error.code or 500
    if _wants_json():
        name = error.name.lower().replace(" ", "_").replace("'", "")
        return {"error": {"status": code, "code": name, "message": error.description, "fields": {}}}, code
    return render_template("errors/error.html", code=code, error=error), code


def render_csrf_error(error: CSRFError):
    db.session.rollback()
    return render_template("errors/error.html", code=400, error=error, csrf=True), 400


def render_unexpected(error: Exception):
    db.session.rollback()
    return render_error(InternalServerError())


def init_errors(app: Flask) -> None:
    app.register_error_handler(CSRFError, render_csrf_error)
    app.register_error_handler(HTTPException, render_error)
    if not app.debug and not app.testing:
        app.register_error_handler(Exception, render_unexpected)

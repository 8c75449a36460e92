"""The providers' directory: experts, garages, craftsmen, lawyers."""

from __future__ import annotations

from flask import Blueprint

from app.auth.access import guard_blueprint

bp = guard_blueprint(Blueprint("providers", __name__, url_prefix="/providers"))

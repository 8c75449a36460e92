"""The client file: list and search, 360 page, follow-up, import and export."""

from __future__ import annotations

from flask import Blueprint

from app.auth.access import guard_blueprint
from app.crm import labels

bp = guard_blueprint(Blueprint("crm", __name__, url_prefix="/clients"))


@bp.context_processor
def crm_labels() -> dict:
    return {"labels": labels}


from app.crm.views import clients, followup, transfer  # noqa: E402,F401  (they add their routes to bp)

"""The contracts area: list, manual entry, import and export, the contract
page with its endorsements, cancellation, clauses and documents, and the
clause library."""

from __future__ import annotations

from flask import Blueprint

from app.auth.access import guard_blueprint
from app.contracts import labels
from app.contracts import services as contracts
from app.extensions import db
from app.quotes.display import answered_risk_rows

bp = guard_blueprint(Blueprint("contracts", __name__, url_prefix="/contracts"))


@bp.context_processor
def contract_labels() -> dict:
    return {"contract_labels": labels, "answered_risk_rows": answered_risk_rows}


@bp.app_context_processor
def client_contracts_helpers() -> dict:
    """What the client page needs to show the client's contracts."""
    return {"client_contracts": lambda client_id: contracts.for_client(db.session, client_id),
            "contract_status_labels": labels.STATUS_LABELS, "contract_status_badges": labels.STATUS_BADGES}


from app.contracts.views import cancellations, clauses, endorsements, pages, transfer  # noqa: E402,F401

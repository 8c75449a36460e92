"""The claim's page frame, shared by its tabs: the header (claim, client,
contract, handler, reserve, cover, open dispute) and the tabs themselves.
Each tab is a page of its own (``claims/<tab>.html`` extending
``claims/_layout.html``), so every tab works as a full page load."""

from __future__ import annotations

from flask import abort, current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from app.auth.models import User
from app.claims.dispute_models import ClaimDispute, DisputeStage
from app.claims.models import Claim
from app.contracts.models import Contract
from app.crm.models import Client
from app.extensions import db

#: (endpoint, label) of the claim's tabs, in order; a tab shows once its view exists
TABS = (
    ("claims.show", _l("Declaration")),
    ("claims.cover", _l("Cover")),
    ("claims.expertise", _l("Experts")),
    ("claims.liability", _l("Liability")),
    ("claims.settlement", _l("Damages and settlement")),
    ("claims.disputes", _l("Disputes")),
    ("claims.letters", _l("Letters")),
    ("claims.timeline", _l("Timeline")),
)


MAX_ID = 2**63 - 1  # BIGINT keys: a larger id names nothing


def claim_or_404(claim_id: int) -> Claim:
    return (db.session.get(Claim, claim_id) if claim_id <= MAX_ID else None) or abort(404)


def tabs() -> list[tuple[str, str]]:
    return [(endpoint, label) for endpoint, label in TABS if endpoint in current_app.view_functions]


def header(claim: Claim) -> dict:
    """What ``claims/_layout.html`` needs: pass it to ``render_template``."""
    open_dispute = db.session.scalar(select(ClaimDispute).where(
        ClaimDispute.claim_id == claim.id, ClaimDispute.stage != DisputeStage.CLOSED.value).limit(1))
    return {"claim": claim, "client": db.session.get(Client, claim.client_id),
            "contract": db.session.get(Contract, claim.contract_id),
            "handler": db.session.get(User, claim.handler_id) if claim.handler_id else None,
            "open_dispute": open_dispute, "claim_tabs": tabs()}

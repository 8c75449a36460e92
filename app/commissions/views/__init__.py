"""Commission screens: lines, beneficiaries and payouts, insurer statements,
reconciliation and disputes. One blueprint, a module per screen family."""

from __future__ import annotations

from flask import Blueprint

from app.auth.access import guard_blueprint

bp = guard_blueprint(Blueprint("commissions", __name__, url_prefix="/commissions"))

from app.commissions.views import beneficiaries, disputes, lines, statements  # noqa: E402,F401

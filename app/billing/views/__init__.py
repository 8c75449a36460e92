"""Premiums screens: calls, the month's generation, payments, bank
statements, Stripe, the overdue procedure and the reports. One blueprint,
a module per screen family."""

from __future__ import annotations

from flask import Blueprint

from app.auth.access import guard_blueprint

bp = guard_blueprint(Blueprint("billing", __name__, url_prefix="/premiums"))

from app.billing.views import bank, calls, generation, overdue, payments, reports, settings, stripe  # noqa: E402,F401

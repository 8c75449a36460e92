"""Claims: the per-handler workload view, for managers."""

from __future__ import annotations

from datetime import date

from flask import render_template

from app.auth.access import requires
from app.auth.rules import Permission
from app.claims import queue
from app.claims.views import bp
from app.claims.workload import OLD_AFTER_DAYS, loads_of
from app.extensions import db


@bp.get("/workload")
@requires(Permission.SUPERVISE)
def workload():
    handlers, unassigned, totals = loads_of(db.session, date.today())
    return render_template("claims/workload.html", handlers=handlers, unassigned=unassigned, totals=totals,
                           statuses=queue.OPEN_STATUSES, old_after=OLD_AFTER_DAYS)

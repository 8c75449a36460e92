"""The root page: the platform's landing on the bare domain, the firm's
dashboard on a tenant's host."""

from __future__ import annotations

from datetime import date

from flask import Blueprint, g, render_template
from flask_login import current_user

from app.audit import services as audit
from app.auth import services as accounts
from app.auth.access import check_access
from app.auth.rules import Permission, can
from app.extensions import db
from app.tasks import services as task_list
from app.workspace import services as overview

#: "/" exists on every host, so it lives in an any-host blueprint.
home_bp = Blueprint("home", __name__)


@home_bp.get("/")
def index():
    if g.tenant is None:
        return render_template("platform/landing.html")
    return check_access() or dashboard()


def dashboard():
    """The day's work (tasks, needs analyses in progress), the portfolio in
    figures, the team and, for those who may read the audit log, the recent
    activity. Supervisors see everybody's needs analyses, handlers their own."""
    entries = []
    if can(current_user.role, Permission.MANAGE_TEAM):
        entries, _total = audit.recent(db.session, per_page=10)
    supervisor = can(current_user.role, Permission.SUPERVISE)
    return render_template(
        "workspace/home.html", entries=entries, team=accounts.list_users(db.session), user=current_user,
        figures=overview.portfolio_figures(db.session), tasks=overview.open_tasks(db.session, current_user.id),
        task_counts=task_list.counts(db.session, task_list.TaskFilters(user_id=current_user.id), date.today()),
        needs=overview.needs_in_progress(db.session, None if supervisor else current_user.id),
        everybody=supervisor, today=date.today(),
    )

"""Renewals in the next 90 days, and the firm's indexation rates."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select

from app.auth.access import guard_blueprint, requires
from app.auth.models import User
from app.auth.rules import Permission
from app.catalog.lines import LINES
from app.extensions import db, htmx
from app.letters.links import contract_page_url
from app.renewals import rules
from app.renewals import services as renewals
from app.renewals.forms import IndexRatesForm

bp = guard_blueprint(Blueprint("renewals", __name__, url_prefix="/renewals"))

PER_PAGE = 50


@bp.get("")
def index():
    handler_id = request.args.get("handler", type=int)
    page = max(request.args.get("page", 1, type=int), 1)
    rows = renewals.upcoming(db.session, today=date.today(), handler_id=handler_id)
    handlers = db.session.scalars(select(User).where(User.is_active.is_(True)).order_by(User.full_name)).all()
    context = {"rows": rows[(page - 1) * PER_PAGE:page * PER_PAGE], "total": len(rows), "page": page,
               "per_page": PER_PAGE, "handlers": handlers, "handler_id": handler_id, "days": rules.HORIZON_DAYS,
               "today": date.today(), "contract_url": contract_page_url}
    template = "renewals/_table.html" if htmx and htmx.target == "renewals-table" else "renewals/index.html"
    return render_template(template, **context)


@bp.get("/settings")
@requires(Permission.MANAGE_CATALOG)
def settings():
    rates = renewals.index_rates(db.session)
    form = IndexRatesForm(data={f"rate_{line.value}": rates.get(line.value, Decimal("0.00")) for line in LINES})
    return render_template("renewals/settings.html", form=form, lines=LINES)


@bp.post("/settings")
@requires(Permission.MANAGE_CATALOG)
def save_settings():
    form = IndexRatesForm()
    if not form.validate_on_submit():
        return render_template("renewals/settings.html", form=form, lines=LINES), 422
    for line in LINES:
        renewals.set_index_rate(db.session, current_user, line.value, form.rate_field(line.value).data)
    db.session.commit()
    flash(_("Indexation rates are saved: they apply to the next notices and renewals."), "success")
    return redirect(url_for("renewals.settings"), code=303)

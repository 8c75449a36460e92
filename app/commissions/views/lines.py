"""Commission screens: the commission lines (filters, totals, pages, export)."""

from __future__ import annotations

from flask import abort, current_app, flash, render_template, request, url_for
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from app.audit import services as audit
from app.catalog.lines import LINES
from app.commissions import beneficiaries, listing
from app.commissions.forms import EARNED_WHEN_LABELS, STATUS_LABELS, error_message
from app.commissions.listing import LineFilters
from app.commissions.views import bp
from app.extensions import db, htmx
from app.web.downloads import EXPORT_FORMATS, spreadsheet

PER_PAGE = 50
#: the tabs of the commission screens; those whose screen is not there are left out
TABS = (("commissions.index", _l("Commission lines")), ("commissions.beneficiaries", _l("Beneficiaries")),
        ("commissions.payouts_index", _l("Payouts")), ("commissions.statement_list", _l("Insurer statements")),
        ("commissions.dispute_list", _l("Disputes")))


@bp.context_processor
def commission_labels() -> dict:
    return {"line_status_labels": STATUS_LABELS, "earned_when_labels": EARNED_WHEN_LABELS,
            "commission_tabs": [(endpoint, label) for endpoint, label in TABS
                                if endpoint in current_app.view_functions]}


def show_error(form, error) -> int:
    """Put the problem next to its field (or flash it); return the status to answer."""
    message = error_message(error)
    field = getattr(form, error.field, None) if getattr(error, "field", None) else None
    if field is not None:
        field.errors = [*field.errors, message]
    else:
        flash(message, "danger")
    return 409 if error.code == "stale" else 422


def list_filters() -> LineFilters:
    args = request.args
    return LineFilters(insurer_id=args.get("insurer", type=int), line=args.get("line", "")[:20],
                       status=args.get("status", "")[:20], month=args.get("month", "")[:7],
                       beneficiary_id=args.get("beneficiary", type=int))


def list_url(endpoint: str = "commissions.index", **changes) -> str:
    args = {key: value for key, value in (request.args.to_dict() | changes).items() if value not in (None, "")}
    return url_for(endpoint, **args)


@bp.get("/")
def index():
    filters = list_filters()
    page = max(request.args.get("page", 1, type=int), 1)
    rows, total = listing.page_of(db.session, filters, page, PER_PAGE)
    context = {"rows": rows, "total": total, "page": page, "per_page": PER_PAGE, "filters": filters,
               "totals": listing.totals(db.session, filters), "list_url": list_url}
    if htmx and not htmx.history_restore_request:
        return render_template("commissions/lines/_results.html", **context)
    return render_template("commissions/lines/index.html", insurers=listing.insurers(db.session), lines=LINES,
                           beneficiaries=[row[0] for row in beneficiaries.listing(db.session)], **context)


@bp.get("/export.<fmt>")
def export(fmt: str):
    if fmt not in EXPORT_FORMATS:
        abort(404)
    response = spreadsheet(listing.export_rows(db.session, list_filters()), fmt, sheet="Commissions",
                           stem="commissions")
    audit.record(db.session, current_user, "commission_line.export", "commission_line", None, after={"format": fmt})
    db.session.commit()
    return response

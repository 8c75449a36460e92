"""Complaints in the workspace: the dashboard of pending complaints by
deadline (ACPR 2022-R-01) with its counts and filters, a complaint's page
where the handler records the acknowledgement and the answer (its letter
PDF emailed to the client, naming the mediator when the complaint is
rejected), and the yearly register export. The staff entry form lives in
:mod:`app.complaints.entry_views`."""

from __future__ import annotations

from datetime import date

from flask import Blueprint, abort, flash, g, redirect, render_template, request, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_login import current_user

from app.audit import services as audit
from app.auth.access import guard_blueprint
from app.auth.models import User
from app.catalog.models import Insurer
from app.claims.models import Claim
from app.complaints import answer_letter, dashboard, labels, register, rules
from app.complaints import mediator as mediators
from app.complaints import services as complaints
from app.complaints.models import Complaint, ComplaintAbout, ComplaintStatus
from app.contracts.models import Contract, Letter
from app.crm.models import Client
from app.documents import services as documents
from app.extensions import db
from app.web.downloads import EXPORT_FORMATS, attachment, spreadsheet

bp = guard_blueprint(Blueprint("complaints", __name__, url_prefix="/complaints"))


@bp.context_processor
def complaint_labels() -> dict:
    return {"complaint_labels": labels, "complaint_late": complaints.late_steps}


@bp.app_context_processor
def complaint_mediators() -> dict:
    """``complaint_mediators()`` in every template (the portal's complaints
    too): the firm's mediator (None until set) and the insurers'."""
    return {"complaint_mediators": lambda: (mediators.of_firm(g.get("tenant")), mediators.of_insurers())}


def _filters() -> dashboard.Filters:
    args = request.args
    statuses = {dashboard.PENDING, dashboard.ALL} | {item.value for item in ComplaintStatus}
    handler = args.get("handler", "")
    year = args.get("year", "")
    return dashboard.Filters(
        status=args.get("status") if args.get("status") in statuses else dashboard.PENDING,
        about=args.get("about") if args.get("about") in {item.value for item in ComplaintAbout} else None,
        handler=handler if rules.row_id(handler) is not None or handler == dashboard.NO_HANDLER else None,
        year=int(year) if year.isdigit() and register.MIN_YEAR <= int(year) <= register.MAX_YEAR else None)


@bp.get("")
def index():
    filters, today = _filters(), date.today()
    page = min(max(request.args.get("page", 1, type=int), 1), dashboard.MAX_PAGE)
    rows, total = dashboard.page_of(db.session, filters, page, today)
    return render_template("complaints/index.html", groups=dashboard.grouped(rows), total=total, page=page,
                           per_page=dashboard.PER_PAGE, filters=filters, today=today,
                           counts=dashboard.counts(db.session, filters, today),
                           handlers=dashboard.handlers(db.session), years=dashboard.years(db.session, today))


@bp.get("/register")
def register_export():
    year, fmt = request.args.get("year", str(date.today().year)), request.args.get("format", "csv")
    if not year.isdigit() or not register.MIN_YEAR <= int(year) <= register.MAX_YEAR or fmt not in EXPORT_FORMATS:
        abort(404)
    table = register.rows(db.session, int(year), firm=g.tenant.name, today=date.today())
    audit.record(db.session, current_user, "complaint.export", "complaint", None,
                 after={"year": int(year), "format": fmt, "rows": len(table) - 1})
    db.session.commit()
    return spreadsheet(table, fmt, sheet=_("Complaints %(year)s", year=year), stem=f"complaints-register-{year}")


def _complaint_or_404(complaint_id: int) -> Complaint:
    found = db.session.get(Complaint, complaint_id) if complaint_id <= rules.MAX_ID else None
    return found or abort(404)


def _page(complaint: Complaint, problems: dict | None = None, status: int = 200):
    get = db.session.get
    return render_template(
        "complaints/show.html", complaint=complaint, client=get(Client, complaint.client_id),
        contract=get(Contract, complaint.contract_id) if complaint.contract_id else None,
        claim=get(Claim, complaint.claim_id) if complaint.claim_id else None,
        insurer=get(Insurer, complaint.insurer_id) if complaint.insurer_id else None,
        handler=get(User, complaint.handler_id) if complaint.handler_id else None,
        letter=get(Letter, complaint.answer_letter_id) if complaint.answer_letter_id else None,
        mediator=mediators.of_firm(g.tenant), problems=problems or {}, values=request.form, today=date.today(),
        outcomes=rules.OUTCOMES), status


def _date(value: str | None) -> date | None:
    try:
        return date.fromisoformat(value) if value else None
    except ValueError:
        return None


def _version() -> int:
    value = request.form.get("version", "")
    return int(value) if value.isdigit() else -1


@bp.get("/<int:complaint_id>")
def show(complaint_id: int):
    return _page(_complaint_or_404(complaint_id))


@bp.get("/<int:complaint_id>/letter")
def letter(complaint_id: int):
    complaint = _complaint_or_404(complaint_id)
    found = db.session.get(Letter, complaint.answer_letter_id) if complaint.answer_letter_id else None
    stored = documents.file_of(db.session, found.document_id) if found else None
    if stored is None:
        abort(404)
    document, content = stored
    return attachment(content, document.content_type, document.filename)


def _failed(complaint_id: int, exc: complaints.ComplaintError, field: str):
    db.session.rollback()
    problems = {name: labels.problem(code) for name, code in exc.problems.items()} or {field: labels.problem(exc.code)}
    return _page(_complaint_or_404(complaint_id), problems, 409 if exc.code == "stale" else 422)


@bp.post("/<int:complaint_id>/acknowledge")
def acknowledge(complaint_id: int):
    complaint = _complaint_or_404(complaint_id)
    try:
        complaints.acknowledge(db.session, current_user, complaint, on=_date(request.form.get("acknowledged_on")),
                               version=_version())
    except complaints.ComplaintError as exc:
        return _failed(complaint_id, exc, "acknowledge")
    db.session.commit()
    flash(_("Complaint %(reference)s acknowledged.", reference=complaint.reference), "success")
    return redirect(url_for("complaints.show", complaint_id=complaint_id), code=303)


@bp.post("/<int:complaint_id>/answer")
def answer(complaint_id: int):
    complaint = _complaint_or_404(complaint_id)
    try:
        complaints.answer(db.session, current_user, complaint, on=_date(request.form.get("answered_on")),
                          text=request.form.get("answer", ""), outcome=request.form.get("outcome"),
                          version=_version(), mediator_set=mediators.of_firm(g.tenant) is not None)
    except complaints.ComplaintError as exc:
        return _failed(complaint_id, exc, "answer_form")
    letter = answer_letter.compose(db.session, current_user, g.tenant, complaint)
    sent_to = answer_letter.send(db.session, current_user, g.tenant, complaint, letter, locale=str(get_locale()))
    db.session.commit()
    if sent_to:
        flash(_("Complaint %(reference)s answered: the answer letter is emailed to %(email)s and the client sees "
                "the answer in their client space.", reference=complaint.reference, email=sent_to), "success")
    else:
        flash(_("Complaint %(reference)s answered. The client has no email address: print the answer letter and "
                "post it.", reference=complaint.reference), "warning")
    return redirect(url_for("complaints.show", complaint_id=complaint_id), code=303)


@bp.post("/<int:complaint_id>/close")
def close(complaint_id: int):
    complaint = _complaint_or_404(complaint_id)
    try:
        complaints.close(db.session, current_user, complaint, version=_version())
    except complaints.ComplaintError as exc:
        return _failed(complaint_id, exc, "close")
    db.session.commit()
    flash(_("Complaint %(reference)s closed.", reference=complaint.reference), "success")
    return redirect(url_for("complaints.index"), code=303)


from app.complaints import entry_views  # noqa: E402,F401  (the staff entry's routes on this blueprint)

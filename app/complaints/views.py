"""Complaints in the workspace: the firm's list, the ones still to handle
first by their nearest deadline with a badge when one is missed, and a
complaint's page where the handler records the acknowledgement and the
answer (ACPR 2022-R-01). The complaints issue grows it (dashboard, alerts,
answer letter, yearly register)."""

from __future__ import annotations

from datetime import date

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from app.auth.access import guard_blueprint
from app.auth.models import User
from app.catalog.models import Insurer
from app.complaints import labels
from app.complaints import services as complaints
from app.complaints.models import Complaint, ComplaintStatus
from app.contracts.models import Contract
from app.crm.models import Client
from app.extensions import db

bp = guard_blueprint(Blueprint("complaints", __name__, url_prefix="/complaints"))


@bp.context_processor
def complaint_labels() -> dict:
    return {"complaint_labels": labels, "complaint_late": complaints.late_steps}


@bp.get("")
def index():
    status = request.args.get("status") or None
    if status not in {item.value for item in ComplaintStatus}:
        status = None
    page = max(request.args.get("page", 1, type=int), 1)
    rows, total = complaints.queue(db.session, status, page)
    return render_template("complaints/index.html", rows=rows, total=total, page=page,
                           per_page=complaints.PER_PAGE, status=status)


def _complaint_or_404(complaint_id: int) -> Complaint:
    return db.session.get(Complaint, complaint_id) or abort(404)


def _page(complaint: Complaint, problems: dict | None = None, status: int = 200):
    return render_template(
        "complaints/show.html", complaint=complaint, client=db.session.get(Client, complaint.client_id),
        contract=db.session.get(Contract, complaint.contract_id) if complaint.contract_id else None,
        insurer=db.session.get(Insurer, complaint.insurer_id) if complaint.insurer_id else None,
        handler=db.session.get(User, complaint.handler_id) if complaint.handler_id else None,
        problems=problems or {}, values=request.form, today=date.today()), status


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
                          text=request.form.get("answer", ""), version=_version())
    except complaints.ComplaintError as exc:
        return _failed(complaint_id, exc, "answer_form")
    db.session.commit()
    flash(_("Complaint %(reference)s answered: the client sees the answer in their client space.",
            reference=complaint.reference), "success")
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

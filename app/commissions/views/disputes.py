"""Commission screens: disputes with insurers. Opened from a statement line
paid less than expected or missing (a confirmation page shows the claim),
listed by insurer and status with their age, followed with notes, and
closed as resolved or abandoned after a confirmation page, checking the
version the person saw."""

from __future__ import annotations

from datetime import date

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy.orm.exc import StaleDataError

from app.commissions import disputes, reconciliation_rules, statements
from app.commissions.disputes import DisputeError, DisputeFilters
from app.commissions.statement_forms import (DISPUTE_STATUS_LABELS, AbandonForm, NoteForm, OpenDisputeForm,
                                             ResolveForm, add_error, problem_message)
from app.commissions.views import bp
from app.extensions import db

PER_PAGE = 50
#: problems shown next to another field than the form's main one
CODE_FIELDS = {"resolved_on_required": "resolved_on", "resolved_on_future": "resolved_on",
               "resolved_before_opened": "resolved_on"}


def dispute_or_404(dispute_id: int):
    return disputes.get(db.session, dispute_id) or abort(404)


def refused(form, field: str, error: DisputeError) -> int:
    """Show the refusal next to ``field`` (or above the form); the status to answer."""
    db.session.rollback()
    message = problem_message(error.code)
    target = getattr(form, CODE_FIELDS.get(error.code, field), None)
    if target is not None and error.code not in {"stale", "dispute_closed"}:
        add_error(target, message)
    else:
        flash(message, "danger")
    return 409 if error.code in {"stale", "dispute_closed", "dispute_exists"} else 422


@bp.route("/statements/<int:statement_id>/lines/<int:line_id>/dispute", methods=["GET", "POST"])
def open_dispute(statement_id: int, line_id: int):
    statement = statements.get(db.session, statement_id) or abort(404)
    line = statements.line_of(db.session, statement.id, line_id) or abort(404)
    existing = disputes.on_line(db.session, line.id)
    if existing is not None:
        return redirect(url_for("commissions.dispute", dispute_id=existing.id), code=303)
    form, status = OpenDisputeForm(), 200
    if request.method == "POST" and form.validate_on_submit():
        try:
            dispute = disputes.open_dispute(db.session, current_user, statement, line, form.note.data, date.today())
            db.session.commit()
        except DisputeError as exc:
            status = refused(form, "note", exc)
        else:
            flash(_("The dispute is opened."), "success")
            return redirect(url_for("commissions.dispute", dispute_id=dispute.id), code=303)
    elif request.method == "POST":
        status = 422
    try:
        claim = disputes.claim_for(line)
    except DisputeError as exc:
        claim, status = None, 422 if request.method == "POST" else status
        flash(problem_message(exc.code), "warning")
    return render_template("commissions/disputes/open.html", statement=statement, line=line, form=form,
                           claim=claim, insurer=statements.insurer_of(db.session, statement.insurer_id)), status


@bp.get("/disputes")
def dispute_list():
    status = request.args.get("status", "")
    filters = DisputeFilters(insurer_id=request.args.get("insurer", type=int),
                             status=status if status in DISPUTE_STATUS_LABELS else "")
    page = max(request.args.get("page", 1, type=int), 1)
    rows, total, claimed = disputes.disputes_page(db.session, filters, page, PER_PAGE)
    return render_template("commissions/disputes/index.html", rows=rows, total=total, claimed=claimed, page=page,
                           per_page=PER_PAGE, filters=filters, insurers=statements.insurers(db.session),
                           today=date.today(), age=reconciliation_rules.age_in_days,
                           list_url=lambda **changes: _args_url("commissions.dispute_list", **changes))


def _args_url(endpoint: str, **changes) -> str:
    args = {key: value for key, value in (request.args.to_dict() | changes).items() if value not in (None, "")}
    return url_for(endpoint, **args)


def render_dispute(dispute, status: int = 200, note_form: NoteForm | None = None):
    return render_template("commissions/disputes/show.html", dispute=dispute,
                           insurer=statements.insurer_of(db.session, dispute.insurer_id),
                           found=disputes.statement_of(db.session, dispute), notes=disputes.notes_of(db.session,
                                                                                                   dispute.id),
                           note_form=note_form or NoteForm(formdata=None), today=date.today(),
                           age=reconciliation_rules.age_in_days), status


@bp.get("/disputes/<int:dispute_id>")
def dispute(dispute_id: int):
    return render_dispute(dispute_or_404(dispute_id))


@bp.post("/disputes/<int:dispute_id>/notes")
def add_note(dispute_id: int):
    found = dispute_or_404(dispute_id)
    form = NoteForm()
    if not form.validate_on_submit():
        return render_dispute(found, 422, form)
    try:
        disputes.add_note(db.session, current_user, found, form.text.data)
        db.session.commit()
    except DisputeError as exc:
        return render_dispute(dispute_or_404(dispute_id), refused(form, "text", exc), form)
    flash(_("The note is added."), "success")
    return redirect(url_for("commissions.dispute", dispute_id=found.id, _anchor="notes"), code=303)


def _close(dispute_id: int, form, template: str, field: str, action):
    """The confirmation page of a closing step (GET), and the step itself (POST)."""
    found = dispute_or_404(dispute_id)
    if request.method == "GET":
        form.version.data = found.version
        return render_template(template, dispute=found, form=form, today=date.today()), 200
    status = 422
    if form.validate_on_submit():
        try:
            action(found, form)
            db.session.commit()
        except DisputeError as exc:
            status = refused(form, field, exc)
        except StaleDataError:
            status = refused(form, field, DisputeError("stale"))
        else:
            return redirect(url_for("commissions.dispute", dispute_id=dispute_id), code=303)
    return render_template(template, dispute=dispute_or_404(dispute_id), form=form, today=date.today()), status


@bp.route("/disputes/<int:dispute_id>/resolve", methods=["GET", "POST"])
def resolve_dispute(dispute_id: int):
    def resolve(found, form):
        disputes.resolve(db.session, current_user, found, version=form.version.data, recovered=form.recovered.data,
                         resolved_on=form.resolved_on.data, today=date.today())
        flash(_("The dispute is resolved."), "success")

    form = ResolveForm(formdata=None, resolved_on=date.today()) if request.method == "GET" else ResolveForm()
    return _close(dispute_id, form, "commissions/disputes/resolve.html", "recovered", resolve)


@bp.route("/disputes/<int:dispute_id>/abandon", methods=["GET", "POST"])
def abandon_dispute(dispute_id: int):
    def abandon(found, form):
        disputes.abandon(db.session, current_user, found, version=form.version.data, reason=form.reason.data,
                         today=date.today())
        flash(_("The dispute is abandoned."), "success")

    form = AbandonForm(formdata=None) if request.method == "GET" else AbandonForm()
    return _close(dispute_id, form, "commissions/disputes/abandon.html", "reason", abandon)

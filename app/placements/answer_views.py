"""The insurer's answer recorded by the handler (it came by email or phone),
the handler's replies, and resending or cancelling the placement's message
(routes on ``views.bp``)."""

from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy.orm.exc import StaleDataError

from app.auth.access import requires
from app.auth.rules import Permission
from app.documents.rules import MAX_UPLOAD_BYTES, upload_problem
from app.documents.views import UPLOAD_PROBLEMS
from app.extensions import db
from app.placements import services
from app.placements.forms import AcceptForm, DeclineForm, InformationForm, ReplyForm
from app.placements.views import bp, error_message, load_placement, show_context

MANUAL = "manual"


def _back(placement):
    return redirect(url_for("placements.show", placement_id=placement.id), code=303)


def _refused(placement_id: int, form_name: str, form, code: str):
    """Show the placement again with the form as typed and why it was refused."""
    db.session.rollback()
    placement = load_placement(placement_id)
    status = 409 if code == "stale" or code.startswith("already_") else 422
    flash(error_message(code), "danger")
    return render_template("placements/show.html", **show_context(placement, **{form_name: form})), status


def _apply(placement_id: int, form_name: str, form, action):
    """Validate ``form``, check it answers the placement as shown, run
    ``action(placement)`` and commit; or show the page again (422/409)."""
    placement = load_placement(placement_id)
    if not form.validate_on_submit():
        db.session.rollback()
        return render_template("placements/show.html", **show_context(placement, **{form_name: form})), 422
    if form.version.data != placement.version:
        return _refused(placement_id, form_name, form, "stale")
    try:
        action(placement)
        db.session.commit()
    except services.PlacementError as exc:
        return _refused(placement_id, form_name, form, exc.code)
    except StaleDataError:
        return _refused(placement_id, form_name, form, "stale")
    return None


def _uploads(form: AcceptForm) -> list[tuple[str, bytes]] | None:
    """The files uploaded, checked by content; None (with the field's error) when one is refused."""
    files = []
    for upload in form.documents.data or ():
        if not getattr(upload, "filename", ""):
            continue
        content = upload.read(MAX_UPLOAD_BYTES + 1)
        problem = upload_problem(content)
        if problem:
            form.documents.errors = [*form.documents.errors, f"{upload.filename}: {UPLOAD_PROBLEMS[problem]}"]
            return None
        files.append((upload.filename, content))
    return files


@bp.post("/<int:placement_id>/accept")
def accept(placement_id: int):
    form = AcceptForm()
    uploads = _uploads(form) if form.validate_on_submit() else []
    if uploads is None:
        db.session.rollback()
        placement = load_placement(placement_id)
        return render_template("placements/show.html", **show_context(placement, accept_form=form)), 422
    response = _apply(placement_id, "accept_form", form, lambda placement: services.accept(
        db.session, current_user, placement, policy_number=form.policy_number.data,
        effective_date=form.effective_date.data, final_premium=form.final_premium.data, documents=uploads,
        via=MANUAL))
    if response is not None:
        return response
    flash(_("The insurer's acceptance is recorded: the contract is active."), "success")
    return _back(load_placement(placement_id))


@bp.post("/<int:placement_id>/decline")
def decline(placement_id: int):
    form = DeclineForm()
    response = _apply(placement_id, "decline_form", form, lambda placement: services.decline(
        db.session, current_user, placement, reason=form.reason.data, via=MANUAL))
    if response is not None:
        return response
    flash(_("The insurer's refusal is recorded."), "success")
    return _back(load_placement(placement_id))


@bp.post("/<int:placement_id>/information")
def request_information(placement_id: int):
    form = InformationForm()
    response = _apply(placement_id, "information_form", form, lambda placement: services.request_information(
        db.session, current_user, placement, message=form.message.data, via=MANUAL))
    if response is not None:
        return response
    flash(_("The insurer's question is recorded, with a task for its handler."), "success")
    return _back(load_placement(placement_id))


@bp.post("/<int:placement_id>/reply")
def reply(placement_id: int):
    form = ReplyForm()
    response = _apply(placement_id, "reply_form", form, lambda placement: services.reply(
        db.session, current_user, placement, body=form.body.data))
    if response is not None:
        return response
    flash(_("Your answer is noted; the placement waits for the insurer again."), "success")
    return _back(load_placement(placement_id))


def _confirm(placement, action: str):
    return render_template("placements/confirm.html", placement=placement, action=action,
                           message=services.message_of(db.session, placement))


@bp.route("/<int:placement_id>/resend", methods=["GET", "POST"])
@requires(Permission.WRITE)
def resend(placement_id: int):
    placement = load_placement(placement_id)
    if request.method == "GET":
        return _confirm(placement, "resend")
    try:
        services.resend(db.session, current_user, placement)
    except services.PlacementError as exc:
        db.session.rollback()
        flash(error_message(exc.code), "danger")
        return _back(placement)
    flash(_("The placement is being sent again, with the same idempotency key."), "success")
    return _back(placement)


@bp.route("/<int:placement_id>/cancel", methods=["GET", "POST"])
@requires(Permission.WRITE)
def cancel(placement_id: int):
    placement = load_placement(placement_id)
    if request.method == "GET":
        return _confirm(placement, "cancel")
    try:
        delivered = services.cancel(db.session, current_user, placement)
    except services.PlacementError as exc:
        db.session.rollback()
        flash(error_message(exc.code), "danger")
        return _back(placement)
    if delivered:
        flash(_("The placement is cancelled. The insurer had already received it: tell them it is withdrawn."),
              "warning")
    else:
        flash(_("The placement is cancelled; its message will not be sent."), "success")
    return _back(placement)

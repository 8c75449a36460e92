"""The firm's queue of clients' change requests from the portal: open ones
oldest first, each with its structured details, answered as done (with the
endorsement that carries it out) or refused with a reason."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from app.auth.access import guard_blueprint
from app.contracts.models import Contract
from app.crm.models import Client
from app.extensions import db
from app.portal import requests
from app.portal.models import ClientRequest
from app.portal.request_views import FIELD_LABELS, KIND_LABELS, STATUS_BADGES, STATUS_LABELS

bp = guard_blueprint(Blueprint("client_requests", __name__, url_prefix="/requests"))

ANSWER_ERRORS = {
    "stale": _l("Someone answered this request meanwhile: reload the page."),
    "closed": _l("This request is already answered."),
    "status_invalid": _l("Choose done or refused."),
    "required": _l("Say why the request is refused."),
    "unknown": _l("This contract has no endorsement with this number."),
}


@bp.context_processor
def labels() -> dict:
    return {"request_kind_labels": KIND_LABELS, "request_status_labels": STATUS_LABELS,
            "request_status_badges": STATUS_BADGES, "request_field_labels": FIELD_LABELS}


@bp.get("")
def index():
    status = request.args.get("status") or None
    if status not in (None, "open", "done", "refused"):
        status = None
    page = max(request.args.get("page", 1, type=int), 1)
    rows, total = requests.queue(db.session, status, page)
    return render_template("portal/staff/requests.html", rows=rows, total=total, page=page,
                           per_page=requests.PER_PAGE, status=status)


def _page(item: ClientRequest, errors: dict | None = None, status: int = 200):
    return render_template("portal/staff/request.html", item=item, client=db.session.get(Client, item.client_id),
                           contract=db.session.get(Contract, item.contract_id), errors=errors or {},
                           values=request.form), status


@bp.get("/<int:request_id>")
def show(request_id: int):
    return _page(db.session.get(ClientRequest, request_id) or abort(404))


@bp.post("/<int:request_id>/answer")
def answer(request_id: int):
    item = db.session.get(ClientRequest, request_id) or abort(404)
    number, version = request.form.get("endorsement", "").strip(), request.form.get("version", "")
    if number and not number.isdigit():
        return _page(item, {"endorsement": ANSWER_ERRORS["unknown"]}, 422)
    try:
        requests.answer(db.session, current_user, item, status=request.form.get("status", ""),
                        text=request.form.get("answer"), endorsement_number=int(number) if number else None,
                        version=int(version) if version.isdigit() else -1)
    except requests.RequestError as exc:
        db.session.rollback()
        item = db.session.get(ClientRequest, request_id)
        errors = {field: ANSWER_ERRORS[code] for field, code in exc.problems.items()} or \
            {"form": ANSWER_ERRORS[exc.code]}
        return _page(item, errors, 409 if exc.code == "stale" else 422)
    db.session.commit()
    flash(_("Request %(reference)s answered: the client sees it in their client space.", reference=item.reference),
          "success")
    return redirect(url_for("client_requests.index"), code=303)

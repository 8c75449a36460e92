"""A complaint received by email, phone or letter, entered by the handler
for a client: first the client (their name or reference, suggested as
typed), then the complaint — about the firm or an insurer, optionally one
of that client's contracts or claims, the day it was received (the
deadlines run from it), subject and description."""

from __future__ import annotations

from datetime import date

from flask import flash, redirect, render_template, request, url_for
from flask_babel import format_date
from flask_babel import gettext as _
from flask_login import current_user

from app.auth.access import requires
from app.auth.rules import Permission
from app.catalog.models import Insurer
from app.claims.models import Claim
from app.complaints import dashboard, labels, rules
from app.complaints import services as complaints
from app.complaints.views import bp
from app.contracts.entry import client_by_reference
from app.contracts.models import Contract
from app.crm.models import Client
from app.extensions import db

#: the form's id fields, the model each names and the service's argument
_PICKED = (("contract_id", Contract, "contract"), ("insurer_id", Insurer, "insurer"), ("claim_id", Claim, "claim"))


def _form(client: Client | None, problems: dict | None = None, status: int = 200):
    return render_template(
        "complaints/new.html", client=client, values=request.values, today=date.today(),
        contracts=complaints.contracts_of(db.session, client) if client else [],
        claims=complaints.claims_of(db.session, client) if client else [],
        insurers=complaints.insurers(db.session), handlers=dashboard.handlers(db.session),
        channels=rules.STAFF_CHANNELS, max_subject=rules.MAX_SUBJECT, max_description=rules.MAX_DESCRIPTION,
        default_handler=(client.handler_id if client and client.handler_id else current_user.id),
        problems={name: labels.problem(code) for name, code in (problems or {}).items()}), status


def _picked() -> tuple[dict, dict]:
    """The contract, insurer, claim and handler chosen, and the problems of
    ids that name nothing (tampered forms, another firm's ids)."""
    chosen, problems = {}, {}
    for field, model, argument in _PICKED:
        raw, row_id = request.form.get(field, "").strip(), rules.row_id(request.form.get(field))
        chosen[argument] = db.session.get(model, row_id) if row_id is not None else None
        if raw and chosen[argument] is None:
            problems[argument] = "choice_invalid"
    if request.form.get("channel") not in rules.STAFF_CHANNELS:   # the portal files its own
        problems["channel"] = "choice_invalid"
    handler = request.form.get("handler_id", "").strip()
    chosen["handler_id"] = rules.row_id(handler)
    if handler and chosen["handler_id"] is None:
        problems["handler"] = "choice_invalid"
    raw_day = request.form.get("received_on", "")
    try:
        chosen["received_on"] = date.fromisoformat(raw_day) if raw_day else None
    except ValueError:
        chosen["received_on"] = None
    return chosen, problems


@bp.route("/new", methods=["GET", "POST"])
@requires(Permission.WRITE)
def new():
    reference = request.values.get("client_reference", "").strip()
    client = client_by_reference(db.session, reference[:40]) if reference else None
    if client is None:
        return _form(None, {"client_reference": "client_unknown"} if reference else None, 422 if reference else 200)
    if request.method == "GET":
        return _form(client)
    chosen, problems = _picked()
    fields = {name: request.form.get(name, "") for name in ("about", "subject", "description", "channel")}
    if problems:
        return _form(client, complaints.filing_problems(db.session, client, **fields, **chosen,
                                                        today=date.today()) | problems, 422)
    try:
        complaint = complaints.file(db.session, current_user, client, **fields, **chosen)
    except complaints.ComplaintError as exc:
        db.session.rollback()
        return _form(client, exc.problems, 422)
    db.session.commit()
    flash(_("Complaint %(reference)s registered: acknowledge it by %(acknowledge)s and answer it by %(answer)s.",
            reference=complaint.reference, acknowledge=format_date(complaint.acknowledge_by, "long"),
            answer=format_date(complaint.answer_by, "long")), "success")
    return redirect(url_for("complaints.show", complaint_id=complaint.id), code=303)

"""Complaints on the portal: the client files a complaint about the firm or
about the insurer of one of their contracts, gets the reference and the
deadlines (ACPR 2022-R-01) on screen and by email, and follows its status
and the firm's answer."""

from __future__ import annotations

from flask import abort, flash, g, redirect, render_template, request, url_for
from flask_babel import format_date, get_locale
from flask_babel import gettext as _

from app.complaints import labels, rules
from app.complaints import services as complaints
from app.complaints.models import ComplaintChannel
from app.crm.models import Client
from app.extensions import db
from app.portal import records
from app.portal.views import bp


@bp.context_processor
def complaint_labels() -> dict:
    return {"complaint_labels": labels}


def _form_page(problems: dict | None = None, status: int = 200):
    return render_template("portal/complaint_form.html",
                           contracts=records.contracts_of(db.session, g.portal_account), values=request.form,
                           max_subject=rules.MAX_SUBJECT, max_description=rules.MAX_DESCRIPTION,
                           problems={name: labels.problem(code) for name, code in (problems or {}).items()}), status


@bp.route("/complaints/new", methods=["GET", "POST"])
def new_complaint():
    if request.method == "GET":
        return _form_page()
    account = g.portal_account
    contract = None
    contract_id = request.form.get("contract_id", "").strip()
    if contract_id:
        if not contract_id.isdigit():
            abort(404)
        contract = records.contract_of(db.session, account, int(contract_id)) or abort(404)
    client = db.session.get(Client, account.client_id)
    try:
        complaint = complaints.file(db.session, None, client, about=request.form.get("about", ""),
                                    subject=request.form.get("subject", ""),
                                    description=request.form.get("description", ""),
                                    channel=ComplaintChannel.PORTAL.value, contract=contract, account_id=account.id)
    except complaints.ComplaintError as exc:
        db.session.rollback()
        return _form_page(exc.problems or {"contract_id": exc.code}, 422)
    complaints.email_receipt(db.session, g.tenant, complaint, to=account.email, name=account.display_name,
                             locale=str(get_locale()))
    db.session.commit()
    flash(_("Your complaint is registered under number %(reference)s. We acknowledge it by %(acknowledge)s and "
            "answer it by %(answer)s at the latest.", reference=complaint.reference,
            acknowledge=format_date(complaint.acknowledge_by, "long"),
            answer=format_date(complaint.answer_by, "long")), "success")
    return redirect(url_for("portal.complaint_list"), code=303)


@bp.get("/complaints")
def complaint_list():
    return render_template("portal/complaints.html",
                           items=complaints.of_client(db.session, g.portal_account.client_id))

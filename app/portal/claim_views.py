"""Claims on the portal: declare a claim on one of the client's contracts in
a form that follows the contract's line, with photos and documents; follow
it, with the procedure and the deadlines, and exchange messages with the
firm."""

from __future__ import annotations

import io

from flask import abort, flash, g, redirect, render_template, request, send_file, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from app.claims import labels, rules, settlement
from app.claims import services as claims
from app.claims.declaration_form import form_values, uploads_of
from app.claims.models import Claim, ClaimChannel
from app.contracts.models import Contract
from app.documents import services as documents
from app.extensions import db
from app.portal import records
from app.portal.views import bp


@bp.context_processor
def claim_labels() -> dict:
    return {"claim_labels": labels}


def _claim_of_account(claim_id: int) -> Claim:
    claim = db.session.get(Claim, claim_id)
    if claim is None or records.contract_of(db.session, g.portal_account, claim.contract_id) is None:
        abort(404)
    return claim


def _declare_page(contract: Contract, problems: dict | None = None, status: int = 200):
    return render_template("portal/claim_form.html", contract=contract, kinds=rules.kinds_for(contract.line),
                           sections=rules.sections_for(contract.line), values=request.form,
                           problems={name: labels.problem(code) for name, code in (problems or {}).items()}), status


@bp.route("/contracts/<int:contract_id>/claims/new", methods=["GET", "POST"])
def declare_claim(contract_id: int):
    contract = records.contract_of(db.session, g.portal_account, contract_id) or abort(404)
    if contract.status not in ("active", "suspended"):
        abort(404)
    if request.method == "GET":
        return _declare_page(contract)
    values, problems = form_values(request.form)
    if problems:
        return _declare_page(contract, problems, 422)
    account = g.portal_account
    try:
        claim = claims.declare(db.session, None, contract, values.get("kind", ""), values,
                               uploads_of(request.files, "attachments"), channel=ClaimChannel.PORTAL.value,
                               account_id=account.id)
    except claims.ClaimError as exc:
        db.session.rollback()
        return _declare_page(contract, exc.problems or {"attachments": exc.code}, 422)
    claims.email_receipt(db.session, claim, contract, account.email, account.display_name, str(get_locale()))
    db.session.commit()
    flash(_("Your claim is registered under number %(reference)s.", reference=claim.reference), "success")
    return redirect(url_for("portal.claim", claim_id=claim.id), code=303)


@bp.get("/claims")
def claim_list():
    mine = [claim for claim in claims.of_client(db.session, g.portal_account.client_id)]
    return render_template("portal/claims.html", claims=mine)


@bp.get("/claims/<int:claim_id>")
def claim(claim_id: int):
    found = _claim_of_account(claim_id)
    return render_template("portal/claim.html", claim=found, contract=db.session.get(Contract, found.contract_id),
                           attachments=claims.attachments_of(db.session, found, for_client=True),
                           messages=claims.messages_of(db.session, found), problems={},
                           **settlement.for_client(db.session, found))


@bp.post("/claims/<int:claim_id>/messages")
def claim_message(claim_id: int):
    found = _claim_of_account(claim_id)
    uploads = uploads_of(request.files, "attachment")
    try:
        claims.post_message(db.session, None, found, request.form.get("body", ""), side="client",
                            upload=uploads[0] if uploads else None, account_id=g.portal_account.id)
    except claims.ClaimError as exc:
        db.session.rollback()
        problems = {name: labels.problem(code) for name, code in exc.problems.items()} or \
            {"body": labels.problem(exc.code)}
        return render_template("portal/claim.html", claim=found,
                               contract=db.session.get(Contract, found.contract_id),
                               attachments=claims.attachments_of(db.session, found, for_client=True),
                               messages=claims.messages_of(db.session, found), problems=problems,
                               **settlement.for_client(db.session, found)), 422
    db.session.commit()
    flash(_("Your message is sent to your broker."), "success")
    return redirect(url_for("portal.claim", claim_id=claim_id) + "#messages", code=303)


@bp.get("/claims/<int:claim_id>/attachments/<int:attachment_id>")
def claim_attachment(claim_id: int, attachment_id: int):
    found = _claim_of_account(claim_id)
    document = claims.attachment_document(db.session, found, attachment_id, for_client=True,
                                          thumbnail=request.args.get("size") == "thumbnail") or abort(404)
    return send_file(io.BytesIO(documents.content_of(db.session, document)), mimetype=document.content_type,
                     as_attachment=not document.content_type.startswith("image/"), download_name=document.filename,
                     max_age=3600)

"""Claims in the workspace: the queue and a claim's page. This module holds
the blueprint, the queue and the claim's first tab (declaration, photos,
messages with the client, status); the other tabs' routes live in their own
modules, imported at the end (see :data:`app.claims.page.TABS`)."""

from __future__ import annotations

import io

from flask import Blueprint, abort, flash, redirect, render_template, request, send_file, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import func, select

from app.auth.access import guard_blueprint
from app.claims import labels, page
from app.claims import services as claims
from app.claims.models import Claim, ClaimStatus
from app.contracts.models import Contract
from app.crm.models import Client
from app.documents import services as documents
from app.extensions import db

bp = guard_blueprint(Blueprint("claims", __name__, url_prefix="/claims"))
PER_PAGE = 50


@bp.context_processor
def claim_labels() -> dict:
    return {"claim_labels": labels}


@bp.get("")
def index():
    status = request.args.get("status") or None
    if status not in {item.value for item in ClaimStatus}:
        status = None
    page = max(request.args.get("page", 1, type=int), 1)
    query = select(Claim, Client, Contract).join(Client, Client.id == Claim.client_id).join(
        Contract, Contract.id == Claim.contract_id)
    if status:
        query = query.where(Claim.status == status)
    total = db.session.scalar(select(func.count()).select_from(query.subquery()))
    rows = db.session.execute(query.order_by(Claim.created_at.desc(), Claim.id.desc())
                              .limit(PER_PAGE).offset((page - 1) * PER_PAGE)).all()
    return render_template("claims/index.html", rows=rows, total=total, page=page, per_page=PER_PAGE, status=status)


_claim_or_404 = page.claim_or_404


def _page(claim: Claim, problems: dict | None = None, status: int = 200):
    return render_template("claims/show.html", **page.header(claim),
                           attachments=claims.attachments_of(db.session, claim),
                           messages=claims.messages_of(db.session, claim), problems=problems or {}), status


@bp.get("/<int:claim_id>")
def show(claim_id: int):
    return _page(_claim_or_404(claim_id))


@bp.post("/<int:claim_id>/messages")
def message(claim_id: int):
    claim = _claim_or_404(claim_id)
    upload = request.files.get("attachment")
    try:
        claims.post_message(db.session, current_user, claim, request.form.get("body", ""), side="firm",
                            upload=claims.Upload(upload.filename, upload.read()) if upload and upload.filename
                            else None)
    except claims.ClaimError as exc:
        db.session.rollback()
        problems = {name: labels.problem(code) for name, code in exc.problems.items()} or \
            {"body": labels.problem(exc.code)}
        return _page(_claim_or_404(claim_id), problems, 422)
    db.session.commit()
    flash(_("Message sent: the client sees it in their client space."), "success")
    return redirect(url_for("claims.show", claim_id=claim_id) + "#messages", code=303)


@bp.post("/<int:claim_id>/status")
def change_status(claim_id: int):
    claim = _claim_or_404(claim_id)
    try:
        claims.set_status(db.session, current_user, claim, request.form.get("status", ""),
                          request.form.get("insurer_reference"), request.form.get("version", ""))
    except claims.ClaimError as exc:
        db.session.rollback()
        return _page(_claim_or_404(claim_id), {"status": labels.problem(exc.code)}, 409 if exc.code == "stale"
                     else 422)
    db.session.commit()
    flash(_("Claim %(reference)s updated.", reference=claim.reference), "success")
    return redirect(url_for("claims.show", claim_id=claim_id), code=303)


@bp.get("/<int:claim_id>/attachments/<int:attachment_id>")
def attachment(claim_id: int, attachment_id: int):
    claim = _claim_or_404(claim_id)
    document = claims.attachment_document(db.session, claim, attachment_id,
                                          thumbnail=request.args.get("size") == "thumbnail") or abort(404)
    return send_file(io.BytesIO(documents.content_of(db.session, document)), mimetype=document.content_type,
                     as_attachment=not document.content_type.startswith("image/"), download_name=document.filename)


from app.claims import (cover_views, dispute_views, expert_views, insurer_views, letter_views,  # noqa: E402,F401
                        liability_views, register_views, settlement_views, timeline_views, workload_views)

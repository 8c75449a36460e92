"""Claims in the workspace: the queue and a claim's page. This module holds
the blueprint, the queue (filters, pages, export, assignment of several
claims) and the claim's first tab (declaration, photos, messages with the
client, status, handler); the other tabs' routes live in their own
modules, imported at the end (see :data:`app.claims.page.TABS`)."""

from __future__ import annotations

import io
from datetime import date

from flask import Blueprint, abort, flash, g, redirect, render_template, request, send_file, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user

from app.auth.access import guard_blueprint
from app.catalog.lines import LINES, line_choices
from app.claims import assignment, labels, page, queue, queue_labels
from app.claims import services as claims
from app.claims.models import Claim
from app.documents import services as documents
from app.extensions import db, htmx
from app.web.downloads import EXPORT_FORMATS, spreadsheet
from app.web.urls import tenant_url

bp = guard_blueprint(Blueprint("claims", __name__, url_prefix="/claims"))
MAX_PAGE = 100_000


@bp.context_processor
def claim_labels() -> dict:
    return {"claim_labels": labels, "line_label": lambda code: LINES[code].label if code in LINES else code}


def list_url(endpoint: str = "claims.index", **changes) -> str:
    """The queue's URL (or its export's) with some parameters changed (None drops one)."""
    args = dict(request.args.lists()) | changes
    return url_for(endpoint, **{key: value for key, value in args.items() if value not in (None, "", [])})


def _words() -> dict:
    """The queue's labels resolved once for the page, not once per row."""
    return {"kinds": {code: str(label) for code, label in labels.KIND_LABELS.items()},
            "statuses": {code: str(label) for code, label in labels.STATUS_LABELS.items()},
            "lines": {line.value: str(definition.label) for line, definition in LINES.items()},
            "unassigned": _("Unassigned"), "late": _("Late"), "late_title": _("Declared after the deadline"),
            "disputed": _("In dispute")}


def _queue_page(problem: str | None = None, status: int = 200):
    filters = queue.parse_filters(request.args)
    number = min(max(request.args.get("page", 1, type=int), 1), MAX_PAGE)
    today = date.today()
    rows, total = queue.page_of(db.session, filters, number, today=today, me_id=current_user.id)
    context = {"rows": rows, "total": total, "page": number, "per_page": queue.PER_PAGE, "filters": filters,
               "today": today, "list_url": list_url, "queue_labels": queue_labels, "problem": problem,
               "staff": assignment.assignable(db.session), "words": _words()}
    if htmx and not htmx.history_restore_request:
        return render_template("claims/_queue.html", **context), status
    return render_template("claims/index.html", lines=line_choices(), **context), status


@bp.get("")
def index():
    return _queue_page()


@bp.get("/export.<fmt>")
def export(fmt: str):
    if fmt not in EXPORT_FORMATS:
        abort(404)
    filters, today = queue.parse_filters(request.args), date.today()

    def rows():
        yield [str(header) for header in queue_labels.EXPORT_HEADERS]
        for claim, client_name, contract_reference, handler_name, disputed in queue.all_rows(
                db.session, filters, today=today, me_id=current_user.id):
            yield [claim.reference, claim.declared_on, client_name, contract_reference,
                   str(LINES[claim.line].label) if claim.line in LINES else claim.line,
                   str(labels.KIND_LABELS.get(claim.kind, claim.kind)), handler_name or "", claim.reserve,
                   (today - claim.declared_on).days, str(labels.STATUS_LABELS.get(claim.status, claim.status)),
                   _("Yes") if claim.declared_late else _("No"), _("Yes") if disputed else _("No"),
                   claim.insurer_reference or ""]

    return spreadsheet(rows(), fmt, sheet=_("Claims"), stem="claims")


def _notify(handler_id: int, moved: list[Claim]) -> None:
    assignment.notify(db.session, current_user, handler_id, moved, tenant_slug=g.tenant.slug, firm=g.tenant.name,
                      queue_url=tenant_url(g.tenant.slug, url_for("claims.index", handler="me")))


@bp.post("/assign")
def assign_many():
    """Assign the ticked claims of the queue; back to the same filtered queue."""
    handler_id = queue.as_id(request.form.get("handler_id"))
    claim_ids = [queue.as_id(value) or 0 for value in request.form.getlist("claim_id")]
    try:
        moved = assignment.assign_many(db.session, current_user, claim_ids, handler_id)
    except assignment.AssignmentError as exc:
        db.session.rollback()
        return _queue_page(queue_labels.problem(exc.code), 404 if exc.code == "not_found" else 422)
    _notify(handler_id, moved)
    db.session.commit()
    flash(ngettext("%(num)d claim assigned.", "%(num)d claims assigned.", len(moved)), "success")
    return redirect(list_url(), code=303)


_claim_or_404 = page.claim_or_404


def _page(claim: Claim, problems: dict | None = None, status: int = 200):
    return render_template("claims/show.html", **page.header(claim),
                           attachments=claims.attachments_of(db.session, claim),
                           messages=claims.messages_of(db.session, claim), staff=assignment.assignable(db.session),
                           manual_statuses=claims.MANUAL_STATUSES, problems=problems or {}), status


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
                          request.form.get("version", ""))
    except claims.ClaimError as exc:
        db.session.rollback()
        return _page(_claim_or_404(claim_id), {"status": labels.problem(exc.code)}, 409 if exc.code == "stale"
                     else 422)
    db.session.commit()
    flash(_("Claim %(reference)s updated.", reference=claim.reference), "success")
    return redirect(url_for("claims.show", claim_id=claim_id), code=303)


@bp.post("/<int:claim_id>/assign")
def assign(claim_id: int):
    claim = _claim_or_404(claim_id)
    handler_id, version = queue.as_id(request.form.get("handler_id")), request.form.get("version", "")
    try:
        changed = assignment.assign(db.session, current_user, claim, handler_id,
                                    int(version) if version.isdigit() else -1)
    except assignment.AssignmentError as exc:
        db.session.rollback()
        return _page(_claim_or_404(claim_id), {"handler": queue_labels.problem(exc.code)},
                     409 if exc.code == "stale" else 422)
    if changed:
        _notify(handler_id, [claim])
    db.session.commit()
    flash(_("Claim %(reference)s assigned.", reference=claim.reference), "success")
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

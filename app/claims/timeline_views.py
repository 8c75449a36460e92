"""Claims: the timeline tab. Every step of the claim by every side, newest
first, filtered by side and by part of the handling, exported as CSV or
XLSX; the claim's documents with who can see them, shared with the client
or taken back."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import format_date, format_datetime
from flask_babel import gettext as _
from flask_login import current_user

from app.claims import dispute_labels, history, insurer_answers, labels, page, settlement_labels, timeline_rules
from app.claims.views import bp
from app.extensions import db
from app.web.downloads import EXPORT_FORMATS, spreadsheet
from app.web.templating import money

#: details whose values are codes, and the words for them
VALUE_LABELS = {"from": labels.STATUS_LABELS, "to": labels.STATUS_LABELS, "channel": labels.CHANNEL_LABELS,
                "origin": dispute_labels.ORIGIN_LABELS, "side": dispute_labels.SIDE_LABELS,
                "kind": dispute_labels.HEARING_LABELS,
                "category": {**labels.ATTACHMENT_LABELS, **settlement_labels.CATEGORY_LABELS},
                "payee_kind": settlement_labels.PAYEE_LABELS, "decision": insurer_answers.DECISION_LABELS,
                "cover_decision": labels.COVER_LABELS}


def _shown(key: str, value) -> str:
    if isinstance(value, bool):
        return _("Yes") if value else _("No")
    if isinstance(value, Decimal):
        return money(value)
    if isinstance(value, datetime):
        return format_datetime(value, "short")
    if isinstance(value, date):
        return format_date(value)
    return str(VALUE_LABELS.get(key, {}).get(value, value))


def details_of(details: dict | None) -> list[tuple[str, str]]:
    """An entry's details as (label, value) a person reads: those with a
    label; the rest (ids, snapshots) is for the audit log."""
    return [(str(labels.DETAIL_LABELS[key]), _shown(key, value))
            for key, value in timeline_rules.readable(details) if key in labels.DETAIL_LABELS]


def _filters() -> tuple[str | None, str | None]:
    side = request.args.get("side") if request.args.get("side") in timeline_rules.SIDES else None
    group = request.args.get("group") if request.args.get("group") in timeline_rules.KIND_GROUPS else None
    return side, group


@bp.get("/<int:claim_id>/timeline")
def timeline(claim_id: int):
    claim = page.claim_or_404(claim_id)
    side, group = _filters()
    filters = {name: value for name, value in (("side", side), ("group", group)) if value}
    return render_template("claims/timeline.html", **page.header(claim), side=side, group=group, filters=filters,
                           events=history.events(db.session, claim, side=side, group=group),
                           files=history.files_of(db.session, claim), details_of=details_of,
                           dispute_labels=dispute_labels, sides=timeline_rules.SIDES)


@bp.get("/<int:claim_id>/timeline.<fmt>")
def timeline_export(claim_id: int, fmt: str):
    claim = page.claim_or_404(claim_id)
    if fmt not in EXPORT_FORMATS:
        abort(404)
    side, group = _filters()
    headers = [_("When"), _("What"), _("Side"), _("By"), _("Summary"), _("Details")]
    rows = history.export_rows(
        history.events(db.session, claim, side=side, group=group), headers,
        lambda kind: str(labels.EVENT_LABELS.get(kind, kind)),
        lambda code: str(dispute_labels.EVENT_SIDE_LABELS.get(code, code)),
        lambda details: "; ".join(f"{label}: {value}" for label, value in details_of(details)))
    return spreadsheet(rows, fmt, sheet="Timeline", stem=f"timeline-{claim.reference}")


@bp.post("/<int:claim_id>/attachments/<int:attachment_id>/share")
def share_attachment(claim_id: int, attachment_id: int):
    claim = page.claim_or_404(claim_id)
    shared = request.form.get("shared") == "yes"
    try:
        history.set_shared(db.session, current_user, claim, attachment_id, shared)
    except history.HistoryError:
        abort(404)
    db.session.commit()
    flash(_("The document is now shown in the client's space.") if shared
          else _("The document is no longer shown in the client's space."), "success")
    return redirect(url_for("claims.timeline", claim_id=claim_id) + "#documents", code=303)

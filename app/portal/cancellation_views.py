"""Cancellation in three clicks on the portal: "Résilier votre contrat"
(the form), "Continuer" (the summary), "Confirmer ma demande de
résiliation" (the acknowledgement)."""

from __future__ import annotations

from flask import abort, flash, g, redirect, render_template, request, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from app.contracts.cancellations import for_contract
from app.contracts.labels import GROUND_LABELS, problem_message
from app.contracts.services import ContractError
from app.extensions import db
from app.portal import cancellation, records
from app.portal.rules import CANCELLATION_REASONS
from app.portal.views import bp

REASON_LABELS = {
    "other_insurer": _l("I am insured elsewhere"),
    "price": _l("The premium is too high"),
    "moving": _l("I am moving"),
    "no_longer_needed": _l("I no longer need this cover"),
    "sale": _l("I sold the insured vehicle or property"),
    "other": _l("Another reason"),
}


def _contract_or_404(contract_id: int):
    contract = records.contract_of(db.session, g.portal_account, contract_id) or abort(404)
    if not cancellation.can_cancel_online(db.session, contract):
        abort(404)
    return contract


def _form(contract, error: str | None = None, status: int = 200):
    return render_template("portal/cancel_form.html", contract=contract, reasons=REASON_LABELS,
                           chosen=request.form.get("reason"), error=error), status


@bp.get("/contracts/<int:contract_id>/cancel")
def cancel_form(contract_id: int):
    return _form(_contract_or_404(contract_id))


@bp.post("/contracts/<int:contract_id>/cancel")
def cancel_summary(contract_id: int):
    contract = _contract_or_404(contract_id)
    reason = request.form.get("reason", "")
    if reason not in CANCELLATION_REASONS:
        return _form(contract, _("Choose why you cancel."), 422)
    try:
        planned = cancellation.preview(contract, reason)
    except ContractError as exc:
        return _form(contract, problem_message(exc.code, exc.day), 422)
    return render_template("portal/cancel_summary.html", contract=contract, reason=reason,
                           reason_label=REASON_LABELS[reason], ground_label=GROUND_LABELS.get(planned.ground),
                           planned=planned)


@bp.post("/contracts/<int:contract_id>/cancel/confirm")
def cancel_confirm(contract_id: int):
    contract = _contract_or_404(contract_id)
    reason, version = request.form.get("reason", ""), request.form.get("version", "")
    if reason not in CANCELLATION_REASONS or not version.isdigit():
        return _form(contract, _("Choose why you cancel."), 422)
    try:
        cancellation.submit(db.session, g.portal_account, contract, reason, version=int(version),
                            locale=str(get_locale()))
    except ContractError as exc:
        db.session.rollback()
        message = (_("Your contract changed meanwhile: check the summary again.") if exc.code == "stale"
                   else problem_message(exc.code, exc.day))
        return _form(contract, message, 409 if exc.code == "stale" else 422)
    db.session.commit()
    return redirect(url_for("portal.cancellation_receipt", contract_id=contract_id), code=303)


@bp.get("/contracts/<int:contract_id>/cancellation")
def cancellation_receipt(contract_id: int):
    contract = records.contract_of(db.session, g.portal_account, contract_id) or abort(404)
    recorded = for_contract(db.session, contract) or abort(404)
    return render_template("portal/cancel_receipt.html", contract=contract, cancellation=recorded,
                           ground_label=GROUND_LABELS.get(recorded.ground))

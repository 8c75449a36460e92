"""Certificates of a contract, and the public page that verifies one."""

from __future__ import annotations

import io

from flask import Blueprint, abort, flash, g, redirect, render_template, request, send_file, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from app.attestations import rules
from app.attestations import services as attestations
from app.attestations.forms import AttestationForm, VerifyForm
from app.auth.access import guard_blueprint, public
from app.contracts import services as contracts
from app.documents import services as documents
from app.extensions import db, limiter
from app.letters.links import contract_page_url

bp = guard_blueprint(Blueprint("attestations", __name__))

VERIFY_RATE_LIMIT = "30 per minute"

REFUSALS = {
    "line_without_attestation": _l("This line of business has no certificate of insurance."),
    "contract_not_active": _l("Only an active contract gets a certificate."),
    "period_reversed": _l("The end of the period comes before its start."),
    "outside_contract": _l("The period must lie within the contract's current term (until the day before its renewal date)."),
    "retry": _l("Please try again."),
}
MENTION_LABELS = {
    "insured_siren": _l("the insured's SIREN"), "insured_address": _l("the insured's address"),
    "insurer_address": _l("the insurer's address"), "contract_number": _l("the insurer's policy number"),
    "activities": _l("the activities covered"), "amounts": _l("the guarantees and their amounts"),
    "vehicle": _l("the vehicle"), "registration": _l("the registration number"),
    "insured_premises": _l("the insured premises"),
}


def _contract_or_404(contract_id: int):
    return contracts.get(db.session, contract_id) or abort(404)


def _page(contract, form, status: int = 200):
    return render_template("attestations/contract.html", contract=contract, form=form,
                           attestations=attestations.for_contract(db.session, contract),
                           can_issue=rules.can_issue(line=contract.line, status=contract.status) is None,
                           back_url=contract_page_url(contract)), status


@bp.get("/contracts/<int:contract_id>/attestations")
def for_contract(contract_id: int):
    contract = _contract_or_404(contract_id)
    valid_from, valid_to = attestations.default_period(contract)
    return _page(contract, AttestationForm(valid_from=valid_from, valid_to=valid_to))


@bp.post("/contracts/<int:contract_id>/attestations")
def issue(contract_id: int):
    contract = _contract_or_404(contract_id)
    form = AttestationForm()
    if not form.validate_on_submit():
        return _page(contract, form, 422)
    try:
        attestations.issue(db.session, current_user, contract, valid_from=form.valid_from.data,
                           valid_to=form.valid_to.data, tenant=g.tenant,
                           verify_url_for=lambda code: url_for("attestations.verify", code=code, _external=True))
    except attestations.AttestationError as exc:
        db.session.rollback()
        _explain(form, exc)
        return _page(contract, form, 422)
    db.session.commit()
    flash(_("The certificate is issued and kept in the contract's documents."), "success")
    return redirect(url_for("attestations.for_contract", contract_id=contract_id), code=303)


def _explain(form: AttestationForm, exc: attestations.AttestationError) -> None:
    if exc.code == "missing_mentions":
        missing = ", ".join(str(MENTION_LABELS.get(name, name)) for name in exc.missing)
        form.form_errors.append(_("The certificate would lack %(missing)s: complete the contract or the client first.",
                                  missing=missing))
    elif exc.code in ("period_reversed", "outside_contract"):
        form.valid_to.errors.append(str(REFUSALS[exc.code]))
    else:
        form.form_errors.append(str(REFUSALS.get(exc.code, REFUSALS["retry"])))


def _attestation_or_404(attestation_id: int):
    return attestations.get(db.session, attestation_id) or abort(404)


@bp.get("/attestations/<int:attestation_id>/pdf")
def pdf(attestation_id: int):
    attestation = _attestation_or_404(attestation_id)
    document, content = documents.file_of(db.session, attestation.document_id) or abort(404)
    return send_file(io.BytesIO(content), mimetype="application/pdf", download_name=document.filename)


@bp.post("/attestations/<int:attestation_id>/revoke")
def revoke(attestation_id: int):
    attestation = _attestation_or_404(attestation_id)
    attestations.revoke(db.session, current_user, attestation)
    db.session.commit()
    flash(_("The certificate is revoked: its verification page now says cancelled."), "success")
    return redirect(url_for("attestations.for_contract", contract_id=attestation.contract_id), code=303)


@bp.get("/verify")
@public
@limiter.limit(VERIFY_RATE_LIMIT)
def verify_form():
    form = VerifyForm(request.args)
    if request.args.get("code") is None:
        return render_template("attestations/verify.html", form=VerifyForm(), result=None, asked=False)
    code = rules.normalise_code(form.code.data or "")
    if code is not None:
        return redirect(url_for("attestations.verify", code=code), code=303)
    return render_template("attestations/verify.html", form=form, result=None, asked=True), 404


@bp.get("/verify/<code>")
@public
@limiter.limit(VERIFY_RATE_LIMIT)
def verify(code: str):
    result = attestations.verify(db.session, code)
    form = VerifyForm(code=code if result else "")
    response = render_template("attestations/verify.html", form=form, result=result, asked=True)
    if result is None:
        return response, 404
    return response, 200, {"Cache-Control": "no-store", "X-Robots-Tag": "noindex"}

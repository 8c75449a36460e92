"""Commission screens: a contract's commission rate and the beneficiaries
credited on it. The contract page loads the section with htmx (a link to this
page without script); its forms post here and come back to the contract page,
or to this page with the errors."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from wtforms.fields.choices import SelectChoice

from app.commissions import beneficiaries as service
from app.commissions.forms import AttachForm, ContractRateForm
from app.commissions.services import CommissionError, earned_net
from app.commissions.views import bp
from app.commissions.views.lines import show_error
from app.contracts import services as contracts
from app.contracts.models import Contract
from app.extensions import db, htmx


def contract_or_404(contract_id: int) -> Contract:
    return contracts.get(db.session, contract_id) or abort(404)


def attach_form(formdata=None) -> AttachForm:
    form = AttachForm(formdata=formdata)
    form.beneficiary_id.choices = [SelectChoice("", "—")] + [
        SelectChoice(beneficiary.id, beneficiary.name)
        for beneficiary, _unpaid, _count in service.listing(db.session, active_only=True)]
    return form


def render_section(contract: Contract, status: int = 200, **forms):
    """The section alone for htmx, else a page holding it."""
    context = {"attach_form": attach_form(),
               "rate_form": ContractRateForm(formdata=None, commission_rate=contract.commission_rate,
                                             version=contract.version)} | forms | {
        "contract": contract, "attached": service.attached(db.session, [contract.id]).get(contract.id, []),
        "commission_total": earned_net(db.session, contract.id)}
    if htmx and not htmx.history_restore_request:
        return render_template("commissions/_contract_beneficiaries.html", **context), status
    return render_template("commissions/beneficiaries/contract.html", **context), status


def back_to_contract(contract: Contract):
    return redirect(url_for("contracts.show", contract_id=contract.id, _anchor="commission"), code=303)


@bp.get("/contracts/<int:contract_id>")
def contract_beneficiaries(contract_id: int):
    return render_section(contract_or_404(contract_id))


@bp.post("/contracts/<int:contract_id>/beneficiaries")
def attach(contract_id: int):
    contract = contract_or_404(contract_id)
    form = attach_form(request.form)
    if form.validate_on_submit():
        try:
            service.attach(db.session, current_user, contract, form.beneficiary_id.data)
            db.session.commit()
        except CommissionError as exc:
            db.session.rollback()
            status = show_error(form, exc)
            return render_section(contract_or_404(contract_id), status, attach_form=form)
        flash(_("The beneficiary is credited on this contract."), "success")
        return back_to_contract(contract)
    return render_section(contract, 422, attach_form=form)


@bp.post("/contracts/<int:contract_id>/beneficiaries/<int:link_id>/delete")
def detach(contract_id: int, link_id: int):
    contract = contract_or_404(contract_id)
    try:
        service.detach(db.session, current_user, contract, link_id)
    except CommissionError:
        abort(404)
    db.session.commit()
    flash(_("The beneficiary is no longer credited on this contract."), "success")
    return back_to_contract(contract)


@bp.post("/contracts/<int:contract_id>/rate")
def contract_rate(contract_id: int):
    contract = contract_or_404(contract_id)
    form = ContractRateForm()
    if form.validate_on_submit():
        try:
            service.set_contract_rate(db.session, current_user, contract, form.commission_rate.data,
                                      version=form.version.data)
            db.session.commit()
        except CommissionError as exc:
            db.session.rollback()
            status = show_error(form, exc)
            return render_section(contract_or_404(contract_id), status, rate_form=form)
        flash(_("The contract's commission rate is changed for the calls issued from now on."), "success")
        return back_to_contract(contract)
    return render_section(contract, 422, rate_form=form)

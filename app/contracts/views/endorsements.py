"""Endorsements: the form (with a preview of the pro-rata adjustment), making
the endorsement, and recording the insurer's confirmation."""

from __future__ import annotations

from datetime import date

from flask import abort, flash, g, redirect, render_template, request, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_login import current_user

from app.catalog.lines import line_definition
from app.contracts import endorsements, rules, services
from app.contracts.endorsements import Change
from app.contracts.forms import ConfirmEndorsementForm, EndorsementForm, fill_guarantees, placed_guarantees
from app.contracts.services import ContractError
from app.contracts.views import bp
from app.contracts.views.page import contract_or_404, show_errors
from app.extensions import db


def endorsement_form(contract, formdata=None) -> EndorsementForm:
    definition = line_definition(contract.line)
    form = EndorsementForm(formdata=formdata) if formdata is not None else EndorsementForm(
        formdata=None, version=contract.version, premium_net=contract.premium_net, effective_date=date.today())
    fill_guarantees(form.guarantees, definition, None if formdata is not None else contract.guarantees)
    while len(form.risk) < len(definition.attributes):
        form.risk.append_entry()
    for row, attribute in zip(form.risk, definition.attributes):
        row.form.name.data = attribute.name
        if formdata is None:
            value = (contract.risk or {}).get(attribute.name)
            row.form.value.data = "" if value is None else str(value)
    return form


def _new_risk(contract, form: EndorsementForm) -> dict:
    """The risk with the answers the person changed (others keep their type)."""
    risk = dict(contract.risk or {})
    for row in form.risk:
        typed, before = (row.form.value.data or "").strip(), risk.get(row.form.name.data)
        if typed != ("" if before is None else str(before)):
            risk[row.form.name.data] = typed or None
    return risk


def _change(contract, form: EndorsementForm) -> Change:
    return Change(effective_date=form.effective_date.data, kind=form.kind.data, description=form.description.data,
                  premium_net=form.premium_net.data,
                  guarantees=placed_guarantees(form.guarantees, line_definition(contract.line), contract.guarantees),
                  risk=_new_risk(contract, form))


def _page(contract, form, adjustment=None, status: int = 200):
    return render_template("contracts/endorsement.html", contract=contract, form=form, adjustment=adjustment,
                           line=line_definition(contract.line)), status


@bp.route("/<int:contract_id>/endorsements/new", methods=["GET", "POST"])
def new_endorsement(contract_id: int):
    contract = contract_or_404(contract_id)
    if request.method == "GET":
        return _page(contract, endorsement_form(contract))
    form = endorsement_form(contract, request.form)
    if not form.validate_on_submit():
        return _page(contract, form, status=422)
    try:
        change = _change(contract, form)
        if "preview" in request.form:
            services.require_version(contract, form.version.data)
            return _page(contract, form, endorsements.preview(db.session, contract, change))
        endorsement = endorsements.endorse(db.session, current_user, contract, change, version=form.version.data,
                                           firm=g.tenant.name, locale=str(get_locale() or "fr"))
        db.session.commit()
    except (ContractError, rules.ContractRuleError) as exc:
        db.session.rollback()
        error = exc if isinstance(exc, ContractError) else ContractError(exc.code, "effective_date", exc.day)
        status = show_errors(form, error)
        return _page(contract_or_404(contract_id), form, status=status)
    flash(_("Endorsement no. %(number)s is made and sent to the insurer.", number=endorsement.number), "success")
    return redirect(url_for("contracts.show", contract_id=contract.id, _anchor="endorsements"), code=303)


@bp.post("/<int:contract_id>/endorsements/<int:endorsement_id>/confirm")
def confirm_endorsement(contract_id: int, endorsement_id: int):
    contract = contract_or_404(contract_id)
    endorsement = endorsements.get(db.session, contract, endorsement_id) or abort(404)
    form = ConfirmEndorsementForm()
    if not form.validate_on_submit():
        abort(400)
    services.confirm_endorsement(db.session, current_user, contract, number=endorsement.number,
                                 insurer_reference=form.insurer_reference.data)
    db.session.commit()
    flash(_("The insurer's confirmation is recorded."), "success")
    return redirect(url_for("contracts.show", contract_id=contract.id, _anchor="endorsements"), code=303)

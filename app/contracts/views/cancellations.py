"""Cancelling a contract: the page states the deadlines of each ground, and
its form is the confirmation."""

from __future__ import annotations

from datetime import date

from flask import flash, redirect, render_template, request, url_for
from flask_babel import format_date, get_locale
from flask_babel import gettext as _
from flask_login import current_user

from app.contracts import cancellations, rules
from app.contracts.cancellations import Request
from app.contracts.forms import CancellationForm
from app.contracts.services import ContractError
from app.contracts.views import bp
from app.contracts.views.page import contract_or_404, show_errors
from app.extensions import db


def _page(contract, form, status: int = 200):
    return render_template(
        "contracts/cancel.html", contract=contract, form=form, status=status,
        cancellation=cancellations.for_contract(db.session, contract),
        renewal_deadline=rules.renewal_deadline(contract.renewal_date, contract.notice_days),
        any_time_from=rules.add_months(contract.effective_date, rules.ANY_TIME_AFTER_MONTHS),
    ), status


@bp.route("/<int:contract_id>/cancel", methods=["GET", "POST"])
def cancel(contract_id: int):
    contract = contract_or_404(contract_id)
    if request.method == "GET":
        return _page(contract, CancellationForm(formdata=None, version=contract.version, notice_on=date.today()))
    form = CancellationForm()
    if not form.validate_on_submit():
        return _page(contract, form, 422)
    request_ = Request(ground=form.ground.data, notice_on=form.notice_on.data, chosen_date=form.chosen_date.data,
                       reason=form.reason.data)
    try:
        cancellation = cancellations.cancel(db.session, current_user, contract, request_, version=form.version.data,
                                            locale=str(get_locale() or "fr"))
        db.session.commit()
    except ContractError as exc:
        db.session.rollback()
        status = show_errors(form, exc)
        return _page(contract_or_404(contract_id), form, status)
    if cancellation.effective_on <= date.today():
        flash(_("The contract is cancelled; the letter is written and the insurer notified."), "success")
    else:
        flash(_("The cancellation is scheduled for %(day)s; the letter is written and the insurer notified.",
                day=format_date(cancellation.effective_on)), "success")
    return redirect(url_for("contracts.show", contract_id=contract.id), code=303)

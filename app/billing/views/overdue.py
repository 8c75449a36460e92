"""The overdue dashboard (GET /premiums/overdue): overdue calls by stage of
the non-payment procedure (L113-3), with the next step and its day, totals,
pages and exports; sending the formal notice when the law allows it, and
cancelling a cancellable contract for non-payment after a confirmation."""

from __future__ import annotations

from datetime import date

from flask import abort, flash, g, redirect, render_template, request, url_for
from flask_babel import format_date, get_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from flask_wtf import FlaskForm
from wtforms import DateField, StringField
from wtforms.validators import InputRequired, Length

from app.audit import services as audit
from app.billing import dunning, dunning_listing, nonpayment_rules
from app.billing.errors import BillingError
from app.billing.messages import billing_error_message
from app.billing.models import PremiumCall
from app.billing.views import bp
from app.contracts.labels import problem_message
from app.contracts.models import Contract, Letter
from app.contracts.services import ContractError
from app.crm.forms import VersionField
from app.extensions import db, htmx
from app.web.downloads import EXPORT_FORMATS, spreadsheet

PER_PAGE = 50


class CancelForm(FlaskForm):
    effective_on = DateField(_l("Effective on"), validators=[InputRequired()])
    reason = StringField(_l("Details"), validators=[Length(max=500)])
    version = VersionField()


def _filters() -> dunning_listing.OverdueFilters:
    stage = request.args.get("stage", "")
    return dunning_listing.OverdueFilters(
        stage=stage if stage in dunning_listing.STAGE_LABELS else "", insurer_id=request.args.get("insurer", type=int),
        q=request.args.get("q", "")[:100])


def list_url(endpoint: str = "billing.overdue", **changes) -> str:
    args = {key: value for key, value in (request.args.to_dict() | changes).items() if value not in (None, "")}
    return url_for(endpoint, **args)


def _dashboard(status: int = 200, error: str | None = None):
    today, filters = date.today(), _filters()
    everything = dunning_listing.rows(db.session, today, dunning_listing.OverdueFilters(
        insurer_id=filters.insurer_id, q=filters.q))
    found = [row for row in everything if not filters.stage or row.stage == filters.stage]
    page = max(request.args.get("page", 1, type=int), 1)
    context = {"rows": found[(page - 1) * PER_PAGE:page * PER_PAGE], "total": len(found), "page": page,
               "per_page": PER_PAGE, "filters": filters, "list_url": list_url, "today": today, "error": error,
               "stages": dunning_listing.by_stage(everything), "amount": dunning_listing.total_outstanding(found),
               "badges": dunning_listing.STAGE_BADGES}
    if htmx and not htmx.history_restore_request and status == 200:
        return render_template("billing/overdue/_results.html", **context)
    return render_template("billing/overdue/index.html", insurers=dunning_listing.insurers(db.session),
                           **context), status


@bp.get("/overdue")
def overdue():
    return _dashboard()


@bp.get("/overdue/export/<fmt>")
def overdue_export(fmt: str):
    if fmt not in EXPORT_FORMATS:
        abort(404)
    found = dunning_listing.rows(db.session, date.today(), _filters())
    audit.record(db.session, current_user, "nonpayment.export", "nonpayment_procedure", None,
                 after={"format": fmt, "rows": len(found)})
    db.session.commit()
    return spreadsheet(dunning_listing.export_rows(found), fmt, sheet=_("Overdue"), stem="overdue")


def _call_or_404(call_id: int) -> PremiumCall:
    return db.session.get(PremiumCall, call_id) or abort(404)


def _refusal(code: str, call: PremiumCall) -> str:
    message = billing_error_message(code)
    if code == "notice_too_early":
        earliest = nonpayment_rules.earliest_formal_notice(call.due_date)
        message += " " + _("Earliest day: %(day)s.", day=format_date(earliest))
    return message


@bp.post("/overdue/<int:call_id>/notice")
def overdue_notice(call_id: int):
    call = _call_or_404(call_id)
    try:
        procedure = dunning.send_formal_notice(db.session, current_user, call.id, today=date.today(),
                                               tenant=g.tenant, locale=str(get_locale() or "fr"))
        db.session.commit()
    except BillingError as exc:
        db.session.rollback()
        return _dashboard(422, _refusal(exc.code, _call_or_404(call_id)))
    if db.session.get(Letter, procedure.formal_notice_letter_id).sent_to:
        flash(_("The formal notice for %(reference)s is written and emailed to the payer; the insurer is told.",
                reference=call.reference), "success")
    else:
        flash(_("The formal notice for %(reference)s is written: the payer has no email address, post it by "
                "registered letter (it is in the contract's documents). The insurer is told.",
                reference=call.reference), "warning")
    return redirect(list_url(), code=303)


def _cancel_page(call: PremiumCall, form: CancelForm, status: int = 200):
    row = dunning_listing.row_of(db.session, call.id, date.today())
    progress = dunning.progress_of(row.procedure, call)
    cancellable_from = (nonpayment_rules.cancellable_from(progress.formal_notice_sent_on)
                        if progress.formal_notice_sent_on else None)
    return render_template("billing/overdue/cancel.html", row=row, form=form, cancellable_from=cancellable_from,
                           badges=dunning_listing.STAGE_BADGES), status


@bp.route("/overdue/<int:call_id>/cancel", methods=["GET", "POST"])
def overdue_cancel(call_id: int):
    call = _call_or_404(call_id)
    if request.method == "GET":
        version = db.session.get(Contract, call.contract_id).version
        return _cancel_page(call, CancelForm(formdata=None, effective_on=date.today(), version=version))
    form = CancelForm()
    if not form.validate_on_submit():
        return _cancel_page(call, form, 422)
    try:
        procedure = dunning.cancel_contract(db.session, current_user, call.id, effective_on=form.effective_on.data,
                                reason=form.reason.data, version=form.version.data, today=date.today(),
                                locale=str(get_locale() or "fr"))
        db.session.commit()
    except BillingError as exc:
        db.session.rollback()
        form.effective_on.errors = [*form.effective_on.errors, billing_error_message(exc.code)]
        return _cancel_page(_call_or_404(call_id), form, 422)
    except ContractError as exc:
        db.session.rollback()
        target = form.effective_on if exc.field in ("chosen_date", "notice_on") else None
        message = problem_message(exc.code, exc.day)
        if target is not None:
            target.errors = [*target.errors, message]
        else:
            flash(message, "danger")
        return _cancel_page(_call_or_404(call_id), form, 409 if exc.code == "stale" else 422)
    if procedure.cancelled_on <= date.today():
        flash(_("The contract is cancelled for non-payment; the letter is written and the insurer notified."),
              "success")
    else:
        flash(_("The cancellation for non-payment is scheduled for %(day)s; the letter is written and the insurer "
                "notified.", day=format_date(procedure.cancelled_on)), "success")
    return redirect(url_for("contracts.show", contract_id=call.contract_id), code=303)

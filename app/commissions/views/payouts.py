"""Commission screens: payouts to beneficiaries (a draft per period, its
statement as a page, PDF or CSV, marking it paid, cancelling a draft).
Changing them needs the supervise permission."""

from __future__ import annotations

from datetime import date, timedelta

from flask import abort, flash, g, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from wtforms.fields.choices import SelectChoice

from app import spreadsheets
from app.auth.access import requires
from app.auth.rules import Permission
from app.commissions import beneficiaries, payouts
from app.commissions.forms import PAYOUT_STATUS_LABELS, PayForm, PayoutForm, VersionForm
from app.commissions.models import Payout
from app.commissions.services import CommissionError
from app.commissions.views import bp
from app.commissions.views.lines import show_error
from app.contracts.rules import add_months
from app.extensions import db
from app.letters.pdf import render_pdf
from app.web.downloads import CSV_MIMETYPE, attachment

PER_PAGE = 50


def payout_or_404(payout_id: int) -> Payout:
    return payouts.get(db.session, payout_id) or abort(404)


def payout_form(formdata=None, **values) -> PayoutForm:
    form = PayoutForm(formdata=formdata, **values)
    form.beneficiary_id.choices = [SelectChoice("", "—")] + [
        SelectChoice(beneficiary.id, beneficiary.name)
        for beneficiary, _unpaid, _count in beneficiaries.listing(db.session)]
    return form


@bp.get("/payouts")
def payouts_index():
    status = request.args.get("status", "")
    filters = payouts.PayoutFilters(beneficiary_id=request.args.get("beneficiary", type=int),
                                    status=status if status in PAYOUT_STATUS_LABELS else "")
    page = max(request.args.get("page", 1, type=int), 1)
    rows, total = payouts.page_of(db.session, filters, page, PER_PAGE)
    return render_template("commissions/payouts/index.html", rows=rows, total=total, page=page, per_page=PER_PAGE,
                           filters=filters, beneficiaries=[row[0] for row in beneficiaries.listing(db.session)])


def last_month() -> tuple[date, date]:
    """The first and last days of the month before this one: a payout's usual period."""
    first_of_this = date.today().replace(day=1)
    return add_months(first_of_this, -1), first_of_this - timedelta(days=1)


@bp.route("/payouts/new", methods=["GET", "POST"])
@requires(Permission.SUPERVISE)
def new_payout():
    if request.method == "GET":
        start, end = last_month()
        form = payout_form(None, beneficiary_id=request.args.get("beneficiary", type=int), period_start=start,
                           period_end=end)
        return render_template("commissions/payouts/new.html", form=form)
    form = payout_form(request.form)
    status = 422
    if form.validate_on_submit():
        beneficiary = beneficiaries.get(db.session, form.beneficiary_id.data) if form.beneficiary_id.data else None
        if beneficiary is None:
            form.beneficiary_id.errors.append(_("Choose a beneficiary."))
        else:
            try:
                payout = payouts.draft(db.session, current_user, beneficiary, form.period_start.data,
                                       form.period_end.data)
                db.session.commit()
            except CommissionError as exc:
                db.session.rollback()
                status = show_error(form, exc)
            else:
                flash(_("The draft payout is ready: check its statement, then mark it paid."), "success")
                return redirect(url_for("commissions.payout", payout_id=payout.id), code=303)
    db.session.rollback()
    return render_template("commissions/payouts/new.html", form=form), status


def _context(payout: Payout) -> dict:
    return {"payout": payout, "beneficiary": beneficiaries.get(db.session, payout.beneficiary_id),
            "rows": payouts.statement(db.session, payout), "firm": g.tenant.name, "today": date.today()}


def render_payout(payout: Payout, status: int = 200, **forms):
    context = {"pay_form": PayForm(formdata=None, paid_on=date.today(), version=payout.version),
               "cancel_form": VersionForm(formdata=None, version=payout.version)} | forms | _context(payout)
    return render_template("commissions/payouts/show.html", **context), status


@bp.get("/payouts/<int:payout_id>")
def payout(payout_id: int):
    return render_payout(payout_or_404(payout_id))


@bp.get("/payouts/<int:payout_id>/statement.<fmt>")
def payout_statement(payout_id: int, fmt: str):
    payout = payout_or_404(payout_id)
    stem = f"commission-statement-{payout.id}-{payout.period_end:%Y-%m}"
    if fmt == "pdf":
        html = render_template("commissions/payouts/statement_pdf.html", **_context(payout))
        return attachment(render_pdf(html), "application/pdf", f"{stem}.pdf")
    if fmt == "csv":
        rows = payouts.statement_rows(payouts.statement(db.session, payout))
        return attachment(spreadsheets.as_csv(rows), CSV_MIMETYPE, f"{stem}.csv")
    abort(404)


@bp.post("/payouts/<int:payout_id>/pay")
@requires(Permission.SUPERVISE)
def pay_payout(payout_id: int):
    payout = payout_or_404(payout_id)
    form = PayForm()
    if form.validate_on_submit():
        try:
            payouts.mark_paid(db.session, current_user, payout, paid_on=form.paid_on.data,
                              reference=form.reference.data, version=form.version.data)
            db.session.commit()
        except CommissionError as exc:
            db.session.rollback()
            status = show_error(form, exc)
            return render_payout(payout_or_404(payout_id), status, pay_form=form)
        flash(_("The payout is marked paid."), "success")
        return redirect(url_for("commissions.payout", payout_id=payout.id), code=303)
    return render_payout(payout, 422, pay_form=form)


@bp.post("/payouts/<int:payout_id>/cancel")
@requires(Permission.SUPERVISE)
def cancel_payout(payout_id: int):
    payout = payout_or_404(payout_id)
    form = VersionForm()
    beneficiary_id = payout.beneficiary_id
    try:
        payouts.cancel(db.session, current_user, payout, version=form.version.data)
        db.session.commit()
    except CommissionError as exc:
        db.session.rollback()
        status = show_error(None, exc)
        return render_payout(payout_or_404(payout_id), status)
    flash(_("The draft payout is cancelled: its shares wait for the next payout."), "success")
    return redirect(url_for("commissions.beneficiary", beneficiary_id=beneficiary_id), code=303)

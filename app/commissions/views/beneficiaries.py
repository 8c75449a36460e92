"""Commission screens: beneficiaries (introducers and producers), their
share rules per product, their shares and payouts. Changing them needs the
supervise permission (it moves money to people). The contract's part (its
beneficiaries, its commission rate) and payouts have modules of their own."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select
from wtforms.fields.choices import SelectChoice

from app.auth.access import requires
from app.auth.rules import Permission
from app.catalog.models import Insurer, Product
from app.commissions import beneficiaries as service
from app.commissions import payouts
from app.commissions.forms import KIND_LABELS, PAYOUT_STATUS_LABELS, BeneficiaryForm, ShareRuleForm
from app.commissions.models import Beneficiary
from app.commissions.services import CommissionError
from app.commissions.views import bp
from app.commissions.views.lines import show_error
from app.crm import services as clients
from app.extensions import db


@bp.context_processor
def beneficiary_labels() -> dict:
    return {"kind_labels": KIND_LABELS, "payout_status_labels": PAYOUT_STATUS_LABELS}


def beneficiary_or_404(beneficiary_id: int) -> Beneficiary:
    return service.get(db.session, beneficiary_id) or abort(404)


def beneficiary_form(**values) -> BeneficiaryForm:
    form = BeneficiaryForm(**values)
    form.user_id.choices = [SelectChoice("", "—")] + [
        SelectChoice(user.id, user.full_name) for user in clients.staff(db.session)]
    return form


def rule_form(formdata=None) -> ShareRuleForm:
    form = ShareRuleForm(formdata=formdata)
    products = db.session.execute(select(Product.id, Product.name, Insurer.name)
                                  .join(Insurer, Insurer.id == Product.insurer_id).order_by(Insurer.name, Product.name))
    form.product_id.choices = [SelectChoice("", "—")] + [
        SelectChoice(product_id, f"{insurer} — {name}") for product_id, name, insurer in products]
    return form


@bp.get("/beneficiaries")
def beneficiaries():
    kind = request.args.get("kind", "")
    kind = kind if kind in KIND_LABELS else ""
    return render_template("commissions/beneficiaries/index.html", kind=kind,
                           rows=service.listing(db.session, kind=kind))


def _form_page(form, beneficiary=None, status: int = 200):
    return render_template("commissions/beneficiaries/form.html", form=form, beneficiary=beneficiary), status


@bp.route("/beneficiaries/new", methods=["GET", "POST"])
@requires(Permission.SUPERVISE)
def new_beneficiary():
    form = beneficiary_form()
    if request.method == "GET":
        return _form_page(form)
    status = 422
    if form.validate_on_submit():
        try:
            beneficiary = service.create(db.session, current_user, form.values())
        except CommissionError as exc:
            status = show_error(form, exc)
        else:
            db.session.commit()
            flash(_("%(name)s is recorded.", name=beneficiary.name), "success")
            return redirect(url_for("commissions.beneficiary", beneficiary_id=beneficiary.id), code=303)
    db.session.rollback()
    return _form_page(form, status=status)


@bp.get("/beneficiaries/<int:beneficiary_id>")
def beneficiary(beneficiary_id: int):
    return render_beneficiary(beneficiary_or_404(beneficiary_id))


def render_beneficiary(beneficiary: Beneficiary, status: int = 200, **forms):
    recent, _count = payouts.page_of(db.session, payouts.PayoutFilters(beneficiary_id=beneficiary.id), 1, 20)
    context = {"rule_form": rule_form()} | forms | {
        "beneficiary": beneficiary, "rules": service.rules_of(db.session, beneficiary.id),
        "contracts": service.credited(db.session, beneficiary),
        "unpaid": payouts.unpaid_total(db.session, beneficiary.id), "payouts": [row[0] for row in recent],
        "user": clients.staff_member(db.session, beneficiary.user_id) if beneficiary.user_id else None,
    }
    return render_template("commissions/beneficiaries/show.html", **context), status


@bp.route("/beneficiaries/<int:beneficiary_id>/edit", methods=["GET", "POST"])
@requires(Permission.SUPERVISE)
def edit_beneficiary(beneficiary_id: int):
    beneficiary = beneficiary_or_404(beneficiary_id)
    form = beneficiary_form(obj=beneficiary)
    if request.method == "GET":
        return _form_page(form, beneficiary)
    status = 422
    if form.validate_on_submit():
        try:
            service.update(db.session, current_user, beneficiary, form.values(), version=form.version.data)
            db.session.commit()
        except CommissionError as exc:
            db.session.rollback()
            status = show_error(form, exc)
        else:
            flash(_("The beneficiary is updated."), "success")
            return redirect(url_for("commissions.beneficiary", beneficiary_id=beneficiary.id), code=303)
    db.session.rollback()
    return _form_page(form, beneficiary_or_404(beneficiary_id), status)


@bp.post("/beneficiaries/<int:beneficiary_id>/rules")
@requires(Permission.SUPERVISE)
def set_rule(beneficiary_id: int):
    beneficiary = beneficiary_or_404(beneficiary_id)
    form = rule_form(request.form)
    status = 422
    if form.validate_on_submit():
        try:
            service.set_rule(db.session, current_user, beneficiary, form.product_id.data, form.rate.data)
            db.session.commit()
        except CommissionError as exc:
            db.session.rollback()
            status = show_error(form, exc)
        else:
            flash(_("The share for this product is recorded."), "success")
            return redirect(url_for("commissions.beneficiary", beneficiary_id=beneficiary_id, _anchor="rules"),
                            code=303)
    db.session.rollback()
    return render_beneficiary(beneficiary_or_404(beneficiary_id), status, rule_form=form)


@bp.post("/beneficiaries/<int:beneficiary_id>/rules/<int:rule_id>/delete")
@requires(Permission.SUPERVISE)
def remove_rule(beneficiary_id: int, rule_id: int):
    beneficiary = beneficiary_or_404(beneficiary_id)
    try:
        service.remove_rule(db.session, current_user, beneficiary, rule_id)
    except CommissionError as exc:
        db.session.rollback()
        if exc.code == "not_found":
            abort(404)
        show_error(None, exc)
        return render_beneficiary(beneficiary_or_404(beneficiary_id), 422)
    db.session.commit()
    flash(_("The share for this product is removed: the default share applies."), "success")
    return redirect(url_for("commissions.beneficiary", beneficiary_id=beneficiary_id, _anchor="rules"), code=303)


from app.commissions.views import contract_shares, payouts as payout_views  # noqa: E402,F401

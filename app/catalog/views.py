"""The insurer panel: insurers, their contacts and commission agreements, and
the firm's insurance tax rates. Products and tariffs: ``product_views``,
``tariff_views`` (routes on the same blueprint)."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from app.auth.access import guard_blueprint, requires
from app.auth.rules import Permission
from app.catalog import insurers as panel
from app.catalog import services as catalog
from app.catalog.forms import AgreementForm, ContactForm, InsurerForm, TaxRatesForm
from app.catalog.insurer_rules import mask_secret
from app.catalog.lines import LINES
from app.catalog.messages import (answer_text, catalog_error_message, condition_text, measure_text, money_text,
                                  multiplier_text)
from app.catalog.services import CatalogError
from app.extensions import db

bp = guard_blueprint(Blueprint("catalog", __name__, url_prefix="/catalog"))
PER_PAGE = 50


@bp.context_processor
def catalog_context() -> dict:
    return {"mask_secret": mask_secret, "lines": LINES, "answer_text": answer_text, "measure_text": measure_text,
            "money_text": money_text, "multiplier_text": multiplier_text, "condition_text": condition_text}


def show_error(form, error: CatalogError) -> None:
    """Put a refused change's message next to its field, or flash it."""
    message = catalog_error_message(error.code)
    placed = False
    for field, code in error.fields.items():
        if field in form:
            form[field].errors = [*form[field].errors, catalog_error_message(code)]
            placed = True
    if not placed:
        flash(message, "danger")


def error_status(error: CatalogError) -> int:
    return {"stale": 409, "not_found": 404}.get(error.code, 422)


def page_number() -> int:
    return max(request.args.get("page", 1, type=int), 1)


@bp.get("/insurers")
def index():
    insurers = catalog.list_insurers(db.session)
    page = page_number()
    shown = insurers[(page - 1) * PER_PAGE:page * PER_PAGE]
    return render_template("catalog/insurers.html", insurers=shown, counts=catalog.product_counts(db.session),
                           total=len(insurers), page=page, per_page=PER_PAGE)


def _insurer_fields(form: InsurerForm) -> dict:
    return {name: form[name].data for name in panel.INSURER_FIELDS}


@bp.route("/insurers/new", methods=["GET", "POST"])
@requires(Permission.MANAGE_CATALOG)
def new_insurer():
    form = InsurerForm()
    if request.method == "GET":
        return render_template("catalog/insurer_form.html", form=form, insurer=None)
    if form.validate_on_submit():
        try:
            insurer = panel.create_insurer(db.session, current_user, api_secret=form.api_secret.data,
                                           **_insurer_fields(form))
        except CatalogError as exc:
            db.session.rollback()
            show_error(form, exc)
        else:
            db.session.commit()
            flash(_("%(name)s is added to the panel.", name=insurer.name), "success")
            return redirect(url_for("catalog.insurer", insurer_id=insurer.id), code=303)
    return render_template("catalog/insurer_form.html", form=form, insurer=None), 422


def _render_insurer(insurer, *, contact_form=None, agreement_form=None, status=200):
    products, _total = catalog.list_products(db.session, insurer_id=insurer.id, per_page=500)
    return render_template(
        "catalog/insurer.html", insurer=insurer, products=products,
        contact_form=contact_form or ContactForm(formdata=None),
        agreement_form=agreement_form or AgreementForm(formdata=None),
    ), status


@bp.get("/insurers/<int:insurer_id>")
def insurer(insurer_id: int):
    return _render_insurer(catalog.get_insurer(db.session, insurer_id) or abort(404))


@bp.route("/insurers/<int:insurer_id>/edit", methods=["GET", "POST"])
@requires(Permission.MANAGE_CATALOG)
def edit_insurer(insurer_id: int):
    insurer = catalog.get_insurer(db.session, insurer_id) or abort(404)
    form = InsurerForm(obj=insurer)
    if request.method == "GET":
        form.api_secret.data = ""
        return render_template("catalog/insurer_form.html", form=form, insurer=insurer)
    if form.validate_on_submit():
        try:
            panel.update_insurer(db.session, current_user, insurer_id, version=form.version.data,
                                 api_secret=form.api_secret.data, **_insurer_fields(form))
        except CatalogError as exc:
            db.session.rollback()
            show_error(form, exc)
            insurer = catalog.get_insurer(db.session, insurer_id) or abort(404)
            return render_template("catalog/insurer_form.html", form=form, insurer=insurer), error_status(exc)
        db.session.commit()
        flash(_("%(name)s is updated.", name=insurer.name), "success")
        return redirect(url_for("catalog.insurer", insurer_id=insurer_id), code=303)
    return render_template("catalog/insurer_form.html", form=form, insurer=insurer), 422


@bp.post("/insurers/<int:insurer_id>/secret")
@requires(Permission.MANAGE_CATALOG)
def regenerate_secret(insurer_id: int):
    catalog.get_insurer(db.session, insurer_id) or abort(404)
    insurer = panel.regenerate_api_secret(db.session, current_user, insurer_id)
    db.session.commit()
    flash(_("A new API secret is generated: the previous one no longer works. Reveal it to give it to %(name)s.",
            name=insurer.name), "warning")
    return redirect(url_for("catalog.insurer", insurer_id=insurer_id), code=303)


@bp.get("/insurers/<int:insurer_id>/secret")
@requires(Permission.MANAGE_CATALOG)
def reveal_secret(insurer_id: int):
    insurer = catalog.get_insurer(db.session, insurer_id) or abort(404)
    if not insurer.api_secret:
        abort(404)
    return render_template("catalog/secret.html", insurer=insurer)


@bp.route("/insurers/<int:insurer_id>/delete", methods=["GET", "POST"])
@requires(Permission.MANAGE_CATALOG)
def delete_insurer(insurer_id: int):
    insurer = catalog.get_insurer(db.session, insurer_id) or abort(404)
    if request.method == "GET":
        return render_template("catalog/confirm_delete.html", what=insurer.name,
                               action=url_for("catalog.delete_insurer", insurer_id=insurer_id),
                               back=url_for("catalog.insurer", insurer_id=insurer_id))
    name = insurer.name
    try:
        panel.delete_insurer(db.session, current_user, insurer_id)
    except CatalogError as exc:
        db.session.rollback()
        flash(catalog_error_message(exc.code), "danger")
        return redirect(url_for("catalog.insurer", insurer_id=insurer_id), code=303)
    db.session.commit()
    flash(_("%(name)s is removed from the panel.", name=name), "success")
    return redirect(url_for("catalog.index"), code=303)


@bp.post("/insurers/<int:insurer_id>/contacts")
@requires(Permission.MANAGE_CATALOG)
def add_contact(insurer_id: int):
    insurer = catalog.get_insurer(db.session, insurer_id) or abort(404)
    form = ContactForm()
    if form.validate_on_submit():
        panel.add_contact(db.session, current_user, insurer_id, name=form.name.data, role=form.role.data,
                          email=form.email.data, phone=form.phone.data)
        db.session.commit()
        flash(_("%(name)s is added to the contacts.", name=form.name.data), "success")
        return redirect(url_for("catalog.insurer", insurer_id=insurer_id, _anchor="contacts"), code=303)
    return _render_insurer(insurer, contact_form=form, status=422)


@bp.post("/insurers/<int:insurer_id>/contacts/<int:contact_id>/delete")
@requires(Permission.MANAGE_CATALOG)
def delete_contact(insurer_id: int, contact_id: int):
    try:
        panel.delete_contact(db.session, current_user, insurer_id, contact_id)
    except CatalogError:
        abort(404)
    db.session.commit()
    flash(_("The contact is removed."), "success")
    return redirect(url_for("catalog.insurer", insurer_id=insurer_id, _anchor="contacts"), code=303)


@bp.post("/insurers/<int:insurer_id>/agreements")
@requires(Permission.MANAGE_CATALOG)
def add_agreement(insurer_id: int):
    insurer = catalog.get_insurer(db.session, insurer_id) or abort(404)
    form = AgreementForm()
    if form.validate_on_submit():
        try:
            panel.add_agreement(db.session, current_user, insurer_id, line=form.line.data or None,
                                new_business_rate=form.new_business_rate.data, renewal_rate=form.renewal_rate.data,
                                starts_on=form.starts_on.data, ends_on=form.ends_on.data,
                                reference=form.reference.data, earned_on=form.earned_on.data)
        except CatalogError as exc:
            db.session.rollback()
            show_error(form, exc)
            insurer = catalog.get_insurer(db.session, insurer_id) or abort(404)
            return _render_insurer(insurer, agreement_form=form, status=422)
        db.session.commit()
        flash(_("The commission agreement is recorded."), "success")
        return redirect(url_for("catalog.insurer", insurer_id=insurer_id, _anchor="agreements"), code=303)
    return _render_insurer(insurer, agreement_form=form, status=422)


@bp.post("/insurers/<int:insurer_id>/agreements/<int:agreement_id>/delete")
@requires(Permission.MANAGE_CATALOG)
def delete_agreement(insurer_id: int, agreement_id: int):
    try:
        panel.delete_agreement(db.session, current_user, insurer_id, agreement_id)
    except CatalogError:
        abort(404)
    db.session.commit()
    flash(_("The commission agreement is removed."), "success")
    return redirect(url_for("catalog.insurer", insurer_id=insurer_id, _anchor="agreements"), code=303)


@bp.get("/taxes")
def taxes():
    rates = catalog.tax_rates(db.session)
    form = TaxRatesForm(data={f"rate_{r.line}": r.firm_rate for r in rates})
    return render_template("catalog/taxes.html", form=form, rates=rates)


@bp.post("/taxes")
@requires(Permission.MANAGE_CATALOG)
def save_taxes():
    rates = catalog.tax_rates(db.session)
    form = TaxRatesForm()
    if not form.validate_on_submit():
        return render_template("catalog/taxes.html", form=form, rates=rates), 422
    reset = request.form.get("reset")
    for rate in rates:
        value = form.rate_field(rate.line).data
        if reset == rate.line or (reset is None and value is None):
            catalog.reset_tax_rate(db.session, current_user, rate.line)
        elif reset is None:
            catalog.set_tax_rate(db.session, current_user, rate.line, value)
    db.session.commit()
    flash(_("Tax rates are saved."), "success")
    return redirect(url_for("catalog.taxes"), code=303)


from app.catalog import product_views, tariff_views  # noqa: E402,F401  (their routes join bp)

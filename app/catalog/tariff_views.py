"""Tariff and eligibility editors, and "try the tariff" (routes of the catalog blueprint)."""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from app.auth.access import requires
from app.auth.rules import Permission
from app.catalog import products as offer
from app.catalog import services as catalog
from app.catalog.forms import EligibilityForm, TariffForm
from app.catalog.lines import LINES, Line
from app.catalog.messages import (catalog_error_message, eligibility_reason, pricing_reason, problem_message,
                                  step_detail, step_label, typed_number)
from app.catalog.product_views import load_product
from app.catalog.rules import FEES_STEP, TariffError, eligibility_problems, insurance_tax, price, validate_tariff
from app.catalog.services import CatalogError
from app.catalog.tariff_editor import (FactorInput, condition_rows, conditions_from_rows, factor_inputs, locate,
                                       tariff_from_inputs)
from app.catalog.views import bp
from app.extensions import db, htmx

FACTOR_FIELDS = ("label", "attribute", "kind", "rows", "default", "unit", "rate")
ROW_PATH = re.compile(r"^\[(\d+)\]")


def _tariff_form(product, formdata=None) -> TariffForm:
    if formdata is not None:
        form = TariffForm(formdata)
    else:
        tariff = product.tariff or {}
        form = TariffForm(formdata=None, data={
            "base": typed_number(tariff.get("base")), "minimum": typed_number(tariff.get("minimum")),
            "fees": typed_number(tariff.get("fees")), "factors": [_typed_factor(f) for f in factor_inputs(tariff)],
            "version": product.version})
    form.set_line(product.line)
    return form


def _typed_factor(factor: FactorInput) -> dict:
    return vars(factor) | {name: typed_number(getattr(factor, name)) for name in ("default", "unit", "rate")}


def _factor_inputs(form: TariffForm) -> list[FactorInput]:
    return [FactorInput(**{name: entry.form[name].data or "" for name in FACTOR_FIELDS}) for entry in form.factors]


def _render_tariff(product, form, *, general=(), status=200):
    return render_template("catalog/tariff.html", product=product, form=form, general=general,
                           definition=LINES[Line(product.line)]), status


@bp.get("/products/<int:product_id>/tariff")
@requires(Permission.MANAGE_CATALOG)
def tariff(product_id: int):
    product = load_product(product_id)
    return _render_tariff(product, _tariff_form(product))


@bp.post("/products/<int:product_id>/tariff")
@requires(Permission.MANAGE_CATALOG)
def save_tariff(product_id: int):
    product = load_product(product_id)
    form = _tariff_form(product, request.form)
    if "add_factor" in request.form:
        form.factors.append_entry()
        form.set_line(product.line)
        return _render_tariff(product, form)
    if "remove_factor" in request.form:
        return _render_tariff(product, _without_factor(product, form, request.form.get("remove_factor", type=int)))
    if not form.validate_on_submit():
        return _render_tariff(product, form, status=422)
    factors = _factor_inputs(form)
    data, problems = tariff_from_inputs(form.base.data, form.minimum.data, form.fees.data, factors)
    problems = problems or validate_tariff(data, product.line)
    if not problems:
        try:
            offer.save_tariff(db.session, current_user, product_id, version=form.version.data, tariff=data)
        except CatalogError as exc:
            db.session.rollback()
            flash(catalog_error_message(exc.code), "danger")
            return _render_tariff(load_product(product_id), form, status=409 if exc.code == "stale" else 422)
        db.session.commit()
        flash(_("The tariff is saved."), "success")
        return redirect(url_for("catalog.product", product_id=product_id, _anchor="tariff"), code=303)
    general = _place_problems(form, factors, problems)
    return _render_tariff(product, form, general=general, status=422)


def _without_factor(product, form: TariffForm, index: int | None) -> TariffForm:
    data = form.data
    if index is not None and 0 <= index < len(data["factors"]):
        del data["factors"][index]
    trimmed = TariffForm(formdata=None, data=data)
    trimmed.set_line(product.line)
    return trimmed


def _place_problems(form: TariffForm, factors: list[FactorInput], problems) -> list[str]:
    """Put each problem next to its field or row; return those that belong to no field."""
    general = []
    for problem in problems:
        where = locate(problem.path, factors)
        message = problem_message(problem)
        if where.row is not None:
            message = _("Row %(row)s: %(message)s", row=where.row + 1, message=message)
        if where.factor is not None and where.factor < len(form.factors):
            field = form.factors[where.factor].form[where.field]
        elif where.field in ("base", "minimum", "fees"):
            field = form[where.field]
        else:
            general.append(message)
            continue
        field.errors = [*field.errors, message]
    return general


def _row_errors(problems) -> list[str]:
    messages = []
    for problem in problems:
        match = ROW_PATH.match(problem.path)
        message = problem_message(problem)
        messages.append(_("Row %(row)s: %(message)s", row=int(match.group(1)) + 1, message=message)
                        if match else message)
    return messages


@bp.route("/products/<int:product_id>/eligibility", methods=["GET", "POST"])
@requires(Permission.MANAGE_CATALOG)
def eligibility(product_id: int):
    product = load_product(product_id)
    definition = LINES[Line(product.line)]
    if request.method == "GET":
        form = EligibilityForm(formdata=None, rows=condition_rows(product.eligibility), version=product.version)
        return render_template("catalog/eligibility.html", product=product, form=form, definition=definition)
    form = EligibilityForm()
    if form.validate_on_submit():
        conditions, problems = conditions_from_rows(form.rows.data)
        try:
            if problems:
                raise CatalogError("invalid_eligibility", problems=problems)
            offer.save_eligibility(db.session, current_user, product_id, version=form.version.data,
                                   conditions=conditions)
        except CatalogError as exc:
            db.session.rollback()
            form.rows.errors = _row_errors(exc.problems) or [catalog_error_message(exc.code)]
            product = load_product(product_id)
            return render_template("catalog/eligibility.html", product=product, form=form,
                                   definition=definition), 409 if exc.code == "stale" else 422
        db.session.commit()
        flash(_("The eligibility conditions are saved."), "success")
        return redirect(url_for("catalog.product", product_id=product_id, _anchor="eligibility"), code=303)
    return render_template("catalog/eligibility.html", product=product, form=form, definition=definition), 422


def _as_of() -> date:
    try:
        return date.fromisoformat(request.args.get("as_of", ""))
    except ValueError:
        return date.today()


def trial(product, risk: dict, option_codes: list[str], as_of: date) -> dict:
    """Price ``risk`` with the product's tariff as the comparison would; return what to show."""
    definition = LINES[Line(product.line)]
    problems = eligibility_problems(product.eligibility or [], risk, as_of=as_of)
    result = {"reasons": [eligibility_reason(p, definition) for p in problems], "errors": [], "pricing": None}
    if not product.tariff:
        result["errors"] = [_("The product has no tariff yet.")]
        return result
    try:
        pricing = price(product.tariff, risk, options=offer.option_prices(product, option_codes), as_of=as_of)
    except TariffError as exc:
        result["errors"] = [pricing_reason(p, definition) for p in exc.problems]
        return result
    rate = catalog.tax_rate(db.session, product.line)
    tax = insurance_tax(pricing.net + pricing.fees, rate)
    result.update(pricing=pricing, tax_rate=rate, tax=tax, total=pricing.net + pricing.fees + tax,
                  steps=[(step_label(s.label), step_detail(s.detail, definition), s.amount)
                         for s in pricing.steps if s.label != FEES_STEP])
    return result


@bp.get("/products/<int:product_id>/try")
def try_tariff(product_id: int):
    product = load_product(product_id)
    definition = LINES[Line(product.line)]
    risk = {a.name: request.args.get(f"risk_{a.name}", "").strip() for a in definition.attributes}
    risk = {name: value for name, value in risk.items() if value}
    options = request.args.getlist("option")
    as_of = _as_of()
    result = trial(product, risk, options, as_of) if "priced" in request.args else None
    context = dict(product=product, definition=definition, risk=risk, options=options, as_of=as_of,
                   result=result, zero=Decimal("0.00"))
    if htmx and htmx.target == "try-result":
        return render_template("catalog/_try_result.html", **context)
    return render_template("catalog/try.html", **context)

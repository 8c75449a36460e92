"""Products and their guarantees (routes of the catalog blueprint)."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from app.auth.rules import Permission
from app.auth.access import requires
from app.catalog import products as offer
from app.catalog import services as catalog
from app.catalog.forms import PAYMENT_OPTION_LABELS, GuaranteeForm, ProductForm, choices
from app.catalog.lines import LINES, Line, line_choices
from app.catalog.messages import catalog_error_message
from app.catalog.services import CatalogError
from app.catalog.views import PER_PAGE, bp, error_status, page_number, show_error
from app.extensions import db, htmx

PRODUCT_FIELDS = ("code", "name", "description", "commission_rate", "payment_options", "is_active")
GUARANTEE_FIELDS = ("code", "label", "ceiling", "deductible", "exclusions", "is_option", "option_premium")


def _filter_value(name: str, allowed) -> str | None:
    value = request.args.get(name) or None
    return value if value in allowed else None


@bp.get("/products")
def products():
    insurers = catalog.list_insurers(db.session)
    line = _filter_value("line", {line.value for line in Line})
    insurer_id = request.args.get("insurer", type=int)
    insurer_id = insurer_id if insurer_id in {i.id for i in insurers} else None
    page = page_number()
    items, total = catalog.list_products(db.session, line=line, insurer_id=insurer_id, page=page, per_page=PER_PAGE)
    context = dict(products=items, total=total, page=page, per_page=PER_PAGE, insurers=insurers,
                   line=line, insurer_id=insurer_id, line_choices=line_choices())
    if htmx and htmx.target == "product-list":
        return render_template("catalog/_product_table.html", **context)
    return render_template("catalog/products.html", **context)


def _insurer_choices():
    return choices((i.id, i.name) for i in catalog.list_insurers(db.session))


@bp.route("/products/new", methods=["GET", "POST"])
@requires(Permission.MANAGE_CATALOG)
def new_product():
    form = ProductForm()
    form.insurer_id.choices = _insurer_choices()
    if not form.insurer_id.choices:
        flash(_("Add an insurer to the panel first."), "warning")
        return redirect(url_for("catalog.new_insurer"), code=303)
    if request.method == "GET":
        form.insurer_id.data = request.args.get("insurer", type=int)
        return render_template("catalog/product_form.html", form=form, product=None)
    if form.validate_on_submit():
        try:
            product = offer.create_product(db.session, current_user, insurer_id=form.insurer_id.data,
                                           line=form.line.data, **{f: form[f].data for f in PRODUCT_FIELDS})
        except CatalogError as exc:
            db.session.rollback()
            show_error(form, exc)
        else:
            db.session.commit()
            flash(_("%(name)s is added. Now give it its guarantees and tariff.", name=product.name), "success")
            return redirect(url_for("catalog.product", product_id=product.id), code=303)
    return render_template("catalog/product_form.html", form=form, product=None), 422


def render_product(product, *, guarantee_form=None, status=200):
    if guarantee_form is None:
        guarantee_form = GuaranteeForm(formdata=None, version=product.version)
    guarantee_form.set_line(product.line)
    return render_template("catalog/product.html", product=product, definition=LINES[Line(product.line)],
                           guarantee_form=guarantee_form, payment_labels=PAYMENT_OPTION_LABELS), status


def load_product(product_id: int):
    """Return the product or answer 404."""
    return catalog.get_product(db.session, product_id) or abort(404)


@bp.get("/products/<int:product_id>")
def product(product_id: int):
    return render_product(load_product(product_id))


@bp.route("/products/<int:product_id>/edit", methods=["GET", "POST"])
@requires(Permission.MANAGE_CATALOG)
def edit_product(product_id: int):
    product = load_product(product_id)
    form = ProductForm(obj=product)
    form.insurer_id.choices = choices([(product.insurer_id, product.insurer.name)])
    if request.method == "GET":
        return render_template("catalog/product_form.html", form=form, product=product)
    form.insurer_id.data, form.line.data = product.insurer_id, product.line
    if form.validate_on_submit():
        try:
            offer.update_product(db.session, current_user, product_id, version=form.version.data,
                                 **{f: form[f].data for f in PRODUCT_FIELDS})
        except CatalogError as exc:
            db.session.rollback()
            show_error(form, exc)
            product = load_product(product_id)
            return render_template("catalog/product_form.html", form=form, product=product), error_status(exc)
        db.session.commit()
        flash(_("%(name)s is updated.", name=form.name.data), "success")
        return redirect(url_for("catalog.product", product_id=product_id), code=303)
    return render_template("catalog/product_form.html", form=form, product=product), 422


@bp.route("/products/<int:product_id>/delete", methods=["GET", "POST"])
@requires(Permission.MANAGE_CATALOG)
def delete_product(product_id: int):
    product = load_product(product_id)
    back = url_for("catalog.product", product_id=product_id)
    if request.method == "GET":
        return render_template("catalog/confirm_delete.html", what=f"{product.insurer.name} — {product.name}",
                               action=url_for("catalog.delete_product", product_id=product_id), back=back)
    insurer_id = product.insurer_id
    try:
        offer.delete_product(db.session, current_user, product_id)
    except CatalogError as exc:
        db.session.rollback()
        flash(catalog_error_message(exc.code), "danger")
        return redirect(back, code=303)
    db.session.commit()
    flash(_("The product is deleted."), "success")
    return redirect(url_for("catalog.insurer", insurer_id=insurer_id), code=303)


def _guarantee_values(form: GuaranteeForm) -> dict:
    return {f: form[f].data for f in GUARANTEE_FIELDS}


@bp.post("/products/<int:product_id>/guarantees")
@requires(Permission.MANAGE_CATALOG)
def add_guarantee(product_id: int):
    product = load_product(product_id)
    form = GuaranteeForm()
    form.set_line(product.line)
    if form.validate_on_submit():
        try:
            offer.add_guarantee(db.session, current_user, product_id, version=form.version.data,
                                **_guarantee_values(form))
        except CatalogError as exc:
            db.session.rollback()
            show_error(form, exc)
            return render_product(load_product(product_id), guarantee_form=form, status=error_status(exc))
        db.session.commit()
        flash(_("The guarantee is added."), "success")
        return redirect(url_for("catalog.product", product_id=product_id, _anchor="guarantees"), code=303)
    return render_product(product, guarantee_form=form, status=422)


@bp.route("/products/<int:product_id>/guarantees/<int:guarantee_id>", methods=["GET", "POST"])
@requires(Permission.MANAGE_CATALOG)
def edit_guarantee(product_id: int, guarantee_id: int):
    product = load_product(product_id)
    guarantee = next((g for g in product.guarantees if g.id == guarantee_id), None) or abort(404)
    form = GuaranteeForm(obj=guarantee, version=product.version)
    form.set_line(product.line)
    status = 200
    if request.method == "POST":
        if form.validate_on_submit():
            try:
                offer.update_guarantee(db.session, current_user, product_id, guarantee_id,
                                       version=form.version.data, **_guarantee_values(form))
            except CatalogError as exc:
                db.session.rollback()
                show_error(form, exc)
                product = load_product(product_id)
                status = error_status(exc)
            else:
                db.session.commit()
                flash(_("The guarantee is updated."), "success")
                return redirect(url_for("catalog.product", product_id=product_id, _anchor="guarantees"), code=303)
        else:
            status = 422
    return render_template("catalog/guarantee_form.html", product=product, guarantee=guarantee, form=form), status


def _guarantee_action(product_id: int, guarantee_id: int, action, message: str):
    load_product(product_id)
    try:
        action(db.session, current_user, product_id, guarantee_id, version=request.form.get("version", type=int))
    except CatalogError as exc:
        db.session.rollback()
        if exc.code == "not_found":
            abort(404)
        flash(catalog_error_message(exc.code), "danger")
    else:
        db.session.commit()
        if message:
            flash(message, "success")
    return redirect(url_for("catalog.product", product_id=product_id, _anchor="guarantees"), code=303)


@bp.post("/products/<int:product_id>/guarantees/<int:guarantee_id>/delete")
@requires(Permission.MANAGE_CATALOG)
def delete_guarantee(product_id: int, guarantee_id: int):
    return _guarantee_action(product_id, guarantee_id, offer.delete_guarantee, _("The guarantee is removed."))


@bp.post("/products/<int:product_id>/guarantees/<int:guarantee_id>/move")
@requires(Permission.MANAGE_CATALOG)
def move_guarantee(product_id: int, guarantee_id: int):
    offset = -1 if request.form.get("direction") == "up" else 1

    def move(session, actor, product_id, guarantee_id, *, version):
        offer.move_guarantee(session, actor, product_id, guarantee_id, version=version, offset=offset)

    return _guarantee_action(product_id, guarantee_id, move, "")

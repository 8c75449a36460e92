"""The contract list (filters, pages), manual entry, the contract page (as of
a date), editing the policy data, status changes, the contract's documents."""

from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from wtforms.fields.choices import SelectChoice

from app.catalog.lines import LINES, line_definition
from app.contracts import cancellations, entry, listing, services
from app.contracts.forms import ContractForm, EditForm, StatusForm, fill_guarantees, placed_guarantees
from app.contracts.listing import ContractFilters
from app.contracts.services import ContractError, Terms
from app.contracts.views import bp
from app.contracts.views.page import contract_or_404, render_contract, show_errors
from app.crm import services as clients
from app.documents import services as documents
from app.documents.forms import DocumentForm
from app.documents.views import UPLOAD_PROBLEMS
from app.documents.rules import MAX_UPLOAD_BYTES
from app.extensions import db, htmx
from app.quotes.services import search_clients

PER_PAGE = 50


def list_filters() -> ContractFilters:
    args = request.args
    return ContractFilters(q=args.get("q", "")[:100], line=args.get("line", ""),
                           insurer_id=args.get("insurer", type=int), status=args.get("status", ""),
                           handler_id=args.get("handler", type=int), renewal_month=args.get("renewal", "")[:7])


def list_url(endpoint: str = "contracts.index", **changes) -> str:
    args = {key: value for key, value in (request.args.to_dict() | changes).items() if value not in (None, "")}
    return url_for(endpoint, **args)


@bp.get("")
def index():
    if cancellations.apply_due(db.session):
        db.session.commit()
    filters = list_filters()
    page = max(request.args.get("page", 1, type=int), 1)
    rows, total = listing.page_of(db.session, filters, page, PER_PAGE)
    context = {"rows": rows, "total": total, "page": page, "per_page": PER_PAGE, "filters": filters,
               "list_url": list_url}
    if htmx and not htmx.history_restore_request:
        return render_template("contracts/_results.html", **context)
    return render_template("contracts/index.html", staff=clients.staff(db.session),
                           insurers=listing.insurers(db.session), lines=LINES, **context)


@bp.get("/clients")
def client_search():
    """Client references for the entry form's suggestions (a datalist)."""
    return render_template("contracts/_client_options.html",
                           clients=search_clients(db.session, request.args.get("client_reference", "")[:100]))


def staff_choices() -> list[SelectChoice]:
    return [SelectChoice("", "—")] + [SelectChoice(user.id, user.full_name) for user in clients.staff(db.session)]


def entry_form(line: str) -> ContractForm:
    form = ContractForm()
    form.handler_id.choices = staff_choices()
    form.insurer_id.choices = [SelectChoice("", "—")] + [
        SelectChoice(insurer.id, insurer.name) for insurer in listing.insurers(db.session) if insurer.is_active]
    form.product_id.choices = [SelectChoice("", "—")] + [
        SelectChoice(product.id, f"{product.insurer.name} — {product.name}")
        for product in entry.products_for(db.session, line)]
    fill_guarantees(form.guarantees, line_definition(line))
    return form


def _terms(form: ContractForm, line: str) -> Terms:
    client = entry.client_by_reference(db.session, form.client_reference.data)
    if client is None:
        raise ContractError("client_unknown", "client_reference")
    return Terms(client_id=client.id, insurer_id=form.insurer_id.data, line=line,
                 product_id=form.product_id.data, premium_net=form.premium_net.data, fees=form.fees.data or 0,
                 payer_id=entry.payer_id(db.session, form.payer_reference.data),
                 guarantees=placed_guarantees(form.guarantees, line_definition(line)), **form.policy_values())


@bp.route("/new", methods=["GET", "POST"])
def new():
    line = request.args.get("line", "")
    if line not in LINES:
        return render_template("contracts/new_line.html", lines=LINES)
    form = entry_form(line)
    if request.method == "GET":
        form.handler_id.data = current_user.id
        form.client_reference.data = request.args.get("client", "")[:20]
        return render_template("contracts/new.html", form=form, line=line_definition(line))
    if form.validate_on_submit():
        try:
            contract = entry.enter(db.session, current_user, _terms(form, line))
        except ContractError as exc:
            show_errors(form, exc)
        else:
            db.session.commit()
            flash(_("Contract %(reference)s is entered.", reference=contract.reference), "success")
            return redirect(url_for("contracts.show", contract_id=contract.id), code=303)
    db.session.rollback()
    return render_template("contracts/new.html", form=form, line=line_definition(line)), 422


@bp.get("/<int:contract_id>")
def show(contract_id: int):
    contract = contract_or_404(contract_id)
    if cancellations.apply_due(db.session):
        db.session.commit()
    return render_contract(contract)


@bp.route("/<int:contract_id>/edit", methods=["GET", "POST"])
def edit(contract_id: int):
    contract = contract_or_404(contract_id)
    form = EditForm(obj=contract)
    form.handler_id.choices = staff_choices()
    if request.method == "GET":
        payer = clients.get(db.session, contract.payer_id) if contract.payer_id else None
        form.payer_reference.data = payer.reference if payer else ""
        return render_template("contracts/edit.html", contract=contract, form=form)
    status = 422
    if form.validate_on_submit():
        try:
            values = form.policy_values() | {"payer_id": entry.payer_id(db.session, form.payer_reference.data)}
            entry.edit(db.session, current_user, contract, values, version=form.version.data)
            db.session.commit()
        except ContractError as exc:
            db.session.rollback()
            status = show_errors(form, exc)
        else:
            flash(_("The contract is updated."), "success")
            return redirect(url_for("contracts.show", contract_id=contract.id), code=303)
    db.session.rollback()
    return render_template("contracts/edit.html", contract=contract_or_404(contract_id), form=form), status


@bp.post("/<int:contract_id>/status")
def change_status(contract_id: int):
    contract = contract_or_404(contract_id)
    form = StatusForm()
    if form.validate_on_submit():
        try:
            services.require_version(contract, form.version.data)
            services.change_status(db.session, current_user, contract, to_status=form.to_status.data,
                                   reason=form.reason.data, effective_on=form.effective_on.data)
            db.session.commit()
        except ContractError as exc:
            db.session.rollback()
            status = show_errors(form, exc)
            return render_contract(contract_or_404(contract_id), status, status_form=form)
        flash(_("The status is changed."), "success")
        return redirect(url_for("contracts.show", contract_id=contract.id), code=303)
    return render_contract(contract, 422, status_form=form)


@bp.post("/<int:contract_id>/documents")
def upload_document(contract_id: int):
    contract = contract_or_404(contract_id)
    form = DocumentForm()
    if form.validate_on_submit():
        upload = form.file.data
        try:
            services.add_insurer_document(db.session, current_user, contract, filename=upload.filename or "document",
                                          content=upload.read(MAX_UPLOAD_BYTES + 1), kind=form.kind.data)
        except documents.DocumentError as exc:
            form.file.errors.append(UPLOAD_PROBLEMS.get(exc.code, exc.code))
        else:
            db.session.commit()
            flash(_("The document is added."), "success")
            return redirect(url_for("contracts.show", contract_id=contract.id, _anchor="documents"), code=303)
    db.session.rollback()
    return render_contract(contract, 422, document_form=form)


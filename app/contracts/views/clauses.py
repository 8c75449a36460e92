"""The clause library per line (editing needs MANAGE_CATALOG) and the specific
clauses of one contract (copied from the library, or written for it)."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from app.auth.access import requires
from app.auth.rules import Permission
from app.catalog.lines import LINES
from app.contracts import clauses
from app.contracts.forms import ClauseForm, EditContractClauseForm
from app.contracts.services import ContractError
from app.contracts.views import bp
from app.contracts.views.page import clause_form, contract_or_404, render_contract, show_errors
from app.extensions import db


def _line_or_404(line: str) -> str:
    if line not in LINES:
        abort(404)
    return line


@bp.get("/clauses")
def clause_library():
    line = request.args.get("line", "")
    if line and line not in LINES:
        abort(404)
    return render_template("contracts/clauses.html", clauses=clauses.library(db.session, line or None),
                           line=line, lines=LINES)


@bp.route("/clauses/new", methods=["GET", "POST"])
@requires(Permission.MANAGE_CATALOG)
def new_clause():
    line = _line_or_404(request.args.get("line", ""))
    form = ClauseForm()
    if request.method == "POST" and form.validate_on_submit():
        try:
            clauses.create_clause(db.session, current_user, line=line, code=form.code.data, title=form.title.data,
                                  text=form.text.data)
            db.session.commit()
        except ContractError as exc:
            db.session.rollback()
            status = show_errors(form, exc)
            return render_template("contracts/clause_form.html", form=form, line=line, clause=None), status
        flash(_("The clause is added to the library."), "success")
        return redirect(url_for("contracts.clause_library", line=line), code=303)
    status = 422 if request.method == "POST" else 200
    return render_template("contracts/clause_form.html", form=form, line=line, clause=None), status


@bp.route("/clauses/<int:clause_id>", methods=["GET", "POST"])
@requires(Permission.MANAGE_CATALOG)
def edit_clause(clause_id: int):
    clause = clauses.get_clause(db.session, clause_id) or abort(404)
    form = ClauseForm(obj=clause)
    if request.method == "GET":
        form.stamp.data = clauses.stamp_of(clause)
    elif form.validate_on_submit():
        try:
            clauses.update_clause(db.session, current_user, clause, stamp=form.stamp.data, code=form.code.data,
                                  title=form.title.data, text=form.text.data, is_active=form.is_active.data)
            db.session.commit()
        except ContractError as exc:
            db.session.rollback()
            status = show_errors(form, exc)
            clause = clauses.get_clause(db.session, clause_id)
            return render_template("contracts/clause_form.html", form=form, line=clause.line, clause=clause), status
        flash(_("The clause is updated."), "success")
        return redirect(url_for("contracts.clause_library", line=clause.line), code=303)
    status = 422 if request.method == "POST" else 200
    return render_template("contracts/clause_form.html", form=form, line=clause.line, clause=clause), status


@bp.post("/clauses/<int:clause_id>/delete")
@requires(Permission.MANAGE_CATALOG)
def delete_clause(clause_id: int):
    clause = clauses.get_clause(db.session, clause_id) or abort(404)
    line = clause.line
    clauses.delete_clause(db.session, current_user, clause)
    db.session.commit()
    flash(_("The clause is removed from the library; contracts keep their copies."), "success")
    return redirect(url_for("contracts.clause_library", line=line), code=303)


# --- a contract's clauses -------------------------------------------------------

@bp.post("/<int:contract_id>/clauses")
def add_contract_clause(contract_id: int):
    contract = contract_or_404(contract_id)
    form = clause_form(contract, request.form)
    if form.validate_on_submit():
        chosen = clauses.get_clause(db.session, form.clause_id.data) if form.clause_id.data else None
        if chosen is None and not ((form.title.data or "").strip() and (form.text.data or "").strip()):
            form.title.errors = [_("Choose a library clause, or write a title and a text.")]
        else:
            try:
                clauses.add_to_contract(db.session, current_user, contract, library_clause=chosen,
                                        title=form.title.data, text=form.text.data)
                db.session.commit()
            except ContractError as exc:
                db.session.rollback()
                return render_contract(contract_or_404(contract_id), show_errors(form, exc), clause_form=form)
            flash(_("The clause is added to the contract."), "success")
            return redirect(url_for("contracts.show", contract_id=contract.id, _anchor="clauses"), code=303)
    return render_contract(contract, 422, clause_form=form)


@bp.route("/<int:contract_id>/clauses/<int:clause_id>", methods=["GET", "POST"])
def edit_contract_clause(contract_id: int, clause_id: int):
    contract = contract_or_404(contract_id)
    clause = clauses.get_contract_clause(db.session, contract, clause_id) or abort(404)
    form = EditContractClauseForm(obj=clause)
    if request.method == "GET":
        form.stamp.data = clauses.stamp_of(clause)
        return render_template("contracts/contract_clause.html", contract=contract, clause=clause, form=form)
    status = 422
    if form.validate_on_submit():
        try:
            clauses.update_contract_clause(db.session, current_user, contract, clause, stamp=form.stamp.data,
                                           title=form.title.data, text=form.text.data)
            db.session.commit()
        except ContractError as exc:
            db.session.rollback()
            status = show_errors(form, exc)
        else:
            flash(_("The clause is updated."), "success")
            return redirect(url_for("contracts.show", contract_id=contract.id, _anchor="clauses"), code=303)
    contract = contract_or_404(contract_id)
    clause = clauses.get_contract_clause(db.session, contract, clause_id) or abort(404)
    return render_template("contracts/contract_clause.html", contract=contract, clause=clause, form=form), status


@bp.post("/<int:contract_id>/clauses/<int:clause_id>/delete")
def remove_contract_clause(contract_id: int, clause_id: int):
    contract = contract_or_404(contract_id)
    clause = clauses.get_contract_clause(db.session, contract, clause_id) or abort(404)
    clauses.remove_contract_clause(db.session, current_user, contract, clause)
    db.session.commit()
    flash(_("The clause is removed from the contract."), "success")
    return redirect(url_for("contracts.show", contract_id=contract.id, _anchor="clauses"), code=303)

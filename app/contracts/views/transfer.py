"""Export of the filtered contract list (CSV, XLSX) and import of the
existing portfolio: upload, preview with every row's problems, then all
rows or none."""

from __future__ import annotations

from flask import abort, current_app, flash, redirect, render_template, url_for
from flask_babel import ngettext
from flask_login import current_user

from app.audit import services as audit
from app.contracts import import_rules, importing, listing
from app.contracts.forms import ConfirmImportForm, ImportForm
from app.contracts.labels import problem_message
from app.contracts.views import bp
from app.contracts.views.pages import list_filters
from app.extensions import db
from app.web.downloads import CSV_MIMETYPE, EXPORT_FORMATS, attachment, spreadsheet

PREVIEW_ROWS = 200


@bp.get("/export.<fmt>")
def export(fmt: str):
    if fmt not in EXPORT_FORMATS:
        abort(404)
    response = spreadsheet(listing.export_rows(db.session, list_filters()), fmt, sheet="Contracts", stem="contracts")
    audit.record(db.session, current_user, "contract.export", "contract", None, after={"format": fmt})
    db.session.commit()
    return response


@bp.get("/import/template.csv")
def import_template():
    return attachment(importing.template_csv(), CSV_MIMETYPE, "contracts-import-template.csv")


def _import_page(form, status: int = 200):
    return render_template("contracts/import.html", form=form, columns=import_rules.COLUMNS,
                           required=import_rules.REQUIRED), status


@bp.get("/import")
def import_form():
    return _import_page(ImportForm())


@bp.post("/import")
def upload_import():
    form = ImportForm()
    if form.validate_on_submit():
        upload = form.file.data
        try:
            token = importing.stage(db.session, current_app.config["SECRET_KEY"], upload.filename or "contracts",
                                    upload.read(importing.MAX_BYTES + 1))
        except importing.ImportProblem as exc:
            form.file.errors.append(problem_message(exc.code, **exc.params))
        else:
            return redirect(url_for("contracts.preview_import", token=token), code=303)
    return _import_page(form, 422)


def _preview(token: str, result: importing.ImportCheck, status: int = 200):
    return render_template("contracts/import_preview.html", token=token, result=result, form=ConfirmImportForm(),
                           shown=result.rows[:PREVIEW_ROWS], message=problem_message), status


@bp.get("/import/<token>")
def preview_import(token: str):
    try:
        _key, filename, content = importing.staged(db.session, current_app.config["SECRET_KEY"], token)
        return _preview(token, importing.check(db.session, filename, content))
    except importing.ImportProblem:
        abort(404)


@bp.post("/import/<token>")
def confirm_import(token: str):
    if not ConfirmImportForm().validate_on_submit():
        abort(400)
    try:
        result = importing.run(db.session, current_user, current_app.config["SECRET_KEY"], token)
    except importing.ImportProblem:
        abort(404)
    if not result.ok:
        db.session.rollback()
        return _preview(token, result, 422)
    count = len(result.rows)
    flash(ngettext("%(num)d contract imported.", "%(num)d contracts imported.", count), "success")
    return redirect(url_for("contracts.index"), code=303)

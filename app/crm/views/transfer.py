"""Export of the filtered list (CSV, XLSX) and import from a spreadsheet:
upload, preview with every row's problems, then all rows or none."""

from __future__ import annotations

from flask import abort, current_app, flash, redirect, render_template, url_for
from flask_babel import ngettext
from flask_login import current_user

from app.audit import services as audit
from app.crm import exporting, import_rules, importing
from app.crm.forms import ConfirmImportForm, ImportForm
from app.crm.labels import KIND_LABELS, problem_message
from app.crm.views import bp
from app.crm.views.clients import list_filters
from app.extensions import db
from app.web.downloads import CSV_MIMETYPE, EXPORT_FORMATS, attachment, spreadsheet

PREVIEW_ROWS = 200


@bp.get("/export.<fmt>")
def export(fmt: str):
    if fmt not in EXPORT_FORMATS:
        abort(404)
    filters = list_filters()
    response = spreadsheet(exporting.rows(db.session, filters), fmt, sheet="Clients", stem="clients")
    audit.record(db.session, current_user, "client.export", "client", None, after={"format": fmt, "query": filters.q})
    db.session.commit()
    return response


@bp.get("/import/template.csv")
def import_template():
    return attachment(importing.template_csv(), CSV_MIMETYPE, "clients-import-template.csv")


@bp.get("/import")
def import_form():
    return render_template("crm/import.html", form=ImportForm(), columns=import_rules.COLUMNS)


@bp.post("/import")
def upload_import():
    form = ImportForm()
    if form.validate_on_submit():
        upload = form.file.data
        try:
            token = importing.stage(db.session, current_app.config["SECRET_KEY"], upload.filename or "clients",
                                    upload.read(importing.MAX_BYTES + 1))
        except importing.ImportProblem as exc:
            form.file.errors.append(problem_message(exc.code, **exc.params))
        else:
            return redirect(url_for("crm.preview_import", token=token), code=303)
    return render_template("crm/import.html", form=form, columns=import_rules.COLUMNS), 422


def _staged_check(token: str) -> importing.ImportCheck:
    try:
        _key, filename, content = importing.staged(db.session, current_app.config["SECRET_KEY"], token)
        return importing.check(db.session, filename, content)
    except importing.ImportProblem:
        abort(404)


def _preview(token: str, result: importing.ImportCheck, status: int = 200):
    return render_template("crm/import_preview.html", token=token, result=result, form=ConfirmImportForm(),
                           shown=result.rows[:PREVIEW_ROWS], kind_labels=KIND_LABELS,
                           message=problem_message), status


@bp.get("/import/<token>")
def preview_import(token: str):
    return _preview(token, _staged_check(token))


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
    flash(ngettext("%(num)d client imported.", "%(num)d clients imported.", count), "success")
    return redirect(url_for("crm.index", sort="created", dir="desc"), code=303)

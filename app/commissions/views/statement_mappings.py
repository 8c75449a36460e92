"""Commission screens: how each insurer's statement files are read. Upload a
sample, see the headers found and the first rows, choose the column of each
field and the file's conventions; saved per insurer and offered again, with
the same choices, on the next visit and used by every import."""

from __future__ import annotations

from dataclasses import replace

from flask import abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from app.commissions import statement_formats, statements
from app.commissions.statement_formats import MAX_BYTES, FormatProblem, Mapping
from app.commissions.statement_forms import (FIELD_LABELS, FILE_STATUS, MappingForm, SampleForm, add_error,
                                             problem_message)
from app.commissions.statements import StatementError
from app.commissions.views import bp
from app.extensions import db


def insurer_or_404(insurer_id: int):
    return statements.insurer_of(db.session, insurer_id) or abort(404)


@bp.get("/statements/mappings")
def mappings():
    return render_template("commissions/statements/mappings.html", insurers=statements.insurers(db.session),
                           mapped=statements.mapped_insurer_ids(db.session))


class Sample:
    """A staged sample file read at a header row: its headers and first rows."""

    def __init__(self, token: str, header_row: int, sheet: str) -> None:
        _filename, self.content = statements.staged(db.session, current_app.config["SECRET_KEY"], token)
        self.token = token
        self.headers, self.rows = statement_formats.sample(self.content, header_row, sheet)
        self.sheets = statement_formats.sheet_names(self.content)


def _page(insurer, mapping_form: MappingForm | None, sample: Sample | None, sample_form: SampleForm,
          status: int = 200):
    return render_template("commissions/statements/mapping.html", insurer=insurer, form=mapping_form,
                           sample=sample, sample_form=sample_form, field_labels=FIELD_LABELS,
                           saved=statements.mapping_of(db.session, insurer.id)), status


def _mapping_form(headers: list[str], mapping: Mapping, token: str = "") -> MappingForm:
    form = MappingForm(formdata=None)
    form.offer(headers)
    form.fill(mapping)
    form.sample.data = token
    return form


@bp.get("/statements/mappings/<int:insurer_id>")
def mapping(insurer_id: int):
    insurer = insurer_or_404(insurer_id)
    saved = statements.mapping_of(db.session, insurer.id)
    header_row = request.args.get("header_row", saved.header_row if saved else 1, type=int)
    sheet = request.args.get("sheet", saved.sheet if saved else "")[:100]
    sample_form = SampleForm(formdata=None, header_row=header_row, sheet=sheet)
    sample, form = None, None
    if request.args.get("sample"):
        try:
            sample = Sample(request.args["sample"], header_row, sheet)
        except (StatementError, FormatProblem) as exc:
            add_error(sample_form.file, problem_message(exc.code, **exc.params))
    if sample is not None:
        guessed = Mapping(columns=statement_formats.guess_columns(sample.headers), header_row=header_row, sheet=sheet)
        start = saved if saved and set(saved.columns.values()) <= set(sample.headers) else guessed
        form = _mapping_form(sample.headers, replace(start, header_row=header_row, sheet=sheet), sample.token)
    elif saved is not None:
        form = _mapping_form(list(saved.headers) or list(saved.columns.values()), saved)
    return _page(insurer, form, sample, sample_form)


@bp.post("/statements/mappings/<int:insurer_id>/sample")
def upload_sample(insurer_id: int):
    insurer = insurer_or_404(insurer_id)
    form = SampleForm()
    if not form.validate_on_submit():
        return _page(insurer, None, None, form, 422)
    upload, sheet = form.file.data, (form.sheet.data or "").strip()
    content = upload.read(MAX_BYTES + 1)
    try:
        if len(content) > MAX_BYTES:
            raise FormatProblem("file_too_large", megabytes=MAX_BYTES // (1024 * 1024))
        statement_formats.sample(content, form.header_row.data, sheet)
        token = statements.stage(db.session, current_app.config["SECRET_KEY"], upload.filename or "", content)
    except FormatProblem as exc:
        add_error(form.file, problem_message(exc.code, **exc.params))
        return _page(insurer, None, None, form, FILE_STATUS.get(exc.code, 422))
    return redirect(url_for("commissions.mapping", insurer_id=insurer.id, sample=token,
                            header_row=form.header_row.data, sheet=sheet or None), code=303)


def _sample_problems(form: MappingForm, sample: Sample, mapping: Mapping) -> None:
    """Flag the fields the sample's first rows cannot be read for with this mapping."""
    try:
        found = statement_formats.sample_problems(sample.content, mapping)
    except FormatProblem as exc:
        add_error(form.sample, problem_message(exc.code, **exc.params))
        return
    for name, problem in found.items():
        message = _("Not read in the sample's first rows, e.g. row %(row)s “%(value)s”: %(problem)s",
                    row=problem.row, value=problem.value, problem=problem_message(problem.code))
        add_error(getattr(form, name), message)


@bp.post("/statements/mappings/<int:insurer_id>")
def save_mapping(insurer_id: int):
    insurer = insurer_or_404(insurer_id)
    form, saved, sample = MappingForm(), statements.mapping_of(db.session, insurer.id), None
    sample_form = SampleForm(formdata=None, header_row=form.header_row.data or 1, sheet=form.sheet.data)
    try:
        if form.sample.data:
            sample = Sample(form.sample.data, form.header_row.data or 1, (form.sheet.data or "").strip())
    except (StatementError, FormatProblem) as exc:
        add_error(sample_form.file, problem_message(exc.code, **exc.params))
        form.offer(list(saved.headers) if saved else [])
        return _page(insurer, form, None, sample_form, 422)
    headers = sample.headers if sample else (list(saved.headers) or list(saved.columns.values()) if saved else [])
    form.offer(headers)
    if form.validate_on_submit():
        chosen = form.mapping(headers)
        form.show_problems(chosen.problems())
        if sample is not None and not chosen.problems():
            _sample_problems(form, sample, chosen)
        if not any(field.errors for field in form):
            statements.save_mapping(db.session, current_user, insurer.id, chosen)
            db.session.commit()
            flash(_("The mapping of %(insurer)s is saved: the next imports use it.", insurer=insurer.name), "success")
            return redirect(url_for("commissions.mapping", insurer_id=insurer.id), code=303)
    return _page(insurer, form, sample, sample_form, 422)

"""Commission screens: insurers' statements (bordereaux). The list with the
totals of each insurer and month, a statement's reconciliation by status
(pages, export), and the import of a month: the file read with the insurer's
mapping, every bad row listed and nothing imported, a month already
reconciled replaced only after confirmation."""

from __future__ import annotations

from datetime import date, timedelta

from flask import abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from app.audit import services as audit
from app.commissions import statements
from app.commissions.statement_formats import MAX_BYTES, FormatProblem, Parsed
from app.commissions.statement_forms import (DISPUTE_STATUS_LABELS, FIELD_LABELS, FILE_STATUS, LINE_STATUS_LABELS,
                                             LINE_STATUS_SHORT, ReplaceForm, StatementImportForm, add_error,
                                             problem_message)
from app.commissions.statements import StatementError, StatementFilters
from app.commissions.views import bp
from app.contracts.rules import add_months
from app.extensions import db, htmx
from app.web.downloads import EXPORT_FORMATS, spreadsheet

PER_PAGE = 50
LINES_PER_PAGE = 100
ERRORS_SHOWN = 500


@bp.context_processor
def statement_labels() -> dict:
    return {"statement_status_labels": LINE_STATUS_LABELS, "dispute_status_labels": DISPUTE_STATUS_LABELS,
            "statement_field_labels": FIELD_LABELS, "statement_problem": problem_message}


def args_url(endpoint: str, **changes) -> str:
    args = {key: value for key, value in (request.args.to_dict() | changes).items() if value not in (None, "")}
    return url_for(endpoint, **args)


def statement_or_404(statement_id: int):
    return statements.get(db.session, statement_id) or abort(404)


@bp.get("/statements")
def statement_list():
    filters = StatementFilters(insurer_id=request.args.get("insurer", type=int),
                               year=request.args.get("year", type=int))
    page = max(request.args.get("page", 1, type=int), 1)
    rows, total, totals = statements.statements_page(db.session, filters, page, PER_PAGE)
    return render_template("commissions/statements/index.html", rows=rows, total=total, totals=totals, page=page,
                           per_page=PER_PAGE, filters=filters, insurers=statements.insurers(db.session),
                           years=statements.statement_years(db.session), totals_of=statements.totals_of,
                           short_labels=LINE_STATUS_SHORT,
                           list_url=lambda **changes: args_url("commissions.statement_list", **changes))


def line_status() -> str:
    status = request.args.get("status", "")
    return status if status in LINE_STATUS_LABELS else ""


@bp.get("/statements/<int:statement_id>")
def statement(statement_id: int):
    found = statement_or_404(statement_id)
    status, page = line_status(), max(request.args.get("page", 1, type=int), 1)
    rows, total = statements.lines_page(db.session, found.id, status or None, page, LINES_PER_PAGE)
    context = {"statement": found, "rows": rows, "total": total, "page": page, "per_page": LINES_PER_PAGE,
               "status": status, "part": statements.status_part(found, status),
               "list_url": lambda **changes: args_url("commissions.statement", statement_id=found.id, **changes)}
    if htmx and not htmx.history_restore_request:
        return render_template("commissions/statements/_lines.html", **context)
    insurer = statements.insurer_of(db.session, found.insurer_id)
    mapping = statements.mapping_of(db.session, found.insurer_id)
    return render_template("commissions/statements/show.html", insurer=insurer, mapping=mapping,
                           last_day=add_months(found.month, 1) - timedelta(days=1), totals=statements.totals_of(found),
                           **context)


@bp.get("/statements/<int:statement_id>/export.<fmt>")
def export_statement(statement_id: int, fmt: str):
    found = statement_or_404(statement_id)
    if fmt not in EXPORT_FORMATS:
        abort(404)
    headers = [_("Row"), _("Policy number"), _("Client"), _("Due date"), _("Premium"), _("Rate"), _("Expected"),
               _("Received"), _("Difference"), _("Status"), _("Dispute")]
    rows = statements.export_rows(db.session, found.id, line_status() or None, headers,
                                  lambda code: str(LINE_STATUS_LABELS.get(code, code)),
                                  lambda code: str(DISPUTE_STATUS_LABELS.get(code, code)))
    response = spreadsheet(rows, fmt, sheet="Reconciliation", stem=f"statement-{found.month:%Y-%m}-{found.id}")
    audit.record(db.session, current_user, "insurer_statement.export", "insurer_statement", found.id,
                 after={"format": fmt, "status": line_status() or None})
    db.session.commit()
    return response


# --- import ------------------------------------------------------------------------------------

def import_form() -> StatementImportForm:
    form = StatementImportForm()
    form.insurer_id.choices = [("", "—")] + [(insurer.id, insurer.name)
                                             for insurer in statements.insurers(db.session)]
    return form


def import_page(form: StatementImportForm, status: int = 200, parsed: Parsed | None = None):
    return render_template("commissions/statements/import.html", form=form, parsed=parsed, shown=ERRORS_SHOWN,
                           mapped=statements.mapped_insurer_ids(db.session)), status


@bp.get("/statements/import")
def import_statement():
    form = import_form()
    form.insurer_id.data = request.args.get("insurer", type=int)
    month = request.args.get("month", "")
    if month:
        form.month.process_data(_month_or_none(month))
    return import_page(form)


def _month_or_none(value: str) -> date | None:
    try:
        return date.fromisoformat(f"{value[:7]}-01")
    except ValueError:
        return None


def _read(insurer_id: int, content: bytes) -> Parsed:
    """The upload read with the insurer's mapping (StatementError / FormatProblem otherwise)."""
    if len(content) > MAX_BYTES:
        raise FormatProblem("file_too_large", megabytes=MAX_BYTES // (1024 * 1024))
    mapping = statements.mapping_of(db.session, insurer_id)
    if mapping is None:
        raise StatementError("no_mapping")
    return statements.read_statement(content, mapping)


def _reconciled(insurer_id: int, month: date, filename: str, parsed: Parsed, replace: bool):
    found = statements.reconcile_statement(db.session, current_user, insurer_id, month, parsed.rows,
                                           filename=filename, replace=replace)
    db.session.commit()
    flash(_("The statement is reconciled: %(count)s lines read.", count=len(parsed.rows)), "success")
    return redirect(url_for("commissions.statement", statement_id=found.id), code=303)


@bp.post("/statements/import")
def upload_statement():
    form = import_form()
    if not form.validate_on_submit():
        return import_page(form, 422)
    upload, insurer_id, month = form.file.data, form.insurer_id.data, form.month.data
    content = upload.read(MAX_BYTES + 1)
    try:
        if statements.insurer_of(db.session, insurer_id) is None:
            raise StatementError("insurer_unknown")
        parsed = _read(insurer_id, content)
        if not parsed.ok:
            return import_page(form, 422, parsed)
        previous = statements.statement_for(db.session, insurer_id, month)
        if previous is None:
            return _reconciled(insurer_id, month, upload.filename or "", parsed, replace=False)
        token = statements.stage(db.session, current_app.config["SECRET_KEY"], upload.filename or "", content)
    except (FormatProblem, StatementError) as exc:
        db.session.rollback()
        add_error(form.file, problem_message(exc.code, **exc.params))
        return import_page(form, FILE_STATUS.get(exc.code, 422))
    db.session.commit()
    return render_template("commissions/statements/replace.html", previous=previous, parsed=parsed,
                           insurer=statements.insurer_of(db.session, insurer_id),
                           form=ReplaceForm(formdata=None, token=token, insurer_id=insurer_id,
                                            month=f"{month:%Y-%m}"))


@bp.post("/statements/import/replace")
def replace_statement():
    form = ReplaceForm()
    month = _month_or_none(form.month.data or "")
    if not form.validate_on_submit() or month is None or not (form.insurer_id.data or "").isdigit():
        abort(400)
    insurer_id = int(form.insurer_id.data)
    try:
        filename, content = statements.staged(db.session, current_app.config["SECRET_KEY"], form.token.data)
        if statements.insurer_of(db.session, insurer_id) is None:
            abort(404)
        parsed = _read(insurer_id, content)
        if not parsed.ok:
            raise StatementError("mapping_changed")
        return _reconciled(insurer_id, month, filename, parsed, replace=True)
    except (FormatProblem, StatementError) as exc:
        db.session.rollback()
        flash(problem_message(exc.code, **exc.params), "danger")
        return redirect(url_for("commissions.import_statement", insurer=insurer_id, month=f"{month:%Y-%m}"),
                        code=303)


from app.commissions.views import statement_mappings  # noqa: E402,F401  (its routes, on this blueprint)

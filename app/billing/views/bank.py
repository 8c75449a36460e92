"""Bank statements: the list, the import, a statement's lines, and the lines
that did not match with what a person does with them (assign to calls or to
a client, set aside with a note, bring back)."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_pgettext, ngettext
from flask_login import current_user

from app.audit import services as audit
from app.billing import bank, bank_review
from app.billing.bank_formats import FormatProblem
from app.billing.bank_forms import AssignCallsForm, AssignClientForm, IgnoreForm, ImportForm, LineForm
from app.billing.errors import BillingError
from app.billing.messages import BILLING_ERRORS, billing_error_message
from app.billing.models import BankLine, BankLineStatus, BankStatement, Payment, PremiumCall
from app.billing.views import bp
from app.billing.views.calls import payment_url
from app.crm import services as clients
from app.crm.models import Client
from app.extensions import db
from app.web.downloads import EXPORT_FORMATS, spreadsheet
from app.web.templating import money

PER_PAGE = 50
LINE_STATUS_LABELS = {BankLineStatus.MATCHED.value: lazy_pgettext("bank line status", "Matched"),
                      BankLineStatus.UNMATCHED.value: lazy_pgettext("bank line status", "Unmatched"),
                      BankLineStatus.IGNORED.value: lazy_pgettext("bank line status", "Set aside")}
CONFLICTS = {"stale", "bank_line_not_unmatched", "bank_line_not_ignored"}


def problem_message(code: str, **params) -> str:
    """The message of a file problem (``bank_`` codes of the billing messages)."""
    text = str(BILLING_ERRORS.get(f"bank_{code}", code))
    try:
        return text % params if params else text
    except (KeyError, TypeError, ValueError):
        return text


MAX_PAGE = 100_000


def _page() -> int:
    return min(max(request.args.get("page", 1, type=int), 1), MAX_PAGE)


def page_url(page: int) -> str:
    """This list's URL at another page, its filters kept."""
    return url_for(request.endpoint, **(request.view_args or {}) | request.args.to_dict() | {"page": page})


@bp.app_context_processor
def bank_labels() -> dict:
    return {"bank_line_status_labels": LINE_STATUS_LABELS}


@bp.get("/bank")
def bank_index():
    rows, total = bank_review.statements_page(db.session, _page(), PER_PAGE)
    return render_template("billing/bank/index.html", rows=rows, total=total, page=_page(), per_page=PER_PAGE,
                           page_url=page_url, counts=bank_review.review_counts(db.session))


def _import_page(form: ImportForm, problems: list[str] | None = None, status: int = 200):
    return render_template("billing/bank/import.html", form=form, problems=problems or [],
                           max_mb=bank.MAX_BYTES // (1024 * 1024)), status


@bp.get("/bank/import")
def bank_import_form():
    return _import_page(ImportForm())


@bp.post("/bank/import")
def bank_import():
    form = ImportForm()
    if not form.validate_on_submit():
        return _import_page(form, status=422)
    upload = form.file.data
    try:
        result = bank.import_statement(db.session, current_user, filename=upload.filename or "statement",
                                       content=upload.read(bank.MAX_BYTES + 1), account=form.account.data)
    except FormatProblem as problem:
        db.session.rollback()
        form.file.errors.append(problem_message(problem.code, **problem.params))
        rows = [problem_message(code, line=line, value=value) for line, code, value in problem.problems]
        return _import_page(form, rows, 413 if problem.code == "file_too_large" else 422)
    db.session.commit()
    _flash_import(result)
    if result.statement is None:
        return redirect(url_for("billing.bank_index"), code=303)
    return redirect(url_for("billing.bank_statement", statement_id=result.statement.id), code=303)


def _flash_import(result: bank.ImportResult) -> None:
    if result.statement is None and not result.known:
        left_out = sum(result.skipped.values())
        flash(ngettext("No money received in this file: its %(num)d line (a debit or a pending entry) is left out.",
                       "No money received in this file: its %(num)d lines (debits, pending entries…) are left out.",
                       left_out), "info")
        return
    if result.statement is None:
        flash(ngettext("The %(num)d line of this file was already imported: nothing was recorded twice.",
                       "The %(num)d lines of this file were already imported: nothing was recorded twice.",
                       result.known), "info")
        return
    flash(ngettext("%(num)d new line imported", "%(num)d new lines imported", result.new) + ", "
          + ngettext("%(num)d matched to premium calls.", "%(num)d matched to premium calls.", result.matched)
          + (" " + ngettext("%(num)d line was already imported.", "%(num)d lines were already imported.",
                            result.known) if result.known else ""), "success")


@bp.get("/bank/<int:statement_id>")
def bank_statement(statement_id: int):
    row = bank_review.statement_row(db.session, statement_id) or abort(404)
    status = request.args.get("status", "")
    status = status if status in {s.value for s in BankLineStatus} else ""
    lines, total = bank_review.lines_page(db.session, statement_id=statement_id, status=status, page=_page(),
                                          per_page=PER_PAGE)
    return render_template("billing/bank/statement.html", row=row, lines=lines, total=total, page=_page(),
                           per_page=PER_PAGE, status=status, page_url=page_url)


def _review_status() -> str:
    status = request.args.get("status", BankLineStatus.UNMATCHED.value)
    return status if status in bank_review.REVIEW_STATUSES else BankLineStatus.UNMATCHED.value


@bp.get("/bank/unmatched")
def bank_unmatched():
    status = _review_status()
    rows, total = bank_review.lines_page(db.session, status=status, page=_page(), per_page=PER_PAGE)
    return render_template("billing/bank/unmatched.html", rows=rows, total=total, page=_page(), per_page=PER_PAGE,
                           status=status, counts=bank_review.review_counts(db.session), page_url=page_url,
                           suggestions=bank_review.suggestions(db.session, [row.line for row in rows]))


@bp.get("/bank/unmatched.<fmt>")
def bank_export(fmt: str):
    if fmt not in EXPORT_FORMATS:
        abort(404)
    status = _review_status()
    response = spreadsheet(_export_rows(status), fmt, sheet="Bank lines", stem=f"bank-lines-{status}")
    audit.record(db.session, current_user, "bank_line.export", "bank_line", None, after={"format": fmt,
                                                                                         "status": status})
    db.session.commit()
    return response


def _export_rows(status: str):
    yield [_("Date"), _("Amount"), _("Label"), _("Payer"), _("Statement"), _("Status"), _("Note"),
           _("Why not matched"), _("Suggested premium calls")]
    for line, filename, suggestion in bank_review.export_lines(db.session, status):
        yield [line.booked_on, line.amount, line.label, line.counterparty or "", filename,
               str(LINE_STATUS_LABELS.get(line.status, line.status)), line.note or "",
               reason_text(suggestion), " ".join(call.reference for call in suggestion.calls)]


def reason_text(suggestion: bank_review.Suggestion) -> str:
    """Why the line was not matched, in a sentence (the export's column)."""
    calls = ", ".join(call.reference for call in suggestion.calls)
    return {
        "exact": ngettext("%(calls)s now owes exactly this amount.", "%(calls)s now owe exactly this amount.",
                          len(suggestion.calls), calls=calls),
        "partial": _("Reference %(calls)s found, but the transfer is %(amount)s short.", calls=calls,
                     amount=money(-suggestion.difference)),
        "over": _("Reference %(calls)s found, but the transfer is %(amount)s more than owed.", calls=calls,
                  amount=money(suggestion.difference)),
        "same_amount": _("No reference; only %(calls)s owes this amount.", calls=calls),
        "several_same_amount": _("No reference; %(count)s premium calls owe this amount.",
                                 count=len(suggestion.calls) + suggestion.others),
        "several_payers": _("The references found are premium calls of different payers."),
        "nothing": _("No reference found and no premium call owes this amount."),
    }.get(suggestion.reason, suggestion.reason)


# --- one line ----------------------------------------------------------------------------

def line_or_404(line_id: int) -> BankLine:
    return db.session.get(BankLine, line_id) or abort(404)


def _forms(line: BankLine, failed: LineForm | None = None) -> dict:
    forms = {"calls": AssignCallsForm(formdata=None), "client": AssignClientForm(formdata=None),
             "ignore": IgnoreForm(formdata=None), "unignore": LineForm(formdata=None)}
    for form in forms.values():
        form.version.data = line.version
    if failed is not None:
        forms[{AssignCallsForm: "calls", AssignClientForm: "client", IgnoreForm: "ignore"}.get(
            type(failed), "unignore")] = failed
    return forms


def _recorded_payment(line: BankLine) -> dict:
    """What the line paid: its payment, the payer, the (first) call, the payment's page."""
    payment = db.session.get(Payment, line.payment_id) if line.payment_id else None
    return {"payment": payment, "payment_link": payment and payment_url(payment),
            "payer": payment and db.session.get(Client, payment.payer_client_id),
            "call": db.session.get(PremiumCall, line.call_id) if line.call_id else None}


def _line_page(line: BankLine, failed: LineForm | None = None, error: str | None = None, status: int = 200):
    statement = db.session.get(BankStatement, line.statement_id)
    return render_template("billing/bank/line.html", line=line, statement=statement, error=error,
                           forms=_forms(line, failed), suggestion=bank_review.suggestions(db.session, [line])[line.id],
                           back=_back(line), **_recorded_payment(line)), status


@bp.get("/bank/lines/<int:line_id>")
def bank_line(line_id: int):
    return _line_page(line_or_404(line_id))


def _back(line: BankLine) -> str:
    """Where to go after an action: the bank page it was made from, else the line."""
    target = request.form.get("next") or request.args.get("next") or ""
    prefix = url_for("billing.bank_index")
    if target.startswith(prefix) and "//" not in target and "\\" not in target:
        return target
    return url_for("billing.bank_line", line_id=line.id)


def _act(line_id: int, form: LineForm, action) -> object:
    """Validate ``form``, run ``action(line)``, commit and go back; a refusal
    shows the line page with the reason (409 for a stale or closed line)."""
    line = line_or_404(line_id)
    if not form.validate_on_submit():
        db.session.rollback()
        return _line_page(line, form, status=422)
    try:
        message = action(line)
    except BillingError as exc:
        db.session.rollback()
        line = line_or_404(line_id)
        return _line_page(line, form, billing_error_message(exc.code), 409 if exc.code in CONFLICTS else 422)
    db.session.commit()
    flash(message, "success")
    return redirect(_back(line), code=303)


@bp.post("/bank/lines/<int:line_id>/assign")
def bank_assign(line_id: int):
    form = AssignCallsForm()

    def assign(line: BankLine) -> str:
        calls = bank.calls_by_references(db.session, form.calls.data)
        payment = bank.assign_to_calls(db.session, current_user, line, calls, version=form.version.data)
        return _recorded(payment, ", ".join(call.reference for call in calls))

    return _act(line_id, form, assign)


@bp.post("/bank/lines/<int:line_id>/credit")
def bank_credit(line_id: int):
    form = AssignClientForm()

    def credit(line: BankLine) -> str:
        client = clients.by_reference(db.session, form.client.data)
        if client is None:
            raise BillingError("bank_client_unknown")
        payment = bank.assign_to_client(db.session, current_user, line, client.id, version=form.version.data)
        return _recorded(payment, client.display_name)

    return _act(line_id, form, credit)


def _recorded(payment, to: str) -> str:
    message = _("%(amount)s recorded for %(to)s.", amount=money(payment.amount), to=to)
    if payment.unallocated > 0:
        message += " " + _("%(amount)s kept as the payer's credit.", amount=money(payment.unallocated))
    return message


@bp.post("/bank/lines/<int:line_id>/ignore")
def bank_ignore(line_id: int):
    form = IgnoreForm()

    def ignore(line: BankLine) -> str:
        bank.ignore(db.session, current_user, line, form.note.data, version=form.version.data)
        return _("The line is set aside: it is not a premium.")

    return _act(line_id, form, ignore)


@bp.post("/bank/lines/<int:line_id>/unignore")
def bank_unignore(line_id: int):
    form = LineForm()

    def unignore(line: BankLine) -> str:
        bank.unignore(db.session, current_user, line, version=form.version.data)
        return _("The line is back among the unmatched ones.")

    return _act(line_id, form, unignore)

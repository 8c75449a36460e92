"""Letters: the firm's templates (settings) and the compose flow of a contract."""

from __future__ import annotations

import io

from flask import Blueprint, abort, flash, g, redirect, render_template, request, send_file, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from app.auth.access import guard_blueprint, requires
from app.auth.rules import Permission
from app.contracts import services as contracts
from app.crm.models import Client
from app.documents import services as documents
from app.extensions import db, htmx
from app.letters import services as letters
from app.letters import templates
from app.letters.defaults import BUILTIN_TEMPLATES, FREE_LETTER
from app.letters.forms import LetterForm, TemplateForm, problem_message
from app.letters.links import contract_page_url
from app.letters.rules import MERGE_FIELDS

bp = guard_blueprint(Blueprint("letters", __name__))

TEMPLATE_ERRORS = {
    "title_required": ("title", _l("A title is required.")),
    "bad_code": ("code", _l("Lower-case letters, digits and underscores, starting with a letter.")),
    "code_taken": ("code", _l("This code is already used by another template.")),
}


@bp.get("/letters/templates")
@requires(Permission.MANAGE_CATALOG)
def template_list():
    return render_template("letters/templates.html", rows=templates.rows(db.session, str(get_locale())))


def _template_form(code: str | None) -> TemplateForm:
    if request.method == "POST":
        return TemplateForm()
    own = templates.firm_template(db.session, code) if code else None
    if own is not None:
        return TemplateForm(obj=own, stamp=templates.stamp_of(own))
    if code in BUILTIN_TEMPLATES:
        wording = BUILTIN_TEMPLATES[code].wording(str(get_locale()))
        return TemplateForm(code=code, title=wording.title, subject=wording.subject, body=wording.body)
    return TemplateForm()


@bp.route("/letters/templates/new", methods=["GET", "POST"])
@requires(Permission.MANAGE_CATALOG)
def new_template():
    return _edit_template(None)


@bp.route("/letters/templates/<code>", methods=["GET", "POST"])
@requires(Permission.MANAGE_CATALOG)
def edit_template(code: str):
    if code not in BUILTIN_TEMPLATES and templates.firm_template(db.session, code) is None:
        abort(404)
    return _edit_template(code)


def _edit_template(code: str | None):
    form = _template_form(code)
    if code is not None:
        form.code.data = code
    if request.method == "POST" and form.validate_on_submit():
        try:
            templates.save(db.session, current_user, code=form.code.data, title=form.title.data,
                           subject=form.subject.data, body=form.body.data, is_active=form.is_active.data,
                           stamp=form.stamp.data or "", new=code is None)
        except templates.TemplateError as exc:
            db.session.rollback()
            return _template_refused(form, code, exc)
        db.session.commit()
        flash(_("The template “%(title)s” is saved.", title=form.title.data), "success")
        return redirect(url_for("letters.template_list"), code=303)
    status = 422 if request.method == "POST" else 200
    return render_template("letters/template.html", form=form, code=code, fields=MERGE_FIELDS,
                           is_builtin=code in BUILTIN_TEMPLATES), status


def _template_refused(form: TemplateForm, code: str | None, exc: templates.TemplateError):
    status = 422
    if exc.code == "stale":
        flash(_("Someone changed this template meanwhile: reload it to see their version."), "danger")
        status = 409
    elif exc.code in TEMPLATE_ERRORS:
        name, message = TEMPLATE_ERRORS[exc.code]
        getattr(form, name).errors.append(str(message))
    for name, problems in exc.problems.items():
        getattr(form, name).errors.extend(str(problem_message(p)) for p in problems)
    return render_template("letters/template.html", form=form, code=code, fields=MERGE_FIELDS,
                           is_builtin=code in BUILTIN_TEMPLATES), status


@bp.post("/letters/templates/<code>/reset")
@requires(Permission.MANAGE_CATALOG)
def reset_template(code: str):
    try:
        templates.reset(db.session, current_user, code)
    except templates.TemplateError:
        abort(404)
    db.session.commit()
    flash(_("The built-in wording is back.") if code in BUILTIN_TEMPLATES else _("The template is deleted."), "success")
    return redirect(url_for("letters.template_list"), code=303)


def _contract_and_client(contract_id: int):
    contract = contracts.get(db.session, contract_id) or abort(404)
    return contract, db.session.get(Client, contract.client_id)


@bp.get("/contracts/<int:contract_id>/letters/new")
@requires(Permission.WRITE)
def new_letter(contract_id: int):
    contract, client = _contract_and_client(contract_id)
    choices = templates.choices(db.session, str(get_locale()))
    code = request.args.get("template") or FREE_LETTER
    if code not in dict(choices):
        abort(404)
    subject, body = letters.draft(db.session, current_user, client=client, contract=contract, template_code=code,
                                  tenant=g.tenant)
    form = LetterForm(template=code, subject=subject, body=body)
    return _compose_page(contract, client, form, choices)


def _compose_page(contract, client, form, choices, status: int = 200):
    context = {"contract": contract, "client": client, "form": form, "choices": choices,
               "back_url": contract_page_url(contract)}
    if htmx and request.method == "GET":
        return render_template("letters/_compose_form.html", **context)
    return render_template("letters/compose.html", **context), status


@bp.post("/contracts/<int:contract_id>/letters")
def produce(contract_id: int):
    contract, client = _contract_and_client(contract_id)
    form = LetterForm()
    choices = templates.choices(db.session, str(get_locale()))
    if form.template.data not in dict(choices):
        abort(400)
    if not form.validate_on_submit():
        return _compose_page(contract, client, form, choices, 422)
    letter = letters.compose(db.session, current_user, client=client, contract=contract,
                             template_code=form.template.data, subject=form.subject.data, body=form.body.data,
                             tenant=g.tenant)
    db.session.commit()
    flash(_("The letter is produced and kept in the contract's documents."), "success")
    return redirect(url_for("letters.show", letter_id=letter.id), code=303)


def _letter_or_404(letter_id: int):
    letter = letters.get(db.session, letter_id) or abort(404)
    return letter, db.session.get(Client, letter.client_id)


@bp.get("/letters/<int:letter_id>")
def show(letter_id: int):
    letter, client = _letter_or_404(letter_id)
    contract = contracts.get(db.session, letter.contract_id) if letter.contract_id else None
    back_url = contract_page_url(contract) if contract else url_for("crm.show", client_id=client.id)
    return render_template("letters/letter.html", letter=letter, client=client, contract=contract, back_url=back_url)


@bp.get("/letters/<int:letter_id>/pdf")
def pdf(letter_id: int):
    letter, _client = _letter_or_404(letter_id)
    document, content = documents.file_of(db.session, letter.document_id) or abort(404)
    return send_file(io.BytesIO(content), mimetype="application/pdf", download_name=document.filename)


@bp.post("/letters/<int:letter_id>/send")
def send(letter_id: int):
    letter, _client = _letter_or_404(letter_id)
    try:
        address = letters.send(db.session, current_user, letter, tenant=g.tenant, locale=str(get_locale()))
    except letters.LetterError as exc:
        db.session.rollback()
        if exc.code != "no_email":
            raise
        flash(_("The client has no email address: add one on the client's page first."), "danger")
        return redirect(url_for("letters.show", letter_id=letter_id), code=303)
    db.session.commit()
    flash(_("The letter is sent to %(email)s.", email=address), "success")
    return redirect(url_for("letters.show", letter_id=letter_id), code=303)

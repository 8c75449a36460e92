"""Claims: the letters tab. Letters from the templates about the claim,
merged then edited by the handler, produced as a PDF kept with the claim,
sent by email to the client; the claim's letters with their PDF."""

from __future__ import annotations

import io

from flask import abort, flash, g, redirect, render_template, request, send_file, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_login import current_user

from app.auth.rules import Permission, can
from app.claims import claim_letters, dispute_labels, page
from app.claims.views import bp
from app.documents import services as documents
from app.extensions import db
from app.letters import services as letters
from app.letters import templates
from app.letters.defaults import CLAIM_TEMPLATES, FREE_LETTER
from app.letters.forms import LetterForm


def _choices() -> list[tuple[str, str]]:
    return templates.choices(db.session, str(get_locale()), for_claim=True)


def _page(claim, form: LetterForm | None, choices, status: int = 200):
    return render_template("claims/letters.html", **page.header(claim), form=form, choices=choices,
                           letters=letters.letters_of_claim(db.session, claim)), status


def _merged_form(claim, choices, code: str | None) -> LetterForm | None:
    """The chosen template merged for the claim, for those who may write."""
    if not can(current_user.role, Permission.WRITE):
        return None
    code = code or next((code for code, _title in choices if code in CLAIM_TEMPLATES), FREE_LETTER)
    if code not in dict(choices):
        abort(404)
    try:
        subject, body = claim_letters.draft(db.session, current_user, claim, code, g.tenant)
    except letters.LetterError:
        flash(dispute_labels.problem("template_refused"), "danger")
        subject, body = "", ""
    return LetterForm(template=code, subject=subject, body=body)


@bp.get("/<int:claim_id>/letters", endpoint="letters")
def letters_tab(claim_id: int):
    claim = page.claim_or_404(claim_id)
    choices = _choices()
    return _page(claim, _merged_form(claim, choices, request.args.get("template")), choices)


@bp.post("/<int:claim_id>/letters")
def produce_letter(claim_id: int):
    claim = page.claim_or_404(claim_id)
    form, choices = LetterForm(), _choices()
    if form.template.data not in dict(choices):
        abort(400)
    if not form.validate_on_submit():
        return _page(claim, form, choices, 422)
    letter = claim_letters.produce(db.session, current_user, claim, template_code=form.template.data,
                                   subject=form.subject.data, body=form.body.data, tenant=g.tenant)
    db.session.commit()
    flash(_("The letter is produced, kept with the claim and shown in the client's space."), "success")
    return redirect(url_for("claims.letters", claim_id=claim_id) + f"#letter-{letter.id}", code=303)


def _letter_or_404(claim, letter_id: int):
    return claim_letters.letter_of(db.session, claim, letter_id) or abort(404)


@bp.post("/<int:claim_id>/letters/<int:letter_id>/send")
def send_letter(claim_id: int, letter_id: int):
    claim = page.claim_or_404(claim_id)
    letter = _letter_or_404(claim, letter_id)
    try:
        address = claim_letters.send(db.session, current_user, claim, letter, tenant=g.tenant,
                                     locale=str(get_locale()))
    except letters.LetterError as exc:
        db.session.rollback()
        flash(dispute_labels.problem(exc.code), "danger")
        claim, choices = page.claim_or_404(claim_id), _choices()
        return _page(claim, _merged_form(claim, choices, None), choices, 422)
    db.session.commit()
    flash(_("The letter is sent to %(email)s.", email=address), "success")
    return redirect(url_for("claims.letters", claim_id=claim_id) + f"#letter-{letter_id}", code=303)


@bp.get("/<int:claim_id>/letters/<int:letter_id>/pdf")
def letter_pdf(claim_id: int, letter_id: int):
    letter = _letter_or_404(page.claim_or_404(claim_id), letter_id)
    document, content = documents.file_of(db.session, letter.document_id) or abort(404)
    return send_file(io.BytesIO(content), mimetype="application/pdf", download_name=document.filename)

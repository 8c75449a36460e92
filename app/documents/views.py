"""A client's documents: list, upload (checked by content), download, delete."""

from __future__ import annotations

import io
from datetime import date

from flask import Blueprint, abort, flash, redirect, render_template, send_file, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from app.auth.access import guard_blueprint
from app.crm import services as clients
from app.documents import services as documents
from app.documents.forms import DocumentForm
from app.documents.models import DOCUMENT_KIND_LABELS
from app.documents.rules import MAX_UPLOAD_BYTES
from app.extensions import db

bp = guard_blueprint(Blueprint("documents", __name__))

UPLOAD_PROBLEMS = {
    "empty": _l("This file is empty."),
    "too_large": _l("This file is too large: 10 MB at most."),
    "unsupported_type": _l("Only PDF, JPEG, PNG and WebP files are accepted (checked by their content, not their name)."),
}


def _client_or_404(client_id: int):
    return clients.get(db.session, client_id) or abort(404)


def _page(client, form: DocumentForm, status: int = 200):
    return render_template("documents/client_documents.html", client=client, form=form,
                           documents=documents.for_client(db.session, client.id), today=date.today(),
                           document_kinds=DOCUMENT_KIND_LABELS), status


@bp.get("/clients/<int:client_id>/documents")
def client_documents(client_id: int):
    return _page(_client_or_404(client_id), DocumentForm(formdata=None))


@bp.post("/clients/<int:client_id>/documents")
def upload(client_id: int):
    client = _client_or_404(client_id)
    form = DocumentForm()
    if form.validate_on_submit():
        upload_ = form.file.data
        try:
            documents.store(db.session, current_user, content=upload_.read(MAX_UPLOAD_BYTES + 1),
                            filename=upload_.filename or "document", kind=form.kind.data, title=form.title.data,
                            client_id=client.id, expires_on=form.expires_on.data)
        except documents.DocumentError as exc:
            form.file.errors.append(UPLOAD_PROBLEMS.get(exc.code, exc.code))
        else:
            db.session.commit()
            flash(_("The document is added."), "success")
            return redirect(url_for("crm.show", client_id=client.id, _anchor="documents"), code=303)
    db.session.rollback()
    return _page(client, form, 422)


def _document_or_404(document_id: int):
    document = documents.get(db.session, document_id)
    if document is None or document.client_id is None:
        abort(404)
    return document


@bp.get("/documents/<int:document_id>")
def download(document_id: int):
    document = _document_or_404(document_id)
    return send_file(io.BytesIO(documents.content_of(db.session, document)), mimetype=document.content_type,
                     as_attachment=True, download_name=document.filename)


@bp.post("/documents/<int:document_id>/delete")
def delete(document_id: int):
    document = _document_or_404(document_id)
    client_id = document.client_id
    documents.delete(db.session, current_user, document)
    db.session.commit()
    flash(_("The document is deleted."), "success")
    return redirect(url_for("crm.show", client_id=client_id, _anchor="documents"), code=303)

"""Administrators give an insurer API keys and revoke them, from the
insurer's page. A new key is shown once, in the answer to its creation,
and never again: only its hash is kept."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user

from app.auth.access import guard_blueprint, requires
from app.auth.rules import Permission
from app.catalog import services as catalog
from app.extensions import db
from app.insurer_api import services as keys
from app.insurer_api.forms import ApiKeyForm
from app.insurer_api.rules import shown_prefix

bp = guard_blueprint(Blueprint("api_keys", __name__, url_prefix="/catalog/insurers/<int:insurer_id>/api-keys"))


@bp.context_processor
def keys_context() -> dict:
    return {"shown_prefix": shown_prefix}


def render_keys(insurer, form: ApiKeyForm, *, new_key: str | None = None, status: int = 200):
    response = render_template("insurer_api/keys.html", insurer=insurer, form=form, new_key=new_key,
                               keys=keys.keys_of(db.session, insurer.id))
    return response, status, {"Cache-Control": "no-store"}


@bp.get("")
@requires(Permission.MANAGE_TEAM)
def index(insurer_id: int):
    insurer = catalog.get_insurer(db.session, insurer_id) or abort(404)
    return render_keys(insurer, ApiKeyForm(formdata=None))


@bp.post("")
@requires(Permission.MANAGE_TEAM)
def create(insurer_id: int):
    insurer = catalog.get_insurer(db.session, insurer_id) or abort(404)
    form = ApiKeyForm()
    if not form.validate_on_submit():
        return render_keys(insurer, form, status=422)
    _key, whole = keys.create_key(db.session, current_user, insurer, label=form.label.data)
    db.session.commit()
    return render_keys(insurer, ApiKeyForm(formdata=None), new_key=whole, status=201)


@bp.post("/<int:key_id>/revoke")
@requires(Permission.MANAGE_TEAM)
def revoke(insurer_id: int, key_id: int):
    key = keys.get_key(db.session, insurer_id, key_id) or abort(404)
    keys.revoke_key(db.session, current_user, key)
    db.session.commit()
    flash(_("The key %(label)s is revoked: requests made with it are refused.", label=key.label), "success")
    return redirect(url_for("api_keys.index", insurer_id=insurer_id), code=303)

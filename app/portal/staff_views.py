"""The firm's side of the portal, on the client page: who of the client has
a client space, invite (or invite again), disable and enable."""

from __future__ import annotations

from flask import Blueprint, abort, current_app, flash, g, redirect, render_template, request, url_for
from flask_babel import force_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from app.auth.access import guard_blueprint
from app.crm.models import Client, Contact
from app.extensions import db, htmx
from app.mail.services import queue_email
from app.portal import services
from app.portal.models import PortalAccount
from app.web.urls import tenant_url

bp = guard_blueprint(Blueprint("client_portal", __name__))

#: clients have no language of their own yet: invitations go out in French
CLIENT_LOCALE = "fr"

INVITE_ERRORS = {
    "contact_not_of_client": _l("This contact belongs to another client."),
    "contact_required": _l("For a business, choose which of its contacts gets the client space."),
    "email_missing": _l("This person has no email address: add one first."),
    "email_taken": _l("Another client's space already uses this email address."),
    "stale": _l("Someone changed this client space meanwhile: reload the page and try again."),
}


def _client_or_404(client_id: int) -> Client:
    return db.session.get(Client, client_id) or abort(404)


def _section(client: Client, status: int = 200):
    return render_template("portal/staff/_section.html", client=client,
                           accounts=services.accounts_of(db.session, client.id),
                           people=services.invitable_people(db.session, client)), status


@bp.get("/clients/<int:client_id>/portal")
def section(client_id: int):
    client = _client_or_404(client_id)
    if htmx:
        return _section(client)
    return render_template("portal/staff/page.html", client=client,
                           accounts=services.accounts_of(db.session, client.id),
                           people=services.invitable_people(db.session, client))


def _back(client_id: int):
    return redirect(url_for("crm.show", client_id=client_id) + "#client-portal", code=303)


@bp.post("/clients/<int:client_id>/portal/invite")
def invite(client_id: int):
    client = _client_or_404(client_id)
    contact = None
    if request.form.get("contact_id", "").isdigit():
        contact = db.session.get(Contact, int(request.form["contact_id"])) or abort(404)
    try:
        account = services.invite(db.session, current_user, client, contact)
    except services.PortalError as exc:
        db.session.rollback()
        flash(str(INVITE_ERRORS[exc.code]), "danger")
        return _back(client_id)
    token = services.invitation_token(db.session, current_app.config["SECRET_KEY"], account)
    link = tenant_url(g.tenant.slug, url_for("portal.accept_invitation", token=token))
    with force_locale(CLIENT_LOCALE):
        subject = _("Your client space at %(firm)s", firm=g.tenant.name)
    queue_email(db.session, g.tenant.slug, account.email, subject, "portal_invitation", locale=CLIENT_LOCALE,
                sender_name=g.tenant.name, name=account.display_name, firm=g.tenant.name, link=link)
    db.session.commit()
    flash(_("Invitation to the client space sent to %(email)s.", email=account.email), "success")
    return _back(client_id)


@bp.post("/clients/<int:client_id>/portal/accounts/<int:account_id>/active")
def set_active(client_id: int, account_id: int):
    account = db.session.get(PortalAccount, account_id)
    if account is None or account.client_id != client_id:
        abort(404)
    active = request.form.get("active") == "1"
    version = request.form.get("version", "")
    try:
        services.set_active(db.session, current_user, account, active, int(version) if version.isdigit() else -1)
    except services.PortalError as exc:
        db.session.rollback()
        flash(str(INVITE_ERRORS[exc.code]), "danger")
        return _back(client_id)
    db.session.commit()
    flash(_("The client space of %(email)s is enabled.", email=account.email) if active
          else _("The client space of %(email)s is disabled: its sessions are ended.", email=account.email),
          "success")
    return _back(client_id)

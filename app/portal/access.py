"""Who is signed in to the portal. A portal session is a random token in
the cookie's ``portal`` entry, looked up in ``portal_session`` on the
tenant's own schema: a cookie carried to another firm's host finds nothing
there. Staff sign-in (Flask-Login) is never consulted here, and the portal's
entry is never consulted by the workspace."""

from __future__ import annotations

from flask import current_app, g, redirect, request, session, url_for

from app.extensions import db, htmx
from app.portal import services
from app.portal.models import PortalAccount

SESSION_KEY = "portal"


def portal_public(view):
    view.portal_public = True
    return view


def sign_in(token: str) -> None:
    session[SESSION_KEY] = token


def sign_out() -> None:
    session.pop(SESSION_KEY, None)


def load_portal_account() -> None:
    """``g.portal_session`` / ``g.portal_account`` for this request, or None."""
    g.portal_session = g.portal_account = None
    token = session.get(SESSION_KEY)
    if not token or g.get("tenant") is None:
        return
    found = services.session_for(db.session, token)
    if found is None:
        sign_out()
        return
    if services.needs_touch(found):
        services.touch(db.session, found)
        db.session.commit()
    g.portal_session, g.portal_account = found, db.session.get(PortalAccount, found.account_id)


def check_portal_access():
    """``before_request`` of the portal blueprint."""
    load_portal_account()
    view = current_app.view_functions.get(request.endpoint)
    if view is None or getattr(view, "portal_public", False) or g.portal_account is not None:
        return None
    target = url_for("portal.sign_in", next=request.full_path if request.method == "GET" else None)
    if htmx:
        response = current_app.response_class(status=204)
        response.headers["HX-Redirect"] = target
        return response
    return redirect(target)

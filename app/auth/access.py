"""Who may reach a workspace route: signed in on this tenant, with the role.

Every workspace blueprint installs :func:`guard_blueprint`; a view is open to
anonymous visitors only when marked :func:`public`, and needs more than the
default permission (READ for safe methods, WRITE otherwise) when marked
:func:`requires`.
"""

from __future__ import annotations

from flask import Blueprint, abort, current_app, g, redirect, request, url_for
from flask_login import current_user

from app.auth.models import User
from app.auth.rules import Permission, can, default_permission
from app.extensions import db, htmx, login_manager


def public(view):
    view.is_public = True
    return view


def requires(permission: Permission):
    def decorator(view):
        view.permission = permission
        return view

    return decorator


@login_manager.user_loader
def load_user(session_id: str) -> User | None:
    """Load the signed-in user only on the tenant that signed them in."""
    tenant = g.get("tenant")
    parts = session_id.split(":")
    if tenant is None or len(parts) != 3 or parts[0] != tenant.schema_name or not parts[1].isdigit():
        return None
    user = db.session.get(User, int(parts[1]))
    if user is None or not user.is_active or user.session_stamp() != parts[2]:
        return None
    return user


def _unauthenticated():
    target = url_for("auth.sign_in", next=request.full_path if request.method == "GET" else None)
    if htmx:
        response = current_app.response_class(status=204)
        response.headers["HX-Redirect"] = target
        return response
    return redirect(target)


def check_access():
    """``before_request`` of every workspace blueprint."""
    view = current_app.view_functions.get(request.endpoint)
    if view is None or getattr(view, "is_public", False):
        return None
    if not current_user.is_authenticated:
        return _unauthenticated()
    permission = getattr(view, "permission", None) or default_permission(request.method)
    if not can(current_user.role, permission):
        abort(403)
    return None


def guard_blueprint(blueprint: Blueprint) -> Blueprint:
    blueprint.before_request(check_access)
    return blueprint

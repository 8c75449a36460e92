"""Settings: the firm's team (invite, change role, deactivate) and audit log."""

from __future__ import annotations

from flask import Blueprint, abort, flash, g, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from app.audit import services as audit
from app.auth import services as accounts
from app.auth.access import guard_blueprint, requires
from app.auth.forms import EditUserForm, InviteForm
from app.auth.rules import Permission, Role
from app.extensions import db, htmx
from app.platform.onboarding import send_invitation
from app.web.messages import account_error_message

bp = guard_blueprint(Blueprint("settings", __name__, url_prefix="/settings"))


@bp.get("/team")
@requires(Permission.MANAGE_TEAM)
def team():
    return render_template("settings/team.html", users=accounts.list_users(db.session), form=InviteForm())


@bp.post("/team/invite")
@requires(Permission.MANAGE_TEAM)
def invite():
    form = InviteForm()
    if form.validate_on_submit():
        try:
            user = accounts.create_user(
                db.session, current_user, email=form.email.data, full_name=form.full_name.data,
                role=Role(form.role.data), password=None,
            )
        except accounts.AccountError as exc:
            form.email.errors.append(account_error_message(exc.code))
        else:
            send_invitation(db.session, g.tenant, user, inviter=current_user)
            db.session.commit()
            flash(_("Invitation sent to %(email)s.", email=user.email), "success")
            return redirect(url_for("settings.team"), code=303)
    db.session.rollback()
    users = accounts.list_users(db.session)
    return render_template("settings/team.html", users=users, form=form), 422


@bp.route("/team/<int:user_id>", methods=["GET", "POST"])
@requires(Permission.MANAGE_TEAM)
def edit_user(user_id: int):
    user = accounts.get_user(db.session, user_id) or abort(404)
    form = EditUserForm(obj=user)
    if request.method == "POST" and form.validate_on_submit():
        try:
            user = accounts.update_user(
                db.session, current_user, user_id, version=form.version.data,
                role=form.role.data, is_active=form.is_active.data,
            )
        except accounts.AccountError as exc:
            db.session.rollback()
            if exc.code == "last_admin":
                form.role.errors.append(account_error_message(exc.code))
            else:
                flash(account_error_message(exc.code), "danger")
            user = accounts.get_user(db.session, user_id) or abort(404)
            status = 409 if exc.code == "stale" else 422
            return render_template(_edit_template(), user=user, form=form), status
        flash(_("%(name)s is updated.", name=user.full_name), "success")
        return redirect(url_for("settings.team"), code=303)
    return render_template(_edit_template(), user=user, form=form)


def _edit_template() -> str:
    return "settings/_user_form.html" if htmx else "settings/user.html"


@bp.post("/team/<int:user_id>/resend")
@requires(Permission.MANAGE_TEAM)
def resend_invitation(user_id: int):
    user = accounts.get_user(db.session, user_id) or abort(404)
    if user.has_accepted_invitation or not user.is_active:
        abort(409)
    send_invitation(db.session, g.tenant, user, inviter=current_user)
    db.session.commit()
    flash(_("Invitation sent again to %(email)s.", email=user.email), "success")
    return redirect(url_for("settings.team"), code=303)


@bp.get("/audit")
@requires(Permission.MANAGE_TEAM)
def audit_log():
    page = max(request.args.get("page", 1, type=int), 1)
    entries, total = audit.recent(db.session, page=page, per_page=50)
    return render_template("settings/audit.html", entries=entries, total=total, page=page, per_page=50)


from app.settings import firm  # noqa: E402,F401  (Settings › Firm, on this blueprint)

"""Staff sign-in, sign-out, password reset, invitation acceptance."""

from __future__ import annotations

from flask import Blueprint, current_app, flash, g, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_user, logout_user

from app.auth import services
from app.auth.access import guard_blueprint, public
from app.auth.forms import ForgotPasswordForm, NewPasswordForm, SignInForm
from app.auth.tokens import InvalidToken
from app.extensions import db, limiter
from app.mail.services import queue_email
from app.web.urls import tenant_url
from app.web.messages import account_error_message

bp = guard_blueprint(Blueprint("auth", __name__))


def _secret() -> str:
    return current_app.config["SECRET_KEY"]


def _login_rate_key() -> str:
    return f"login:{g.tenant.slug}:{services.normalise_email(request.form.get('email', ''))}"


def _safe_next(target: str | None) -> str:
    if target and target.startswith("/") and not target.startswith("//"):
        return target
    return url_for("home.index")


@bp.route("/login", methods=["GET", "POST"])
@public
@limiter.limit(
    lambda: current_app.config["LOGIN_RATE_LIMIT"],
    key_func=_login_rate_key,
    methods=["POST"],
    deduct_when=lambda response: response.status_code == 401,
)
def sign_in():
    form = SignInForm(next=request.args.get("next"))
    if form.validate_on_submit():
        user = services.authenticate(db.session, form.email.data, form.password.data)
        if user is not None:
            services.record_sign_in(db.session, user)
            login_user(user)
            return redirect(_safe_next(form.next.data), code=303)
        flash(_("Wrong email or password."), "danger")
        return render_template("auth/sign_in.html", form=form), 401
    return render_template("auth/sign_in.html", form=form)


@bp.post("/logout")
def sign_out():
    logout_user()
    flash(_("You are signed out."), "info")
    return redirect(url_for("auth.sign_in"), code=303)


@bp.route("/password/forgot", methods=["GET", "POST"])
@public
@limiter.limit("10 per hour", methods=["POST"])
def forgot_password():
    form = ForgotPasswordForm()
    if form.validate_on_submit():
        found = services.password_reset_token(db.session, _secret(), form.email.data)
        if found is not None:
            user, token = found
            queue_email(
                db.session, g.tenant.slug, user.email, _("Reset your password"), "password_reset",
                sender_name=g.tenant.name, user=user, firm=g.tenant.name,
                link=tenant_url(g.tenant.slug, url_for("auth.reset_password", token=token)),
            )
            db.session.commit()
        flash(_("If an account exists for this address, a link to reset the password was sent to it."), "info")
        return redirect(url_for("auth.sign_in"), code=303)
    return render_template("auth/forgot_password.html", form=form)


@bp.route("/password/reset/<token>", methods=["GET", "POST"])
@public
def reset_password(token: str):
    max_age = current_app.config["TOKEN_MAX_AGE_SECONDS"]
    try:
        services.reset_user(db.session, _secret(), token, max_age)
    except InvalidToken:
        return render_template("auth/invalid_link.html"), 410
    form = NewPasswordForm()
    if form.validate_on_submit():
        try:
            services.reset_password(db.session, _secret(), token, max_age, form.password.data)
        except services.AccountError as exc:
            form.password.errors.append(account_error_message(exc.code))
        else:
            flash(_("Your password is changed. Sign in with it."), "success")
            return redirect(url_for("auth.sign_in"), code=303)
    return render_template("auth/new_password.html", form=form, title=_("Choose a new password"))


@bp.route("/invitation/<token>", methods=["GET", "POST"])
@public
def accept_invitation(token: str):
    max_age = current_app.config["INVITATION_MAX_AGE_SECONDS"]
    try:
        user = services.invited_user(db.session, _secret(), token, max_age)
    except InvalidToken:
        return render_template("auth/invalid_link.html"), 410
    form = NewPasswordForm()
    if form.validate_on_submit():
        try:
            services.accept_invitation(db.session, _secret(), token, max_age, form.password.data)
        except services.AccountError as exc:
            form.password.errors.append(account_error_message(exc.code))
        else:
            flash(_("Welcome! Your account is ready: sign in."), "success")
            return redirect(url_for("auth.sign_in"), code=303)
    return render_template("auth/new_password.html", form=form, invited=user,
                           title=_("Join %(firm)s", firm=g.tenant.name))


@bp.get("/welcome/<token>")
@public
def welcome(token: str):
    """Sign in the founder who just signed up on the platform domain."""
    try:
        user = services.consume_handoff(db.session, _secret(), token)
    except InvalidToken:
        return render_template("auth/invalid_link.html"), 410
    if current_user.is_authenticated:
        logout_user()
    login_user(user)
    flash(_("Your workspace is ready."), "success")
    return redirect(url_for("home.index"), code=303)

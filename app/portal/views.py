"""The policyholder portal (espace client): sign-in by password or by a
one-time link, invitation acceptance, the client's contracts, documents and
certificates, and their account (password, sessions)."""

from __future__ import annotations

import io

from flask import Blueprint, abort, current_app, flash, g, redirect, render_template, request, send_file, url_for
from flask_babel import format_datetime, get_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from app.attestations import services as attestations
from app.auth.forms import NewPasswordForm
from app.auth.services import normalise_email
from app.auth.tokens import InvalidToken
from app.catalog.lines import line_definition
from app.catalog.models import Insurer
from app.contracts.labels import PLAN_LABELS
from app.documents import services as documents
from app.documents.models import DOCUMENT_KIND_LABELS
from app.extensions import db, limiter
from app.mail.services import queue_email
from app.contracts import cancellations
from app.portal import access, cancellation, records, services
from app.settings import branding
from app.portal.forms import ChangePasswordForm, PortalSignInForm, SignInLinkForm
from app.web.urls import tenant_url

bp = Blueprint("portal", __name__, url_prefix="/portal")
bp.before_request(access.check_portal_access)


@bp.context_processor
def portal_helpers() -> dict:
    return {"plan_label": lambda plan: PLAN_LABELS.get(plan, plan),
            "document_kind_label": lambda kind: DOCUMENT_KIND_LABELS.get(kind, kind),
            "guarantee_label": lambda line, guarantee: (line_definition(line).guarantee_label(guarantee["code"])
                                                        if guarantee.get("code") else guarantee.get("label", ""))}


PORTAL_ERRORS = {
    "wrong_credentials": _l("Wrong email or password."),
    "wrong_password": _l("The current password is not right."),
    "password_too_short": _l("The password needs at least 10 characters."),
    "password_blank": _l("The password cannot be only spaces."),
    "password_too_repetitive": _l("The password is too repetitive."),
}


def _secret() -> str:
    return current_app.config["SECRET_KEY"]


def _login_rate_key() -> str:
    return f"portal-login:{g.tenant.slug}:{normalise_email(request.form.get('email', ''))}"


def _safe_next(target: str | None) -> str:
    if target and target.startswith("/portal") and not target.startswith("//"):
        return target
    return url_for("portal.index")


def _open_session(account, method: str) -> None:
    token = services.open_session(db.session, account, method, request.user_agent.string, request.remote_addr)
    db.session.commit()
    access.sign_in(token)


@bp.get("/brand.css")
@access.portal_public
def brand_css():
    """The firm's colour as CSS custom properties (the CSP allows no inline style)."""
    css = render_template("portal/brand.css", brand=branding.brand_of(g.tenant))
    return current_app.response_class(css, mimetype="text/css", headers={"Cache-Control": "max-age=300"})


@bp.get("/brand/logo")
@access.portal_public
def brand_logo():
    found = branding.logo(db.session, g.tenant) or abort(404)
    return send_file(io.BytesIO(documents.content_of(db.session, found)), mimetype=found.content_type, max_age=300)


@bp.route("/login", methods=["GET", "POST"])
@access.portal_public
@limiter.limit(lambda: current_app.config["LOGIN_RATE_LIMIT"], key_func=_login_rate_key, methods=["POST"],
               deduct_when=lambda response: response.status_code in (401, 429))
def sign_in():
    if g.portal_account is not None:
        return redirect(url_for("portal.index"))
    form = PortalSignInForm(next=request.args.get("next"))
    if form.validate_on_submit():
        try:
            account = services.authenticate(db.session, form.email.data, form.password.data)
        except services.PortalError as exc:
            db.session.commit()
            if exc.code == "throttled":
                flash(_("Too many failed attempts: try again after %(time)s, or ask for a sign-in link.",
                        time=format_datetime(exc.retry_at, "medium")), "danger")
                return render_template("portal/sign_in.html", form=form), 429
            flash(str(PORTAL_ERRORS[exc.code]), "danger")
            return render_template("portal/sign_in.html", form=form), 401
        _open_session(account, "password")
        return redirect(_safe_next(form.next.data), code=303)
    return render_template("portal/sign_in.html", form=form)


@bp.route("/login/link", methods=["GET", "POST"])
@access.portal_public
@limiter.limit("10 per hour", methods=["POST"])
def request_link():
    form = SignInLinkForm()
    if form.validate_on_submit():
        account = services.account_for_link(db.session, form.email.data)
        if account is not None:
            token = services.sign_in_link_token(db.session, _secret(), account)
            queue_email(db.session, g.tenant.slug, account.email, _("Your sign-in link"), "portal_sign_in_link",
                        locale=str(get_locale()), sender_name=g.tenant.name, name=account.display_name, firm=g.tenant.name,
                        link=tenant_url(g.tenant.slug, url_for("portal.use_link", token=token)))
            db.session.commit()
        flash(_("If an account exists for this address, a sign-in link was sent to it. It works once, "
                "for 15 minutes."), "info")
        return redirect(url_for("portal.sign_in"), code=303)
    return render_template("portal/request_link.html", form=form), 422 if form.errors else 200


@bp.route("/login/link/<token>", methods=["GET", "POST"])
@access.portal_public
def use_link(token: str):
    """GET shows a button, POST signs in: mail scanners that open links must
    not spend the link before the client does."""
    try:
        account = services.consume_sign_in_link(db.session, _secret(), token)
    except InvalidToken:
        return render_template("portal/invalid_link.html"), 410
    if request.method == "POST":
        _open_session(account, "link")
        return redirect(url_for("portal.index"), code=303)
    return render_template("portal/use_link.html", account=account)


@bp.route("/invitation/<token>", methods=["GET", "POST"])
@access.portal_public
def accept_invitation(token: str):
    try:
        account = services.invited_account(db.session, _secret(), token)
    except InvalidToken:
        return render_template("portal/invalid_link.html"), 410
    form = NewPasswordForm()
    if form.validate_on_submit():
        try:
            services.accept_invitation(db.session, _secret(), token, form.password.data)
        except services.PortalError as exc:
            db.session.rollback()
            form.password.errors.append(str(PORTAL_ERRORS[exc.code]))
        else:
            _open_session(account, "password")
            flash(_("Welcome! Your client space is ready."), "success")
            return redirect(url_for("portal.index"), code=303)
    return render_template("portal/accept_invitation.html", form=form, account=account), 422 if form.errors else 200


@bp.post("/logout")
def sign_out():
    services.end_session(db.session, g.portal_account, g.portal_session.id)
    db.session.commit()
    access.sign_out()
    flash(_("You are signed out."), "info")
    return redirect(url_for("portal.sign_in"), code=303)


@bp.get("/")
def index():
    return render_template("portal/index.html", contracts=records.contracts_of(db.session, g.portal_account))


def _contract_or_404(contract_id: int):
    return records.contract_of(db.session, g.portal_account, contract_id) or abort(404)


@bp.get("/contracts/<int:contract_id>")
def contract(contract_id: int):
    found = _contract_or_404(contract_id)
    return render_template("portal/contract.html", contract=found, insurer=db.session.get(Insurer, found.insurer_id),
                           documents=records.documents_of(db.session, found),
                           attestation=records.current_attestation(db.session, found),
                           can_cancel=cancellation.can_cancel_online(db.session, found),
                           cancellation=cancellations.for_contract(db.session, found))


@bp.get("/documents/<int:document_id>")
def document(document_id: int):
    found = records.document_of(db.session, g.portal_account, document_id) or abort(404)
    return send_file(io.BytesIO(documents.content_of(db.session, found)), mimetype=found.content_type,
                     as_attachment=True, download_name=found.filename)


@bp.get("/contracts/<int:contract_id>/attestation")
def attestation(contract_id: int):
    """The current certificate, issued on demand when none covers today."""
    found = _contract_or_404(contract_id)
    try:
        current = records.attestation_for_download(db.session, services.actor_of(g.portal_account), found, g.tenant)
    except attestations.AttestationError:
        db.session.rollback()
        flash(_("No certificate can be issued for this contract: contact your broker."), "warning")
        return redirect(url_for("portal.contract", contract_id=contract_id), code=303)
    db.session.commit()
    stored = documents.get(db.session, current.document_id)
    return send_file(io.BytesIO(documents.content_of(db.session, stored)), mimetype="application/pdf",
                     as_attachment=True, download_name=stored.filename)


def _account_page(form, status: int = 200):
    return render_template("portal/account.html", form=form, current_session=g.portal_session,
                           sessions=services.live_sessions(db.session, g.portal_account.id)), status


@bp.get("/account")
def account():
    return _account_page(ChangePasswordForm())


@bp.post("/account/password")
def change_password():
    form = ChangePasswordForm()
    if form.validate_on_submit():
        try:
            services.change_password(db.session, g.portal_account, form.current.data, form.password.data,
                                     keep_session_id=g.portal_session.id)
        except services.PortalError as exc:
            db.session.rollback()
            target = form.current if exc.code == "wrong_password" else form.password
            target.errors.append(str(PORTAL_ERRORS[exc.code]))
        else:
            db.session.commit()
            flash(_("Your password is changed. Your other sessions are signed out."), "success")
            return redirect(url_for("portal.account"), code=303)
    return _account_page(form, 422)


@bp.post("/account/sessions/<int:session_id>/end")
def end_session(session_id: int):
    if not services.end_session(db.session, g.portal_account, session_id):
        abort(404)
    db.session.commit()
    if session_id == g.portal_session.id:
        access.sign_out()
        return redirect(url_for("portal.sign_in"), code=303)
    flash(_("The session is ended."), "success")
    return redirect(url_for("portal.account"), code=303)


from app.portal import cancellation_views, claim_views, complaint_views, payment_views, request_views  # noqa: E402,F401  (routes on this blueprint)

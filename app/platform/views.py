"""The platform's own pages, on the bare domain: the firm sign-up."""

from __future__ import annotations

from flask import Blueprint, current_app, redirect, render_template
from flask_babel import gettext as _

from app.extensions import db, limiter
from app.platform.forms import SignUpForm
from app.platform.onboarding import sign_up_firm
from tenants.provisioning import SlugTaken, TenancyError

bp = Blueprint("platform", __name__)


@bp.route("/signup", methods=["GET", "POST"])
@limiter.limit("10 per hour", methods=["POST"], deduct_when=lambda response: response.status_code == 303)
def signup():
    form = SignUpForm()
    if form.validate_on_submit():
        try:
            return redirect(sign_up_firm(form.data), code=303)
        except SlugTaken:
            form.slug.errors.append(_("This address is already taken."))
        except TenancyError as exc:
            current_app.logger.warning("sign-up refused: %s", exc)
            form.email.errors.append(_("This account could not be created: check the email and password."))
        db.session.rollback()
    return render_template("platform/signup.html", form=form, domain=current_app.config["PLATFORM_DOMAIN"])

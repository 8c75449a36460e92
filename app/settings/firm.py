"""Settings › Firm: the firm's name, contact details, ORIAS number, colour
and logo, used by the client portal and by the emails and PDFs it sends;
and the mediator it adheres to, named in its answers to complaints."""

from __future__ import annotations

import io

from flask import abort, flash, g, redirect, render_template, request, send_file, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import BooleanField, EmailField, StringField, TextAreaField
from wtforms.validators import DataRequired, Email, Length, Optional, ValidationError

from app.auth.access import requires
from app.auth.rules import Permission
from app.complaints import mediator as mediators
from app.complaints.rules import MAX_MEDIATOR_ADDRESS, MAX_MEDIATOR_NAME, MAX_MEDIATOR_WEBSITE
from app.documents import services as documents
from app.extensions import db
from app.platform.rules import normalise_orias
from app.settings import branding, rules
from app.settings.views import bp

BRANDING_ERRORS = {
    "colour_invalid": _l("Enter a colour as #RRGGBB, for example #0b3d91."),
    "logo_type": _l("The logo must be a PNG or JPEG image."),
    "logo_too_large": _l("The logo must weigh less than 512 KB."),
}


class FirmForm(FlaskForm):
    name = StringField(_l("Firm name"), validators=[DataRequired(), Length(max=200)])
    address = TextAreaField(_l("Address"), validators=[Optional(), Length(max=400)])
    phone = StringField(_l("Phone"), validators=[Optional(), Length(max=30)])
    email = EmailField(_l("Contact email"), validators=[Optional(), Email(), Length(max=254)])
    website = StringField(_l("Website"), validators=[Optional(), Length(max=200)])
    orias = StringField(_l("ORIAS number"), validators=[DataRequired(), Length(max=20)])
    brand_colour = StringField(_l("Colour"), validators=[Optional(), Length(max=7)])
    logo = FileField(_l("Logo (PNG or JPEG, up to 512 KB)"))
    remove_logo = BooleanField(_l("Remove the logo"))
    mediator_name = StringField(_l("Mediator"), validators=[Optional(), Length(max=MAX_MEDIATOR_NAME)])
    mediator_address = TextAreaField(_l("Mediator's address"), validators=[Optional(),
                                                                          Length(max=MAX_MEDIATOR_ADDRESS)])
    mediator_website = StringField(_l("Mediator's website"), validators=[Optional(),
                                                                        Length(max=MAX_MEDIATOR_WEBSITE)])

    def validate(self, extra_validators=None) -> bool:
        valid = super().validate(extra_validators)
        if not (self.mediator_name.data or "").strip() and ((self.mediator_address.data or "").strip()
                                                            or (self.mediator_website.data or "").strip()):
            self.mediator_name.errors.append(str(_l("Name the mediator whose address or website you give.")))
            return False
        return valid

    def validate_orias(self, field):
        try:
            field.data = normalise_orias(field.data)
        except ValueError as exc:
            raise ValidationError(_l("An ORIAS number has 8 digits.")) from exc

    def validate_brand_colour(self, field):
        if field.data and rules.normalise_colour(field.data) is None:
            raise ValidationError(BRANDING_ERRORS["colour_invalid"])


def _form() -> FirmForm:
    settings = g.tenant.settings or {}
    return FirmForm(data={"name": g.tenant.name, **{key: settings.get(key) for key in branding.CONTACT_FIELDS},
                          **{key: settings.get(key) for key in mediators.FIELDS},
                          "orias": settings.get("orias"), "brand_colour": branding.brand_of(g.tenant).colour})


@bp.route("/firm", methods=["GET", "POST"])
@requires(Permission.MANAGE_TEAM)
def firm():
    form = FirmForm() if request.method == "POST" else _form()
    if form.validate_on_submit():
        upload = form.logo.data
        logo = (upload.read(), upload.filename) if upload and upload.filename else None
        try:
            branding.update_firm(db.session, current_user, g.tenant, name=form.name.data,
                                 values={key: form[key].data for key in (*branding.CONTACT_FIELDS, "orias")},
                                 colour=form.brand_colour.data, logo_upload=logo, remove_logo=form.remove_logo.data)
            mediators.save(db.session, current_user, g.tenant, {key: form[key].data for key in mediators.FIELDS})
        except branding.BrandingError as exc:
            db.session.rollback()
            target = form.brand_colour if exc.code == "colour_invalid" else form.logo
            target.errors.append(str(BRANDING_ERRORS[exc.code]))
        else:
            db.session.commit()
            flash(_("The firm's details are saved."), "success")
            return redirect(url_for("settings.firm"), code=303)
    status = 422 if form.errors else 200
    return render_template("settings/firm.html", form=form, brand=branding.brand_of(g.tenant)), status


@bp.app_context_processor
def firm_brand() -> dict:
    """``brand()`` in every template (portal pages, emails): the firm's identity."""
    return {"brand": lambda: branding.brand_of(g.tenant) if g.get("tenant") else None}


@bp.get("/firm/logo")
def firm_logo():
    found = branding.logo(db.session, g.tenant) or abort(404)
    return send_file(io.BytesIO(documents.content_of(db.session, found)), mimetype=found.content_type,
                     max_age=300)

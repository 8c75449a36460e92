"""Offers area: the comparison, offers typed in by hand, the recommendation,
the advice document and the client's acceptance (routes on ``views.bp``)."""

from __future__ import annotations

from datetime import date
from io import BytesIO

from flask import abort, flash, g, redirect, render_template, request, send_file, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from app.catalog import services as catalog
from app.catalog.lines import line_definition
from app.catalog.models import Insurer
from app.documents import services as documents
from app.documents.services import DocumentError
from app.extensions import db, htmx
from app.quotes import advice, comparison, decisions, display, rules, services
from app.quotes.forms import ACCEPTANCE_CHANNELS, AcceptanceForm, RecommendForm, choices, manual_offer_form
from app.quotes.views import bp, error_message, load_needs, locale

UPLOAD_ERRORS = {
    "empty": _l("The file is empty."),
    "too_large": _l("The file is larger than 10 MB."),
    "unsupported_type": _l("Attach a PDF, JPEG, PNG or WebP file."),
}
SORTS = ("total", "fit", "commission")


def _flash_error(exc: services.QuotesError) -> None:
    db.session.rollback()
    flash(error_message(exc.code), "danger")


def load_offer(needs, offer_id: int):
    return comparison.get_offer(needs, offer_id) or abort(404)


def _back(needs, endpoint: str = "quotes.comparison"):
    return redirect(url_for(endpoint, needs_id=needs.id), code=303)


@bp.post("/<int:needs_id>/compare")
def compare(needs_id: int):
    needs = load_needs(needs_id)
    try:
        offers = comparison.compare(db.session, current_user, needs)
    except services.QuotesError as exc:
        _flash_error(exc)
    else:
        flash(_("%(count)d offers quoted from the catalog.", count=len(offers)), "success")
    return _back(needs)


def _names(offers) -> tuple[dict, dict]:
    return comparison.names_of(db.session, offers)


@bp.get("/<int:needs_id>/comparison", endpoint="comparison")
def comparison_page(needs_id: int):
    needs = load_needs(needs_id)
    sort = request.args.get("sort") if request.args.get("sort") in SORTS else "total"
    eligible_only, within_budget = request.args.get("eligible_only") == "1", request.args.get("within_budget") == "1"
    offers = rules.arrange(services.live_offers(needs), sort=sort, within_budget=within_budget, budget=needs.budget)
    insurers, products = _names(offers)
    unpriced = [] if eligible_only else comparison.unpriced_products(db.session, needs)
    form = RecommendForm(offer_id=needs.recommended_offer_id, reasons=needs.recommendation_reasons,
                         version=needs.version)
    form.offer_id.choices = _offer_choices(needs, insurers)
    context = dict(needs=needs, client=services.client_of(db.session, needs), definition=line_definition(needs.line),
                   offers=offers, insurers=insurers, products=products, unpriced=unpriced, sort=sort,
                   eligible_only=eligible_only, within_budget=within_budget, wanted_rows=display.wanted_rows(needs),
                   matches={o.id: display.guarantee_matches(needs, o) for o in offers}, form=form,
                   is_open=services.is_open(needs), advices=advice.advice_documents(db.session, needs))
    return render_template("quotes/_comparison_table.html" if htmx else "quotes/comparison.html", **context)



def _offer_choices(needs, insurers=None) -> list[tuple[int, str]]:
    offers = services.live_offers(needs)
    if insurers is None:
        insurers, _products = _names(offers)
    return choices((o.id, f"{insurers[o.insurer_id].name} — {o.label}" if o.insurer_id in insurers else o.label)
                   for o in offers)


@bp.route("/<int:needs_id>/offers/new", methods=["GET", "POST"])
def new_offer(needs_id: int):
    needs = load_needs(needs_id)
    definition = line_definition(needs.line)
    form = manual_offer_form(definition, catalog.list_insurers(db.session, active_only=True))
    if request.method == "GET":
        form.tax_rate.data = catalog.tax_rate(db.session, needs.line)
    elif form.validate_on_submit():
        insurer = db.session.get(Insurer, form.insurer_id.data) or abort(404)
        try:
            comparison.add_manual_offer(
                db.session, current_user, needs, insurer=insurer, label=form.label.data,
                premium_net=form.premium_net.data, fees=form.fees.data, tax_rate=form.tax_rate.data,
                commission_rate=form.commission_rate.data, payment_options=form.payment_options.data or [],
                guarantees=form.guarantee_values(), exclusions=form.exclusions.data,
                valid_until=form.valid_until.data, document=_upload(form.document.data),
            )
        except DocumentError as exc:
            db.session.rollback()
            form.document.errors = [UPLOAD_ERRORS.get(exc.code, exc.code)]
        except services.QuotesError as exc:
            _flash_error(exc)
            return _back(needs, "quotes.show")
        else:
            flash(_("Offer added to the comparison."), "success")
            return _back(needs)
    status = 422 if request.method == "POST" else 200
    return render_template("quotes/offer_form.html", needs=needs, form=form, definition=definition,
                           client=services.client_of(db.session, needs)), status


def _upload(storage) -> tuple[str, bytes] | None:
    if storage is None or not getattr(storage, "filename", ""):
        return None
    return storage.filename, storage.read()


@bp.post("/<int:needs_id>/offers/<int:offer_id>/withdraw")
def withdraw_offer(needs_id: int, offer_id: int):
    needs = load_needs(needs_id)
    offer = load_offer(needs, offer_id)
    try:
        comparison.withdraw_offer(db.session, current_user, needs, offer)
    except services.QuotesError as exc:
        _flash_error(exc)
    else:
        flash(_("Offer withdrawn from the comparison."), "success")
    return _back(needs)


@bp.get("/<int:needs_id>/offers/<int:offer_id>/document")
def offer_document(needs_id: int, offer_id: int):
    needs = load_needs(needs_id)
    offer = load_offer(needs, offer_id)
    document, content = documents.file_of(db.session, offer.document_id) or abort(404)
    return send_file(BytesIO(content), mimetype=document.content_type, download_name=document.filename)


@bp.post("/<int:needs_id>/recommend")
def recommend(needs_id: int):
    needs = load_needs(needs_id)
    form = RecommendForm()
    form.offer_id.choices = _offer_choices(needs)
    if form.validate_on_submit():
        try:
            decisions.recommend(db.session, current_user, needs, load_offer(needs, form.offer_id.data),
                                reasons=form.reasons.data, version=form.version.data)
        except services.QuotesError as exc:
            _flash_error(exc)
        else:
            flash(_("Recommendation recorded. You can now generate the advice document."), "success")
        return _back(needs)
    offers = rules.arrange(services.live_offers(needs))
    insurers, products = _names(offers)
    return render_template(
        "quotes/comparison.html", needs=needs, client=services.client_of(db.session, needs),
        definition=line_definition(needs.line), offers=offers, insurers=insurers, products=products,
        unpriced=[], sort="total", eligible_only=False, within_budget=False, wanted_rows=display.wanted_rows(needs),
        matches={o.id: display.guarantee_matches(needs, o) for o in offers}, form=form,
        is_open=services.is_open(needs), advices=advice.advice_documents(db.session, needs),
    ), 422


@bp.post("/<int:needs_id>/advice")
def generate_advice(needs_id: int):
    needs = load_needs(needs_id)
    try:
        advice.generate(db.session, current_user, needs, tenant=g.tenant, locale=locale())
    except services.QuotesError as exc:
        _flash_error(exc)
        return _back(needs)
    flash(_("Advice document generated and kept with the client's documents."), "success")
    return _back(needs, "quotes.show")


@bp.get("/<int:needs_id>/advice/<int:advice_id>")
def download_advice(needs_id: int, advice_id: int):
    needs = load_needs(needs_id)
    found = advice.get_advice(db.session, needs, advice_id) or abort(404)
    document, pdf = documents.file_of(db.session, found.document_id) or abort(404)
    return send_file(BytesIO(pdf), mimetype="application/pdf", download_name=document.filename,
                     as_attachment=request.args.get("inline") != "1")


@bp.post("/<int:needs_id>/advice/<int:advice_id>/send")
def send_advice(needs_id: int, advice_id: int):
    needs = load_needs(needs_id)
    found = advice.get_advice(db.session, needs, advice_id) or abort(404)
    try:
        address = advice.send(db.session, current_user, needs, found, tenant=g.tenant, locale=locale())
    except services.QuotesError as exc:
        _flash_error(exc)
    else:
        flash(_("Advice document emailed to %(email)s.", email=address), "success")
    return _back(needs, "quotes.show")


@bp.route("/<int:needs_id>/offers/<int:offer_id>/accept", methods=["GET", "POST"])
def accept(needs_id: int, offer_id: int):
    needs = load_needs(needs_id)
    offer = load_offer(needs, offer_id)
    form = AcceptanceForm()
    if request.method == "GET":
        form.accepted_on.data = date.today()
    elif form.validate_on_submit():
        try:
            decisions.accept(db.session, current_user, needs, offer, accepted_on=form.accepted_on.data,
                             how=str(dict(ACCEPTANCE_CHANNELS)[form.channel.data]), note=form.note.data)
        except services.QuotesError as exc:
            db.session.rollback()
            target = form.accepted_on if exc.code == "future_date" else None
            if target is not None:
                target.errors = [error_message(exc.code)]
            else:
                flash(error_message(exc.code), "danger")
        else:
            flash(_("The client's acceptance is recorded: the placement can start."), "success")
            return _back(needs, "quotes.show")
    problems = decisions.acceptance_problems(db.session, needs, offer)
    insurers, _products = _names([offer])
    status = 422 if request.method == "POST" else 200
    return render_template("quotes/accept.html", needs=needs, offer=offer, form=form, problems=problems,
                           insurer=insurers.get(offer.insurer_id), client=services.client_of(db.session, needs),
                           messages={code: error_message(code) for code in problems}), status

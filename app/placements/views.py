"""Placements: the list, the review before sending, the placement page. The
answers, resend and cancel are in ``answer_views``, on the same blueprint."""

from __future__ import annotations

import json
from datetime import date
from decimal import Decimal

from flask import Blueprint, abort, flash, g, redirect, render_template, request, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from sqlalchemy import select

from app.auth import services as accounts
from app.auth.access import guard_blueprint, requires
from app.auth.rules import Permission
from app.catalog.models import Insurer
from app.crm.models import Client
from app.documents.models import DOCUMENT_KIND_LABELS, DocumentKind
from app.extensions import db, htmx
from app.outbox import services as outbox
from app.placements import document as placement_document
from app.placements import placing, services
from app.placements.forms import AcceptForm, DeclineForm, InformationForm, PlacementForm, ReplyForm
from app.placements.models import PlacementStatus
from app.quotes.forms import PAYMENT_OPTIONS
from app.quotes.models import Offer

bp = guard_blueprint(Blueprint("placements", __name__, url_prefix="/placements"))

PER_PAGE = 25
STATUS_LABELS = {
    PlacementStatus.SENT.value: _l("Sent"),
    PlacementStatus.INFO_REQUESTED.value: _l("Information requested"),
    PlacementStatus.ACCEPTED.value: _l("Accepted"),
    PlacementStatus.DECLINED.value: _l("Declined"),
    PlacementStatus.CANCELLED.value: _l("Cancelled"),
}
MESSAGE_LABELS = {"pending": _l("Waiting for delivery"), "delivered": _l("Delivered"),
                  "rejected": _l("Rejected by the insurer"), "failed": _l("Failed"), "cancelled": _l("Cancelled")}
OUTCOME_LABELS = {"delivered": _l("Delivered"), "retry": _l("Failed, will retry"), "rejected": _l("Rejected"),
                  "failed": _l("Failed, gave up")}
CHANNEL_LABELS = {"email": _l("Email"), "api": _l("API")}
ERRORS = {
    "offer_not_accepted": _l("The client has not accepted this offer: record the acceptance first."),
    "offer_withdrawn": _l("This offer was withdrawn."),
    "already_placed": _l("This offer is already placed: an offer is placed only once."),
    "insurer_inactive": _l("This insurer is no longer active in the panel."),
    "no_placement_email": _l("The insurer has no placement email address: add it on the insurer's page."),
    "no_api_endpoint": _l("The insurer's API endpoint is missing or not HTTPS: fix it on the insurer's page."),
    "no_api_secret": _l("The insurer has no API secret to sign placements: generate one on the insurer's page."),
    "no_advice": _l("Generate the advice document first: it goes with the placement (L521-4)."),
    "effective_date_required": _l("Enter the wanted effective date."),
    "effective_date_past": _l("The wanted effective date cannot be in the past."),
    "unknown_document": _l("Choose among the client's documents listed."),
    "invalid_document": _l("The placement document is incomplete: check the client's and the offer's data."),
    "already_accepted": _l("The insurer already accepted this placement: it can no longer change."),
    "already_declined": _l("The insurer declined this placement: it can no longer change."),
    "already_cancelled": _l("This placement is cancelled: it can no longer change."),
    "not_open": _l("This placement can no longer change."),
    "stale": _l("Someone changed this placement meanwhile. Reload the page and make your change again."),
    "message_cancelled": _l("The message was cancelled: it cannot be sent again."),
    "message_delivered": _l("The message was already delivered."),
    "no_message": _l("This placement has no message to send."),
    "policy_number_required": _l("Enter the policy number."),
    "final_premium_invalid": _l("Enter a premium above zero."),
    "reason_required": _l("Enter the reason."),
    "message_required": _l("Enter the message."),
}


def error_message(code: str) -> str:
    return str(ERRORS.get(code, code))


def locale() -> str:
    return str(get_locale() or "fr")


@bp.app_context_processor
def placement_helpers() -> dict:
    return {
        "placement_status_label": lambda status: STATUS_LABELS.get(status, status),
        "message_status_label": lambda status: MESSAGE_LABELS.get(status, status),
        "attempt_outcome_label": lambda outcome: OUTCOME_LABELS.get(outcome, outcome),
        "channel_label": lambda channel: CHANNEL_LABELS.get(channel, channel),
        "offer_placements": lambda offer_ids: services.for_offers(db.session, list(offer_ids)),
        "placement_amount": lambda value: Decimal(value) if value else None,
        "payment_plan_label": lambda plan: dict(PAYMENT_OPTIONS).get(plan, plan),
        "placement_date": lambda value: date.fromisoformat(value) if value else None,
    }


def kind_label(kind: str):
    try:
        return DOCUMENT_KIND_LABELS[DocumentKind(kind)]
    except ValueError:
        return kind


def load_placement(placement_id: int):
    return services.get(db.session, placement_id) or abort(404)


@bp.get("/")
def index():
    status = request.args.get("status") if request.args.get("status") in STATUS_LABELS else None
    insurer_id = request.args.get("insurer", type=int)
    page = max(request.args.get("page", 1, type=int), 1)
    rows, total = services.list_placements(db.session, status=status, insurer_id=insurer_id, page=page,
                                           per_page=PER_PAGE)
    insurers = {insurer.id: insurer for insurer in db.session.scalars(select(Insurer).order_by(Insurer.name))}
    client_ids = {row.client_id for row in rows}
    clients = {client.id: client for client in db.session.scalars(select(Client).where(Client.id.in_(client_ids)))}
    context = dict(rows=rows, total=total, page=page, per_page=PER_PAGE, status=status, insurer_id=insurer_id,
                   insurers=insurers, clients=clients, statuses=STATUS_LABELS)
    return render_template("placements/_table.html" if htmx else "placements/index.html", **context)


def _offer_or_404(offer_id: int) -> Offer:
    return db.session.get(Offer, offer_id) or abort(404)


def _review_page(review, form: PlacementForm, status: int = 200):
    form.documents.choices = [(d.id, d.title) for d in review.supporting]
    preview = placing.preview(db.session, review, current_user, tenant=g.tenant,
                              wanted_effective_date=form.wanted_effective_date.data, note=form.note.data)
    return render_template("placements/new.html", review=review, form=form, preview=preview, kind_label=kind_label,
                           placement_errors=ERRORS), status


@bp.route("/new/<int:offer_id>", methods=["GET", "POST"])
@requires(Permission.WRITE)
def new(offer_id: int):
    offer = _offer_or_404(offer_id)
    review = placing.review(db.session, offer)
    form = PlacementForm()
    form.documents.choices = [(d.id, d.title) for d in review.supporting]
    if request.method == "GET":
        form.wanted_effective_date.data = review.needs.wanted_effective_date
        form.documents.data = [d.id for d in review.supporting]
        return _review_page(review, form)
    if review.problems:
        return _review_page(review, form, 409)
    if form.validate_on_submit():
        try:
            placement = placing.place(db.session, current_user, offer, tenant=g.tenant,
                                      wanted_effective_date=form.wanted_effective_date.data,
                                      document_ids=form.documents.data or [], note=form.note.data, locale=locale())
        except services.PlacementError as exc:
            db.session.rollback()
            field = form.wanted_effective_date if exc.code.startswith("effective_date") else form.documents
            field.errors = [*field.errors, error_message(exc.code)]
            return _review_page(placing.review(db.session, _offer_or_404(offer_id)), form, 422)
        flash(_("Placement %(reference)s is written; it is being sent to the insurer.",
                reference=placement.reference), "success")
        return redirect(url_for("placements.show", placement_id=placement.id), code=303)
    return _review_page(review, form, 422)


def show_context(placement, **forms) -> dict:
    messages = outbox.attempts_of(db.session, "placement", placement.id)
    handler = accounts.get_user(db.session, placement.handler_id) if placement.handler_id else None
    return dict(
        placement=placement, attempts=[attempt for item in messages for attempt in item.attempt_log],
        message=services.message_of(db.session, placement),
        insurer=db.session.get(Insurer, placement.insurer_id), handler=handler, kind_label=kind_label,
        raw_json=json.dumps(placement_document.without_contents(placement.document), indent=2, ensure_ascii=False),
        accept_form=forms.get("accept_form") or AcceptForm(version=placement.version),
        decline_form=forms.get("decline_form") or DeclineForm(version=placement.version),
        information_form=forms.get("information_form") or InformationForm(version=placement.version),
        reply_form=forms.get("reply_form") or ReplyForm(version=placement.version),
        is_open=placement.status in (PlacementStatus.SENT, PlacementStatus.INFO_REQUESTED),
        contract_url=_contract_url(placement.contract_id),
    )


def _contract_url(contract_id: int | None) -> str | None:
    from flask import current_app

    if contract_id is None or "contracts.show" not in current_app.view_functions:
        return None
    return url_for("contracts.show", contract_id=contract_id)


@bp.get("/<int:placement_id>")
def show(placement_id: int):
    placement = load_placement(placement_id)
    template = "placements/_delivery.html" if htmx and request.args.get("part") == "delivery" else \
        "placements/show.html"
    return render_template(template, **show_context(placement))


from app.placements import answer_views  # noqa: E402,F401  (routes on this blueprint)

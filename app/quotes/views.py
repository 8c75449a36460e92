"""Offers area: needs analyses (list, create, edit, completeness). The
comparison, recommendation, advice document and acceptance routes are in
``offer_views``, on the same blueprint."""

from __future__ import annotations

from flask import Blueprint, abort, current_app, flash, g, redirect, render_template, request, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_babel import lazy_pgettext
from flask_login import current_user

from app.auth import services as accounts
from app.auth.access import guard_blueprint
from app.catalog.lines import LINES, line_choices, line_definition
from app.catalog.messages import number_text, step_detail, step_label
from app.documents.models import DOCUMENT_KIND_LABELS, DocumentKind
from app.extensions import db, htmx
from app.quotes import display, services
from app.quotes.forms import CloseForm, WaiverForm, needs_form
from app.quotes.models import NeedsStatus

bp = guard_blueprint(Blueprint("quotes", __name__, url_prefix="/offers"))

PER_PAGE = 25
STATUS_LABELS = {
    NeedsStatus.DRAFT.value: _l("Draft"),
    NeedsStatus.COMPARED.value: _l("Compared"),
    NeedsStatus.RECOMMENDED.value: lazy_pgettext("needs status", "Recommended"),
    NeedsStatus.ACCEPTED.value: _l("Accepted"),
    NeedsStatus.CLOSED.value: _l("Closed"),
}
ERRORS = {
    "stale": _l("Someone changed this needs analysis meanwhile. Reload the page and make your change again."),
    "not_open": _l("This needs analysis is accepted or closed: it can no longer change."),
    "no_email": _l("The client has no email address: add one on the client's page first."),
    "nothing_missing": _l("Nothing is missing: there is nothing to ask the client."),
    "no_recommendation": _l("Recommend an offer first, with your reasons."),
    "withdrawn": _l("This offer was withdrawn."),
    "accepted": _l("This offer was accepted by the client: it cannot be withdrawn."),
    "already_accepted": _l("The client already accepted an offer of this needs analysis."),
    "incomplete": _l("Answers or documents are missing: complete the file, or record why you go on without them."),
    "no_advice": _l("Generate the advice document first: the client receives it before the contract (L521-4)."),
    "future_date": _l("The acceptance date cannot be in the future."),
}


def error_message(code: str) -> str:
    return str(ERRORS.get(code, code))


def locale() -> str:
    return str(get_locale() or "fr")


def load_needs(needs_id: int):
    return services.get_needs(db.session, needs_id) or abort(404)


def line_or_404(code: str | None):
    try:
        return line_definition(code or "")
    except (ValueError, KeyError):
        abort(404)


@bp.app_context_processor
def quotes_helpers() -> dict:
    return {
        "client_needs": lambda client_id: services.needs_for_client(db.session, client_id),
        "needs_status_label": lambda status: STATUS_LABELS.get(status, status),
        "line_label": lambda code: LINES[code].label if code in LINES else code,
        "document_kind_label": lambda kind: DOCUMENT_KIND_LABELS.get(DocumentKind(kind), kind),
        "client_url": lambda client_id: url_for("crm.show", client_id=client_id)
        if "crm.show" in current_app.view_functions else None,
        "fit_label": display.fit_label,
        "pricing_step_label": step_label,
        "pricing_step_detail": lambda detail, line: step_detail(detail, LINES.get(line)),
        "risk_number": number_text,
        "risk_row": display.risk_row,
        "needs_lines": lines_for,
    }


def lines_for(client=None) -> list[tuple[str, object]]:
    """The lines of business open to ``client`` (individual or business)."""
    if client is None:
        return line_choices()
    return [(line.value, d.label) for line, d in LINES.items()
            if (d.for_businesses if client.is_business else d.for_individuals)]


def _int_arg(name: str) -> int | None:
    value = request.args.get(name, type=int)
    return value if value and value > 0 else None


@bp.get("/")
def index():
    status = request.args.get("status") if request.args.get("status") in STATUS_LABELS else None
    line = request.args.get("line") if request.args.get("line") in LINES else None
    handler_id, page = _int_arg("handler"), _int_arg("page") or 1
    rows, total = services.list_needs(db.session, status=status, line=line, handler_id=handler_id,
                                      page=page, per_page=PER_PAGE)
    handlers = {user.id: user for user in accounts.list_users(db.session)}
    context = dict(rows=rows, total=total, page=page, per_page=PER_PAGE, status=status, line=line,
                   handler_id=handler_id, handlers=handlers, statuses=STATUS_LABELS)
    return render_template("quotes/_needs_table.html" if htmx else "quotes/index.html", **context)


@bp.route("/new", methods=["GET", "POST"])
def new():
    client_id = request.values.get("client_id", type=int)
    if client_id is None:
        return _client_picker()
    client = services.get_client(db.session, client_id) or abort(404)
    definition = line_or_404(request.values.get("line"))
    form = needs_form(definition)
    if request.method == "POST" and form.validate_on_submit():
        needs = services.create_needs(db.session, current_user, client, line=definition.line.value,
                                      **_needs_fields(form))
        flash(_("Needs analysis created."), "success")
        return redirect(url_for("quotes.show", needs_id=needs.id), code=303)
    status = 422 if request.method == "POST" else 200
    return render_template("quotes/edit.html", form=form, client=client, definition=definition, needs=None), status


def _client_picker():
    query = (request.args.get("q") or "").strip()
    clients = services.search_clients(db.session, query)
    template = "quotes/_client_results.html" if htmx else "quotes/new.html"
    return render_template(template, clients=clients, query=query)


def _needs_fields(form) -> dict:
    return {"insured_name": (form.insured_name.data or "").strip() or None, "risk": form.risk_values(),
            "wanted": form.wanted_values(), "budget": form.budget.data,
            "wanted_effective_date": form.wanted_effective_date.data, "notes": (form.notes.data or "").strip() or None}


@bp.get("/<int:needs_id>")
def show(needs_id: int):
    needs = load_needs(needs_id)
    return render_template("quotes/show.html", **_show_context(needs))


def _show_context(needs, **extra) -> dict:
    from app.quotes import advice, comparison, decisions

    gaps = services.completeness_of(db.session, needs)
    answers, documents = services.missing_labels(needs, gaps)
    offers = services.live_offers(needs)
    insurers, _products = comparison.names_of(db.session, offers)
    return dict(
        needs=needs, client=services.client_of(db.session, needs), definition=line_definition(needs.line),
        gaps=gaps, missing_answers=answers, missing_documents=documents, risk_rows=display.risk_rows(needs),
        wanted_rows=display.wanted_rows(needs), offers=offers, insurers=insurers,
        advices=advice.advice_documents(db.session, needs), accepted=decisions.accepted_offer(needs),
        handler=accounts.get_user(db.session, needs.handler_id) if needs.handler_id else None,
        waiver_form=extra.pop("waiver_form", None) or WaiverForm(), is_open=services.is_open(needs), **extra,
    )


@bp.route("/<int:needs_id>/edit", methods=["GET", "POST"])
def edit(needs_id: int):
    needs = load_needs(needs_id)
    definition = line_definition(needs.line)
    form = needs_form(definition)
    status = 200
    if request.method == "GET":
        form.fill_from(needs)
    elif form.validate_on_submit():
        try:
            services.update_needs(db.session, current_user, needs, version=form.version.data, **_needs_fields(form))
        except services.QuotesError as exc:
            db.session.rollback()
            flash(error_message(exc.code), "danger")
            status = 409
        else:
            flash(_("Needs analysis saved."), "success")
            return redirect(url_for("quotes.show", needs_id=needs.id), code=303)
    else:
        status = 422
    client = services.client_of(db.session, needs)
    return render_template("quotes/edit.html", form=form, client=client, definition=definition, needs=needs), status


@bp.post("/<int:needs_id>/waiver")
def waive(needs_id: int):
    needs = load_needs(needs_id)
    form = WaiverForm()
    if form.validate_on_submit():
        try:
            services.record_waiver(db.session, current_user, needs, form.reason.data)
        except services.QuotesError as exc:
            db.session.rollback()
            flash(error_message(exc.code), "danger")
            return redirect(url_for("quotes.show", needs_id=needs.id), code=303)
        flash(_("Your reason to go on is recorded."), "success")
        return redirect(url_for("quotes.show", needs_id=needs.id), code=303)
    return render_template("quotes/show.html", **_show_context(needs, waiver_form=form)), 422


@bp.post("/<int:needs_id>/request-documents")
def request_documents(needs_id: int):
    needs = load_needs(needs_id)
    try:
        address = services.request_missing_documents(db.session, current_user, needs, tenant=g.tenant,
                                                     locale=locale())
    except services.QuotesError as exc:
        db.session.rollback()
        flash(error_message(exc.code), "danger")
    else:
        flash(_("The request was emailed to %(email)s and noted on the client's timeline.", email=address),
              "success")
    return redirect(url_for("quotes.show", needs_id=needs.id), code=303)


@bp.route("/<int:needs_id>/close", methods=["GET", "POST"])
def close(needs_id: int):
    needs = load_needs(needs_id)
    form = CloseForm()
    if request.method == "POST" and form.validate_on_submit():
        try:
            services.close_needs(db.session, current_user, needs, form.reason.data)
        except services.QuotesError as exc:
            db.session.rollback()
            flash(error_message(exc.code), "danger")
        else:
            flash(_("Needs analysis closed."), "success")
        return redirect(url_for("quotes.show", needs_id=needs.id), code=303)
    status = 422 if request.method == "POST" else 200
    client = services.client_of(db.session, needs)
    return render_template("quotes/close.html", needs=needs, client=client, form=form), status


from app.quotes import offer_views  # noqa: E402,F401  (registers the offers' routes on bp)

"""The client list (live search, filters, sort, pages), creating and editing
a client, and the 360 page."""

from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from app.crm import rules, services
from app.crm.forms import ClientForm
from app.crm.labels import KIND_LABELS, STATUS_BADGES, STATUS_LABELS
from app.crm.services import ClientError, ClientFilters
from app.crm.views import bp
from app.crm.views.page import client_or_404, render_client, staff_choices
from app.extensions import db, htmx

PER_PAGE = 50


def list_filters() -> ClientFilters:
    args = request.args
    sort = args.get("sort", "name")
    return ClientFilters(
        q=args.get("q", "")[:200], kind=args.get("kind", ""), status=args.get("status", ""),
        handler_id=args.get("handler", type=int), city=args.get("city", "")[:100],
        sort=sort if sort in services.SORTS else "name", descending=args.get("dir") == "desc",
    )


def list_url(endpoint: str = "crm.index", **changes) -> str:
    """This list's URL (or its export's) with some parameters changed (None drops one)."""
    args = {key: value for key, value in (request.args.to_dict() | changes).items() if value not in (None, "")}
    return url_for(endpoint, **args)


@bp.get("")
def index():
    filters = list_filters()
    page = max(request.args.get("page", 1, type=int), 1)
    clients, total = services.page_of(db.session, filters, page, PER_PAGE)
    context = {"clients": clients, "total": total, "page": page, "per_page": PER_PAGE, "filters": filters,
               "list_url": list_url, "kind_labels": KIND_LABELS, "status_labels": STATUS_LABELS,
               "status_badges": STATUS_BADGES}
    if htmx and not htmx.history_restore_request:
        return render_template("crm/_client_results.html", **context)
    return render_template("crm/index.html", staff=services.staff(db.session), cities=services.cities(db.session),
                           **context)


def client_form(**kwargs) -> ClientForm:
    form = ClientForm(**kwargs)
    form.handler_id.choices = staff_choices()
    return form


def _payer_id(form: ClientForm) -> int | None:
    reference = (form.payer_reference.data or "").strip()
    if not reference:
        return None
    payer = services.by_reference(db.session, reference)
    if payer is None:
        raise ClientError({"payer_id": "payer_unknown"})
    return payer.id


@bp.route("/new", methods=["GET", "POST"])
def new():
    form = client_form(kind=request.args.get("kind") if request.args.get("kind") in rules.KINDS else "individual")
    if request.method == "GET":
        form.handler_id.data = current_user.id
        return render_template("crm/new.html", form=form, duplicates=[])
    duplicates = []
    if form.validate_on_submit():
        duplicates = services.find_duplicates(db.session, rules.clean_identity(form.identity()))
        if not duplicates or form.confirm_duplicate.data:
            try:
                client = services.create(db.session, current_user, form.identity(), payer_id=_payer_id(form),
                                         handler_id=form.handler_id.data)
            except ClientError as exc:
                form.add_problems(exc.problems)
            else:
                db.session.commit()
                flash(_("Client %(name)s is created.", name=client.display_name), "success")
                return redirect(url_for("crm.show", client_id=client.id), code=303)
    db.session.rollback()
    return render_template("crm/new.html", form=form, duplicates=duplicates), 422


@bp.get("/<int:client_id>")
def show(client_id: int):
    return render_client(client_or_404(client_id))


@bp.route("/<int:client_id>/edit", methods=["GET", "POST"])
def edit(client_id: int):
    client = client_or_404(client_id)
    form = client_form(obj=client)
    if request.method == "GET":
        form.payer_reference.data = client.payer.reference if client.payer else ""
        return render_template("crm/edit.html", client=client, form=form)
    status = 422
    if form.validate_on_submit():
        try:
            services.update(db.session, current_user, client, form.identity(), version=form.version.data,
                            payer_id=_payer_id(form), handler_id=form.handler_id.data)
        except ClientError as exc:
            db.session.rollback()
            form.add_problems(exc.problems)
            status = 409 if "version" in exc.problems else 422
        else:
            flash(_("The client file is updated."), "success")
            return redirect(url_for("crm.show", client_id=client.id), code=303)
    db.session.rollback()
    return render_template("crm/edit.html", client=client_or_404(client_id), form=form), status

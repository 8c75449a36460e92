"""The providers' directory: experts, garages, craftsmen, lawyers. The list
(live search, filters, pages, CSV/XLSX export), creating and editing a
provider, its page with its missions and payments. Deactivating or
reactivating one is for managers and admins (SUPERVISE): it takes the
provider out of every handler's choices."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from app.auth.access import guard_blueprint, requires
from app.auth.rules import Permission
from app.claims import mission_labels
from app.extensions import db, htmx
from app.providers import labels, rules
from app.providers import services as providers
from app.providers.forms import ProviderForm
from app.providers.models import Provider
from app.web.downloads import EXPORT_FORMATS, spreadsheet

bp = guard_blueprint(Blueprint("providers", __name__, url_prefix="/providers"))
PER_PAGE = 50


@bp.context_processor
def provider_labels() -> dict:
    return {"provider_labels": labels, "specialty_labels": labels.specialty_labels(),
            "mission_labels": mission_labels}


def list_filters() -> providers.ProviderFilters:
    args = request.args
    active = args.get("active", "active")
    return providers.ProviderFilters(q=args.get("q", "")[:200], kind=args.get("kind", ""),
                                     specialty=args.get("specialty", ""), area=args.get("area", "")[:3],
                                     active=active if active in providers.ACTIVE_CHOICES else "active")


def list_url(endpoint: str = "providers.index", **changes) -> str:
    """This list's URL (or its export's) with some parameters changed (None drops one)."""
    args = {key: value for key, value in (request.args.to_dict() | changes).items() if value not in (None, "")}
    return url_for(endpoint, **args)


@bp.get("")
def index():
    filters = list_filters()
    page = max(request.args.get("page", 1, type=int), 1)
    rows, total = providers.page_of(db.session, filters, page, PER_PAGE)
    context = {"providers": rows, "total": total, "page": page, "per_page": PER_PAGE, "filters": filters,
               "list_url": list_url, "departements": rules.DEPARTEMENTS}
    if htmx and not htmx.history_restore_request:
        return render_template("providers/_results.html", **context)
    return render_template("providers/index.html", **context)


@bp.get("/export.<fmt>")
def export(fmt: str):
    if fmt not in EXPORT_FORMATS:
        abort(404)
    return spreadsheet(providers.export_rows(db.session, list_filters()), fmt, sheet=_("Providers"),
                       stem="providers")


def _provider_or_404(provider_id: int) -> Provider:
    return db.session.get(Provider, provider_id) or abort(404)


@bp.route("/new", methods=["GET", "POST"])
@requires(Permission.WRITE)
def new():
    form = ProviderForm()
    if request.method == "GET":
        form.kind.data = request.args.get("kind") if request.args.get("kind") in rules.KINDS else "expert"
        return render_template("providers/form.html", form=form, provider=None)
    if form.validate_on_submit():
        try:
            provider = providers.create(db.session, current_user, form.values())
        except providers.ProviderError as exc:
            form.add_problems(exc.problems)
        else:
            db.session.commit()
            flash(_("%(name)s is added to the network.", name=provider.name), "success")
            return redirect(url_for("providers.show", provider_id=provider.id), code=303)
    db.session.rollback()
    return render_template("providers/form.html", form=form, provider=None), 422


def _page(provider: Provider, status: int = 200, problem: str | None = None):
    return render_template("providers/show.html", provider=provider, problem=problem,
                           missions=providers.missions_of(db.session, provider),
                           payments=providers.payments_of(db.session, provider)), status


@bp.get("/<int:provider_id>")
def show(provider_id: int):
    return _page(_provider_or_404(provider_id))


@bp.route("/<int:provider_id>/edit", methods=["GET", "POST"])
@requires(Permission.WRITE)
def edit(provider_id: int):
    provider = _provider_or_404(provider_id)
    form = ProviderForm(obj=provider)
    if request.method == "GET":
        form.fill_areas(provider.areas)
        return render_template("providers/form.html", form=form, provider=provider)
    status = 422
    if form.validate_on_submit():
        try:
            providers.update(db.session, current_user, provider, form.values(), version=form.version.data)
        except providers.ProviderError as exc:
            form.add_problems(exc.problems)
            status = 409 if exc.stale else 422
        else:
            db.session.commit()
            flash(_("%(name)s is updated.", name=provider.name), "success")
            return redirect(url_for("providers.show", provider_id=provider_id), code=303)
    db.session.rollback()
    return render_template("providers/form.html", form=form, provider=_provider_or_404(provider_id),
                           stale=status == 409), status


def _set_active(provider_id: int, active: bool):
    provider = _provider_or_404(provider_id)
    version = request.form.get("version", "")
    try:
        providers.set_active(db.session, current_user, provider, active,
                             version=int(version) if version.isdigit() else None)
    except providers.ProviderError:
        db.session.rollback()
        return _page(_provider_or_404(provider_id), 409, labels.problem("stale"))
    db.session.commit()
    flash(_("%(name)s is active again.", name=provider.name) if active else
          _("%(name)s is deactivated: it is no longer offered, its history stays.", name=provider.name), "success")
    return redirect(url_for("providers.show", provider_id=provider_id), code=303)


@bp.post("/<int:provider_id>/deactivate")
@requires(Permission.SUPERVISE)
def deactivate(provider_id: int):
    return _set_active(provider_id, False)


@bp.post("/<int:provider_id>/reactivate")
@requires(Permission.SUPERVISE)
def reactivate(provider_id: int):
    return _set_active(provider_id, True)

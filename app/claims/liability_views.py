"""Claims: the liability tab (the insured's share and the case supporting
it) and the firm's grid of accident cases: everyone reads it, managers
edit it."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from sqlalchemy.exc import IntegrityError

from app.auth.access import requires
from app.auth.rules import Permission
from app.claims import labels, liability, liability_rules, page
from app.claims.models import Claim, LiabilityCase
from app.claims.views import bp
from app.extensions import db

PROBLEMS = {
    "share_invalid": _l("Choose 0, 25, 50, 75 or 100 %."),
    "note_for_other_share": _l("Say why the share differs from the case's."),
    "shares_not_100": _l("The shares of A and B must add up to 100 %."),
    "code_taken": _l("Another case has this code."),
    "position_invalid": _l("Enter a whole number."),
    "case_stale": _l("Someone changed this case meanwhile: reload the page and try again."),
    "grid_not_empty": _l("The grid already has cases: the standard grid loads into an empty grid only."),
}


def _problem(code: str) -> str:
    return str(PROBLEMS[code]) if code in PROBLEMS else labels.problem(code)


def _problems(exc: liability.LiabilityError, field: str, *, of_case: bool = False) -> dict:
    code = "case_stale" if of_case and exc.code == "stale" else exc.code
    return {name: _problem(item) for name, item in exc.problems.items()} or {field: _problem(code)}


def _version() -> int | None:
    value = request.form.get("version", "")
    return int(value) if value.isdigit() else None


def _default_share(claim: Claim, case: LiabilityCase | None, side: str | None) -> str:
    """The share the form shows: blank when it is the case's own (the form's default)."""
    if claim.liability_share is None or (case and side and claim.liability_share == liability_rules.share_of(
            side, case.share_a, case.share_b)):
        return ""
    return str(claim.liability_share)


def _page(claim: Claim, problems: dict | None = None, status: int = 200):
    opinions = liability.expert_opinions(db.session, claim)
    case = db.session.get(LiabilityCase, claim.liability_case_id) if claim.liability_case_id else None
    side = liability.current_side(db.session, claim)
    return render_template(
        "claims/liability.html", **page.header(claim), grid_applies=liability_rules.grid_applies(claim.line, claim.kind),
        cases=[item for item in liability.grid(db.session) if item.is_active or item.id == claim.liability_case_id],
        case=case, side=side, default_share=_default_share(claim, case, side), opinions=opinions,
        shares=liability_rules.SHARES,
        differs=liability_rules.differs_from_expert(claim.liability_share,
                                                    opinions[0].liability_opinion if opinions else None),
        problems=problems or {}, values=request.form), status


@bp.get("/<int:claim_id>/liability", endpoint="liability")
def liability_tab(claim_id: int):
    return _page(page.claim_or_404(claim_id))


@bp.post("/<int:claim_id>/liability")
def liability_set(claim_id: int):
    claim = page.claim_or_404(claim_id)
    try:
        liability.set_liability(db.session, current_user, claim, case_id=request.form.get("case_id", ""),
                                side=request.form.get("side", ""), share=request.form.get("share", ""),
                                note=request.form.get("note", ""), version=_version())
    except liability.LiabilityError as exc:
        db.session.rollback()
        return _page(page.claim_or_404(claim_id), _problems(exc, "form"), 409 if exc.code == "stale" else 422)
    db.session.commit()
    flash(_("Liability of claim %(reference)s: insured's share %(share)s %%.", reference=claim.reference,
            share=claim.liability_share), "success")
    return redirect(url_for("claims.liability", claim_id=claim_id), code=303)


# --- the grid --------------------------------------------------------------------------

def _grid(problems: dict | None = None, status: int = 200):
    return render_template("claims/liability_grid.html", cases=liability.grid(db.session),
                           problems=problems or {}), status


def _case_or_404(case_id: int) -> LiabilityCase:
    return db.session.get(LiabilityCase, case_id) or abort(404)


def _form(case: LiabilityCase | None, problems: dict | None = None, status: int = 200):
    return render_template("claims/liability_case_form.html", case=case, problems=problems or {},
                           values=request.form if request.method == "POST" else None), status


@bp.get("/liability-grid")
def liability_grid():
    return _grid()


@bp.post("/liability-grid/standard")
@requires(Permission.MANAGE_CATALOG)
def liability_grid_load():
    try:
        count = liability.load_standard(db.session, current_user)
        db.session.commit()
    except (liability.LiabilityError, IntegrityError):
        db.session.rollback()
        return _grid({"grid": _problem("grid_not_empty")}, 409)
    flash(_("Standard grid loaded: %(count)s cases. Check them against the convention you apply.", count=count),
          "success")
    return redirect(url_for("claims.liability_grid"), code=303)


@bp.route("/liability-grid/new", methods=["GET", "POST"])
@requires(Permission.MANAGE_CATALOG)
def liability_case_new():
    if request.method == "GET":
        return _form(None)
    try:
        case = liability.create_case(db.session, current_user, request.form)
        db.session.commit()
    except liability.LiabilityError as exc:
        db.session.rollback()
        return _form(None, _problems(exc, "form"), 422)
    except IntegrityError:
        db.session.rollback()
        return _form(None, {"code": _problem("code_taken")}, 422)
    flash(_("Case %(code)s added to the grid.", code=case.code), "success")
    return redirect(url_for("claims.liability_grid"), code=303)


@bp.route("/liability-grid/<int:case_id>", methods=["GET", "POST"])
@requires(Permission.MANAGE_CATALOG)
def liability_case_edit(case_id: int):
    case = _case_or_404(case_id)
    if request.method == "GET":
        return _form(case)
    try:
        liability.update_case(db.session, current_user, case, request.form, version=_version())
        db.session.commit()
    except liability.LiabilityError as exc:
        db.session.rollback()
        return _form(_case_or_404(case_id), _problems(exc, "form", of_case=True), 409 if exc.code == "stale"
                     else 422)
    except IntegrityError:
        db.session.rollback()
        return _form(_case_or_404(case_id), {"code": _problem("code_taken")}, 422)
    flash(_("Case %(code)s saved.", code=case.code), "success")
    return redirect(url_for("claims.liability_grid"), code=303)


@bp.post("/liability-grid/<int:case_id>/deactivate")
@requires(Permission.MANAGE_CATALOG)
def liability_case_deactivate(case_id: int):
    case = _case_or_404(case_id)
    try:
        liability.deactivate_case(db.session, current_user, case, version=_version())
    except liability.LiabilityError as exc:
        db.session.rollback()
        return _grid(_problems(exc, "grid", of_case=True), 409)
    db.session.commit()
    flash(_("Case %(code)s deactivated: it is no longer offered, claims that rely on it keep it.", code=case.code),
          "success")
    return redirect(url_for("claims.liability_grid"), code=303)

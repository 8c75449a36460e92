"""Claims: the damages and settlement tab. Damage items, the reserve and its
history, the indemnity with its explanation, payments (to the insured,
straight to a provider, or to a third party), recourse against a third
party's insurer, closure (after a confirmation step) and reopening. Every
form answers 422 next to its field keeping what was typed, 409 on a stale
version; another claim's items are 404."""

from __future__ import annotations

from datetime import date

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.orm.exc import StaleDataError

from app.auth.models import User
from app.claims import page, payments, recourse, settlement
from app.claims import settlement_labels as labels
from app.claims import settlement_rules as rules
from app.claims.cover import guarantee_name
from app.claims.models import ClaimStatus
from app.claims.views import bp
from app.crm.models import Client
from app.extensions import db
from app.providers.models import Provider


def _page(claim, *, failed: str | None = None, problems: dict | None = None, status: int = 200, **extra):
    damages = settlement.damages_of(db.session, claim)
    reserves = settlement.reserves_of(db.session, claim)
    setters = {user.id: user for user in db.session.scalars(
        select(User).where(User.id.in_({item.set_by_id for item in reserves if item.set_by_id})))}
    paid_list = payments.payments_of(db.session, claim)
    edit = request.args.get("edit", type=int)
    return render_template(
        "claims/settlement.html", **page.header(claim), active_tab="claims.settlement", settlement_labels=labels,
        damages=damages, totals=rules.damage_totals(settlement.amounts_of(damages)), edit=edit,
        reserves=reserves, setters=setters, proposed_reserve=settlement.proposed_reserve(db.session, claim),
        cover=settlement.cover_terms(db.session, claim), payments=paid_list,
        guarantee_name=lambda code, label="": guarantee_name(claim.line, code, label),
        remaining=None if claim.indemnity is None else claim.indemnity - claim.paid_total,
        paid_in_full=rules.is_paid_in_full(claim.indemnity, claim.paid_total),
        providers=list(db.session.scalars(select(Provider).where(Provider.is_active).order_by(Provider.name))),
        recourses=recourse.recourses_of(db.session, claim), default_outcome=recourse.default_outcome,
        open_tasks=settlement.open_tasks(db.session, claim), failed=failed, problems=problems or {},
        values=request.form if failed else {}, today=date.today(), **extra), status


@bp.get("/<int:claim_id>/settlement", endpoint="settlement")
def settlement_tab(claim_id: int):
    return _page(page.claim_or_404(claim_id))


def _act(claim_id: int, form: str, step, done: str, anchor: str, wording=labels.problem):
    """Run ``step(claim)``; commit and go back to the tab, or show it again
    with the problems next to ``form``'s fields (422, 409 when stale)."""
    claim = page.claim_or_404(claim_id)
    try:
        step(claim)
        db.session.flush()
    except (settlement.SettlementError, payments.PaymentError) as exc:
        db.session.rollback()
        problems = {name: wording(code) for name, code in exc.problems.items()} or {"_form": wording(exc.code)}
        return _page(page.claim_or_404(claim_id), failed=form, problems=problems,
                     status=409 if exc.code == "stale" else 422)
    except StaleDataError:
        db.session.rollback()
        return _page(page.claim_or_404(claim_id), failed=form, problems={"_form": labels.problem("stale")},
                     status=409)
    db.session.commit()
    flash(done, "success")
    return redirect(url_for("claims.settlement", claim_id=claim_id) + anchor, code=303)


def _damage(claim, damage_id: int):
    return settlement.damage_of(db.session, claim, damage_id) or abort(404)


def _recourse(claim, recourse_id: int):
    return recourse.recourse_of(db.session, claim, recourse_id) or abort(404)


@bp.post("/<int:claim_id>/settlement/damages", endpoint="settlement_damage_add")
def damage_add(claim_id: int):
    return _act(claim_id, "damage", lambda claim: settlement.add_damage(db.session, current_user, claim, request.form),
                _("Damage item added."), "#damages")


@bp.post("/<int:claim_id>/settlement/damages/<int:damage_id>", endpoint="settlement_damage_change")
def damage_change(claim_id: int, damage_id: int):
    return _act(claim_id, f"damage-{damage_id}", lambda claim: settlement.change_damage(
        db.session, current_user, claim, _damage(claim, damage_id), request.form, request.form.get("version")),
        _("Damage item changed."), "#damages")


@bp.post("/<int:claim_id>/settlement/damages/<int:damage_id>/remove", endpoint="settlement_damage_remove")
def damage_remove(claim_id: int, damage_id: int):
    return _act(claim_id, "damages", lambda claim: settlement.remove_damage(
        db.session, current_user, claim, _damage(claim, damage_id), request.form.get("version")),
        _("Damage item removed."), "#damages")


@bp.post("/<int:claim_id>/settlement/reserve", endpoint="settlement_reserve")
def reserve_set(claim_id: int):
    form = request.form
    return _act(claim_id, "reserve", lambda claim: settlement.set_reserve(
        db.session, current_user, claim, form.get("amount"), form.get("reason"), form.get("version")),
        _("Reserve changed."), "#reserve")


@bp.post("/<int:claim_id>/settlement/indemnity", endpoint="settlement_indemnity")
def indemnity_compute(claim_id: int):
    return _act(claim_id, "indemnity", lambda claim: settlement.compute_indemnity(
        db.session, current_user, claim, request.form.get("version")), _("Indemnity computed."), "#indemnity")


def _payment_input(claim) -> payments.PaymentInput:
    form = request.form
    try:
        paid_on = date.fromisoformat(form.get("paid_on", "").strip())
    except ValueError:
        paid_on = None
    payee_name = form.get("payee_name", "")
    if form.get("payee_kind") == "insured" and not payee_name.strip():
        payee_name = db.session.get(Client, claim.client_id).display_name
    provider_id = form.get("provider_id", "")
    return payments.PaymentInput(
        payee_kind=form.get("payee_kind", ""), payee_name=payee_name, amount=form.get("amount"), paid_on=paid_on,
        method=form.get("method", ""), reference=form.get("reference"), note=form.get("note"),
        provider_id=int(provider_id) if provider_id.isdigit() else None)


def _pay(claim) -> None:
    settlement.check_writable(claim, request.form.get("version"))
    payments.record_payment(db.session, current_user, claim, _payment_input(claim))


@bp.post("/<int:claim_id>/settlement/payments", endpoint="settlement_payment")
def payment_add(claim_id: int):
    return _act(claim_id, "payment", _pay, _("Payment recorded."), "#payments", wording=labels.payment_problem)


@bp.post("/<int:claim_id>/settlement/recourses", endpoint="settlement_recourse_open")
def recourse_open(claim_id: int):
    return _act(claim_id, "recourse", lambda claim: recourse.open_recourse(
        db.session, current_user, claim, request.form), _("Recourse opened."), "#recourse")


@bp.post("/<int:claim_id>/settlement/recourses/<int:recourse_id>", endpoint="settlement_recourse_update")
def recourse_update(claim_id: int, recourse_id: int):
    return _act(claim_id, f"recourse-{recourse_id}", lambda claim: recourse.update_recourse(
        db.session, current_user, claim, _recourse(claim, recourse_id), request.form, request.form.get("version")),
        _("Recourse updated."), "#recourse")


@bp.post("/<int:claim_id>/settlement/recourses/<int:recourse_id>/close", endpoint="settlement_recourse_close")
def recourse_close(claim_id: int, recourse_id: int):
    return _act(claim_id, f"recourse-close-{recourse_id}", lambda claim: recourse.close_recourse(
        db.session, current_user, claim, _recourse(claim, recourse_id), request.form.get("outcome"),
        request.form.get("version")), _("Recourse closed."), "#recourse")


@bp.post("/<int:claim_id>/settlement/close", endpoint="settlement_close")
def claim_close(claim_id: int):
    """First the confirmation (what closing does), then, confirmed, the closure."""
    form = request.form
    if form.get("confirmed") != "yes":
        claim = page.claim_or_404(claim_id)
        problems = settlement.closure_problems(claim, form.get("reason"), form.get("note"))
        if claim.status == ClaimStatus.CLOSED:
            problems = {"_form": "claim_closed"}
        if problems:
            return _page(claim, failed="closure", problems={name: labels.problem(code) for name, code in
                                                              problems.items()}, status=422)
        return _page(claim, failed="closure", confirm_closure=True)
    return _act(claim_id, "closure", lambda claim: settlement.close(
        db.session, current_user, claim, form.get("reason"), form.get("note"), form.get("version")),
        _("Claim closed."), "")


@bp.post("/<int:claim_id>/settlement/reopen", endpoint="settlement_reopen")
def claim_reopen(claim_id: int):
    return _act(claim_id, "reopen", lambda claim: settlement.reopen(
        db.session, current_user, claim, request.form.get("reopen_reason"), request.form.get("version")),
        _("Claim reopened."), "")

"""Claims: the disputes tab. Mediation (proposals, counter-proposals, the
compromise), litigation (lawyer, court, hearings and deadlines as tasks),
the papers for lawyers and experts, and the outcome. Every form answers
422 next to its field, 409 on a stale version, and keeps what was typed."""

from __future__ import annotations

from datetime import date

from flask import abort, flash, g, redirect, render_template, request, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy.orm.exc import StaleDataError
from werkzeug.routing import BuildError

from app.claims import dispute_labels, dispute_rules, disputes, history, page
from app.claims import services as claims
from app.claims.views import bp
from app.extensions import db


def providers_url() -> str:
    """The providers' directory, where lawyers and experts are added."""
    try:
        return url_for("providers.index")
    except BuildError:
        return "/providers"


def _page(claim, problems: dict | None = None, form: str | None = None, status: int = 200):
    return render_template(
        "claims/disputes.html", **page.header(claim), disputes=disputes.disputes_of(db.session, claim),
        lawyers=disputes.lawyers(db.session), recipients=disputes.recipients(db.session),
        files=history.files_of(db.session, claim), providers_url=providers_url(), dispute_labels=dispute_labels,
        kinds_for=dispute_rules.kinds_for, allows=dispute_rules.allows, problems=problems or {}, form=form,
        values=request.form if status != 200 else {}, today=date.today()), status


@bp.get("/<int:claim_id>/disputes", endpoint="disputes")
def disputes_tab(claim_id: int):
    return _page(page.claim_or_404(claim_id))


def _act(claim_id: int, form: str, step, done: str, dispute_id: int | None = None):
    """Run ``step(claim, dispute)``; commit and go back to the tab, or show
    the tab again with the problems (422, 409 when stale)."""
    claim = page.claim_or_404(claim_id)
    dispute = (disputes.dispute_of(db.session, claim, dispute_id) or abort(404)) if dispute_id else None
    try:
        step(claim, dispute)
        db.session.flush()
    except disputes.DisputeError as exc:
        db.session.rollback()
        problems = {name: dispute_labels.problem(code) for name, code in exc.problems.items()}
        if not problems:
            problems = {form: dispute_labels.problem(exc.code)}
        return _page(page.claim_or_404(claim_id), problems, form, 409 if exc.code == "stale" else 422)
    except StaleDataError:
        db.session.rollback()
        return _page(page.claim_or_404(claim_id), {form: dispute_labels.problem("stale")}, form, 409)
    db.session.commit()
    flash(done, "success")
    return redirect(url_for("claims.disputes", claim_id=claim_id), code=303)


def _day(name: str) -> date | None:
    return dispute_rules.parse_day(request.form.get(name))


@bp.post("/<int:claim_id>/disputes/new")
def open_dispute(claim_id: int):
    form = request.form
    return _act(claim_id, "open", lambda claim, _dispute: disputes.open_dispute(
        db.session, current_user, claim, origin=form.get("origin", ""), summary=form.get("summary", ""),
        opened_on=_day("opened_on"), mediator=form.get("mediator")), _("Dispute opened, in mediation."))


@bp.post("/<int:claim_id>/disputes/<int:dispute_id>/proposals")
def dispute_proposal(claim_id: int, dispute_id: int):
    form = request.form
    return _act(claim_id, "proposal", lambda claim, dispute: disputes.make_proposal(
        db.session, current_user, claim, dispute, side=form.get("side", ""), amount=form.get("amount", ""),
        made_on=_day("made_on"), note=form.get("note"), version=form.get("version", "")),
        _("Proposal recorded."), dispute_id)


@bp.post("/<int:claim_id>/disputes/<int:dispute_id>/proposals/<int:proposal_id>/accept")
def accept_proposal(claim_id: int, dispute_id: int, proposal_id: int):
    return _act(claim_id, "answer", lambda claim, dispute: disputes.accept_proposal(
        db.session, current_user, claim, dispute, proposal_id, accepted_on=_day("accepted_on"),
        version=request.form.get("version", "")), _("Compromise agreed: the dispute is closed."), dispute_id)


@bp.post("/<int:claim_id>/disputes/<int:dispute_id>/proposals/<int:proposal_id>/refuse")
def refuse_proposal(claim_id: int, dispute_id: int, proposal_id: int):
    return _act(claim_id, "answer", lambda claim, dispute: disputes.refuse_proposal(
        db.session, current_user, claim, dispute, proposal_id, version=request.form.get("version", "")),
        _("Proposal refused."), dispute_id)


@bp.post("/<int:claim_id>/disputes/<int:dispute_id>/litigation")
def start_litigation(claim_id: int, dispute_id: int):
    form = request.form
    return _act(claim_id, "litigation", lambda claim, dispute: disputes.start_litigation(
        db.session, current_user, claim, dispute, lawyer_id=form.get("lawyer_id", ""), court=form.get("court", ""),
        case_number=form.get("case_number"), started_on=_day("started_on"), version=form.get("version", "")),
        _("The dispute is now before the court."), dispute_id)


@bp.post("/<int:claim_id>/disputes/<int:dispute_id>/hearings")
def schedule_hearing(claim_id: int, dispute_id: int):
    form = request.form
    return _act(claim_id, "hearing", lambda claim, dispute: disputes.schedule(
        db.session, current_user, claim, dispute, kind=form.get("kind", ""),
        at=disputes.hearing_at(form.get("at_date"), form.get("at_time")), place=form.get("place"),
        note=form.get("hearing_note"), version=form.get("version", "")),
        _("Date recorded, with a task for the claim's handler."), dispute_id)


@bp.post("/<int:claim_id>/disputes/<int:dispute_id>/close")
def close_dispute(claim_id: int, dispute_id: int):
    form = request.form
    return _act(claim_id, "close", lambda claim, dispute: disputes.close(
        db.session, current_user, claim, dispute, outcome=form.get("outcome", ""),
        awarded_amount=form.get("awarded_amount", ""), closed_on=_day("closed_on"), version=form.get("version", "")),
        _("Dispute closed."), dispute_id)


@bp.post("/<int:claim_id>/disputes/papers")
def dispute_papers(claim_id: int):
    uploads = [claims.Upload(item.filename, item.read()) for item in request.files.getlist("papers") if item.filename]
    return _act(claim_id, "upload", lambda claim, _dispute: disputes.add_papers(db.session, current_user, claim,
                                                                                 uploads),
                _("Documents added: they stay in the workspace."))


@bp.post("/<int:claim_id>/disputes/papers/send")
def send_papers(claim_id: int):
    form = request.form
    return _act(claim_id, "send", lambda claim, _dispute: disputes.send_papers(
        db.session, current_user, claim, provider_id=form.get("provider_id", ""),
        attachment_ids=form.getlist("attachment_ids"), message=form.get("message"), tenant=g.tenant,
        locale=str(get_locale())), _("Documents sent by email."))

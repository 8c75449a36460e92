"""Claims: the experts tab — dispatching an expert of the firm's network
with a mission letter, the appointment, reminders, the report with its
conclusions, cancelling a mission. The rules live in
``app.claims.missions`` and ``app.claims.mission_rules``."""

from __future__ import annotations

from datetime import date, datetime

from flask import abort, flash, g, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from app.claims import mission_labels, mission_rules, missions, page
from app.claims import services as claims
from app.claims.models import Claim, ExpertMission
from app.claims.views import bp
from app.extensions import db
from app.providers import services as providers


def _page(claim: Claim, *, failed: str | None = None, problems: dict | None = None, status: int = 200):
    departement = missions.claim_departement(db.session, claim)
    today = date.today()
    return render_template(
        "claims/expertise.html", **page.header(claim), missions=missions.missions_of(db.session, claim),
        experts=providers.experts_for(db.session, claim.line, departement), departement=departement,
        mission_labels=mission_labels, paris=missions.PARIS, today=today,
        default_instructions=missions.default_instructions(claim),
        default_due=mission_rules.default_report_due(today), failed=failed, problems=problems or {},
        values=request.form if failed else {}), status


@bp.get("/<int:claim_id>/expertise")
def expertise(claim_id: int):
    return _page(page.claim_or_404(claim_id))


def _int(name: str) -> int | None:
    value = request.form.get(name, "").strip()
    return int(value) if value.isdigit() and len(value) < 19 else None


def _date(name: str) -> date | None:
    try:
        return date.fromisoformat(request.form.get(name, "").strip())
    except ValueError:
        return None


def _datetime(name: str) -> datetime | None:
    try:
        return datetime.fromisoformat(request.form.get(name, "").strip()).replace(tzinfo=missions.PARIS)
    except ValueError:
        return None


def _failed(claim_id: int, exc: missions.MissionError, form: str, mission_id: int | None = None):
    """The tab again with the problems in ``form``; a problem of the mission
    itself (closed, reminded today) shows on the mission's card."""
    db.session.rollback()
    problems = {name: mission_labels.problem(code) for name, code in exc.problems.items()} or \
        {"form": mission_labels.problem(exc.code)}
    if mission_id is not None and exc.code not in ("invalid", "stale"):
        form = f"mission-{mission_id}"
    return _page(page.claim_or_404(claim_id), failed=form, problems=problems,
                 status=409 if exc.code == "stale" else 422)


def _done(claim_id: int, message: str, mission: ExpertMission):
    db.session.commit()
    flash(message, "success")
    return redirect(url_for("claims.expertise", claim_id=claim_id) + f"#mission-{mission.id}", code=303)


def _mission_or_404(claim: Claim, mission_id: int) -> ExpertMission:
    return missions.mission_of(db.session, claim, mission_id) or abort(404)


@bp.post("/<int:claim_id>/expertise/missions")
def dispatch_expert(claim_id: int):
    claim = page.claim_or_404(claim_id)
    try:
        mission = missions.dispatch(db.session, current_user, claim, g.tenant, provider_id=_int("provider_id"),
                                    instructions=request.form.get("instructions", ""),
                                    report_due_on=_date("report_due_on"))
    except missions.MissionError as exc:
        return _failed(claim_id, exc, "dispatch")
    return _done(claim_id, _("The mission letter is on its way to the expert."), mission)


@bp.post("/<int:claim_id>/expertise/missions/<int:mission_id>/appointment")
def expert_appointment(claim_id: int, mission_id: int):
    claim = page.claim_or_404(claim_id)
    mission = _mission_or_404(claim, mission_id)
    try:
        missions.schedule(db.session, current_user, claim, mission, g.tenant,
                          appointment_at=_datetime("appointment_at"), version=_int("version"))
    except missions.MissionError as exc:
        return _failed(claim_id, exc, f"appointment-{mission_id}", mission_id)
    return _done(claim_id, _("Appointment recorded: the client is told in their client space and by email."),
                 mission)


@bp.post("/<int:claim_id>/expertise/missions/<int:mission_id>/remind")
def remind_expert(claim_id: int, mission_id: int):
    claim = page.claim_or_404(claim_id)
    mission = _mission_or_404(claim, mission_id)
    try:
        missions.remind(db.session, current_user, claim, mission, g.tenant, today=date.today(),
                        version=_int("version"))
    except missions.MissionError as exc:
        return _failed(claim_id, exc, f"mission-{mission_id}")
    return _done(claim_id, _("Reminder sent to the expert."), mission)


@bp.post("/<int:claim_id>/expertise/missions/<int:mission_id>/report")
def expert_report(claim_id: int, mission_id: int):
    claim = page.claim_or_404(claim_id)
    mission = _mission_or_404(claim, mission_id)
    upload = request.files.get("report")
    try:
        missions.record_report(
            db.session, current_user, claim, mission,
            upload=claims.Upload(upload.filename, upload.read()) if upload and upload.filename else None,
            values=request.form.to_dict(), share_with_client=request.form.get("share_with_client") == "yes",
            version=_int("version"))
    except missions.MissionError as exc:
        return _failed(claim_id, exc, f"report-{mission_id}", mission_id)
    return _done(claim_id, _("The expert's report is filed with its conclusions."), mission)


@bp.post("/<int:claim_id>/expertise/missions/<int:mission_id>/cancel")
def cancel_mission(claim_id: int, mission_id: int):
    claim = page.claim_or_404(claim_id)
    mission = _mission_or_404(claim, mission_id)
    try:
        missions.cancel(db.session, current_user, claim, mission, g.tenant, reason=request.form.get("reason", ""),
                        version=_int("version"))
    except missions.MissionError as exc:
        return _failed(claim_id, exc, f"mission-{mission_id}")
    return _done(claim_id, _("The mission is cancelled and the expert told."), mission)

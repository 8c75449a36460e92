"""Claims: the cover check tab. The page shows the contract as it stood on
the day of the loss and the system's proposal for the guarantee and
exclusion the handler chose (a GET form, so it works without JavaScript);
the handler confirms it or decides otherwise with a reason."""

from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from app.auth.models import User
from app.claims import cover, cover_rules, labels, page
from app.claims.models import Claim, CoverVerdict
from app.claims.views import bp
from app.extensions import db

PROBLEMS = {
    "exclusion_note_required": _l("Say which exclusion applies and why."),
    "same_as_proposal": _l("This is what the system proposes: confirm the proposal instead."),
}
AMOUNT_SOURCES = {"damages": _l("damage items"), "expert": _l("expert's assessment"),
                  "declaration": _l("client's estimate")}
EXCLUSION_LABELS = {"none": _l("No exclusion applies"), "part": _l("An exclusion applies to part of the loss"),
                    "all": _l("An exclusion applies to the whole loss")}


def _problem(code: str) -> str:
    return str(PROBLEMS[code]) if code in PROBLEMS else labels.problem(code)


def _choice(values) -> cover.Choice:
    return cover.Choice(guarantee_code=values.get("guarantee_code"),
                        exclusion=values.get("exclusion") or cover_rules.ExclusionScope.NONE.value,
                        exclusion_note=values.get("exclusion_note", ""))


def _page(claim: Claim, choice: cover.Choice, problems: dict | None = None, status: int = 200):
    stored = claim.cover_proposal or {}
    return render_template(
        "claims/cover.html", **page.header(claim), check=cover.check(db.session, claim, choice),
        stored_clauses=[cover_rules.Relied.from_json(item) for item in stored.get("clauses", [])],
        checked_by=db.session.get(User, claim.cover_checked_by_id) if claim.cover_checked_by_id else None,
        problems=problems or {}, values=request.form, verdicts=list(CoverVerdict),
        guarantee_name=lambda code, label="": cover.guarantee_name(claim.line, code, label),
        amount_sources=AMOUNT_SOURCES, exclusion_labels=EXCLUSION_LABELS), status


@bp.get("/<int:claim_id>/cover", endpoint="cover")
def cover_page(claim_id: int):
    claim = page.claim_or_404(claim_id)
    stored = claim.cover_proposal
    if "guarantee_code" not in request.args and stored:
        return _page(claim, cover.Choice(stored.get("guarantee_code") or "", stored.get("exclusion", "none"),
                                         stored.get("exclusion_note") or ""))
    return _page(claim, _choice(request.args))


def _version() -> int | None:
    value = request.form.get("version", "")
    return int(value) if value.isdigit() else None


def _decided(claim_id: int, action):
    claim = page.claim_or_404(claim_id)
    choice = _choice(request.form)
    try:
        action(claim, choice)
    except cover.CoverError as exc:
        db.session.rollback()
        problems = {name: _problem(code) for name, code in exc.problems.items()} or {"form": _problem(exc.code)}
        return _page(page.claim_or_404(claim_id), choice, problems, 409 if exc.code == "stale" else 422)
    db.session.commit()
    flash(_("Cover of claim %(reference)s: %(verdict)s.", reference=claim.reference,
            verdict=labels.COVER_LABELS[claim.cover_decision]), "success")
    return redirect(url_for("claims.cover", claim_id=claim_id), code=303)


@bp.post("/<int:claim_id>/cover/confirm")
def cover_confirm(claim_id: int):
    return _decided(claim_id, lambda claim, choice: cover.confirm(db.session, current_user, claim, choice,
                                                                 version=_version()))


@bp.post("/<int:claim_id>/cover/override")
def cover_override(claim_id: int):
    return _decided(claim_id, lambda claim, choice: cover.override(
        db.session, current_user, claim, choice, decision=request.form.get("decision", ""),
        reason=request.form.get("reason", ""), version=_version()))


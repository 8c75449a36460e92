"""Claims: the insurer panel of the declaration tab (the claim notice and its
delivery, the insurer's answers recorded by hand). Its template,
``claims/_insurer.html``, gets its data from :func:`claim_insurer_panel`."""

from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from app.claims import insurer_answers, labels, notice, page
from app.claims import services as claims
from app.claims.insurer_rules import DECISIONS
from app.claims.models import Claim
from app.claims.views import bp
from app.extensions import db

MESSAGE_LABELS = {"pending": _l("Waiting for delivery"), "delivered": _l("Delivered"),
                  "rejected": _l("Rejected by the insurer"), "failed": _l("Failed"), "cancelled": _l("Cancelled")}
MESSAGE_BADGES = {"pending": "text-bg-info", "delivered": "text-bg-success", "rejected": "text-bg-danger",
                  "failed": "text-bg-danger", "cancelled": "text-bg-secondary"}
PROBLEMS = {
    "date_invalid": _l("Enter a date."), "in_future": _l("This date is in the future."),
    "before_declaration": _l("The insurer cannot have acknowledged the claim before it was declared."),
    "too_long": _l("This text is too long."),
    "invalid_characters": _l("Remove the line breaks and control characters."),
    "choice_invalid": _l("Choose one of the proposed values."),
    "required": _l("Choose the decision this note explains."),
    "note_required": _l("Give the insurer's reason: the client must be told why."),
}


@bp.context_processor
def insurer_panel_helpers() -> dict:
    return {"claim_insurer_panel": claim_insurer_panel}


def claim_insurer_panel(claim: Claim) -> dict:
    """What ``claims/_insurer.html`` shows: the notice and the insurer's answers."""
    return {**notice.panel(db.session, claim), "acknowledged_on": insurer_answers.acknowledged_on(claim),
            "decisions": [(code, insurer_answers.DECISION_LABELS[code]) for code in DECISIONS],
            "decision_labels": insurer_answers.DECISION_LABELS, "decision_badges": insurer_answers.DECISION_BADGES,
            "message_labels": MESSAGE_LABELS, "message_badges": MESSAGE_BADGES}


def _declaration_tab(claim: Claim, status: int, *, notice_problem: str | None = None,
                     answer_problems: dict | None = None, keep_typed: bool = True):
    """The declaration tab again, with the panel's problem; what was typed
    is kept, unless the claim changed meanwhile (the form then shows it as it is now)."""
    return render_template("claims/show.html", **page.header(claim),
                           attachments=claims.attachments_of(db.session, claim),
                           messages=claims.messages_of(db.session, claim), problems={},
                           insurer_notice_problem=notice_problem, insurer_problems=answer_problems or {},
                           insurer_form=request.form if keep_typed else None), status


def _notice_status(code: str) -> int:
    """409 when the notice's state forbids it, 422 when the insurer's channel is not set up."""
    return 409 if code in notice.STATE_PROBLEMS else 422


def _back(claim_id: int):
    return redirect(url_for("claims.show", claim_id=claim_id) + "#insurer", code=303)


def _notice_action(claim_id: int, action, done: str):
    """Send (or send again) the claim's notice; on a refusal, the declaration
    tab with the reason next to the insurer panel."""
    claim = page.claim_or_404(claim_id)
    try:
        action(db.session, current_user, claim)
    except notice.NoticeError as exc:
        db.session.rollback()
        return _declaration_tab(page.claim_or_404(claim_id), _notice_status(exc.code),
                                notice_problem=notice.problem_text(exc.code))
    db.session.commit()
    flash(done, "success")
    return _back(claim_id)


@bp.post("/<int:claim_id>/notice")
def send_notice(claim_id: int):
    return _notice_action(claim_id, notice.send, _("Claim notice sent to the insurer."))


@bp.post("/<int:claim_id>/notice/resend")
def resend_notice(claim_id: int):
    return _notice_action(claim_id, notice.resend, _("The claim notice is being sent again."))


@bp.post("/<int:claim_id>/insurer-answers")
def record_insurer_answers(claim_id: int):
    claim = page.claim_or_404(claim_id)
    try:
        changed = insurer_answers.record_by_hand(db.session, current_user, claim, request.form,
                                                 request.form.get("version", ""))
    except insurer_answers.AnswerError as exc:
        db.session.rollback()
        if exc.code == "stale":
            return _declaration_tab(page.claim_or_404(claim_id), 409,
                                    answer_problems={"form": labels.problem("stale")}, keep_typed=False)
        return _declaration_tab(page.claim_or_404(claim_id), 422, answer_problems={
            name: str(PROBLEMS.get(code, code)) for name, code in exc.problems.items()})
    db.session.commit()
    flash(_("The insurer's answers are recorded.") if changed else _("Nothing changed."), "success")
    return _back(claim_id)

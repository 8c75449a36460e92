"""Recourse against a liable third party's insurer (recours, subrogation
L121-12): what is claimed back, what was recovered, follow-ups as a task of
the claim's handler, until it is closed as recovered, partly recovered or
abandoned. In the caller's transaction (the caller commits)."""

from __future__ import annotations

from datetime import date

from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.orm import Session

from app.audit import services as audit
from app.claims import timeline
from app.claims.models import Claim
from app.claims.settlement_models import ClaimRecourse, RecourseStatus
from app.claims.settlement import (MAX_ID, MAX_LABEL, SettlementError, euros, in_firm_language, raise_problems,
                                   read_amount, read_text)
from app.crm import followup
from app.crm.models import Client, Task

#: while it is pursued: nothing recovered yet, or part of it
OPEN_STATUSES = (RecourseStatus.OPEN.value, RecourseStatus.PARTIAL.value)
#: how it ends
OUTCOMES = (RecourseStatus.RECOVERED.value, RecourseStatus.PARTIAL.value, RecourseStatus.ABANDONED.value)


def recourses_of(session: Session, claim: Claim) -> list[ClaimRecourse]:
    return list(session.scalars(select(ClaimRecourse).where(ClaimRecourse.claim_id == claim.id)
                                .order_by(ClaimRecourse.opened_on, ClaimRecourse.id)))


def recourse_of(session: Session, claim: Claim, recourse_id: int) -> ClaimRecourse | None:
    if recourse_id > MAX_ID:
        return None
    return session.scalar(select(ClaimRecourse).where(ClaimRecourse.id == recourse_id,
                                                      ClaimRecourse.claim_id == claim.id))


def default_outcome(recourse: ClaimRecourse) -> str:
    """Recovered when all that was claimed came back, partly when some did, else abandoned."""
    if recourse.amount_recovered >= recourse.amount_claimed:
        return RecourseStatus.RECOVERED.value
    return RecourseStatus.PARTIAL.value if recourse.amount_recovered > 0 else RecourseStatus.ABANDONED.value


def _follow_up_on(problems: dict, raw: str | None, today: date) -> date | None:
    """The next follow-up date as typed (ISO), or None when blank; not in the past."""
    raw = (raw or "").strip()
    try:
        value = date.fromisoformat(raw) if raw else None
    except ValueError:
        problems["next_follow_up_on"] = "date_invalid"
        return None
    if value is not None and value < today:
        problems["next_follow_up_on"] = "in_past"
    return value


def _json(recourse: ClaimRecourse) -> dict:
    return {"recourse_id": recourse.id, "third_party_insurer": recourse.third_party_insurer,
            "amount_claimed": str(recourse.amount_claimed), "amount_recovered": str(recourse.amount_recovered),
            "status": recourse.status,
            "next_follow_up_on": recourse.next_follow_up_on.isoformat() if recourse.next_follow_up_on else None}


def _schedule(session: Session, actor, claim: Claim, recourse: ClaimRecourse, due_on: date | None) -> None:
    """Keep the follow-up task on ``due_on``: moved, created, or done when there is none."""
    task = session.get(Task, recourse.follow_up_task_id) if recourse.follow_up_task_id else None
    client = session.get(Client, claim.client_id)
    if task is not None and task.done_at is None:
        if due_on is None:
            followup.complete_task(session, actor, client, task)
        else:
            task.due_on = due_on
    elif due_on is not None:
        task = followup.add_task(
            session, actor, client, due_on=due_on, assignee_id=claim.handler_id or getattr(actor, "id", None),
            title=in_firm_language(_l("Follow up the recourse of %(reference)s with %(insurer)s"),
                                   reference=claim.reference, insurer=recourse.third_party_insurer),
            details=recourse.third_party_reference, source=("claim", claim.id))
        recourse.follow_up_task_id = task.id
    recourse.next_follow_up_on = due_on


def open_recourse(session: Session, actor, claim: Claim, values: dict, *, today: date | None = None) -> ClaimRecourse:
    """Open a recourse: the third party, their insurer and reference, the
    amount claimed back, and when to follow it up (a task)."""
    today = today or date.today()
    problems: dict[str, str] = {}
    recourse = ClaimRecourse(
        claim_id=claim.id, opened_on=today, status=RecourseStatus.OPEN.value,
        third_party_name=read_text(problems, "third_party_name", values.get("third_party_name"), required=True,
                               limit=MAX_LABEL),
        third_party_insurer=read_text(problems, "third_party_insurer", values.get("third_party_insurer"), required=True,
                                  limit=MAX_LABEL),
        third_party_reference=read_text(problems, "third_party_reference", values.get("third_party_reference"),
                                    limit=100),
        amount_claimed=read_amount(problems, "amount_claimed", values.get("amount_claimed"), required=True,
                               positive=True),
        notes=read_text(problems, "notes", values.get("notes")))
    due_on = _follow_up_on(problems, values.get("next_follow_up_on"), today)
    raise_problems(problems)
    session.add(recourse)
    session.flush()
    _schedule(session, actor, claim, recourse, due_on)
    session.flush()
    timeline.record(session, actor, claim, "recourse_opened",
                    f"{recourse.third_party_insurer} · {euros(recourse.amount_claimed)}", _json(recourse))
    audit.record(session, actor, "claim.recourse_open", "claim", claim.id, after=_json(recourse))
    return recourse


def _open_and_current(recourse: ClaimRecourse, version: str | None) -> None:
    if recourse.closed_on is not None:
        raise SettlementError("recourse_closed")
    if str(version or "") != str(recourse.version):
        raise SettlementError("stale")


def update_recourse(session: Session, actor, claim: Claim, recourse: ClaimRecourse, values: dict,
                    version: str | None, *, today: date | None = None) -> ClaimRecourse:
    """What was recovered so far, the status while it is pursued, notes, the next follow-up."""
    today = today or date.today()
    _open_and_current(recourse, version)
    problems: dict[str, str] = {}
    recovered = read_amount(problems, "amount_recovered", values.get("amount_recovered"), required=True)
    status = values.get("status")
    if status not in OPEN_STATUSES:
        problems["status"] = "choice_invalid"
    elif status == RecourseStatus.PARTIAL and recovered == 0:
        problems["amount_recovered"] = "recovered_needs_amount"
    notes = read_text(problems, "notes", values.get("notes"))
    due_on = _follow_up_on(problems, values.get("next_follow_up_on"), today)
    raise_problems(problems)
    before = _json(recourse)
    recourse.amount_recovered, recourse.status, recourse.notes = recovered, status, notes
    _schedule(session, actor, claim, recourse, due_on)
    session.flush()
    timeline.record(session, actor, claim, "recourse_updated",
                    f"{recourse.third_party_insurer} · {euros(recourse.amount_recovered)} / "
                    f"{euros(recourse.amount_claimed)}", {"before": before, "after": _json(recourse)})
    audit.record(session, actor, "claim.recourse_update", "claim", claim.id, before=before, after=_json(recourse))
    return recourse


def close_recourse(session: Session, actor, claim: Claim, recourse: ClaimRecourse, outcome: str | None,
                   version: str | None, *, today: date | None = None) -> ClaimRecourse:
    """Close the recourse with its outcome; its follow-up task is done."""
    _open_and_current(recourse, version)
    if outcome not in OUTCOMES:
        raise SettlementError("invalid", {"outcome": "choice_invalid"})
    if outcome != RecourseStatus.ABANDONED and recourse.amount_recovered == 0:
        raise SettlementError("invalid", {"outcome": "recovered_needs_amount"})
    before = _json(recourse)
    _schedule(session, actor, claim, recourse, None)
    recourse.status, recourse.closed_on = outcome, today or date.today()
    session.flush()
    timeline.record(session, actor, claim, "recourse_updated",
                    in_firm_language(_l("Recourse with %(insurer)s closed: %(recovered)s recovered of %(claimed)s"),
                             insurer=recourse.third_party_insurer, recovered=euros(recourse.amount_recovered),
                             claimed=euros(recourse.amount_claimed)),
                    {"before": before, "after": _json(recourse), "closed": True})
    audit.record(session, actor, "claim.recourse_close", "claim", claim.id, before=before, after=_json(recourse))
    return recourse

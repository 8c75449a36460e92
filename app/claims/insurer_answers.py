"""The insurer's answers on a claim: its acknowledgement of the notice, its
own claim number and its decision on cover, received through the insurer
API (side ``insurer``) or recorded by the handler from a letter, an email
or a call (side ``firm``). Every change is audited and on the claim's
timeline; the status moves as :mod:`app.claims.insurer_rules` says."""

from __future__ import annotations

from datetime import date, datetime, time
from zoneinfo import ZoneInfo

from flask_babel import force_locale, format_date
from flask_babel import gettext as _
from flask_babel import lazy_pgettext
from sqlalchemy.orm import Session

from app.audit import services as audit
from app.catalog.models import Insurer
from app.claims import insurer_rules, rules, timeline
from app.claims.models import Claim
from app.contracts.models import Contract
from app.crm import followup
from app.crm.models import Client

PARIS = ZoneInfo("Europe/Paris")
DECISION_LABELS = {"accepted": lazy_pgettext("insurer decision", "Accepted"),
                   "partial": lazy_pgettext("insurer decision", "Partly accepted"),
                   "refused": lazy_pgettext("insurer decision", "Refused")}
DECISION_BADGES = {"accepted": "text-bg-success", "partial": "text-bg-warning", "refused": "text-bg-danger"}
#: the staff acts on an insurer's decision by the next working day
DECISION_TASK_WORKING_DAYS = 1


class AnswerError(Exception):
    """``code`` for the whole answer (``stale``, ``invalid``), ``problems`` by field."""

    def __init__(self, code: str, problems: dict | None = None) -> None:
        super().__init__(code)
        self.code, self.problems = code, problems or {}


def acknowledged_on(claim: Claim) -> date | None:
    """The day (in Paris) the insurer acknowledged the notice."""
    return claim.insurer_acknowledged_at.astimezone(PARIS).date() if claim.insurer_acknowledged_at else None


def _move(session: Session, actor, claim: Claim, answer: str, side: str) -> None:
    before = claim.status
    claim.status = insurer_rules.status_after(before, answer)
    if claim.status != before:
        timeline.record(session, actor, claim, "status_changed", "", {"from": before, "to": claim.status}, side=side)


def acknowledge(session: Session, actor, claim: Claim, at: datetime | None, *, side: str) -> None:
    """Set (or, by hand, clear) when the insurer acknowledged the notice."""
    before = claim.insurer_acknowledged_at
    claim.insurer_acknowledged_at = at
    with force_locale("fr"):
        summary = _("Acknowledged on %(day)s", day=format_date(acknowledged_on(claim), "long")) if at \
            else _("Acknowledgement removed")
    timeline.record(session, actor, claim, "insurer_acknowledged", summary,
                    {"acknowledged_at": at.isoformat() if at else None}, side=side)
    if at is not None:
        _move(session, actor, claim, insurer_rules.ACKNOWLEDGED, side)
    audit.record(session, actor, "claim.insurer_acknowledge", "claim", claim.id,
                 before={"insurer_acknowledged_at": before}, after={"insurer_acknowledged_at": at, "side": side})


def set_reference(session: Session, actor, claim: Claim, reference: str | None, *, side: str) -> None:
    """Set (or, by hand, clear) the insurer's own number of the claim."""
    before = claim.insurer_reference
    claim.insurer_reference = reference
    with force_locale("fr"):
        summary = reference or _("Insurer's claim number removed")
    timeline.record(session, actor, claim, "insurer_reference", summary, {"from": before, "to": reference},
                    side=side)
    audit.record(session, actor, "claim.insurer_reference", "claim", claim.id,
                 before={"insurer_reference": before}, after={"insurer_reference": reference, "side": side})


def decide(session: Session, actor, claim: Claim, decision: str | None, note: str | None, *, side: str,
           today: date | None = None) -> None:
    """Set the insurer's decision on cover and its reason (a later decision
    replaces an earlier one; by hand, it may be cleared). A decision posted
    by the insurer gives the handler a task."""
    before = {"insurer_decision": claim.insurer_decision, "insurer_decision_note": claim.insurer_decision_note}
    claim.insurer_decision, claim.insurer_decision_note = decision, note
    with force_locale("fr"):
        label = str(DECISION_LABELS[decision]) if decision else _("Decision removed")
    summary = f"{label} · {note}" if note else label
    timeline.record(session, actor, claim, "insurer_decision", summary, {"decision": decision, "note": note},
                    side=side)
    if decision is not None:
        _move(session, actor, claim, insurer_rules.DECIDED, side)
    if decision is not None and side == "insurer":
        _decision_task(session, actor, claim, decision, note, today or date.today())
    audit.record(session, actor, "claim.insurer_decision", "claim", claim.id, before=before,
                 after={"insurer_decision": decision, "insurer_decision_note": note, "side": side})


def _decision_task(session: Session, actor, claim: Claim, decision: str, note: str | None, today: date) -> None:
    client = session.get(Client, claim.client_id)
    insurer = session.get(Insurer, session.get(Contract, claim.contract_id).insurer_id)
    with force_locale("fr"):
        title = _("%(insurer)s's decision on claim %(reference)s: %(decision)s", insurer=insurer.name,
                  reference=claim.reference, decision=DECISION_LABELS[decision])
    followup.add_task(session, actor, client, title=title, details=note,
                      due_on=rules.add_working_days(today, DECISION_TASK_WORKING_DAYS),
                      assignee_id=claim.handler_id or client.handler_id, source=("claim", claim.id),
                      priority="normal" if decision == "accepted" else "high")


def record_by_hand(session: Session, actor, claim: Claim, form: dict, version: str,
                   today: date | None = None) -> list[str]:
    """The insurer's answers as the handler typed them (a blank field means
    not known: it clears a value recorded earlier). Return what changed.
    Raises AnswerError("stale") when the claim changed since the form was
    shown, AnswerError("invalid", problems) on bad input."""
    if not (version or "").isdigit() or int(version) != claim.version:
        raise AnswerError("stale")
    values, problems = insurer_rules.answers_problems(form, declared_on=claim.declared_on,
                                                      today=today or date.today())
    if problems:
        raise AnswerError("invalid", problems)
    changed = []
    if values["acknowledged_on"] != acknowledged_on(claim):
        day = values["acknowledged_on"]
        acknowledge(session, actor, claim, datetime.combine(day, time(12, 0), tzinfo=PARIS) if day else None,
                    side="firm")
        changed.append("acknowledged_on")
    if values["insurer_reference"] != claim.insurer_reference:
        set_reference(session, actor, claim, values["insurer_reference"], side="firm")
        changed.append("insurer_reference")
    if (values["decision"], values["decision_note"]) != (claim.insurer_decision, claim.insurer_decision_note):
        decide(session, actor, claim, values["decision"], values["decision_note"], side="firm")
        changed.append("decision")
    return changed

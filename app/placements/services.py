"""Placements: reading them, the insurer's answers (through the insurer API
or recorded by the handler: same outcome), and the handler's resend, cancel
and replies. Sending a placement is in ``placing``.

The answers (``accept``, ``decline``, ``request_information``) flush but do
not commit: the caller commits, so that the insurer API can keep its
idempotent answer in the same transaction as the change.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.audit import services as audit
from app.columns import utcnow
from app.crm.models import Task
from app.documents.models import DocumentKind
from app.outbox import services as outbox
from app.outbox.models import MessageStatus, OutboxMessage
from app.placements import rules
from app.placements.models import Placement, PlacementNote, PlacementStatus

#: the handler has two days to answer an insurer's question
ANSWER_DELAY = timedelta(days=2)


class PlacementError(Exception):
    """An operation refused; ``code`` names why (translated by the views)."""

    def __init__(self, code: str) -> None:
        super().__init__(code)
        self.code = code


@dataclass(frozen=True)
class InsurerActor:
    """The insurer answering through its API: audit entries name it."""

    name: str
    insurer_id: int | None = None
    id: None = None

    @property
    def email(self) -> str:
        return f"insurer:{self.name}"


# --- reading ----------------------------------------------------------------

def get(session: Session, placement_id: int) -> Placement | None:
    return session.get(Placement, placement_id)


def by_reference(session: Session, reference: str) -> Placement | None:
    return session.scalar(select(Placement).where(Placement.reference == (reference or "").strip().upper()))


def active_for_offer(session: Session, offer_id: int) -> Placement | None:
    """The offer's placement that is not cancelled, if any: an offer is
    placed once (a cancelled placement may be sent again)."""
    return session.scalar(select(Placement).where(Placement.offer_id == offer_id,
                                                  Placement.status != PlacementStatus.CANCELLED.value)
                          .order_by(Placement.id.desc()).limit(1))


def for_offers(session: Session, offer_ids: list[int]) -> dict[int, Placement]:
    """The latest placement of each offer, by offer id."""
    rows = session.scalars(select(Placement).where(Placement.offer_id.in_(offer_ids)).order_by(Placement.id))
    return {placement.offer_id: placement for placement in rows}


def list_placements(session: Session, *, status: str | None = None, insurer_id: int | None = None,
                    page: int = 1, per_page: int = 25) -> tuple[list[Placement], int]:
    """One page of placements, newest first, and the total."""
    statement = select(Placement)
    if status:
        statement = statement.where(Placement.status == status)
    if insurer_id:
        statement = statement.where(Placement.insurer_id == insurer_id)
    total = session.scalar(select(func.count()).select_from(statement.subquery())) or 0
    rows = session.scalars(statement.order_by(Placement.created_at.desc(), Placement.id.desc())
                           .offset((page - 1) * per_page).limit(per_page))
    return list(rows), total


def message_of(session: Session, placement: Placement) -> OutboxMessage | None:
    return outbox.get(session, placement.message_id) if placement.message_id else None


# --- the insurer's answers --------------------------------------------------

def _require(placement: Placement, action: str) -> None:
    problem = rules.transition_problem(placement.status, action)
    if problem:
        raise PlacementError(problem)


def _answered(placement: Placement, via: str) -> None:
    placement.answered_at, placement.answered_via = utcnow(), via


def accept(session: Session, actor, placement: Placement, *, policy_number: str, effective_date: date,
           final_premium: Decimal, documents: list[tuple[str, bytes]], via: str):
    """The insurer issued the contract: create it (active, from the offer),
    keep the insurer's documents with it, link it to the placement."""
    from app.contracts import services as contracts

    _require(placement, "accept")
    policy_number = (policy_number or "").strip()
    if not policy_number:
        raise PlacementError("policy_number_required")
    if final_premium is None or final_premium <= 0:
        raise PlacementError("final_premium_invalid")
    contract = contracts.create_from_placement(session, actor, placement, policy_number=policy_number,
                                               effective_date=effective_date, final_premium=final_premium)
    for filename, content in documents:
        contracts.add_insurer_document(session, actor, contract, filename=filename, content=content,
                                       kind=DocumentKind.INSURER_DOCUMENT.value)
    before = {"status": placement.status}
    _answered(placement, via)
    placement.status = PlacementStatus.ACCEPTED.value
    placement.policy_number, placement.effective_date = policy_number, effective_date
    placement.final_premium, placement.contract_id = final_premium, contract.id
    _close_question_tasks(session, placement)
    audit.record(session, actor, "placement.accept", "placement", placement.id, before=before, after={
        "status": placement.status, "via": via, "policy_number": policy_number, "effective_date": effective_date,
        "final_premium": final_premium, "contract_id": contract.id, "documents": [name for name, _ in documents]})
    session.flush()
    return contract


def decline(session: Session, actor, placement: Placement, *, reason: str, via: str) -> None:
    """The insurer will not issue the contract, and says why."""
    _require(placement, "decline")
    reason = (reason or "").strip()
    if not reason:
        raise PlacementError("reason_required")
    before = {"status": placement.status}
    _answered(placement, via)
    placement.status, placement.decline_reason = PlacementStatus.DECLINED.value, reason
    _close_question_tasks(session, placement)
    audit.record(session, actor, "placement.decline", "placement", placement.id, before=before,
                 after={"status": placement.status, "via": via, "reason": reason})
    session.flush()


def request_information(session: Session, actor, placement: Placement, *, message: str, via: str) -> PlacementNote:
    """The insurer asks a question: a note on the placement and a task for
    its handler."""
    _require(placement, "request_information")
    message = (message or "").strip()
    if not message:
        raise PlacementError("message_required")
    task = Task(client_id=placement.client_id, title=f"{placement.reference}: question from the insurer"[:200],
                details=message, due_on=date.today() + ANSWER_DELAY, assignee_id=placement.handler_id,
                created_by_id=getattr(actor, "id", None), source_type="placement", source_id=placement.id)
    session.add(task)
    session.flush()
    note = PlacementNote(placement_id=placement.id, author="insurer", body=message, task_id=task.id,
                         author_id=getattr(actor, "id", None))
    session.add(note)
    before = {"status": placement.status}
    placement.status = PlacementStatus.INFO_REQUESTED.value
    session.flush()
    audit.record(session, actor, "placement.request_information", "placement", placement.id, before=before,
                 after={"status": placement.status, "via": via, "message": message, "task_id": task.id})
    return note


def _close_question_tasks(session: Session, placement: Placement) -> None:
    """Mark done the tasks of the insurer's questions: answered, or moot."""
    task_ids = [note.task_id for note in placement.messages if note.task_id]
    if task_ids:
        for task in session.scalars(select(Task).where(Task.id.in_(task_ids), Task.done_at.is_(None))):
            task.done_at = utcnow()


# --- the handler's hand -----------------------------------------------------

def reply(session: Session, actor, placement: Placement, *, body: str) -> PlacementNote:
    """The handler's answer to the insurer's questions (sent outside, by
    phone or email, and noted here): the questions' tasks are done and the
    placement waits for the insurer again."""
    _require(placement, "reply")
    body = (body or "").strip()
    if not body:
        raise PlacementError("message_required")
    note = PlacementNote(placement_id=placement.id, author="broker", body=body, author_id=getattr(actor, "id", None))
    session.add(note)
    _close_question_tasks(session, placement)
    before = {"status": placement.status}
    placement.status = PlacementStatus.SENT.value
    session.flush()
    audit.record(session, actor, "placement.reply", "placement", placement.id, before=before,
                 after={"status": placement.status, "note_id": note.id})
    session.commit()
    return note


def resend(session: Session, actor, placement: Placement) -> None:
    """Send the same message again now (same idempotency key)."""
    _require(placement, "resend")
    message = message_of(session, placement)
    if message is None:
        raise PlacementError("no_message")
    try:
        outbox.resend(session, actor, message)
    except outbox.OutboxError as exc:
        raise PlacementError(exc.code) from exc
    audit.record(session, actor, "placement.resend", "placement", placement.id, after={"message_id": message.id})
    session.commit()


def cancel(session: Session, actor, placement: Placement) -> bool:
    """Withdraw the placement; its message is cancelled unless already
    delivered. Return whether the insurer had already received it."""
    _require(placement, "cancel")
    message = message_of(session, placement)
    delivered = False
    if message is not None and message.status != MessageStatus.CANCELLED:
        try:
            outbox.cancel(session, actor, message)
        except outbox.OutboxError as exc:
            if exc.code != "message_delivered":
                raise PlacementError(exc.code) from exc
            delivered = True
    before = {"status": placement.status}
    placement.status = PlacementStatus.CANCELLED.value
    _close_question_tasks(session, placement)
    audit.record(session, actor, "placement.cancel", "placement", placement.id, before=before,
                 after={"status": placement.status, "message_delivered": delivered})
    session.commit()
    return delivered

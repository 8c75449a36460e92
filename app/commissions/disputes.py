"""Disputes with insurers over commissions: opened from a statement line
paid less than expected or missing from the statement (the shortfall is
claimed), followed with notes, closed as resolved (the amount recovered and
the day) or abandoned (the reason). One dispute per statement line; notes are
only ever added; every change is audited; closing checks the version seen."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.audit import services as audit
from app.catalog.models import Insurer
from app.commissions import reconciliation_rules, rules
from app.commissions.models import (CommissionDispute, DisputeNote, DisputeStatus, InsurerStatement,
                                    StatementLine)

NOTE_MAX = 5000


class DisputeError(Exception):
    """A dispute operation refused; ``code`` says why."""

    def __init__(self, code: str) -> None:
        super().__init__(code)
        self.code = code


def get(session: Session, dispute_id: int) -> CommissionDispute | None:
    return session.get(CommissionDispute, dispute_id)


def on_line(session: Session, line_id: int) -> CommissionDispute | None:
    return session.scalars(select(CommissionDispute).where(CommissionDispute.statement_line_id == line_id)).first()


def claim_for(line: StatementLine) -> Decimal:
    """The amount a dispute on ``line`` claims; DisputeError when there is nothing to claim."""
    try:
        return reconciliation_rules.claim_amount(line.status, line.difference or Decimal(0))
    except rules.CommissionRuleError as exc:
        raise DisputeError(exc.code) from exc


def _author(actor) -> str:
    return (getattr(actor, "full_name", None) or getattr(actor, "email", None) or audit.SYSTEM_ACTOR)[:200]


def _clean(text: str | None, code: str) -> str:
    text = (text or "").strip()
    if not text:
        raise DisputeError(code)
    if len(text) > NOTE_MAX:
        raise DisputeError("note_too_long")
    return text


def open_dispute(session: Session, actor, statement: InsurerStatement, line: StatementLine, note: str | None,
                 today: date) -> CommissionDispute:
    """Claim the shortfall of ``line`` from the statement's insurer."""
    amount = claim_for(line)
    if on_line(session, line.id) is not None:
        raise DisputeError("dispute_exists")
    dispute = CommissionDispute(insurer_id=statement.insurer_id, statement_line_id=line.id, amount=amount,
                                policy_number=line.policy_number, due_date=line.due_date, opened_on=today,
                                status=DisputeStatus.OPEN.value)
    session.add(dispute)
    session.flush()
    audit.record(session, actor, "commission_dispute.open", "commission_dispute", dispute.id,
                 after={"statement_id": statement.id, "line_id": line.id, "policy_number": line.policy_number,
                        "amount": amount})
    if (note or "").strip():
        add_note(session, actor, dispute, note)
    return dispute


def add_note(session: Session, actor, dispute: CommissionDispute, text: str | None) -> DisputeNote:
    """Add to the dispute's history (notes are never edited nor removed)."""
    note = DisputeNote(dispute_id=dispute.id, author_id=getattr(actor, "id", None), author_name=_author(actor),
                       text=_clean(text, "note_required"))
    session.add(note)
    session.flush()
    audit.record(session, actor, "commission_dispute.note", "commission_dispute", dispute.id,
                 after={"note_id": note.id, "text": note.text})
    return note


def _open_at(dispute: CommissionDispute, version: int | None) -> None:
    if version != dispute.version:
        raise DisputeError("stale")
    if dispute.status != DisputeStatus.OPEN.value:
        raise DisputeError("dispute_closed")


def resolve(session: Session, actor, dispute: CommissionDispute, *, version: int | None, recovered: Decimal | None,
            resolved_on: date | None, today: date) -> None:
    """Close the dispute with what the insurer paid back and when."""
    _open_at(dispute, version)
    if recovered is None:
        raise DisputeError("recovered_required")
    try:
        reconciliation_rules.check_recovery(dispute.amount, recovered)
    except rules.CommissionRuleError as exc:
        raise DisputeError(exc.code) from exc
    if resolved_on is None or resolved_on > today:
        raise DisputeError("resolved_on_future" if resolved_on else "resolved_on_required")
    if resolved_on < dispute.opened_on:
        raise DisputeError("resolved_before_opened")
    before = {"status": dispute.status}
    dispute.status, dispute.recovered, dispute.resolved_on = DisputeStatus.RESOLVED.value, recovered, resolved_on
    session.flush()
    audit.record(session, actor, "commission_dispute.resolve", "commission_dispute", dispute.id, before=before,
                 after={"status": dispute.status, "recovered": recovered, "resolved_on": resolved_on})


def abandon(session: Session, actor, dispute: CommissionDispute, *, version: int | None, reason: str | None,
            today: date) -> None:
    """Give the claim up, saying why (the reason goes into the history)."""
    _open_at(dispute, version)
    reason = _clean(reason, "reason_required")
    before = {"status": dispute.status}
    dispute.status, dispute.resolved_on = DisputeStatus.ABANDONED.value, today
    session.flush()
    audit.record(session, actor, "commission_dispute.abandon", "commission_dispute", dispute.id, before=before,
                 after={"status": dispute.status, "reason": reason})
    add_note(session, actor, dispute, reason)


def notes_of(session: Session, dispute_id: int) -> list[DisputeNote]:
    return list(session.scalars(select(DisputeNote).where(DisputeNote.dispute_id == dispute_id)
                                .order_by(DisputeNote.created_at, DisputeNote.id)))


def statement_of(session: Session, dispute: CommissionDispute) -> tuple[InsurerStatement, StatementLine] | None:
    """The statement and line the dispute is on (none once a re-import left no line for it)."""
    if dispute.statement_line_id is None:
        return None
    line = session.get(StatementLine, dispute.statement_line_id)
    return session.get(InsurerStatement, line.statement_id), line


@dataclass(frozen=True)
class DisputeFilters:
    insurer_id: int | None = None
    status: str = ""


def _filtered(query, filters: DisputeFilters):
    if filters.insurer_id:
        query = query.where(CommissionDispute.insurer_id == filters.insurer_id)
    if filters.status:
        query = query.where(CommissionDispute.status == filters.status)
    return query


def disputes_page(session: Session, filters: DisputeFilters, page: int, per_page: int
                  ) -> tuple[list[tuple[CommissionDispute, str]], int, Decimal]:
    """One page of disputes (the open ones first, oldest first), with the
    insurer's name; their count and the amount they claim."""
    count, claimed = session.execute(_filtered(
        select(func.count(), func.coalesce(func.sum(CommissionDispute.amount), 0)), filters)).one()
    query = _filtered(select(CommissionDispute, Insurer.name).join(Insurer, Insurer.id == CommissionDispute.insurer_id),
                      filters)
    rows = session.execute(query.order_by(CommissionDispute.status != DisputeStatus.OPEN.value,
                                          CommissionDispute.opened_on, CommissionDispute.id)
                           .limit(per_page).offset((page - 1) * per_page)).all()
    return [tuple(row) for row in rows], count, Decimal(claimed)

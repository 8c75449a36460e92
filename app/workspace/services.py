"""What the dashboard shows: the handler's open tasks, the needs analyses in
progress, the portfolio in figures."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.crm.models import Client, ClientStatus, Task
from app.quotes.models import NeedsAnalysis, NeedsStatus

IN_PROGRESS = (NeedsStatus.DRAFT.value, NeedsStatus.COMPARED.value, NeedsStatus.RECOMMENDED.value)


@dataclass(frozen=True)
class PortfolioFigures:
    clients: int
    customers: int
    prospects: int
    needs_in_progress: int
    awaiting_acceptance: int


def open_tasks(session: Session, user_id: int, limit: int = 8) -> list[tuple[Task, Client | None]]:
    """The user's tasks not done yet, the most urgent first (undated last)."""
    query = (
        select(Task, Client).outerjoin(Client, Client.id == Task.client_id)
        .where(Task.assignee_id == user_id, Task.done_at.is_(None))
        .order_by(Task.due_on.asc().nulls_last(), Task.id).limit(limit)
    )
    return [(task, client) for task, client in session.execute(query)]


def needs_in_progress(session: Session, handler_id: int | None, limit: int = 8) -> list[tuple[NeedsAnalysis, Client]]:
    """Needs analyses not yet accepted or closed, most recently changed first;
    one handler's, or everybody's when ``handler_id`` is None."""
    query = (
        select(NeedsAnalysis, Client).join(Client, Client.id == NeedsAnalysis.client_id)
        .where(NeedsAnalysis.status.in_(IN_PROGRESS))
        .order_by(NeedsAnalysis.updated_at.desc(), NeedsAnalysis.id.desc()).limit(limit)
    )
    if handler_id is not None:
        query = query.where(NeedsAnalysis.handler_id == handler_id)
    return [(needs, client) for needs, client in session.execute(query)]


def portfolio_figures(session: Session) -> PortfolioFigures:
    by_status = dict(session.execute(select(Client.status, func.count()).group_by(Client.status)).all())
    by_needs = dict(session.execute(
        select(NeedsAnalysis.status, func.count()).where(NeedsAnalysis.status.in_(IN_PROGRESS))
        .group_by(NeedsAnalysis.status)).all())
    return PortfolioFigures(
        clients=sum(by_status.values()),
        customers=by_status.get(ClientStatus.CUSTOMER.value, 0),
        prospects=by_status.get(ClientStatus.PROSPECT.value, 0),
        needs_in_progress=sum(by_needs.values()),
        awaiting_acceptance=by_needs.get(NeedsStatus.RECOMMENDED.value, 0),
    )

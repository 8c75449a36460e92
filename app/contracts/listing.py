"""The contract list: filters (line, insurer, status, handler, renewal month,
a reference, number or client name), pages, and the rows of its export."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date

from sqlalchemy import Select, func, or_, select
from sqlalchemy.orm import Session

from app.auth.models import User
from app.catalog.models import Insurer
from app.contracts import rules
from app.contracts.models import Contract
from app.crm.models import Client
from app.crm.rules import normalise

EXPORT_COLUMNS = (
    "reference", "client_reference", "client_name", "insurer", "line", "label", "policy_number", "status",
    "effective_date", "renewal_date", "term_months", "tacit_renewal", "notice_days", "instalment_plan",
    "premium_net", "fees", "tax_rate", "tax", "total", "insured_name", "handler",
)


@dataclass
class ContractFilters:
    q: str = ""
    line: str = ""
    insurer_id: int | None = None
    status: str = ""
    handler_id: int | None = None
    renewal_month: str = ""

    def month_bounds(self) -> tuple[date, date] | None:
        """[first day, first day of the next month) of ``renewal_month`` (YYYY-MM), None when unreadable."""
        try:
            year, month = (int(part) for part in self.renewal_month.split("-"))
            first = date(year, month, 1)
        except ValueError:
            return None
        return first, rules.add_months(first, 1)


def _unwild(text: str) -> str:
    return text.replace("%", "").replace("_", "")


def filtered(filters: ContractFilters) -> Select:
    """(contract, client name, client reference, insurer name) in the list's order."""
    query = (select(Contract, Client.display_name, Client.reference, Insurer.name)
             .join(Client, Client.id == Contract.client_id).join(Insurer, Insurer.id == Contract.insurer_id))
    if filters.q:
        typed = f"%{_unwild(filters.q.strip().lower())}%"
        folded = f"%{_unwild(normalise(filters.q))}%"
        query = query.where(or_(func.lower(Contract.reference).like(typed),
                                func.lower(Contract.policy_number).like(typed), Client.sort_name.like(folded)))
    if filters.line:
        query = query.where(Contract.line == filters.line)
    if filters.insurer_id:
        query = query.where(Contract.insurer_id == filters.insurer_id)
    if filters.status:
        query = query.where(Contract.status == filters.status)
    if filters.handler_id:
        query = query.where(Contract.handler_id == filters.handler_id)
    bounds = filters.month_bounds() if filters.renewal_month else None
    if bounds:
        query = query.where(Contract.renewal_date >= bounds[0], Contract.renewal_date < bounds[1])
    return query.order_by(Contract.renewal_date, Contract.id)


def page_of(session: Session, filters: ContractFilters, page: int, per_page: int) -> tuple[list[tuple], int]:
    query = filtered(filters)
    total = session.scalar(select(func.count()).select_from(query.order_by(None).subquery())) or 0
    rows = session.execute(query.offset((page - 1) * per_page).limit(per_page)).all()
    return [tuple(row) for row in rows], total


def insurers(session: Session) -> list[Insurer]:
    return list(session.scalars(select(Insurer).order_by(Insurer.name)))


def export_rows(session: Session, filters: ContractFilters) -> Iterator[list]:
    """The header, then one list of cells per contract (every page)."""
    yield list(EXPORT_COLUMNS)
    query = filtered(filters).add_columns(User.full_name).outerjoin(User, User.id == Contract.handler_id)
    for contract, client_name, client_reference, insurer, handler in session.execute(
            query.execution_options(yield_per=500)):
        cells = {name: getattr(contract, name, None) for name in EXPORT_COLUMNS}
        cells |= {"client_reference": client_reference, "client_name": client_name, "insurer": insurer,
                  "handler": handler, "tacit_renewal": "yes" if contract.tacit_renewal else "no"}
        yield [cells[name] for name in EXPORT_COLUMNS]

"""The list of commission lines: filters (insurer, line, status, due month,
beneficiary), pages, totals of the whole filtered set, and the rows of its
export.

Totals: ``expected`` what is not yet earned; ``earned`` the commissions
earned; ``reversed`` what of them was taken back; ``net`` earned less
reversed.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from sqlalchemy import Select, func, select
from sqlalchemy.orm import Session

from app.billing.models import PremiumCall
from app.catalog.models import Insurer
from app.commissions.models import CommissionLine, CommissionLineStatus, CommissionShare
from app.commissions.rules import ZERO
from app.contracts.models import Contract
from app.contracts.rules import add_months
from app.crm.models import Client

EXPORT_COLUMNS = ("call", "contract", "policy_number", "client", "insurer", "line", "due_date", "base_net", "rate",
                  "amount", "earned_when", "status", "earned_on", "reversed_amount", "reversed_on", "net")


@dataclass
class LineFilters:
    insurer_id: int | None = None
    line: str = ""
    status: str = ""
    month: str = ""
    beneficiary_id: int | None = None

    def month_bounds(self) -> tuple[date, date] | None:
        """[first day, first day of the next month) of ``month`` (YYYY-MM), None when unreadable."""
        try:
            year, month = (int(part) for part in self.month.split("-"))
            first = date(year, month, 1)
        except ValueError:
            return None
        return first, add_months(first, 1)

    @property
    def any(self) -> bool:
        return bool(self.insurer_id or self.line or self.status or self.month or self.beneficiary_id)


@dataclass(frozen=True)
class Totals:
    expected: Decimal = ZERO
    earned: Decimal = ZERO
    reversed: Decimal = ZERO

    @property
    def net(self) -> Decimal:
        return self.earned - self.reversed


def _where(query: Select, filters: LineFilters) -> Select:
    if filters.insurer_id:
        query = query.where(CommissionLine.insurer_id == filters.insurer_id)
    if filters.line:
        query = query.where(CommissionLine.line == filters.line)
    if filters.status:
        query = query.where(CommissionLine.status == filters.status)
    bounds = filters.month_bounds() if filters.month else None
    if bounds:
        query = query.where(CommissionLine.due_date >= bounds[0], CommissionLine.due_date < bounds[1])
    if filters.beneficiary_id:
        query = query.where(select(CommissionShare.id).where(
            CommissionShare.commission_line_id == CommissionLine.id,
            CommissionShare.beneficiary_id == filters.beneficiary_id).exists())
    return query


def filtered(filters: LineFilters) -> Select:
    """(line, call reference, contract reference, policy number, client name, insurer name), latest due first."""
    query = (select(CommissionLine, PremiumCall.reference, Contract.reference, Contract.policy_number,
                    Client.display_name, Insurer.name)
             .join(PremiumCall, PremiumCall.id == CommissionLine.call_id)
             .join(Contract, Contract.id == CommissionLine.contract_id)
             .join(Client, Client.id == Contract.client_id)
             .join(Insurer, Insurer.id == CommissionLine.insurer_id))
    return _where(query, filters).order_by(CommissionLine.due_date.desc(), CommissionLine.id.desc())


def page_of(session: Session, filters: LineFilters, page: int, per_page: int) -> tuple[list[tuple], int]:
    total = session.scalar(_where(select(func.count(CommissionLine.id)), filters)) or 0
    rows = session.execute(filtered(filters).offset((page - 1) * per_page).limit(per_page)).all()
    return [tuple(row) for row in rows], total


def totals(session: Session, filters: LineFilters) -> Totals:
    """The totals of every line the filters keep (not only the page shown)."""
    was_earned = CommissionLine.earned_on.is_not(None)
    row = session.execute(_where(select(
        func.coalesce(func.sum(CommissionLine.amount).filter(
            CommissionLine.status == CommissionLineStatus.EXPECTED.value), ZERO),
        func.coalesce(func.sum(CommissionLine.amount).filter(was_earned), ZERO),
        func.coalesce(func.sum(CommissionLine.reversed_amount).filter(was_earned), ZERO)), filters)).one()
    return Totals(*row)


def export_rows(session: Session, filters: LineFilters) -> Iterator[list]:
    """The header, then one list of cells per line (every page)."""
    yield list(EXPORT_COLUMNS)
    for line, call, contract, policy, client, insurer in session.execute(
            filtered(filters).execution_options(yield_per=500)):
        yield [call, contract, policy or "", client, insurer, line.line, line.due_date, line.base_net, line.rate,
               line.amount, line.earned_when, line.status, line.earned_on, line.reversed_amount, line.reversed_on,
               line.amount - line.reversed_amount]


def insurers(session: Session) -> list[Insurer]:
    return list(session.scalars(select(Insurer).order_by(Insurer.name)))

"""The premium call list: filters (status, insurer, line, due month, kind,
a call or contract reference or the payer's name, a contract, a client),
pages, totals of the filtered set, the rows of its export, and what the
contract and client pages show of their calls."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from flask_babel import lazy_gettext as _l
from flask_babel import lazy_pgettext
from sqlalchemy import Select, case, func, or_, select
from sqlalchemy.orm import Session

from app.billing.models import CallKind, PremiumCall
from app.billing.rules import CallStatus
from app.catalog.models import Insurer
from app.contracts.models import Contract
from app.contracts.rules import add_months
from app.crm.models import Client
from app.crm.rules import normalise

ZERO = Decimal("0.00")
#: statuses of a call that still has money to collect
OPEN = (CallStatus.DUE.value, CallStatus.PARTLY_PAID.value, CallStatus.OVERDUE.value)
#: the filter value that selects every open call
OPEN_FILTER = "open"

STATUS_LABELS = {
    CallStatus.DUE.value: lazy_pgettext("premium call status", "Due"),
    CallStatus.PARTLY_PAID.value: _l("Partly paid"),
    CallStatus.PAID.value: lazy_pgettext("premium call status", "Paid"),
    CallStatus.OVERDUE.value: _l("Overdue"),
    CallStatus.CANCELLED.value: lazy_pgettext("premium call status", "Cancelled"),
    CallStatus.REFUNDED.value: lazy_pgettext("premium call status", "Refunded"),
}
STATUS_BADGES = {
    CallStatus.DUE.value: "text-bg-info", CallStatus.PARTLY_PAID.value: "text-bg-warning",
    CallStatus.PAID.value: "text-bg-success", CallStatus.OVERDUE.value: "text-bg-danger",
    CallStatus.CANCELLED.value: "text-bg-secondary", CallStatus.REFUNDED.value: "text-bg-light border",
}
KIND_LABELS = {CallKind.INSTALMENT.value: _l("Instalment"), CallKind.ADJUSTMENT.value: _l("Adjustment"),
               CallKind.CREDIT_NOTE.value: _l("Credit note")}

EXPORT_COLUMNS = (
    "reference", "kind", "status", "client_reference", "client_name", "contract_reference", "policy_number",
    "insurer", "line", "period_start", "period_last_day", "due_date", "net", "fees", "tax_rate", "tax", "total",
    "paid", "refunded", "outstanding",
)

_MONTH = re.compile(r"^\s*(\d{4})-(\d{1,2})(?:-\d{1,2})?\s*$")
_FRENCH_MONTH = re.compile(r"^\s*(\d{1,2})/(\d{4})\s*$")


def parse_month(text: str | None) -> date | None:
    """The first day of the month written ``YYYY-MM`` (what a month input
    sends; a ``YYYY-MM-DD`` day of it is accepted) or ``MM/YYYY`` (typed
    where the browser has no month input); None when unreadable."""
    if found := _MONTH.match(text or ""):
        year, month = found.group(1), found.group(2)
    elif found := _FRENCH_MONTH.match(text or ""):
        month, year = found.group(1), found.group(2)
    else:
        return None
    try:
        return date(int(year), int(month), 1)
    except ValueError:
        return None


def outstanding_of(call: PremiumCall) -> Decimal:
    """What is left to collect on ``call``: nothing once it is paid,
    cancelled or refunded."""
    return call.outstanding if call.status in OPEN else ZERO


def last_day(call: PremiumCall) -> date:
    """The last day the call covers (``period_end`` is the next period's start)."""
    return call.period_end - timedelta(days=1)


#: the same as outstanding_of, in SQL
OUTSTANDING = case((PremiumCall.status.in_(OPEN),
                    func.greatest(PremiumCall.total - (PremiumCall.paid - PremiumCall.refunded), ZERO)), else_=ZERO)


@dataclass
class CallFilters:
    q: str = ""
    status: str = ""
    insurer_id: int | None = None
    line: str = ""
    due_month: str = ""
    kind: str = ""
    contract_id: int | None = None
    client_id: int | None = None
    #: "due" for the earliest due first; the latest first otherwise
    sort: str = ""

    @property
    def month(self) -> date | None:
        return parse_month(self.due_month)

    @property
    def month_invalid(self) -> bool:
        return bool(self.due_month) and self.month is None

    @property
    def any(self) -> bool:
        return bool(self.q or self.status or self.insurer_id or self.line or self.due_month or self.kind
                    or self.contract_id or self.client_id)


def _unwild(text: str) -> str:
    return text.replace("%", "").replace("_", "")


def _search(query: Select, text: str) -> Select:
    typed = f"%{_unwild(text.strip().lower())}%"
    folded = f"%{_unwild(normalise(text))}%"
    return query.where(or_(func.lower(PremiumCall.reference).like(typed), func.lower(Contract.reference).like(typed),
                           func.lower(Contract.policy_number).like(typed), Client.sort_name.like(folded)))


def _status(query: Select, status: str) -> Select:
    if status == OPEN_FILTER:
        return query.where(PremiumCall.status.in_(OPEN))
    return query.where(PremiumCall.status == status)


def _where(query: Select, filters: CallFilters) -> Select:
    if filters.q.strip():
        query = _search(query, filters.q)
    if filters.status:
        query = _status(query, filters.status)
    if filters.insurer_id:
        query = query.where(PremiumCall.insurer_id == filters.insurer_id)
    if filters.line:
        query = query.where(PremiumCall.line == filters.line)
    if filters.kind:
        query = query.where(PremiumCall.kind == filters.kind)
    if filters.contract_id:
        query = query.where(PremiumCall.contract_id == filters.contract_id)
    if filters.client_id:
        query = query.where(PremiumCall.client_id == filters.client_id)
    if (first := filters.month) is not None:
        query = query.where(PremiumCall.due_date >= first, PremiumCall.due_date < add_months(first, 1))
    return query


def _joined(query: Select) -> Select:
    return (query.join(Client, Client.id == PremiumCall.client_id)
            .join(Contract, Contract.id == PremiumCall.contract_id)
            .join(Insurer, Insurer.id == PremiumCall.insurer_id))


def filtered(filters: CallFilters) -> Select:
    """(call, payer name, payer reference, contract reference, insurer name), latest due
    first (earliest first when sorted by ``due``)."""
    query = _joined(select(PremiumCall, Client.display_name, Client.reference, Contract.reference, Insurer.name))
    if filters.sort == "due":
        return _where(query, filters).order_by(PremiumCall.due_date, PremiumCall.id)
    return _where(query, filters).order_by(PremiumCall.due_date.desc(), PremiumCall.id.desc())


def page_of(session: Session, filters: CallFilters, page: int, per_page: int) -> list[tuple]:
    rows = session.execute(filtered(filters).offset((page - 1) * per_page).limit(per_page)).all()
    return [tuple(row) for row in rows]


@dataclass(frozen=True)
class Totals:
    count: int
    net: Decimal
    fees: Decimal
    tax: Decimal
    total: Decimal
    paid: Decimal
    outstanding: Decimal


def totals(session: Session, filters: CallFilters) -> Totals:
    """Count and sums of the whole filtered set (every page); ``paid`` is
    what was kept (received less refunded)."""
    sums = [func.coalesce(func.sum(column), ZERO) for column in (
        PremiumCall.net, PremiumCall.fees, PremiumCall.tax, PremiumCall.total,
        PremiumCall.paid - PremiumCall.refunded, OUTSTANDING)]
    row = session.execute(_where(_joined(select(func.count(PremiumCall.id), *sums)), filters)).one()
    return Totals(*row)


def export_rows(session: Session, filters: CallFilters) -> Iterator[list]:
    """The header, then one list of cells per call of the filtered set."""
    yield list(EXPORT_COLUMNS)
    query = filtered(filters).add_columns(Contract.policy_number)
    for call, client_name, client_reference, contract_reference, insurer, policy_number in session.execute(
            query.execution_options(yield_per=500)):
        cells = {name: getattr(call, name, None) for name in EXPORT_COLUMNS}
        cells |= {"client_name": client_name, "client_reference": client_reference, "insurer": insurer,
                  "contract_reference": contract_reference, "policy_number": policy_number,
                  "period_last_day": last_day(call), "outstanding": outstanding_of(call)}
        yield [cells[name] for name in EXPORT_COLUMNS]


def insurers(session: Session) -> list[Insurer]:
    return list(session.scalars(select(Insurer).order_by(Insurer.name)))


def contract_calls(session: Session, contract_id: int) -> list[PremiumCall]:
    """The contract's calls, latest period first."""
    return list(session.scalars(select(PremiumCall).where(PremiumCall.contract_id == contract_id)
                                .order_by(PremiumCall.period_start.desc(), PremiumCall.id.desc())))


@dataclass(frozen=True)
class ClientPremiums:
    open_count: int
    open_amount: Decimal
    overdue_count: int
    overdue_amount: Decimal


def client_premiums(session: Session, client_id: int) -> ClientPremiums:
    """What the client (as payer) still owes, and the overdue part of it."""
    overdue = PremiumCall.status == CallStatus.OVERDUE.value
    row = session.execute(
        select(func.count(PremiumCall.id), func.coalesce(func.sum(OUTSTANDING), ZERO),
               func.count(PremiumCall.id).filter(overdue),
               func.coalesce(func.sum(OUTSTANDING).filter(overdue), ZERO))
        .where(PremiumCall.client_id == client_id, PremiumCall.status.in_(OPEN))).one()
    return ClientPremiums(*row)

"""The claims queue: the firm's claims filtered (status, line, handler, age,
reserve, a reference or a client's name), sorted, a page at a time, and
the rows of its export.

Built to stay fast on a firm with 100,000 claims (see bench/claims.py):
every filter is a condition on the claim table that one of its indexes
serves (``ix_claim_declared``, ``ix_claim_reserve``,
``ix_claim_handler_declared``, ``ix_claim_line_declared``,
``ix_claim_status_created``, ``ix_claim_insurer_reference``); the text
search is an OR of indexed look-ups (the reference, the insurer's number,
the client's search vector), not a scan; the count reads the claim table
alone; a page's claims are chosen on the claim table, then only they are
joined to their client, contract and handler."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal, InvalidOperation

from sqlalchemy import Select, any_, exists, func, or_, select
from sqlalchemy.orm import Session

from app.auth.models import User
from app.claims.dispute_models import ClaimDispute, DisputeStage
from app.claims.models import Claim, ClaimStatus
from app.contracts.models import Contract
from app.crm import rules as crm_rules
from app.crm.models import Client

PER_PAGE = 50
OPEN_STATUSES = tuple(status.value for status in ClaimStatus if status != ClaimStatus.CLOSED)
STATUSES = tuple(status.value for status in ClaimStatus)
#: age filter: days since the declaration, (at least, at most)
AGE_BUCKETS: dict[str, tuple[int, int | None]] = {
    "0-7": (0, 7), "8-30": (8, 30), "31-90": (31, 90), "91+": (91, None), "31+": (31, None)}
#: sort keys; each is descending unless asked otherwise: the newest declarations, the oldest claims,
#: the largest reserves first
SORTS = ("declared", "age", "reserve")
MAX_AMOUNT = Decimal("9999999999.99")
HANDLER_NONE, HANDLER_ME = "none", "me"
MAX_ID = 2**63 - 1  # BIGINT keys: a larger id names nothing


def as_id(value) -> int | None:
    """``value`` (typed or from a form) as a row id, or None when it cannot be one."""
    text = str(value if value is not None else "").strip()
    return int(text) if text.isascii() and text.isdigit() and 0 < int(text) <= MAX_ID else None


@dataclass(frozen=True)
class QueueFilters:
    statuses: tuple[str, ...] = OPEN_STATUSES
    line: str = ""
    #: "" (everyone), "none" (unassigned), "me", or a user id
    handler: str = ""
    age: str = ""
    reserve_min: Decimal | None = None
    reserve_max: Decimal | None = None
    q: str = ""
    sort: str = "declared"
    descending: bool = True
    problems: dict = field(default_factory=dict, compare=False)

    @property
    def is_default(self) -> bool:
        return self == QueueFilters()


def _amount(text: str) -> Decimal | None:
    """A reserve bound typed as ``12 500,50``; ValueError when unreadable, negative or too large."""
    try:
        amount = crm_rules.parse_decimal(text)
    except (crm_rules.BadValue, InvalidOperation, ArithmeticError) as exc:
        raise ValueError("number_format") from exc
    if amount is not None and not Decimal(0) <= amount <= MAX_AMOUNT:
        raise ValueError("amount_range")
    return amount


def parse_filters(args: Mapping) -> QueueFilters:
    """The queue's filters from the query string (a MultiDict); unreadable
    amounts are left out and named in ``problems``."""
    statuses = tuple(status for status in STATUSES if status in set(args.getlist("status")))
    problems, bounds = {}, {}
    for name in ("reserve_min", "reserve_max"):
        try:
            bounds[name] = _amount(args.get(name, "")[:30])
        except ValueError as exc:
            problems[name], bounds[name] = exc.args[0], None
    handler = args.get("handler", "")
    sort = args.get("sort", "declared")
    return QueueFilters(
        statuses=statuses or OPEN_STATUSES, line=args.get("line", "")[:20],
        handler=handler if handler in (HANDLER_NONE, HANDLER_ME) or as_id(handler) else "",
        age=args.get("age", "") if args.get("age") in AGE_BUCKETS else "", q=args.get("q", "").strip()[:100],
        sort=sort if sort in SORTS else "declared",
        descending=args.get("dir") != "asc", problems=problems,
        **bounds)


def declared_bounds(age: str, today: date) -> tuple[date | None, date | None]:
    """The declaration days (first, last) of an age bucket: a claim declared
    on ``today`` is 0 days old."""
    least, most = AGE_BUCKETS[age]
    return (today - timedelta(days=most) if most is not None else None), today - timedelta(days=least)


def _reference_number(q: str) -> int | None:
    """The number of a claim reference typed whole or as its digits (``SIN-000123``, ``sin 123``, ``123``)."""
    compact = q.upper().replace(" ", "").removeprefix("SIN").lstrip("-")
    return int(compact) if compact.isdigit() and len(compact) <= 12 else None


def _text_match(q: str):
    """The claims whose reference, insurer's number (its start) or client's name matches ``q``: an OR of
    conditions each an index serves (the client's ids gathered first through their search vector, so the
    claims are found through ``ix_claim_client``, not by scanning them)."""
    escaped = q.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    matches = [Claim.insurer_reference.like(f"{escaped}%", escape="\\"),
               Claim.insurer_reference.like(f"{escaped.upper()}%", escape="\\")]
    number = _reference_number(q)
    if number is not None:
        matches.append(Claim.reference == f"SIN-{number:06d}")
    terms = crm_rules.search_query(q)
    if terms:
        clients = select(Client.id).where(Client.search_vector.op("@@")(func.to_tsquery("simple", terms)))
        matches.append(Claim.client_id == any_(func.array(clients.scalar_subquery())))
    return or_(*matches)


def conditions(filters: QueueFilters, *, today: date, me_id: int | None) -> list:
    """The WHERE conditions of ``filters`` on the claim table."""
    where = [Claim.status.in_(filters.statuses)] if set(filters.statuses) != set(STATUSES) else []
    if filters.line:
        where.append(Claim.line == filters.line)
    if filters.handler == HANDLER_NONE:
        where.append(Claim.handler_id.is_(None))
    elif filters.handler == HANDLER_ME:
        where.append(Claim.handler_id == me_id)
    elif filters.handler:
        where.append(Claim.handler_id == int(filters.handler))
    if filters.age:
        first, last = declared_bounds(filters.age, today)
        where.append(Claim.declared_on <= last)
        if first is not None:
            where.append(Claim.declared_on >= first)
    if filters.reserve_min is not None:
        where.append(Claim.reserve >= filters.reserve_min)
    if filters.reserve_max is not None:
        where.append(Claim.reserve <= filters.reserve_max)
    if filters.q:
        where.append(_text_match(filters.q))
    return where


def _order(filters: QueueFilters) -> list:
    column = Claim.reserve if filters.sort == "reserve" else Claim.declared_on
    # the oldest claims are those declared first: age runs against the declaration date
    descending = filters.descending != (filters.sort == "age")
    return [column.desc(), Claim.id.desc()] if descending else [column.asc(), Claim.id.asc()]


def _rows(filters: QueueFilters) -> Select:
    open_dispute = exists().where(ClaimDispute.claim_id == Claim.id, ClaimDispute.stage != DisputeStage.CLOSED.value)
    return (select(Claim, Client.display_name, Contract.reference, User.full_name, open_dispute.label("disputed"))
            .join(Client, Client.id == Claim.client_id).join(Contract, Contract.id == Claim.contract_id)
            .outerjoin(User, User.id == Claim.handler_id).order_by(*_order(filters)))


def rows_query(filters: QueueFilters, *, today: date, me_id: int | None) -> Select:
    """(claim, client name, contract reference, handler name, open dispute) of every matching claim, in the
    queue's order."""
    return _rows(filters).where(*conditions(filters, today=today, me_id=me_id))


def page_query(filters: QueueFilters, page: int, *, today: date, me_id: int | None,
               per_page: int = PER_PAGE) -> Select:
    """The rows of one page: the page's claim ids are chosen on the claim table alone (an index gives them in
    order), then only those claims are joined to their client, contract and handler."""
    ids = (select(Claim.id).where(*conditions(filters, today=today, me_id=me_id)).order_by(*_order(filters))
           .limit(per_page).offset((page - 1) * per_page).subquery())
    return _rows(filters).join(ids, ids.c.id == Claim.id)


def count(session: Session, filters: QueueFilters, *, today: date, me_id: int | None) -> int:
    return session.scalar(select(func.count()).select_from(Claim)
                          .where(*conditions(filters, today=today, me_id=me_id))) or 0


def page_of(session: Session, filters: QueueFilters, page: int, *, today: date, me_id: int | None,
            per_page: int = PER_PAGE) -> tuple[list, int]:
    """The page's rows and the number of matching claims."""
    rows = session.execute(page_query(filters, page, today=today, me_id=me_id, per_page=per_page)).all()
    return rows, count(session, filters, today=today, me_id=me_id)


def all_rows(session: Session, filters: QueueFilters, *, today: date, me_id: int | None) -> Iterator:
    """Every matching claim's row (as :func:`rows_query`), read in batches, for the export."""
    yield from session.execute(rows_query(filters, today=today, me_id=me_id).execution_options(yield_per=2000))

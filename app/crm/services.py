"""Clients: create, update, find, list. Every change is audited."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import Select, func, select
from sqlalchemy.orm import Session
from sqlalchemy.orm.exc import StaleDataError

from app.audit import services as audit
from app.auth.models import User
from app.crm import rules
from app.crm.models import Client
from tenants import bound_schema

IDENTITY_FIELDS = (
    "kind", "status", "civility", "first_name", "last_name", "birth_date", "profession", "family_status",
    "legal_name", "siren", "siret", "naf_code", "legal_form", "turnover", "headcount",
    "email", "phone", "address_line1", "address_line2", "postal_code", "city", "country", "notes",
)
SORTS = {
    "name": (Client.sort_name,),
    "city": (Client.city, Client.sort_name),
    "created": (Client.created_at,),
}


class ClientError(Exception):
    """A client change refused: ``problems`` maps fields to problem codes."""

    def __init__(self, problems: dict[str, str]) -> None:
        super().__init__(problems)
        self.problems = problems


@dataclass
class ClientFilters:
    q: str = ""
    kind: str = ""
    status: str = ""
    handler_id: int | None = None
    city: str = ""
    sort: str = "name"
    descending: bool = False


def get(session: Session, client_id: int) -> Client | None:
    return session.get(Client, client_id)


def next_numbers(session: Session, count: int) -> list[int]:
    """Reserve ``count`` ids of the client table's identity sequence: the id
    is known before the insert, so the reference is written with the row."""
    sequence = func.pg_get_serial_sequence(f"{bound_schema(session)}.client", "id")
    return list(session.scalars(select(func.nextval(sequence)).select_from(func.generate_series(1, count))))


def search_vector(values: dict):
    return func.to_tsvector("simple", rules.search_text(values))


def _derived(values: dict) -> dict:
    name = rules.display_name(values)
    return {"display_name": name[:250], "sort_name": rules.normalise(name)[:250]}


def _check(session: Session, values: dict, payer_id: int | None, handler_id: int | None,
           client_id: int | None = None) -> None:
    problems = rules.client_problems(values, date.today())
    if payer_id is not None:
        if payer_id == client_id:
            problems["payer_id"] = "payer_self"
        elif session.get(Client, payer_id) is None:
            problems["payer_id"] = "payer_unknown"
    if handler_id is not None and session.get(User, handler_id) is None:
        problems["handler_id"] = "handler_unknown"
    if problems:
        raise ClientError(problems)


def find_duplicates(session: Session, values: dict, exclude_id: int | None = None) -> list[Client]:
    """Clients that are probably the same: same SIREN, or same names and birth date."""
    key = rules.duplicate_key(values)
    if key is None:
        return []
    if key[0] == "siren":
        query = select(Client).where(Client.siren == key[1])
    else:
        query = select(Client).where(Client.kind == "individual", Client.birth_date == values["birth_date"])
    if exclude_id is not None:
        query = query.where(Client.id != exclude_id)
    return [client for client in session.scalars(query.order_by(Client.id)) if rules.duplicate_key(snapshot(client)) == key]


def snapshot(client: Client) -> dict:
    return {name: getattr(client, name) for name in IDENTITY_FIELDS} | {
        "reference": client.reference, "payer_id": client.payer_id, "handler_id": client.handler_id,
    }


def create(session: Session, actor, values: dict, *, payer_id: int | None = None,
           handler_id: int | None = None) -> Client:
    """Add a client after the identity checks (duplicates are the caller's question)."""
    values = rules.clean_identity({name: values.get(name) for name in IDENTITY_FIELDS})
    _check(session, values, payer_id, handler_id)
    number = next_numbers(session, 1)[0]
    reference = rules.reference_for(number)
    values |= {"reference": reference, "status": values.get("status") or "prospect"}
    client = Client(id=number, payer_id=payer_id, handler_id=handler_id, held_elsewhere=[],
                    search_vector=search_vector(values), **values, **_derived(values))
    session.add(client)
    session.flush()
    audit.record(session, actor, "client.create", "client", client.id, after=snapshot(client))
    return client


def update(session: Session, actor, client: Client, values: dict, *, version: int,
           payer_id: int | None = None, handler_id: int | None = None) -> Client:
    """Change a client's identity; refuse an edit made on a stale version."""
    if client.version != version:
        raise ClientError({"version": "stale"})
    values = rules.clean_identity({name: values.get(name) for name in IDENTITY_FIELDS})
    _check(session, values, payer_id, handler_id, client.id)
    before = snapshot(client)
    for name, value in (values | {"payer_id": payer_id, "handler_id": handler_id}).items():
        setattr(client, name, value)
    client.search_vector = search_vector(values | {"reference": client.reference})
    for name, value in _derived(values).items():
        setattr(client, name, value)
    after = snapshot(client)
    changed = {name for name in after if before[name] != after[name]}
    audit.record(session, actor, "client.update", "client", client.id,
                 before={name: before[name] for name in changed}, after={name: after[name] for name in changed})
    commit(session)
    return client


def commit(session: Session) -> None:
    """Commit; a concurrent edit of the same row raises ClientError("stale")."""
    try:
        session.commit()
    except StaleDataError as exc:
        session.rollback()
        raise ClientError({"version": "stale"}) from exc


def filtered(filters: ClientFilters) -> Select:
    """The clients matching ``filters``, sorted (without paging)."""
    query = select(Client)
    terms = rules.search_query(filters.q)
    if terms:
        query = query.where(Client.search_vector.op("@@")(func.to_tsquery("simple", terms)))
    if filters.kind in rules.KINDS:
        query = query.where(Client.kind == filters.kind)
    if filters.status in rules.STATUSES:
        query = query.where(Client.status == filters.status)
    if filters.handler_id:
        query = query.where(Client.handler_id == filters.handler_id)
    if filters.city:
        query = query.where(func.lower(Client.city) == filters.city.strip().lower())
    columns = SORTS.get(filters.sort, SORTS["name"])
    order = [column.desc().nulls_last() if filters.descending else column.asc().nulls_last() for column in columns]
    return query.order_by(*order, Client.id.desc() if filters.descending else Client.id)


def page_of(session: Session, filters: ClientFilters, page: int, per_page: int) -> tuple[list[Client], int]:
    query = filtered(filters)
    total = session.scalar(select(func.count()).select_from(query.order_by(None).subquery())) or 0
    clients = session.scalars(query.offset((page - 1) * per_page).limit(per_page)).all()
    return list(clients), total


def cities(session: Session) -> list[str]:
    return list(session.scalars(select(Client.city).where(Client.city.is_not(None)).distinct().order_by(Client.city)))


def staff(session: Session) -> list[User]:
    return list(session.scalars(select(User).where(User.is_active).order_by(User.full_name)))


def by_reference(session: Session, reference: str) -> Client | None:
    return session.scalar(select(Client).where(Client.reference == reference.strip().upper()))


def staff_member(session: Session, user_id: int) -> User | None:
    return session.get(User, user_id)

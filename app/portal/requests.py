"""Change requests from the portal: the client asks (new vehicle, new
address, a person added, another change) on one of their contracts; the
contract's handler gets a task; the handler answers — done, with the
endorsement that carries it out, or refused with a reason — and the client
sees the answer. Every step is audited."""

from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.audit import services as audit
from app.columns import utcnow
from app.contracts.models import Contract, Endorsement
from app.crm import followup
from app.crm.models import Client
from app.portal import rules, services
from app.portal.models import ClientRequest, PortalAccount, RequestStatus
from tenants import bound_schema

#: the handler's task is due two working days later, at most
TASK_DELAY = timedelta(days=2)
PER_PAGE = 50


class RequestError(Exception):
    def __init__(self, code: str, problems: dict | None = None) -> None:
        super().__init__(code)
        self.code, self.problems = code, problems or {}


def kinds_for(contract: Contract) -> list[str]:
    return [kind for kind, lines in rules.REQUEST_LINES.items() if lines is None or contract.line in lines]


def _next_id(session: Session) -> int:
    """The row's id, drawn from its sequence first so that the reference is
    written with the row (concurrent requests never share a number)."""
    sequence = func.pg_get_serial_sequence(f"{bound_schema(session)}.client_request", "id")
    return session.scalar(select(func.nextval(sequence)))


def submit(session: Session, account: PortalAccount, contract: Contract, kind: str, form: dict,
           message: str | None, today: date | None = None) -> ClientRequest:
    """Record the client's request and give the contract's handler a task."""
    today = today or date.today()
    if kind not in kinds_for(contract):
        raise RequestError("kind_invalid")
    details, problems = rules.request_details(kind, form, today)
    if problems:
        raise RequestError("invalid", problems)
    request_id = _next_id(session)
    request = ClientRequest(id=request_id, reference=f"DEM-{request_id:06d}", client_id=contract.client_id, contract_id=contract.id,
                            account_id=account.id, kind=kind, details=details,
                            message=(message or "").strip()[:2000] or None, status=RequestStatus.OPEN.value)
    session.add(request)
    session.flush()
    client = session.get(Client, contract.client_id)
    task = followup.add_task(session, services.actor_of(account), client,
                             title=f"{request.reference} · {kind} · {contract.reference}",
                             details=request.message, due_on=today + TASK_DELAY,
                             assignee_id=contract.handler_id or client.handler_id,
                             source=("client_request", request.id))
    request.task_id = task.id
    audit.record(session, services.actor_of(account), "client_request.submit", "client_request", request.id,
                 after={"reference": request.reference, "kind": kind, "contract_id": contract.id, "details": details})
    return request


def of_account(session: Session, account: PortalAccount) -> list[ClientRequest]:
    return list(session.scalars(select(ClientRequest).where(ClientRequest.client_id == account.client_id)
                                .order_by(ClientRequest.created_at.desc(), ClientRequest.id.desc())))


def queue(session: Session, status: str | None, page: int) -> tuple[list[tuple[ClientRequest, Client, Contract]],
                                                                    int]:
    """The firm's requests, open ones oldest first; one page and the count."""
    query = (select(ClientRequest, Client, Contract).join(Client, Client.id == ClientRequest.client_id)
             .join(Contract, Contract.id == ClientRequest.contract_id))
    if status:
        query = query.where(ClientRequest.status == status)
    total = session.scalar(select(func.count()).select_from(query.subquery()))
    rows = session.execute(query.order_by((ClientRequest.status == RequestStatus.OPEN.value).desc(),
                                          ClientRequest.created_at, ClientRequest.id)
                           .limit(PER_PAGE).offset((page - 1) * PER_PAGE))
    return [tuple(row) for row in rows], total


def answer(session: Session, actor, request: ClientRequest, *, status: str, text: str | None,
           endorsement_number: int | None, version: int) -> ClientRequest:
    """Close the request: ``done`` (optionally with the endorsement that
    carries it out, of the same contract) or ``refused`` (with a reason)."""
    if version != request.version:
        raise RequestError("stale")
    if request.status != RequestStatus.OPEN.value:
        raise RequestError("closed")
    if status not in (RequestStatus.DONE.value, RequestStatus.REFUSED.value):
        raise RequestError("status_invalid")
    text = (text or "").strip() or None
    if status == RequestStatus.REFUSED.value and not text:
        raise RequestError("invalid", {"answer": "required"})
    endorsement = None
    if endorsement_number is not None:
        endorsement = session.scalar(select(Endorsement).where(Endorsement.contract_id == request.contract_id,
                                                               Endorsement.number == endorsement_number))
        if endorsement is None:
            raise RequestError("invalid", {"endorsement": "unknown"})
    request.status, request.answer = status, text
    request.endorsement_id = endorsement.id if endorsement else None
    request.handled_by_id, request.handled_at = getattr(actor, "id", None), utcnow()
    if request.task_id:
        client = session.get(Client, request.client_id)
        task = followup.task_of(session, client, request.task_id)
        if task is not None:
            followup.complete_task(session, actor, client, task)
    audit.record(session, actor, "client_request.answer", "client_request", request.id,
                 after={"status": status, "answer": text, "endorsement_id": request.endorsement_id})
    return request

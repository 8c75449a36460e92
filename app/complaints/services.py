"""Complaints: filing (from the portal, or entered by the firm for an email,
a call or a letter), acknowledgement, answer and closure. Filing sets both
deadlines of ACPR 2022-R-01, gives the handler a task due on the
acknowledgement deadline and emails the client the receipt with the
deadlines, in the caller's transaction. Every step is audited."""

from __future__ import annotations

from datetime import date
from types import EllipsisType

from flask_babel import force_locale
from flask_babel import gettext as _
from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from app.audit import services as audit
from app.claims import timeline
from app.auth.models import User
from app.catalog.models import Insurer
from app.claims.models import Claim
from app.complaints import rules
from app.complaints.models import Complaint, ComplaintAbout, ComplaintChannel, ComplaintStatus
from app.contracts.models import Contract
from app.crm import followup
from app.crm.models import Client
from app.mail.services import queue_email
from tenants import bound_schema


class ComplaintError(Exception):
    def __init__(self, code: str, problems: dict | None = None) -> None:
        super().__init__(code)
        self.code, self.problems = code, problems or {}


def _next_id(session: Session) -> int:
    """The row's id, drawn from its sequence first so that the reference is
    written with the row (concurrent complaints never share a number)."""
    sequence = func.pg_get_serial_sequence(f"{bound_schema(session)}.complaint", "id")
    return session.scalar(select(func.nextval(sequence)))


def _task_title(step: str, complaint: Complaint) -> str:
    """The handler's task, in French like the other tasks of the firm."""
    with force_locale("fr"):
        if step == "acknowledge":
            return _("Acknowledge complaint %(reference)s", reference=complaint.reference)
        return _("Answer complaint %(reference)s", reference=complaint.reference)


def filing_problems(session: Session, client: Client, *, about: str, channel: str, subject: str, description: str,
                     contract: Contract | None, insurer: Insurer | None, claim: Claim | None,
                     handler_id: int | None, received_on: date | None, today: date) -> dict[str, str]:
    """What is wrong with a complaint to file, by field (nothing written)."""
    problems = rules.filing_problems(subject, description)
    if about not in {item.value for item in ComplaintAbout}:
        problems["about"] = "choice_invalid"
    elif about == ComplaintAbout.INSURER and insurer is None and contract is None:
        problems["insurer"] = "required"
    if about == ComplaintAbout.INSURER and insurer is not None and contract is not None \
            and contract.insurer_id != insurer.id:
        problems["insurer"] = "insurer_not_of_contract"
    if contract is not None and client.id not in (contract.client_id, contract.payer_id):
        problems["contract"] = "not_of_client"
    if claim is not None and claim.client_id != client.id:
        problems["claim"] = "not_of_client"
    elif claim is not None and contract is not None and claim.contract_id != contract.id:
        problems["claim"] = "claim_not_of_contract"
    if channel not in rules.CHANNELS:
        problems["channel"] = "choice_invalid"
    if handler_id is not None and not _active_user(session, handler_id):
        problems["handler"] = "choice_invalid"
    received_problem = rules.received_problem(received_on, today)
    if received_problem:
        problems["received_on"] = received_problem
    return problems


def _active_user(session: Session, user_id: int) -> bool:
    user = session.get(User, user_id)
    return user is not None and user.is_active


def file(session: Session, actor, client: Client, *, about: str, subject: str, description: str, channel: str,
         contract: Contract | None = None, insurer: Insurer | None = None, claim: Claim | None = None,
         account_id: int | None = None, received_on: date | None | EllipsisType = ...,
         handler_id: int | None = None, today: date | None = None) -> Complaint:
    """Record a complaint of ``client`` about the firm or about an insurer
    (``insurer``, or the insurer of ``contract``), possibly about one of the
    client's contracts and claims. The deadlines run from ``received_on``
    (today when not given; None is a date the firm typed wrong); the handler is ``handler_id``, else the contract's or
    the client's. Raises ComplaintError("invalid", problems by field)."""
    today = today or date.today()
    received_on = today if received_on is ... else received_on
    if claim is not None and contract is None and claim.client_id == client.id:
        contract = session.get(Contract, claim.contract_id)
    problems = filing_problems(session, client, about=about, channel=channel, subject=subject,
                                description=description, contract=contract, insurer=insurer, claim=claim,
                                handler_id=handler_id, received_on=received_on, today=today)
    if problems:
        raise ComplaintError("invalid", problems)
    complaint_id = _next_id(session)
    handler_id = handler_id or (contract.handler_id if contract is not None else None) or client.handler_id
    insurer_id = None
    if about == ComplaintAbout.INSURER:
        insurer_id = insurer.id if insurer is not None else contract.insurer_id
    complaint = Complaint(
        id=complaint_id, reference=f"REC-{complaint_id:06d}", client_id=client.id,
        contract_id=contract.id if contract is not None else None, claim_id=claim.id if claim is not None else None,
        account_id=account_id, channel=channel, about=about, insurer_id=insurer_id,
        subject=subject.strip(), description=description.strip(), received_on=received_on,
        acknowledge_by=rules.acknowledge_by(received_on), answer_by=rules.answer_by(received_on),
        status=ComplaintStatus.OPEN.value, handler_id=handler_id)
    session.add(complaint)
    session.flush()
    task = followup.add_task(session, actor, client,
                             title=_task_title("acknowledge", complaint), details=complaint.subject,
                             due_on=complaint.acknowledge_by, assignee_id=handler_id,
                             source=("complaint", complaint.id))
    complaint.task_id = task.id
    if claim is not None:
        timeline.record(session, actor, claim, "complaint_received", f"{complaint.reference} · {complaint.subject}",
                        {"complaint_id": complaint.id, "channel": channel},
                        side="client" if channel == ComplaintChannel.PORTAL else "firm")
    audit.record(session, actor, "complaint.file", "complaint", complaint.id, after={
        "reference": complaint.reference, "client_id": client.id, "contract_id": complaint.contract_id,
        "claim_id": complaint.claim_id, "channel": channel, "about": about, "insurer_id": complaint.insurer_id,
        "subject": complaint.subject, "received_on": received_on, "acknowledge_by": complaint.acknowledge_by,
        "answer_by": complaint.answer_by, "handler_id": handler_id})
    return complaint


def email_receipt(session: Session, tenant, complaint: Complaint, *, to: str, name: str, locale: str) -> int:
    """Tell the client the complaint is received, with its reference and
    both deadlines; queued in the caller's transaction."""
    with force_locale(locale):
        subject = _("Complaint %(reference)s: we received it", reference=complaint.reference)
    insurer = session.get(Insurer, complaint.insurer_id) if complaint.insurer_id else None
    return queue_email(session, tenant.slug, to, subject, "complaint_receipt", locale=locale, sender_name=tenant.name,
                       name=name, firm=tenant.name, complaint=complaint, insurer=insurer)


def _check(complaint: Complaint, version: int, allowed: tuple[ComplaintStatus, ...]) -> None:
    if version != complaint.version:
        raise ComplaintError("stale")
    if complaint.status not in allowed:
        raise ComplaintError("status_" + complaint.status)


def _next_task(session: Session, actor, complaint: Complaint, title: str | None, due_on: date | None) -> None:
    """Complete the handler's current task and, with a title, give the next one."""
    client = session.get(Client, complaint.client_id)
    task = followup.task_of(session, client, complaint.task_id) if complaint.task_id else None
    if task is not None:
        followup.complete_task(session, actor, client, task)
    complaint.task_id = None
    if title:
        complaint.task_id = followup.add_task(session, actor, client, title=title, details=complaint.subject,
                                              due_on=due_on, assignee_id=complaint.handler_id,
                                              source=("complaint", complaint.id)).id


def acknowledge(session: Session, actor, complaint: Complaint, *, on: date | None, version: int,
                today: date | None = None) -> Complaint:
    """The firm acknowledged the complaint on ``on``; the handler's next
    task is the answer, due on the answer deadline."""
    _check(complaint, version, (ComplaintStatus.OPEN,))
    problem = rules.action_date_problem(on, complaint.received_on, today or date.today())
    if problem:
        raise ComplaintError("invalid", {"acknowledged_on": problem})
    complaint.acknowledged_on, complaint.status = on, ComplaintStatus.ACKNOWLEDGED.value
    _next_task(session, actor, complaint,
               _task_title("answer", complaint), complaint.answer_by)
    audit.record(session, actor, "complaint.acknowledge", "complaint", complaint.id,
                 after={"acknowledged_on": on, "late": on > complaint.acknowledge_by})
    return complaint


def answer(session: Session, actor, complaint: Complaint, *, on: date | None, text: str, outcome: str | None,
           version: int, mediator_set: bool, today: date | None = None) -> Complaint:
    """The firm's answer, given on ``on``, with its outcome. An answer within
    the acknowledgement deadline stands for the acknowledgement (2022-R-01).
    Refused when it should name the firm's mediator (``mediator_set``
    False) — see :func:`app.complaints.rules.names_the_mediator`."""
    _check(complaint, version, (ComplaintStatus.OPEN, ComplaintStatus.ACKNOWLEDGED))
    problems = rules.answer_problems(outcome=outcome, text=text, mediator_set=mediator_set)
    problem = rules.action_date_problem(on, complaint.received_on, today or date.today())
    if problem:
        problems["answered_on"] = problem
    if problems:
        raise ComplaintError("invalid", problems)
    text = text.strip()
    complaint.acknowledged_on = complaint.acknowledged_on or on
    complaint.answered_on, complaint.answer, complaint.outcome = on, text, outcome
    complaint.status = ComplaintStatus.ANSWERED.value
    _next_task(session, actor, complaint, None, None)
    audit.record(session, actor, "complaint.answer", "complaint", complaint.id,
                 after={"answered_on": on, "outcome": outcome, "answer": text, "late": on > complaint.answer_by})
    return complaint


def close(session: Session, actor, complaint: Complaint, *, version: int) -> Complaint:
    """Nothing more to do on an answered complaint."""
    _check(complaint, version, (ComplaintStatus.ANSWERED,))
    complaint.status = ComplaintStatus.CLOSED.value
    audit.record(session, actor, "complaint.close", "complaint", complaint.id, after={"status": complaint.status})
    return complaint


def contracts_of(session: Session, client: Client) -> list[tuple[Contract, Insurer]]:
    """The contracts a complaint of ``client`` may be about: theirs, or paid by them."""
    return [tuple(row) for row in session.execute(
        select(Contract, Insurer).join(Insurer, Insurer.id == Contract.insurer_id)
        .where(or_(Contract.client_id == client.id, Contract.payer_id == client.id))
        .order_by(Contract.reference))]


def claims_of(session: Session, client: Client) -> list[Claim]:
    return list(session.scalars(select(Claim).where(Claim.client_id == client.id)
                                .order_by(Claim.declared_on.desc(), Claim.id.desc())))


def insurers(session: Session) -> list[Insurer]:
    return list(session.scalars(select(Insurer).order_by(Insurer.name)))


def of_client(session: Session, client_id: int) -> list[Complaint]:
    return list(session.scalars(select(Complaint).where(Complaint.client_id == client_id)
                                .order_by(Complaint.received_on.desc(), Complaint.id.desc())))


def late_steps(complaint: Complaint, today: date | None = None) -> frozenset[str]:
    return rules.late_steps(acknowledge_by=complaint.acknowledge_by, answer_by=complaint.answer_by,
                            acknowledged_on=complaint.acknowledged_on, answered_on=complaint.answered_on,
                            today=today or date.today())

"""Complaints: filing (from the portal, or entered by the firm for an email,
a call or a letter), acknowledgement, answer and closure. Filing sets both
deadlines of ACPR 2022-R-01, gives the handler a task due on the
acknowledgement deadline and emails the client the receipt with the
deadlines, in the caller's transaction. Every step is audited."""

from __future__ import annotations

from datetime import date

from flask_babel import force_locale
from flask_babel import gettext as _
from sqlalchemy import case, func, select
from sqlalchemy.orm import Session

from app.audit import services as audit
from app.catalog.models import Insurer
from app.complaints import rules
from app.complaints.models import Complaint, ComplaintAbout, ComplaintChannel, ComplaintStatus
from app.contracts.models import Contract
from app.crm import followup
from app.crm.models import Client
from app.mail.services import queue_email
from tenants import bound_schema

PER_PAGE = 50


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


def file(session: Session, actor, client: Client, *, about: str, subject: str, description: str, channel: str,
         contract: Contract | None = None, account_id: int | None = None, received_on: date | None = None,
         today: date | None = None) -> Complaint:
    """Record a complaint of ``client`` about the firm or about the insurer
    of ``contract`` (one of the client's, checked by the caller). Raises
    ComplaintError("invalid", problems by field)."""
    today = today or date.today()
    received_on = received_on or today
    problems = rules.filing_problems(subject, description)
    if about not in {item.value for item in ComplaintAbout}:
        problems["about"] = "choice_invalid"
    elif about == ComplaintAbout.INSURER and contract is None:
        problems["contract"] = "required"
    if channel not in {item.value for item in ComplaintChannel}:
        problems["channel"] = "choice_invalid"
    if received_on > today:
        problems["received_on"] = "in_future"
    if problems:
        raise ComplaintError("invalid", problems)
    if contract is not None and contract.client_id != client.id and contract.payer_id != client.id:
        raise ComplaintError("contract_unknown")
    complaint_id = _next_id(session)
    handler_id = (contract.handler_id if contract is not None else None) or client.handler_id
    complaint = Complaint(
        id=complaint_id, reference=f"REC-{complaint_id:06d}", client_id=client.id,
        contract_id=contract.id if contract is not None else None, account_id=account_id, channel=channel,
        about=about, insurer_id=contract.insurer_id if about == ComplaintAbout.INSURER else None,
        subject=subject.strip(), description=description.strip(), received_on=received_on,
        acknowledge_by=rules.acknowledge_by(received_on), answer_by=rules.answer_by(received_on),
        status=ComplaintStatus.OPEN.value, handler_id=handler_id)
    session.add(complaint)
    session.flush()
    task = followup.add_task(session, actor, client,
                             title=_task_title("acknowledge", complaint),
                             details=complaint.subject, due_on=complaint.acknowledge_by, assignee_id=handler_id)
    complaint.task_id = task.id
    audit.record(session, actor, "complaint.file", "complaint", complaint.id, after={
        "reference": complaint.reference, "client_id": client.id, "contract_id": complaint.contract_id,
        "channel": channel, "about": about, "insurer_id": complaint.insurer_id, "subject": complaint.subject,
        "received_on": received_on, "acknowledge_by": complaint.acknowledge_by, "answer_by": complaint.answer_by})
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
                                              due_on=due_on, assignee_id=complaint.handler_id).id


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


def answer(session: Session, actor, complaint: Complaint, *, on: date | None, text: str, version: int,
           today: date | None = None) -> Complaint:
    """The firm's answer, given on ``on``. An answer within the
    acknowledgement deadline stands for the acknowledgement (2022-R-01)."""
    _check(complaint, version, (ComplaintStatus.OPEN, ComplaintStatus.ACKNOWLEDGED))
    problems = {}
    problem = rules.action_date_problem(on, complaint.received_on, today or date.today())
    if problem:
        problems["answered_on"] = problem
    text = (text or "").strip()
    if not text:
        problems["answer"] = "required"
    elif len(text) > rules.MAX_ANSWER:
        problems["answer"] = "too_long"
    if problems:
        raise ComplaintError("invalid", problems)
    complaint.acknowledged_on = complaint.acknowledged_on or on
    complaint.answered_on, complaint.answer, complaint.status = on, text, ComplaintStatus.ANSWERED.value
    _next_task(session, actor, complaint, None, None)
    audit.record(session, actor, "complaint.answer", "complaint", complaint.id,
                 after={"answered_on": on, "answer": text, "late": on > complaint.answer_by})
    return complaint


def close(session: Session, actor, complaint: Complaint, *, version: int) -> Complaint:
    """Nothing more to do on an answered complaint."""
    _check(complaint, version, (ComplaintStatus.ANSWERED,))
    complaint.status = ComplaintStatus.CLOSED.value
    audit.record(session, actor, "complaint.close", "complaint", complaint.id, after={"status": complaint.status})
    return complaint


def of_client(session: Session, client_id: int) -> list[Complaint]:
    return list(session.scalars(select(Complaint).where(Complaint.client_id == client_id)
                                .order_by(Complaint.received_on.desc(), Complaint.id.desc())))


def queue(session: Session, status: str | None, page: int) -> tuple[list[tuple[Complaint, Client]], int]:
    """The firm's complaints, the ones still to handle first by their
    nearest deadline; one page and the count."""
    query = select(Complaint, Client).join(Client, Client.id == Complaint.client_id)
    if status:
        query = query.where(Complaint.status == status)
    total = session.scalar(select(func.count()).select_from(query.subquery()))
    pending = Complaint.status.in_((ComplaintStatus.OPEN.value, ComplaintStatus.ACKNOWLEDGED.value))
    next_deadline = case((Complaint.status == ComplaintStatus.OPEN.value, Complaint.acknowledge_by),
                         else_=Complaint.answer_by)
    rows = session.execute(query.order_by(pending.desc(), case((pending, next_deadline)),
                                          Complaint.received_on.desc(), Complaint.id.desc())
                           .limit(PER_PAGE).offset((page - 1) * PER_PAGE))
    return [tuple(row) for row in rows], total


def late_steps(complaint: Complaint, today: date | None = None) -> frozenset[str]:
    return rules.late_steps(acknowledge_by=complaint.acknowledge_by, answer_by=complaint.answer_by,
                            acknowledged_on=complaint.acknowledged_on, answered_on=complaint.answered_on,
                            today=today or date.today())

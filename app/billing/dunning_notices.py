"""What the non-payment procedure sends: the reminder email and the formal
notice (mise en demeure: a letter PDF kept with the contract's documents,
emailed to the payer), and a message to the insurer through its channel (the
outbox: email or API) at the legal steps. Everything is written in the
caller's transaction: nothing leaves unless the step commits.

Templates: ``templates/billing/dunning/`` (emails, the letter, the insurer's
text). The letter's wording is the firm's ``formal_notice`` letter template
(built-in or reworded in the letters settings), merged with the amount still
owed; the letter adds the premium call and the L113-3 dates it leads to.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import date, timedelta
from email.message import EmailMessage
from email.utils import formataddr, make_msgid

from flask import current_app, render_template
from flask_babel import force_locale
from flask_babel import gettext as _
from sqlalchemy.orm import Session

from app.audit import services as audit
from app.auth.models import User
from app.billing import nonpayment_rules
from app.billing.models import NonPaymentProcedure, PremiumCall
from app.catalog.models import Insurer
from app.columns import utcnow
from app.contracts import services as contracts
from app.contracts.models import Contract, Letter
from app.crm.models import Client, Interaction, InteractionKind
from app.documents import services as documents
from app.documents.models import DocumentKind
from app.jobs.queue import enqueue
from app.letters import rules as letter_rules
from app.letters import services as letters
from app.letters.defaults import BUILTIN_TEMPLATES
from app.letters.pdf import render_pdf
from app.outbox import services as outbox
from app.outbox.models import OutboxMessage

logger = logging.getLogger(__name__)

FORMAL_NOTICE_TEMPLATE = "formal_notice"
#: the outbox message kinds sent to insurers
NOTICE, SUSPENSION, LIFTED, PAID = ("nonpayment.notice", "nonpayment.suspension", "nonpayment.lifted",
                                    "nonpayment.paid")


@dataclass(frozen=True)
class Case:
    """One overdue call and what surrounds it, as the messages need them."""

    call: PremiumCall
    procedure: NonPaymentProcedure
    contract: Contract
    payer: Client
    insurer: Insurer

    @classmethod
    def of(cls, session: Session, call: PremiumCall, procedure: NonPaymentProcedure) -> Case:
        contract = session.get(Contract, call.contract_id)
        return cls(call, procedure, contract, session.get(Client, call.client_id),
                   session.get(Insurer, contract.insurer_id))

    @property
    def email(self) -> str | None:
        return (self.payer.email or "").strip() or None


# --- emails to the payer ------------------------------------------------------------

def _compose(to: str, subject: str, template: str, *, sender_name: str, locale: str,
             attachments: tuple[tuple[str, str, bytes], ...] = (), **context) -> str:
    """``billing/dunning/<template>.txt`` and ``.html`` as a MIME message."""
    with force_locale(locale):
        text = render_template(f"billing/dunning/{template}.txt", **context)
        html = render_template(f"billing/dunning/{template}.html", **context)
    sender = current_app.config["MAIL_FROM"]
    message = EmailMessage()
    message["Subject"], message["From"], message["To"] = subject, formataddr((sender_name, sender)), to
    message["Message-ID"] = make_msgid(domain=sender.rsplit("@", 1)[-1])
    message.set_content(text)
    message.add_alternative(html, subtype="html")
    for filename, content_type, content in attachments:
        maintype, subtype = content_type.split("/", 1)
        message.add_attachment(content, maintype=maintype, subtype=subtype, filename=filename)
    return message.as_string()


def _queue_email(session: Session, tenant, to: str, subject: str, template: str, **context) -> None:
    from app.mail.jobs import deliver_email  # the job module reads the app's config at import

    enqueue(session, deliver_email, tenant=tenant.slug,
            message=_compose(to, subject, template, sender_name=tenant.name, firm=tenant.name, **context))


def _log_email(session: Session, actor, case: Case, subject: str) -> None:
    session.add(Interaction(client_id=case.payer.id, kind=InteractionKind.EMAIL.value, direction="out",
                            occurred_at=utcnow(), subject=subject[:200], author_id=getattr(actor, "id", None)))


def send_reminder(session: Session, actor, case: Case, *, tenant, locale: str) -> str | None:
    """Email the payer a reminder of the unpaid call; the address, or None
    when the payer has no email address."""
    if case.email is None:
        return None
    with force_locale(locale):
        subject = _("Reminder: premium %(reference)s is unpaid", reference=case.call.reference)
    _queue_email(session, tenant, case.email, subject, "reminder", locale=locale, case=case,
                 contract_number=case.contract.policy_number or case.contract.reference)
    _log_email(session, actor, case, subject)
    return case.email


# --- the formal notice --------------------------------------------------------------

def _wording(session: Session, actor, case: Case, tenant, locale: str) -> tuple[str, str]:
    """(subject, body) of the firm's formal notice wording, merged; the
    built-in wording when the firm's own is switched off or cannot merge."""
    extra = {"amount": case.call.outstanding}
    try:
        return letters.draft(session, actor, client=case.payer, contract=case.contract,
                             template_code=FORMAL_NOTICE_TEMPLATE, tenant=tenant, extra=extra)
    except letters.LetterError:
        wording = BUILTIN_TEMPLATES[FORMAL_NOTICE_TEMPLATE].wording(locale)
        values = letters.merge_values(session, actor, client=case.payer, contract=case.contract, tenant=tenant,
                                      extra=extra)
        return letter_rules.merge(wording.subject, values), letter_rules.merge(wording.body, values)


def _signatory(session: Session, actor, case: Case) -> str:
    if getattr(actor, "full_name", None):
        return actor.full_name
    handler_id = case.contract.handler_id or case.payer.handler_id
    handler = session.get(User, handler_id) if handler_id else None
    return handler.full_name if handler else ""


def formal_notice_letter(session: Session, actor, case: Case, *, tenant, locale: str, today: date) -> Letter:
    """Write the formal notice sent on ``today``: the PDF kept with the
    contract's documents, and its letter row."""
    notice_on = today
    with force_locale(locale):
        subject, body = _wording(session, actor, case, tenant, locale)
        html = render_template(
            "billing/dunning/formal_notice.html", firm=tenant.name,
            orias=(getattr(tenant, "settings", None) or {}).get("orias"), client=case.payer,
            address=letters.client_address(case.payer), contract=case.contract, insurer=case.insurer, call=case.call,
            subject=subject, paragraphs=[part.strip("\n") for part in body.replace("\r\n", "\n").split("\n\n")],
            suspended_from=nonpayment_rules.suspended_from(notice_on),
            cancellable_from=nonpayment_rules.cancellable_from(notice_on),
            last_day=case.call.period_end - timedelta(days=1), signatory=_signatory(session, actor, case), today=today)
    document = documents.store(
        session, actor, content=render_pdf(html), kind=DocumentKind.LETTER, title=subject, client_id=case.payer.id,
        content_type="application/pdf", filename=f"formal-notice-{case.call.reference}-{today:%Y%m%d}.pdf")
    document.contract_id = case.contract.id
    letter = Letter(contract_id=case.contract.id, client_id=case.payer.id, template_code=FORMAL_NOTICE_TEMPLATE,
                    subject=subject[:250], body=body, document_id=document.id, created_by_id=getattr(actor, "id", None))
    session.add(letter)
    session.flush()
    audit.record(session, actor, "letter.compose", "letter", letter.id,
                 after={"client_id": case.payer.id, "contract_id": case.contract.id, "template": FORMAL_NOTICE_TEMPLATE,
                        "subject": letter.subject, "document_id": document.id, "call_id": case.call.id})
    return letter


def send_formal_notice(session: Session, actor, case: Case, letter: Letter, *, tenant, locale: str,
                       today: date) -> str | None:
    """Email the formal notice (the letter attached) to the payer; the
    address, or None when the payer has no email address (the letter is then
    to be posted)."""
    if case.email is None:
        return None
    document, pdf = documents.file_of(session, letter.document_id)
    _queue_email(session, tenant, case.email, letter.subject, "formal_notice_email", locale=locale, case=case,
                 contract_number=case.contract.policy_number or case.contract.reference,
                 suspended_from=nonpayment_rules.suspended_from(today),
                 cancellable_from=nonpayment_rules.cancellable_from(today),
                 attachments=((document.filename, "application/pdf", pdf),))
    letter.sent_at, letter.sent_to = utcnow(), case.email
    _log_email(session, actor, case, letter.subject)
    audit.record(session, actor, "letter.send", "letter", letter.id, after={"sent_to": case.email})
    return case.email


# --- the insurer --------------------------------------------------------------------

def _payload(kind: str, case: Case) -> dict:
    procedure, call, contract = case.procedure, case.call, case.contract
    return contracts.jsonable({
        "event": kind,
        "contract": {"reference": contract.reference, "policy_number": contract.policy_number,
                     "line": contract.line, "status": contract.status},
        "premium_call": {"reference": call.reference, "period_start": call.period_start,
                         "period_end": call.period_end, "due_date": call.due_date, "total": call.total,
                         "outstanding": call.outstanding},
        "procedure": {"formal_notice_sent_on": procedure.formal_notice_sent_on,
                      "suspended_on": procedure.suspended_on, "cancellable_on": procedure.cancellable_on,
                      "stopped_on": procedure.stopped_on, "stop_reason": procedure.stop_reason,
                      "cover_resumes_at": procedure.cover_resumes_at and procedure.cover_resumes_at.isoformat(),
                      "legal_basis": "Code des assurances L113-3"},
    })


def _insurer_subject(kind: str, case: Case) -> str:
    policy = case.contract.policy_number or case.contract.reference
    return {
        NOTICE: _("Non-payment: formal notice sent, policy %(policy)s", policy=policy),
        SUSPENSION: _("Non-payment: cover suspended, policy %(policy)s", policy=policy),
        LIFTED: _("Non-payment: premium paid, cover resumes, policy %(policy)s", policy=policy),
        PAID: _("Non-payment: premium paid, procedure ended, policy %(policy)s", policy=policy),
    }[kind]


def notify_insurer(session: Session, actor, case: Case, kind: str, *, tenant, locale: str,
                   document_ids: tuple[int, ...] = ()) -> OutboxMessage | None:
    """Queue a message to the insurer about this step. The step stands even
    when the insurer cannot be reached (inactive, no channel set up): the
    contract's timeline then says so, for the handler to follow up."""
    with force_locale(locale):
        subject = _insurer_subject(kind, case)
        notice = case.procedure.formal_notice_sent_on
        text = render_template(
            "billing/dunning/insurer.txt", kind=kind, case=case, firm=tenant.name,
            kinds={"notice": NOTICE, "suspension": SUSPENSION, "lifted": LIFTED, "paid": PAID},
            suspended_from=notice and nonpayment_rules.suspended_from(notice),
            cancellable_from=notice and nonpayment_rules.cancellable_from(notice))
    try:
        message = outbox.enqueue_message(
            session, insurer=case.insurer, subject_type="nonpayment_procedure", subject_id=case.procedure.id,
            kind=kind, payload=_payload(kind, case),
            envelope={"subject": subject, "text": text, "document_ids": list(document_ids)})
    except outbox.OutboxError as exc:
        with force_locale(locale):
            summary = _("The insurer could not be told (%(subject)s): its channel is not set up.", subject=subject)
        contracts.record_event(session, actor, case.contract, kind="notice", summary=summary,
                               details={"procedure_id": case.procedure.id, "problem": exc.code})
        audit.record(session, actor, "nonpayment.insurer_unreachable", "nonpayment_procedure", case.procedure.id,
                     after={"kind": kind, "problem": exc.code})
        logger.warning("non-payment message %s for procedure %s not sent: %s", kind, case.procedure.id, exc.code)
        return None
    audit.record(session, actor, "nonpayment.notify_insurer", "nonpayment_procedure", case.procedure.id,
                 after={"kind": kind, "message_id": message.id, "channel": message.channel})
    return message

"""The answer to a complaint as a letter: a PDF with the firm's header, kept
as a ``Letter`` of the client (and contract, and claim) and emailed to the
client. When the answer does not give the client all they asked for, the
letter names the firm's mediator and the client's right to refer to it
(:func:`app.complaints.rules.names_the_mediator`), and, for a complaint
about an insurer, the insurers' mediator that may apply."""

from __future__ import annotations

from datetime import date

from flask import render_template
from flask_babel import force_locale, format_date
from flask_babel import gettext as _
from sqlalchemy.orm import Session

from app.audit import services as audit
from app.auth.models import User
from app.catalog.models import Insurer
from app.claims import timeline
from app.claims.models import Claim
from app.columns import utcnow
from app.complaints import mediator as mediators
from app.complaints import rules
from app.complaints.labels import OUTCOME_LABELS
from app.complaints.models import Complaint, ComplaintAbout
from app.contracts import services as contracts
from app.contracts.models import Contract, Letter
from app.crm.models import Client, Interaction, InteractionKind
from app.documents import services as documents
from app.documents.models import DocumentKind
from app.letters.pdf import render_pdf
from app.letters.services import client_address
from app.mail.services import queue_email
from app.portal.models import PortalAccount
from app.settings import branding

TEMPLATE_CODE = "complaint_answer"


def _mediator_lines(mediator: mediators.Mediator) -> str:
    return "\n".join(part for part in (mediator.name, mediator.address, mediator.website) if part)


def mediator_paragraphs(complaint: Complaint, firm_mediator: mediators.Mediator | None,
                        insurer: Insurer | None) -> list[str]:
    """What the letter says of mediation, in the current locale: nothing
    when the complaint is upheld; else the firm's mediator and the client's
    right to refer to it (L612-2 Code de la consommation), and for a
    complaint about an insurer, the insurers' mediator (unless it is the
    firm's own)."""
    if not rules.names_the_mediator(complaint.outcome) or firm_mediator is None:
        return []
    paragraphs = [
        _("If this answer does not satisfy you, you may refer the dispute, free of charge, to the mediator our "
          "firm adheres to:"),
        _mediator_lines(firm_mediator),
        _("You may do so once you have received this answer, or two months after your written complaint if you "
          "had no answer, and within one year of your written complaint (article L612-2 of the French Consumer "
          "Code). The mediator's opinion does not prevent you from going to court."),
    ]
    insurers_mediator = mediators.of_insurers()
    if complaint.about == ComplaintAbout.INSURER and insurer is not None \
            and firm_mediator.name.casefold() != insurers_mediator.name.casefold():
        paragraphs += [
            _("As your complaint is about %(insurer)s, the insurer's mediator may also apply, for instance:",
              insurer=insurer.name),
            _mediator_lines(insurers_mediator),
        ]
    return paragraphs


def subject_of(complaint: Complaint) -> str:
    return _("Your complaint %(reference)s: our answer", reference=complaint.reference)


def compose(session: Session, actor, tenant, complaint: Complaint) -> Letter:
    """The answer letter of an answered complaint, as a PDF kept with the
    client's documents, in the current locale; sets ``answer_letter_id``."""
    client = session.get(Client, complaint.client_id)
    contract = session.get(Contract, complaint.contract_id) if complaint.contract_id else None
    insurer = session.get(Insurer, complaint.insurer_id) if complaint.insurer_id else None
    handler = session.get(User, complaint.handler_id) if complaint.handler_id else None
    subject = subject_of(complaint)
    answer = [part.strip("\n") for part in complaint.answer.replace("\r\n", "\n").split("\n\n") if part.strip()]
    mediation = mediator_paragraphs(complaint, mediators.of_firm(tenant), insurer)
    intro = _("On %(day)s, you told us of your complaint: %(subject)s.",
              day=format_date(complaint.received_on, "long"), subject=complaint.subject)
    outcome = str(OUTCOME_LABELS[complaint.outcome])
    pdf = render_pdf(render_template(
        "complaints/answer_letter.html", header=branding.document_header(session, tenant), client=client,
        address=client_address(client), contract=contract, complaint=complaint, insurer=insurer, subject=subject,
        intro=intro, outcome=outcome, answer=answer, mediation=mediation,
        signatory=getattr(actor, "full_name", None) or (handler.full_name if handler else ""), today=date.today()))
    stored = documents.store(session, actor, content=pdf, kind=DocumentKind.LETTER, title=subject,
                             client_id=client.id, content_type="application/pdf",
                             filename=f"complaint-answer-{complaint.reference}.pdf")
    stored.contract_id = complaint.contract_id
    letter = Letter(contract_id=complaint.contract_id, client_id=client.id, claim_id=complaint.claim_id,
                    template_code=TEMPLATE_CODE, subject=subject[:250],
                    body="\n\n".join([intro, f"{_('Outcome:')} {outcome}", *answer, *mediation]),
                    document_id=stored.id, created_by_id=getattr(actor, "id", None))
    session.add(letter)
    session.flush()
    complaint.answer_letter_id = letter.id
    audit.record(session, actor, "letter.compose", "letter", letter.id,
                 after={"client_id": client.id, "contract_id": letter.contract_id, "template": TEMPLATE_CODE,
                        "complaint_id": complaint.id, "subject": letter.subject, "document_id": stored.id})
    return letter


def recipient(session: Session, complaint: Complaint) -> tuple[str | None, str | None, str]:
    """(address, locale, name) the answer goes to: the client space that
    filed the complaint, else the client's email (None without one)."""
    client = session.get(Client, complaint.client_id)
    account = session.get(PortalAccount, complaint.account_id) if complaint.account_id else None
    if account is not None and account.is_active:
        return account.email, account.locale, account.display_name
    return (client.email or "").strip() or None, None, client.display_name


def send(session: Session, actor, tenant, complaint: Complaint, letter: Letter, *, locale: str) -> str | None:
    """Email the answer letter to the client; return the address, or None
    when the client has no email address (the letter is then posted)."""
    to, account_locale, name = recipient(session, complaint)
    if to is None:
        return None
    locale = account_locale or locale
    document, pdf = documents.file_of(session, letter.document_id)
    firm_mediator = mediators.of_firm(tenant) if rules.names_the_mediator(complaint.outcome) else None
    with force_locale(locale):
        subject = subject_of(complaint)
    queue_email(session, tenant.slug, to, subject, "complaint_answer", locale=locale, sender_name=tenant.name,
                name=name, firm=tenant.name, complaint=complaint, mediator=firm_mediator,
                attachments=((document.filename, "application/pdf", pdf),))
    letter.sent_at, letter.sent_to = utcnow(), to
    session.add(Interaction(client_id=complaint.client_id, kind=InteractionKind.EMAIL.value, direction="out",
                            occurred_at=letter.sent_at, subject=letter.subject[:200],
                            author_id=getattr(actor, "id", None)))
    audit.record(session, actor, "letter.send", "letter", letter.id,
                 after={"sent_to": to, "complaint_id": complaint.id})
    with force_locale("fr"):
        summary = _("Answer to complaint %(reference)s sent to %(email)s", reference=complaint.reference, email=to)
    if complaint.contract_id:
        contracts.record_event(session, actor, session.get(Contract, complaint.contract_id), kind="letter_sent",
                               summary=summary, details={"letter_id": letter.id, "complaint_id": complaint.id})
    if complaint.claim_id:
        timeline.record(session, actor, session.get(Claim, complaint.claim_id), "letter_sent", summary,
                        {"letter_id": letter.id, "complaint_id": complaint.id})
    session.flush()
    return to

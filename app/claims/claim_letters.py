"""Letters about a claim, through the letters module: merged with the
claim's fields, produced as a PDF kept with the claim (shown in the
client's space) and with the contract, sent by email to the client. Each
step is on the claim's timeline; the caller commits."""

from __future__ import annotations

from flask_babel import force_locale
from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.orm import Session

from app.claims import timeline
from app.claims.models import AttachmentCategory, Claim, ClaimAttachment
from app.contracts.models import Contract, Letter
from app.crm.models import Client
from app.letters import services as letters


def letter_of(session: Session, claim: Claim, letter_id: int) -> Letter | None:
    """One of the claim's letters; None for a letter of another claim."""
    return session.scalar(select(Letter).where(Letter.id == letter_id, Letter.claim_id == claim.id))


def draft(session: Session, actor, claim: Claim, template_code: str, tenant) -> tuple[str, str]:
    return letters.draft(session, actor, client=session.get(Client, claim.client_id),
                         contract=session.get(Contract, claim.contract_id), template_code=template_code,
                         tenant=tenant, claim=claim)


def produce(session: Session, actor, claim: Claim, *, template_code: str, subject: str, body: str,
            tenant) -> Letter:
    """The handler's text as a PDF, kept with the claim and shown to the client."""
    letter = letters.compose(session, actor, client=session.get(Client, claim.client_id),
                             contract=session.get(Contract, claim.contract_id), template_code=template_code,
                             subject=subject, body=body, tenant=tenant, claim=claim)
    attachment = ClaimAttachment(claim_id=claim.id, document_id=letter.document_id, added_by="firm",
                                 category=AttachmentCategory.LETTER.value, visible_to_client=True)
    session.add(attachment)
    session.flush()
    with force_locale("fr"):  # timeline summaries are in the firm's language
        summary = _("Letter: %(subject)s", subject=letter.subject)
    timeline.record(session, actor, claim, "document_added", summary[:300],
                    {"letter_id": letter.id, "attachment_id": attachment.id, "category": attachment.category,
                     "visible_to_client": True})
    return letter


def send(session: Session, actor, claim: Claim, letter: Letter, *, tenant, locale: str) -> str:
    """Email the letter to the client; return the address."""
    address = letters.send(session, actor, letter, tenant=tenant, locale=locale)
    with force_locale("fr"):
        summary = _("Letter sent to %(email)s: %(subject)s", email=address, subject=letter.subject)
    timeline.record(session, actor, claim, "letter_sent", summary[:300], {"letter_id": letter.id, "to": address})
    return address

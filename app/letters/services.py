"""Letters: merge a template for a client (and contract), let the handler
edit it, produce the PDF kept in the contract's documents, send it by email.

Services here flush and leave the commit to their caller, so that a letter
can be part of a larger change (the renewal notice and its ``RenewalNotice``
row are written together or not at all).
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from flask import g, render_template
from flask_babel import format_currency, format_date, get_locale
from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.orm import Session

from app.audit import services as audit
from app.auth.models import User
from app.catalog.lines import line_definition
from app.catalog.models import Insurer
from app.claims.models import Claim
from app.columns import utcnow
from app.contracts import services as contracts
from app.contracts.models import Cancellation, Contract, Letter
from app.crm.models import Client, Interaction, InteractionKind
from app.documents import services as documents
from app.documents.models import DocumentKind
from app.letters import claim_fields, rules, templates
from app.letters.pdf import render_pdf
from app.mail.services import queue_email

__all__ = ["LetterError", "compose", "draft", "render_pdf", "send", "letters_of", "letters_of_claim", "get",
           "merge_values"]


class LetterError(Exception):
    def __init__(self, code: str) -> None:
        super().__init__(code)
        self.code = code


def _shown(value) -> str:
    """A value as the letter shows it, in the current locale."""
    if isinstance(value, date):
        return format_date(value, "long")
    if isinstance(value, Decimal):
        return format_currency(value, "EUR")
    return "" if value is None else str(value)


def client_address(client: Client) -> str:
    town = " ".join(part for part in (client.postal_code, client.city) if part)
    return "\n".join(part for part in (client.address_line1, client.address_line2, town) if part)


def _handler_name(session: Session, actor, contract: Contract | None, client: Client) -> str:
    if getattr(actor, "full_name", None):
        return actor.full_name
    handler_id = (contract.handler_id if contract else None) or client.handler_id
    handler = session.get(User, handler_id) if handler_id else None
    return handler.full_name if handler else ""


def merge_values(session: Session, actor, *, client: Client, contract: Contract | None, tenant,
                 extra: dict | None = None, claim: Claim | None = None) -> dict[str, str]:
    """The merge fields' values for this client and contract (and claim), formatted."""
    settings = getattr(tenant, "settings", None) or {}
    values = {
        "client_name": client.display_name, "client_address": client_address(client),
        "client_reference": client.reference, "firm_name": tenant.name, "firm_orias": settings.get("orias"),
        "firm_address": settings.get("address"), "today": date.today(),
        "handler_name": _handler_name(session, actor, contract, client),
    }
    if contract is not None:
        insurer = session.get(Insurer, contract.insurer_id)
        values |= {
            "contract_number": contract.policy_number or contract.reference, "contract_reference": contract.reference,
            "insurer_name": insurer.name if insurer else "", "line": line_definition(contract.line).label,
            "effective_date": contract.effective_date, "renewal_date": contract.renewal_date,
            "cancellation_date": contract.ended_on, "amount": contract.total,
        }
        values |= _renewal_values(session, contract) | _cancellation_values(session, contract)
    if claim is not None:
        values |= {name: value for name, value in claim_fields.claim_values(session, claim, contract).items()
                   if value not in (None, "")}
    values |= extra or {}
    return {name: _shown(value) for name, value in values.items() if name in rules.MERGE_FIELDS}


def _renewal_values(session: Session, contract: Contract) -> dict:
    # imported here: the renewals area composes its notices with this module
    from app.renewals.services import renewal_amounts
    from app.renewals.rules import cancellation_deadline

    return {"cancellation_deadline": cancellation_deadline(contract.renewal_date, contract.notice_days),
            "new_amount": renewal_amounts(session, contract).total}


def _cancellation_values(session: Session, contract: Contract) -> dict:
    cancellation = session.scalars(select(Cancellation).where(Cancellation.contract_id == contract.id)
                                   .order_by(Cancellation.id.desc()).limit(1)).first()
    if cancellation is None:
        return {}
    return {"cancellation_date": cancellation.effective_on, "refund_amount": cancellation.refund_total,
            "reason": cancellation.reason}


def draft(session: Session, actor, *, client: Client, contract: Contract | None, template_code: str, tenant,
          extra: dict | None = None, claim: Claim | None = None) -> tuple[str, str]:
    """(subject, body) of the template merged for this client and contract (and claim)."""
    wording = templates.wording_of(session, template_code, str(get_locale()))
    if wording is None:
        raise LetterError("unknown_template")
    values = merge_values(session, actor, client=client, contract=contract, tenant=tenant, extra=extra, claim=claim)
    try:
        return rules.merge(wording.subject, values), rules.merge(wording.body, values)
    except rules.TemplateRefused as exc:
        raise LetterError("template_refused") from exc


def _pdf(session: Session, actor, *, client: Client, contract: Contract | None, subject: str, body: str,
         tenant) -> bytes:
    html = render_template(
        "documents/letter.html", firm=tenant.name, orias=(getattr(tenant, "settings", None) or {}).get("orias"),
        client=client, address=client_address(client), contract=contract, subject=subject,
        paragraphs=[part.strip("\n") for part in body.replace("\r\n", "\n").split("\n\n")],
        signatory=_handler_name(session, actor, contract, client), today=date.today(),
    )
    return render_pdf(html)


def compose(session: Session, actor, *, client: Client, contract: Contract | None = None, template_code: str,
            extra: dict | None = None, subject: str | None = None, body: str | None = None, tenant=None,
            kind: DocumentKind = DocumentKind.LETTER, claim: Claim | None = None) -> Letter:
    """Produce the letter as a PDF kept with the client's (and contract's)
    documents, about ``claim`` when given. ``subject`` and ``body``, when
    given, are the handler's edited text, kept as typed (never merged again)."""
    tenant = tenant or g.tenant
    if subject is None or body is None:
        merged_subject, merged_body = draft(session, actor, client=client, contract=contract,
                                            template_code=template_code, tenant=tenant, extra=extra, claim=claim)
        subject, body = subject or merged_subject, body or merged_body
    subject, body = subject.strip()[:250], body.strip()
    if not subject or not body:
        raise LetterError("empty")
    pdf = _pdf(session, actor, client=client, contract=contract, subject=subject, body=body, tenant=tenant)
    stored = documents.store(
        session, actor, content=pdf, kind=kind, title=subject, client_id=client.id, content_type="application/pdf",
        filename=f"{kind.value.replace('_', '-')}-{(contract or client).reference}-{date.today():%Y%m%d}.pdf")
    stored.contract_id = contract.id if contract else None
    letter = Letter(contract_id=stored.contract_id, client_id=client.id, claim_id=claim.id if claim else None,
                    template_code=template_code, subject=subject, body=body, document_id=stored.id,
                    created_by_id=getattr(actor, "id", None))
    session.add(letter)
    session.flush()
    audit.record(session, actor, "letter.compose", "letter", letter.id,
                 after={"client_id": client.id, "contract_id": letter.contract_id, "claim_id": letter.claim_id,
                        "template": template_code, "subject": subject, "document_id": stored.id})
    if contract is not None:
        contracts.record_event(session, actor, contract, kind="letter", summary=_("Letter: %(subject)s",
                               subject=subject), details={"letter_id": letter.id, "document_id": stored.id})
    return letter


def send(session: Session, actor, letter: Letter, *, tenant=None, locale: str | None = None) -> str:
    """Email the letter's PDF to the client; return the address."""
    tenant = tenant or g.tenant
    client = session.get(Client, letter.client_id)
    if not (client.email or "").strip():
        raise LetterError("no_email")
    found = documents.file_of(session, letter.document_id)
    if found is None:
        raise LetterError("no_document")
    document, pdf = found
    queue_email(session, tenant.slug, client.email, letter.subject, "letter", sender_name=tenant.name,
                locale=locale or str(get_locale()), firm=tenant.name, client=client, letter_subject=letter.subject,
                attachments=((document.filename, "application/pdf", pdf),))
    letter.sent_at, letter.sent_to = utcnow(), client.email
    session.add(Interaction(client_id=client.id, kind=InteractionKind.EMAIL.value, direction="out",
                            occurred_at=letter.sent_at, subject=letter.subject[:200],
                            author_id=getattr(actor, "id", None)))
    audit.record(session, actor, "letter.send", "letter", letter.id, after={"sent_to": client.email})
    if letter.contract_id is not None:
        contract = session.get(Contract, letter.contract_id)
        contracts.record_event(session, actor, contract, kind="letter_sent",
                               summary=_("Letter sent to %(email)s: %(subject)s", email=client.email,
                                         subject=letter.subject), details={"letter_id": letter.id})
    session.flush()
    return client.email


def get(session: Session, letter_id: int) -> Letter | None:
    return session.get(Letter, letter_id)


def letters_of(session: Session, contract: Contract) -> list[Letter]:
    return list(session.scalars(select(Letter).where(Letter.contract_id == contract.id)
                                .order_by(Letter.created_at.desc(), Letter.id.desc())))


def letters_of_claim(session: Session, claim: Claim) -> list[Letter]:
    return list(session.scalars(select(Letter).where(Letter.claim_id == claim.id)
                                .order_by(Letter.created_at.desc(), Letter.id.desc())))



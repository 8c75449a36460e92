"""The claim notice (déclaration de sinistre) to the contract's insurer,
written to the outbox in the same transaction as the claim's registration.

By email: a PDF with the firm's header (policy, insured, what happened, the
line's details, the claim's reference, the handler to contact) and the same
data as a JSON attachment. By API: that JSON, posted signed by the outbox.
When the insurer has no usable channel the claim is registered all the
same: its timeline says why, and the handler gets a task to send it by hand.
"""

from __future__ import annotations

from datetime import datetime

from flask import current_app, render_template
from flask_babel import force_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.orm import Session

from app.audit import services as audit
from app.auth.models import User
from app.catalog.lines import line_definition
from app.catalog.models import Insurer, PlacementChannel
from app.claims import labels, timeline
from app.claims.models import AttachmentCategory, Claim, ClaimAttachment
from app.columns import utcnow
from app.contracts.models import Contract
from app.crm import followup
from app.crm.models import Client
from app.documents import services as documents
from app.documents.models import DocumentKind
from app.letters.pdf import render_pdf
from app.outbox import services as outbox
from app.outbox.models import MessageStatus, OutboxMessage
from app.settings import branding
from app.web.urls import tenant_url
from tenants import bound_schema
from tenants.models import Tenant

KIND = "claim_notice"
SUBJECT_TYPE = "claim"
SCHEMA_VERSION = "1.0"
API_PATH = "/api/insurer/v1"

#: why a notice cannot go (the outbox's channel problems, and this module's own)
PROBLEMS = {
    "insurer_inactive": _l("The insurer is no longer active in the panel."),
    "no_placement_email": _l("The insurer has no email address for its messages: add it on the insurer's page."),
    "no_api_endpoint": _l("The insurer's API endpoint is missing or not HTTPS: fix it on the insurer's page."),
    "no_api_secret": _l("The insurer has no API secret to sign its messages: generate one on the insurer's page."),
    "notice_pending": _l("The claim notice is waiting for delivery: resend it rather than sending another."),
    "notice_delivered": _l("The insurer already received the claim notice."),
    "no_notice": _l("No claim notice was sent yet: send it first."),
    "message_cancelled": _l("The claim notice was cancelled: send a new one."),
}

#: the notice's own state forbids the action (the others are the insurer's channel)
STATE_PROBLEMS = frozenset({"notice_pending", "notice_delivered", "no_notice", "message_cancelled"})


class NoticeError(Exception):
    """The notice cannot be sent; ``code`` is a key of :data:`PROBLEMS`."""

    def __init__(self, code: str) -> None:
        super().__init__(code)
        self.code = code


def problem_text(code: str) -> str:
    return str(PROBLEMS.get(code, code))


def firm_of(session: Session) -> Tenant:
    """The firm (registry row) whose schema ``session`` is bound to."""
    return session.scalar(select(Tenant).where(Tenant.schema_name == bound_schema(session)))


def firm_locale() -> str:
    """The language of what the firm sends to insurers: its default one."""
    return current_app.config["BABEL_DEFAULT_LOCALE"]


def message_of(session: Session, claim: Claim) -> OutboxMessage | None:
    return session.get(OutboxMessage, claim.notice_message_id) if claim.notice_message_id else None


def _day(value) -> str | None:
    return value.isoformat() if value else None


def _side(actor) -> str:
    return "firm" if getattr(actor, "id", None) else "system"


def claim_part(claim: Claim, contract: Contract, client: Client) -> dict:
    """The claim as its insurer reads it, in the notice and in the insurer
    API (call it inside the firm's locale: labels are translated)."""
    return {
        "reference": claim.reference,
        "kind": claim.kind, "kind_label": str(labels.KIND_LABELS.get(claim.kind, claim.kind)),
        "occurred_at": claim.occurred_at.isoformat(), "known_on": _day(claim.known_on),
        "declared_on": _day(claim.declared_on), "declaration_deadline": _day(claim.deadline),
        "declared_late": claim.declared_late, "received_by": claim.channel,
        "place": claim.place, "circumstances": claim.circumstances,
        "details": [{"code": name, "label": str(labels.FIELD_LABELS.get(name, name)), "value": value}
                    for name, value in (claim.details or {}).items()],
        "contract": {"reference": contract.reference, "policy_number": contract.policy_number,
                     "line": {"code": contract.line, "label": str(line_definition(contract.line).label)},
                     "label": contract.label},
        "insured": {"name": contract.insured_name or client.display_name, "client_reference": client.reference,
                    "email": client.email, "phone": client.phone,
                    "address": {"line1": client.address_line1, "line2": client.address_line2,
                                "postal_code": client.postal_code, "city": client.city,
                                "country": client.country or "FR"}},
    }


def contact_of(session: Session, claim: Claim, tenant) -> dict:
    """Whom the insurer writes to about the claim: its handler, else the firm."""
    brand = branding.brand_of(tenant)
    handler = session.get(User, claim.handler_id) if claim.handler_id else None
    return {"name": handler.full_name if handler else brand.name,
            "email": handler.email if handler else brand.email, "phone": brand.phone}


def answer_urls(slug: str, reference: str) -> dict:
    """The insurer API's URLs to answer this claim."""
    claim_url = tenant_url(slug, f"{API_PATH}/claims/{reference}")
    return {"claim": claim_url, "acknowledgement": f"{claim_url}/acknowledgement",
            "reference": f"{claim_url}/reference", "decision": f"{claim_url}/decision",
            "payments": f"{claim_url}/payments"}


def payload_of(session: Session, claim: Claim, tenant, sent_at: datetime) -> dict:
    """The notice as JSON: what the API receives and the email attaches."""
    contract = session.get(Contract, claim.contract_id)
    settings = tenant.settings or {}
    return {
        "kind": KIND, "schema_version": SCHEMA_VERSION, "sent_at": sent_at.isoformat(),
        "broker": {"name": tenant.name, "orias": settings.get("orias") or None,
                   "siren": settings.get("siren") or None, "contact": contact_of(session, claim, tenant)},
        "claim": claim_part(claim, contract, session.get(Client, claim.client_id)),
        "answer_urls": answer_urls(tenant.slug, claim.reference),
    }


def _pdf(session: Session, actor, claim: Claim, tenant, payload: dict, insurer: Insurer,
         sent_at: datetime) -> ClaimAttachment:
    """The notice's PDF, kept with the claim's files (firm side only)."""
    html = render_template("documents/claim_notice.html", notice=payload, claim=claim, insurer=insurer,
                           sent_at=sent_at, header=branding.document_header(session, tenant),
                           siren=payload["broker"]["siren"], yes_no_fields=labels.YES_NO_FIELDS)
    stored = documents.store(session, actor, content=render_pdf(html), kind=DocumentKind.CLAIM,
                             title=_("Claim notice %(reference)s", reference=claim.reference),
                             filename=f"{claim.reference}-notice.pdf", client_id=claim.client_id,
                             content_type="application/pdf")
    stored.contract_id = claim.contract_id
    attachment = ClaimAttachment(claim_id=claim.id, document_id=stored.id, added_by="firm",
                                 category=AttachmentCategory.LETTER.value, visible_to_client=False)
    session.add(attachment)
    session.flush()
    return attachment


def _envelope(session: Session, actor, claim: Claim, tenant, payload: dict, insurer: Insurer,
              sent_at: datetime) -> dict:
    attachment = _pdf(session, actor, claim, tenant, payload, insurer, sent_at)
    part, contact = payload["claim"], payload["broker"]["contact"]
    subject = _("Claim notice %(reference)s: policy %(policy)s, %(insured)s", reference=claim.reference,
                policy=part["contract"]["policy_number"] or part["contract"]["reference"],
                insured=part["insured"]["name"])
    context = {"firm": tenant.name, "notice": payload, "claim": claim, "insurer": insurer}
    return {"subject": subject, "reply_to": contact["email"], "sender_name": tenant.name,
            "text": render_template("emails/claim_notice.txt", **context),
            "html": render_template("emails/claim_notice.html", **context),
            "document_ids": [attachment.document_id], "json_filename": f"{claim.reference}.json"}


def send(session: Session, actor, claim: Claim) -> OutboxMessage:
    """Write the claim notice to the contract's insurer through the outbox;
    the claim then names it. Raises NoticeError when the insurer has no
    usable channel, or a notice is already pending or delivered."""
    current = message_of(session, claim)
    if current is not None and current.status in (MessageStatus.PENDING, MessageStatus.DELIVERED):
        raise NoticeError(f"notice_{current.status}")
    insurer = session.get(Insurer, session.get(Contract, claim.contract_id).insurer_id)
    problem = outbox.channel_problem(insurer)
    if problem:
        raise NoticeError(problem)
    tenant = firm_of(session)
    sent_at = utcnow()
    with force_locale(firm_locale()):
        payload = payload_of(session, claim, tenant, sent_at)
        envelope = None if insurer.placement_channel == PlacementChannel.API else \
            _envelope(session, actor, claim, tenant, payload, insurer, sent_at)
    message = outbox.enqueue_message(session, insurer=insurer, subject_type=SUBJECT_TYPE, subject_id=claim.id,
                                     kind=KIND, payload=payload, envelope=envelope)
    claim.notice_message_id = message.id
    with force_locale("fr"):
        summary = _("Claim notice to %(insurer)s (%(destination)s)", insurer=insurer.name,
                    destination=message.destination)
    timeline.record(session, actor, claim, "notice_sent", summary,
                    {"message_id": message.id, "channel": message.channel, "destination": message.destination},
                    side=_side(actor))
    audit.record(session, actor, "claim.notice", "claim", claim.id, after={
        "message_id": message.id, "insurer_id": insurer.id, "channel": message.channel,
        "destination": message.destination})
    return message


def send_on_registration(session: Session, actor, claim: Claim) -> OutboxMessage | None:
    """The notice sent when the claim is registered. Without a usable channel
    the claim stands: the timeline says why, and the handler gets a task."""
    try:
        return send(session, actor, claim)
    except NoticeError as exc:
        _not_sent(session, actor, claim, exc.code)
        return None


def _not_sent(session: Session, actor, claim: Claim, problem: str) -> None:
    insurer = session.get(Insurer, session.get(Contract, claim.contract_id).insurer_id)
    client = session.get(Client, claim.client_id)
    with force_locale("fr"):
        reason = problem_text(problem)
        title = _("Send the claim notice %(reference)s to %(insurer)s by hand", reference=claim.reference,
                  insurer=insurer.name)
    followup.add_task(session, actor, client, title=title, details=reason, due_on=claim.declared_on,
                      assignee_id=claim.handler_id or client.handler_id, source=("claim", claim.id),
                      priority="high")
    timeline.record(session, actor, claim, "notice_failed", reason, {"problem": problem, "insurer_id": insurer.id},
                    side=_side(actor))
    audit.record(session, actor, "claim.notice_failed", "claim", claim.id,
                 after={"problem": problem, "insurer_id": insurer.id})


def resend(session: Session, actor, claim: Claim) -> OutboxMessage:
    """Try the claim's notice again now: the same message (same idempotency
    key, the insurer can spot a duplicate), with a fresh series of retries."""
    message = message_of(session, claim)
    if message is None:
        raise NoticeError("no_notice")
    try:
        outbox.resend(session, actor, message)
    except outbox.OutboxError as exc:
        raise NoticeError(exc.code) from exc
    with force_locale("fr"):
        summary = _("Claim notice sent again to %(destination)s", destination=message.destination)
    timeline.record(session, actor, claim, "notice_sent", summary, {"message_id": message.id, "resend": True},
                    side=_side(actor))
    audit.record(session, actor, "claim.notice_resend", "claim", claim.id, after={"message_id": message.id})
    return message


def panel(session: Session, claim: Claim) -> dict:
    """What the insurer panel shows of the notice: the insurer, the message
    and its attempts, what stops a new one, and which buttons apply."""
    contract = session.get(Contract, claim.contract_id)
    insurer = session.get(Insurer, contract.insurer_id)
    message = message_of(session, claim)
    problem = outbox.channel_problem(insurer)
    document_ids = (message.envelope or {}).get("document_ids") if message is not None else None
    pdf = session.scalar(select(ClaimAttachment).where(ClaimAttachment.claim_id == claim.id,
                                                       ClaimAttachment.document_id == document_ids[0])) \
        if document_ids else None
    open_statuses = (MessageStatus.PENDING, MessageStatus.DELIVERED)
    return {
        "insurer": insurer, "message": message, "attempts": list(message.attempt_log) if message else [],
        "problem": problem, "problem_text": problem_text(problem) if problem else None, "pdf": pdf,
        "can_send": problem is None and (message is None or message.status not in open_statuses),
        "can_resend": message is not None and message.status != MessageStatus.CANCELLED,
    }

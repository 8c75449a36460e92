"""Sending a placement: from an offer the client accepted, what will be sent
(review), then the placement and its outgoing message written together."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from flask import render_template
from flask_babel import force_locale
from flask_babel import gettext as _
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.audit import services as audit
from app.catalog.lines import line_definition
from app.catalog.models import Insurer, Product
from app.columns import utcnow
from app.crm.models import Client
from app.documents import services as documents
from app.documents.models import Document, DocumentKind
from app.outbox import services as outbox
from app.placements import document as placement_document
from app.placements import rules
from app.placements.models import Placement, PlacementStatus
from app.placements.proposal import proposal_pdf
from app.placements.services import PlacementError, active_for_offer
from app.quotes.models import AdviceDocument, NeedsAnalysis, Offer
from app.web.urls import tenant_url
from tenants import bound_schema

API_PATH = "/api/insurer/v1"


@dataclass
class Review:
    """Everything the handler checks before sending, and what stops it."""

    offer: Offer
    needs: NeedsAnalysis
    client: Client
    insurer: Insurer
    product: Product | None
    advice: Document | None
    supporting: list[Document]
    wanted_kinds: tuple[str, ...]
    problems: list[str] = field(default_factory=list)
    existing: Placement | None = None

    @property
    def channel(self) -> str:
        return self.insurer.placement_channel

    @property
    def destination(self) -> str | None:
        return self.insurer.api_endpoint if self.channel == "api" else self.insurer.placement_email


def latest_advice(session: Session, needs: NeedsAnalysis) -> Document | None:
    document_id = session.scalar(select(AdviceDocument.document_id).where(AdviceDocument.needs_id == needs.id)
                                 .order_by(AdviceDocument.created_at.desc(), AdviceDocument.id.desc()).limit(1))
    return documents.get(session, document_id) if document_id else None


def supporting_documents(session: Session, client_id: int, kinds: tuple[str, ...], today: date) -> list[Document]:
    """The client's valid documents of the kinds the line needs to place."""
    return [d for d in documents.for_client(session, client_id) if d.kind in kinds and not d.is_expired(today)]


def review(session: Session, offer: Offer, today: date | None = None) -> Review:
    today = today or date.today()
    needs = session.get(NeedsAnalysis, offer.needs_id)
    insurer = session.get(Insurer, offer.insurer_id)
    kinds = line_definition(needs.line).documents_to_place
    existing = active_for_offer(session, offer.id)
    result = Review(offer=offer, needs=needs, client=session.get(Client, needs.client_id), insurer=insurer,
                    product=session.get(Product, offer.product_id) if offer.product_id else None,
                    advice=latest_advice(session, needs),
                    supporting=supporting_documents(session, needs.client_id, kinds, today),
                    wanted_kinds=kinds, existing=existing)
    result.problems = rules.sending_problems(
        offer_accepted=offer.accepted_at is not None, offer_withdrawn=offer.is_withdrawn,
        has_active_placement=existing is not None, channel_problem=outbox.channel_problem(insurer))
    if result.advice is None:
        result.problems.append("no_advice")
    return result


def preview(session: Session, result: Review, actor, *, tenant, wanted_effective_date: date | None,
            note: str | None) -> dict:
    """The document as it will be sent (its reference is given when sent),
    with the advice document and every supporting document offered."""
    chosen = [d for d in (result.advice, *result.supporting) if d is not None]
    return placement_document.build_document(
        reference="PLC-??????", created_at=utcnow(),
        broker=placement_document.broker_part(tenant.name, tenant.settings, actor), client=result.client,
        needs=result.needs, offer=result.offer, product=result.product,
        wanted_effective_date=wanted_effective_date or date.today(), note=note,
        attachments=_attachments(session, chosen), api_base=tenant_url(tenant.slug, API_PATH))


def _next_id(session: Session) -> int:
    """Reserve the placement's id so its reference is written with the row."""
    sequence = func.pg_get_serial_sequence(f"{bound_schema(session)}.placement", "id")
    return session.scalar(select(func.nextval(sequence)))


def _attachments(session: Session, chosen: list[Document]) -> list[placement_document.Attachment]:
    return [placement_document.Attachment(d.kind, d.title, d.filename, d.content_type,
                                          documents.content_of(session, d)) for d in chosen]


def _chosen_documents(result: Review, document_ids: list[int]) -> list[Document]:
    """The advice document, then the supporting documents ticked (only the
    client's own, of the kinds offered: an id from elsewhere is refused)."""
    offered = {d.id: d for d in result.supporting}
    if any(document_id not in offered for document_id in document_ids):
        raise PlacementError("unknown_document")
    return [result.advice, *(offered[document_id] for document_id in dict.fromkeys(document_ids))]


def _envelope(result: Review, reference: str, handler, tenant, proposal: Document, locale: str) -> dict:
    """Subject (with the reference), reply-to the handler, bodies, attachments."""
    with force_locale(locale):
        line = str(line_definition(result.needs.line).label)
        subject = _("Placement request %(reference)s: %(client)s, %(line)s", reference=reference,
                    client=result.client.display_name, line=line)
        context = dict(firm=tenant.name, reference=reference, client=result.client, line=line, offer=result.offer,
                       product=result.product, handler=handler, insurer=result.insurer)
        text = render_template("emails/placement.txt", **context)
        html = render_template("emails/placement.html", **context)
    return {"subject": subject, "reply_to": handler.email, "sender_name": tenant.name, "text": text, "html": html,
            "document_ids": [proposal.id], "json_filename": f"{reference}.json"}


def place(session: Session, actor, offer: Offer, *, tenant, wanted_effective_date: date | None,
          document_ids: list[int], note: str | None, locale: str, today: date | None = None) -> Placement:
    """Send the placement of ``offer``: the placement, its proposal PDF and
    its outgoing message are written in one transaction (the outbox delivers
    it after the commit). Refused when the review shows a problem."""
    today = today or date.today()
    session.refresh(offer, with_for_update=True)  # two clicks never make two placements
    result = review(session, offer, today)
    if result.problems:
        raise PlacementError(result.problems[0])
    problem = rules.effective_date_problem(wanted_effective_date, today)
    if problem:
        raise PlacementError(problem)
    chosen = _chosen_documents(result, document_ids)
    number = _next_id(session)
    reference = rules.reference_for(number)
    built = placement_document.build_document(
        reference=reference, created_at=utcnow(), broker=placement_document.broker_part(tenant.name, tenant.settings,
                                                                                        actor),
        client=result.client, needs=result.needs, offer=offer, product=result.product,
        wanted_effective_date=wanted_effective_date, note=note, attachments=_attachments(session, chosen),
        api_base=tenant_url(tenant.slug, API_PATH))
    errors = placement_document.schema_errors(built)
    if errors:
        raise PlacementError("invalid_document")
    with force_locale(locale):
        proposal = documents.store(
            session, actor, content=proposal_pdf(built), kind=DocumentKind.SUBSCRIPTION_PROPOSAL,
            title=_("Subscription proposal %(reference)s", reference=reference), filename=f"{reference}.pdf",
            client_id=result.client.id, content_type="application/pdf")
    placement = Placement(
        id=number, reference=reference, offer_id=offer.id, needs_id=result.needs.id, client_id=result.client.id,
        insurer_id=result.insurer.id, channel=result.channel, status=PlacementStatus.SENT.value,
        wanted_effective_date=wanted_effective_date, schema_version=placement_document.SCHEMA_VERSION,
        document=built, proposal_document_id=proposal.id, note=(note or "").strip() or None,
        handler_id=getattr(actor, "id", None))
    session.add(placement)
    session.flush()
    message = outbox.enqueue_message(
        session, insurer=result.insurer, subject_type="placement", subject_id=placement.id, kind="placement.request",
        payload=built, envelope=_envelope(result, reference, actor, tenant, proposal, locale))
    placement.message_id = message.id
    audit.record(session, actor, "placement.send", "placement", placement.id, after={
        "reference": reference, "offer_id": offer.id, "insurer_id": result.insurer.id, "channel": result.channel,
        "wanted_effective_date": wanted_effective_date, "documents": [d.id for d in chosen],
        "message_id": message.id})
    session.commit()
    return placement

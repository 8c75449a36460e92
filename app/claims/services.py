"""Claims: the declaration (from the portal, or entered by the firm for a
call or a letter), its photos and documents, messages between the client
and the firm. On declaration the client gets the claim number, the
procedure and the deadlines by email, and the contract's handler a task."""

from __future__ import annotations

import io
from dataclasses import dataclass
from datetime import date, datetime, time
from zoneinfo import ZoneInfo

from flask import g
from flask_babel import force_locale
from flask_babel import gettext as _
from PIL import Image, UnidentifiedImageError
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.audit import services as audit
from app.claims import notice, rules, timeline
from app.claims.models import AttachmentCategory, Claim, ClaimAttachment, ClaimChannel, ClaimMessage, ClaimStatus
from app.contracts.models import Contract
from app.crm import followup
from app.crm.models import Client
from app.documents import services as documents
from app.documents.models import DocumentKind
from app.mail.services import queue_email
from tenants import bound_schema

MAX_ATTACHMENTS = 10
MAX_ATTACHMENT_BYTES = 8 * 1024 * 1024
THUMBNAIL_SIZE = (480, 480)
IMAGE_TYPES = frozenset({"image/jpeg", "image/png", "image/webp"})
PARIS = ZoneInfo("Europe/Paris")
#: a handler's first look at a new claim is due the next working day
FIRST_LOOK_WORKING_DAYS = 1


class ClaimError(Exception):
    def __init__(self, code: str, problems: dict | None = None) -> None:
        super().__init__(code)
        self.code, self.problems = code, problems or {}


@dataclass(frozen=True)
class Upload:
    filename: str
    content: bytes


def _next_id(session: Session) -> int:
    sequence = func.pg_get_serial_sequence(f"{bound_schema(session)}.claim", "id")
    return session.scalar(select(func.nextval(sequence)))


def _thumbnail(content: bytes) -> bytes | None:
    """A small JPEG of an image, or None if it is no image Pillow can read
    (a decompression bomb included)."""
    try:
        with Image.open(io.BytesIO(content)) as image:
            image.thumbnail(THUMBNAIL_SIZE)
            buffer = io.BytesIO()
            image.convert("RGB").save(buffer, format="JPEG", quality=80)
            return buffer.getvalue()
    except (UnidentifiedImageError, Image.DecompressionBombError, OSError):
        return None


def attach(session: Session, actor, claim: Claim, upload: Upload, side: str, *,
           category: str = AttachmentCategory.DECLARATION.value, visible_to_client: bool = True) -> ClaimAttachment:
    """Store a photo or a document of the claim (type checked by content,
    size-limited) under the firm's storage, with a thumbnail for images.
    ``visible_to_client`` False keeps it in the workspace (an expert's
    report, a lawyer's papers)."""
    if len(upload.content) > MAX_ATTACHMENT_BYTES:
        raise ClaimError("attachment_too_large")
    try:
        stored = documents.store(session, actor, content=upload.content, filename=upload.filename or "piece",
                                 kind=DocumentKind.CLAIM, client_id=claim.client_id,
                                 title=f"{claim.reference} · {upload.filename}")
    except documents.DocumentError as exc:
        raise ClaimError("attachment_" + exc.args[0]) from exc
    stored.contract_id = claim.contract_id
    thumbnail_id = None
    if stored.content_type in IMAGE_TYPES:
        small = _thumbnail(upload.content)
        if small is None:
            raise ClaimError("attachment_unsupported_type")
        thumbnail = documents.store(session, actor, content=small, filename=f"thumb-{stored.id}.jpg",
                                    kind=DocumentKind.CLAIM, client_id=claim.client_id,
                                    content_type="image/jpeg", title=f"{claim.reference} · thumbnail")
        thumbnail_id = thumbnail.id
    attachment = ClaimAttachment(claim_id=claim.id, document_id=stored.id, thumbnail_document_id=thumbnail_id,
                                 added_by=side, category=category, visible_to_client=visible_to_client)
    session.add(attachment)
    session.flush()
    return attachment


def declare(session: Session, actor, contract: Contract, kind: str, values: dict, uploads: list[Upload], *,
            channel: str, account_id: int | None = None, today: date | None = None) -> Claim:
    """Register a claim on ``contract``; ``values`` as the form gives them
    (dates parsed); the claim notice goes to the insurer in the same
    transaction. Raises ClaimError("invalid", problems by field)."""
    today = today or date.today()
    problems = rules.declaration_problems(contract.line, kind, values, today)
    if len(uploads) > MAX_ATTACHMENTS:
        problems["attachments"] = "too_many"
    if problems:
        raise ClaimError("invalid", problems)
    known_on = values.get("known_on") or values["occurred_on"]
    occurred_at = datetime.combine(values["occurred_on"], values.get("occurred_time") or time(12, 0), tzinfo=PARIS)
    deadline = rules.declaration_deadline(kind, known_on)
    claim_id = _next_id(session)
    details = {name: values[name] for fields in rules.SECTION_FIELDS.values() for name in fields
               if name in values and values[name] not in (None, "")}
    claim = Claim(id=claim_id, reference=f"SIN-{claim_id:06d}", contract_id=contract.id, client_id=contract.client_id,
                  line=contract.line, kind=kind, occurred_at=occurred_at, known_on=known_on, declared_on=today,
                  deadline=deadline, declared_late=today > deadline, place=values["place"].strip(),
                  circumstances=values["circumstances"].strip(), details=details, channel=channel,
                  declared_by_account_id=account_id, declared_by_user_id=getattr(actor, "id", None),
                  handler_id=contract.handler_id, status=ClaimStatus.DECLARED.value)
    session.add(claim)
    session.flush()
    for upload in uploads:
        attach(session, actor, claim, upload, "client" if channel == ClaimChannel.PORTAL else "firm")
    client = session.get(Client, contract.client_id)
    followup.add_task(session, actor, client, title=_task_title(claim, contract),
                      details=claim.circumstances[:500], due_on=rules.add_working_days(today, FIRST_LOOK_WORKING_DAYS),
                      assignee_id=contract.handler_id or client.handler_id, source=("claim", claim.id),
                      priority="high")
    timeline.record(session, actor, claim, "declared", claim.circumstances[:300],
                    {"channel": channel, "deadline": deadline.isoformat(), "declared_late": claim.declared_late},
                    side="client" if channel == ClaimChannel.PORTAL else "firm")
    audit.record(session, actor, "claim.declare", "claim", claim.id, after={
        "reference": claim.reference, "contract_id": contract.id, "kind": kind, "channel": channel,
        "occurred_at": occurred_at, "deadline": deadline, "declared_late": claim.declared_late})
    notice.send_on_registration(session, actor, claim)
    return claim


def _task_title(claim: Claim, contract: Contract) -> str:
    with force_locale("fr"):
        return _("New claim %(reference)s on %(contract)s", reference=claim.reference, contract=contract.reference)


def email_receipt(session: Session, claim: Claim, contract: Contract, to: str, name: str, locale: str) -> None:
    """The claim number, the procedure and the deadlines, by email."""
    with force_locale(locale):
        subject = _("Claim %(reference)s: we received your declaration", reference=claim.reference)
    queue_email(session, g.tenant.slug, to, subject, "claim_receipt", locale=locale, sender_name=g.tenant.name,
                name=name, firm=g.tenant.name, claim=claim, contract=contract)


def of_client(session: Session, client_id: int) -> list[Claim]:
    return list(session.scalars(select(Claim).where(Claim.client_id == client_id)
                                .order_by(Claim.created_at.desc(), Claim.id.desc())))


def attachments_of(session: Session, claim: Claim, *, for_client: bool = False) -> list[ClaimAttachment]:
    """The claim's files; the client sees only those shared with them."""
    query = select(ClaimAttachment).where(ClaimAttachment.claim_id == claim.id)
    if for_client:
        query = query.where(ClaimAttachment.visible_to_client.is_(True))
    return list(session.scalars(query.order_by(ClaimAttachment.id)))


def attachment_document(session: Session, claim: Claim, attachment_id: int, *, thumbnail: bool = False,
                        for_client: bool = False):
    """The stored document of one of ``claim``'s files (or its thumbnail),
    or None when the claim has no such file, or does not share it with the
    client when ``for_client``."""
    query = select(ClaimAttachment).where(ClaimAttachment.id == attachment_id, ClaimAttachment.claim_id == claim.id)
    if for_client:
        query = query.where(ClaimAttachment.visible_to_client.is_(True))
    item = session.scalar(query)
    if item is None:
        return None
    return documents.get(session, item.thumbnail_document_id if thumbnail and item.thumbnail_document_id
                         else item.document_id)


def messages_of(session: Session, claim: Claim) -> list[ClaimMessage]:
    return list(session.scalars(select(ClaimMessage).where(ClaimMessage.claim_id == claim.id)
                                .order_by(ClaimMessage.created_at, ClaimMessage.id)))


def post_message(session: Session, actor, claim: Claim, body: str, *, side: str, upload: Upload | None = None,
                 account_id: int | None = None) -> ClaimMessage:
    body = (body or "").strip()
    if not body and upload is None:
        raise ClaimError("invalid", {"body": "required"})
    if len(body) > rules.MAX_TEXT:
        raise ClaimError("invalid", {"body": "too_long"})
    attachment = attach(session, actor, claim, upload, side) if upload is not None else None
    message = ClaimMessage(claim_id=claim.id, author_side=side, author_user_id=getattr(actor, "id", None),
                           author_account_id=account_id, body=body,
                           attachment_id=attachment.id if attachment else None)
    session.add(message)
    session.flush()
    timeline.record(session, actor, claim, f"message_{side}", body[:300], {"message_id": message.id}, side=side)
    audit.record(session, actor, "claim.message", "claim", claim.id, after={"side": side, "message_id": message.id})
    return message


#: the statuses a handler sets by hand; "settled" follows the payments and "closed" needs a reason
#: (app.claims.settlement)
MANUAL_STATUSES = (ClaimStatus.DECLARED.value, ClaimStatus.IN_PROGRESS.value, ClaimStatus.WITH_INSURER.value)


def set_status(session: Session, actor, claim: Claim, status: str, version: str) -> Claim:
    """The handler moves an open claim on (declared, being handled, with the insurer)."""
    if not version.isdigit() or int(version) != claim.version:
        raise ClaimError("stale")
    if status not in MANUAL_STATUSES or claim.status not in MANUAL_STATUSES:
        raise ClaimError("choice_invalid")
    before = claim.status
    claim.status = status
    if before != claim.status:
        timeline.record(session, actor, claim, "status_changed", "", {"from": before, "to": claim.status})
    audit.record(session, actor, "claim.update", "claim", claim.id, before={"status": before},
                 after={"status": claim.status})
    return claim

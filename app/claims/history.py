"""A claim's history for its timeline tab: the entries of every side,
filtered by side and by part of the handling; the claim's documents with
who can see them, and sharing one with the client (or taking it back)."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from flask_babel import force_locale
from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.orm import Session

from app.audit import services as audit
from app.claims import timeline, timeline_rules
from app.claims.models import Claim, ClaimAttachment, ClaimEvent
from app.documents.models import Document

PARIS = ZoneInfo("Europe/Paris")


@dataclass(frozen=True)
class ClaimFile:
    attachment: ClaimAttachment
    document: Document


class HistoryError(Exception):
    def __init__(self, code: str) -> None:
        super().__init__(code)
        self.code = code


def events(session: Session, claim: Claim, *, side: str | None = None, group: str | None = None) -> list[ClaimEvent]:
    """The claim's entries, newest first; ``side`` and ``group`` narrow them
    (unknown values are ignored)."""
    query = select(ClaimEvent).where(ClaimEvent.claim_id == claim.id)
    if side in timeline_rules.SIDES:
        query = query.where(ClaimEvent.side == side)
    kinds = timeline_rules.kinds_of(group)
    if kinds is not None:
        query = query.where(ClaimEvent.kind.in_(kinds))
    return list(session.scalars(query.order_by(ClaimEvent.at.desc(), ClaimEvent.id.desc())))


def files_of(session: Session, claim: Claim) -> list[ClaimFile]:
    """Every document of the claim with its stored file's name, by category then order of arrival."""
    rows = session.execute(select(ClaimAttachment, Document).join(Document, Document.id == ClaimAttachment.document_id)
                           .where(ClaimAttachment.claim_id == claim.id)
                           .order_by(ClaimAttachment.category, ClaimAttachment.id))
    return [ClaimFile(attachment, document) for attachment, document in rows]


def set_shared(session: Session, actor, claim: Claim, attachment_id: int, shared: bool) -> ClaimAttachment:
    """Show one of the claim's documents in the client's space, or take it back."""
    found = session.execute(select(ClaimAttachment, Document).join(Document, Document.id == ClaimAttachment.document_id)
                            .where(ClaimAttachment.id == attachment_id, ClaimAttachment.claim_id == claim.id)).first()
    if found is None:
        raise HistoryError("not_found")
    attachment, document = found
    if attachment.visible_to_client == shared:
        return attachment
    attachment.visible_to_client = shared
    with force_locale("fr"):  # timeline summaries are in the firm's language
        summary = (_("Shared with the client: %(name)s", name=document.filename) if shared
                   else _("No longer shown to the client: %(name)s", name=document.filename))
    timeline.record(session, actor, claim, "document_shared", summary[:300],
                    {"attachment_id": attachment.id, "visible_to_client": shared})
    audit.record(session, actor, "claim.document_share", "claim", claim.id,
                 before={"attachment_id": attachment.id, "visible_to_client": not shared},
                 after={"attachment_id": attachment.id, "visible_to_client": shared})
    session.flush()
    return attachment


def export_rows(entries: list[ClaimEvent], headers: list[str], kind_label, side_label, detail_text) -> Iterator[list]:
    """The rows of the timeline's CSV: the header, then one row per entry."""
    yield headers
    for entry in entries:
        yield [entry.at.astimezone(PARIS).strftime("%Y-%m-%d %H:%M"), kind_label(entry.kind), side_label(entry.side),
               entry.actor_label or "", entry.summary, detail_text(entry.details)]

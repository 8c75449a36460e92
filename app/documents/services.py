"""Storing and reading documents: the row and its file, written together."""

from __future__ import annotations

import hashlib
from datetime import date

from sqlalchemy import event, select
from sqlalchemy.orm import Session

from app.audit import services as audit
from app.documents import storage
from app.documents.models import Document, DocumentKind
from app.documents.rules import sniff, upload_problem


class DocumentError(Exception):
    def __init__(self, code: str) -> None:
        super().__init__(code)
        self.code = code


def store(session: Session, actor, *, content: bytes, filename: str, kind: DocumentKind | str,
          title: str | None = None, client_id: int | None = None, expires_on: date | None = None,
          content_type: str | None = None) -> Document:
    """Add a document and write its file. Uploads pass no ``content_type``
    and are checked by content; generated files (PDF) name theirs.

    The file is written before the row is flushed: if the transaction later
    rolls back, an orphan file remains, never a row without its file.
    """
    if content_type is None:
        problem = upload_problem(content)
        if problem:
            raise DocumentError(problem)
        content_type, extension = sniff(content)
    else:
        extension = "." + filename.rsplit(".", 1)[-1].lower() if "." in filename else ""
    key = storage.new_key(extension)
    storage.write(session, key, content)
    document = Document(
        client_id=client_id, kind=str(kind), title=(title or filename)[:200], filename=filename[:255],
        content_type=content_type, size=len(content), sha256=hashlib.sha256(content).hexdigest(),
        storage_key=key, expires_on=expires_on, uploaded_by_id=getattr(actor, "id", None),
    )
    session.add(document)
    session.flush()
    audit.record(session, actor, "document.add", "document", document.id,
                 after={"client_id": client_id, "kind": str(kind), "filename": filename})
    return document


def content_of(session: Session, document: Document) -> bytes:
    return storage.read(session, document.storage_key)


def file_of(session: Session, document_id: int | None) -> tuple[Document, bytes] | None:
    """A stored document and its bytes, or None when there is none."""
    document = session.get(Document, document_id) if document_id is not None else None
    return None if document is None else (document, content_of(session, document))


def get(session: Session, document_id: int) -> Document | None:
    return session.get(Document, document_id)


def for_client(session: Session, client_id: int) -> list[Document]:
    return list(session.scalars(
        select(Document).where(Document.client_id == client_id).order_by(Document.created_at.desc(), Document.id.desc())
    ))


def delete(session: Session, actor, document: Document) -> None:
    """Remove the row now and the file once the transaction commits."""
    key = document.storage_key
    audit.record(session, actor, "document.delete", "document", document.id,
                 before={"client_id": document.client_id, "kind": document.kind, "filename": document.filename})
    session.delete(document)
    session.flush()
    session.info.setdefault(_PENDING_REMOVALS, []).append((storage.tenant_root(session), key))


_PENDING_REMOVALS = "documents.pending_removals"


@event.listens_for(Session, "after_commit")
def _remove_deleted_files(session: Session) -> None:
    for root, key in session.info.pop(_PENDING_REMOVALS, []):
        (root / key).unlink(missing_ok=True)


@event.listens_for(Session, "after_rollback")
def _keep_files_of_rolled_back_deletions(session: Session) -> None:
    session.info.pop(_PENDING_REMOVALS, None)

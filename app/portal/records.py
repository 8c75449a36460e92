"""What a portal account may read: the contracts of its client (the
individual, or the business its contact belongs to), their documents meant
for the client, and the contract's current certificate. Every read goes
through here, keyed by the account, so another client's ids find nothing."""

from __future__ import annotations

from datetime import date

from flask import url_for
from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from app.attestations import services as attestations
from app.catalog.models import Insurer
from app.contracts.models import Attestation, Contract, ContractStatus
from app.documents.models import Document, DocumentKind
from app.portal.models import PortalAccount

#: the contract's documents a client sees (not the firm's internal papers)
CLIENT_DOCUMENT_KINDS = frozenset({
    DocumentKind.ADVICE_DOCUMENT, DocumentKind.SUBSCRIPTION_PROPOSAL, DocumentKind.GENERAL_CONDITIONS,
    DocumentKind.SPECIFIC_CONDITIONS, DocumentKind.ENDORSEMENT, DocumentKind.ATTESTATION, DocumentKind.LETTER,
    DocumentKind.RENEWAL_NOTICE, DocumentKind.INSURER_DOCUMENT,
})
#: a contract still being placed is not the client's to see yet
VISIBLE_STATUSES = (ContractStatus.ACTIVE.value, ContractStatus.SUSPENDED.value, ContractStatus.CANCELLED.value,
                    ContractStatus.EXPIRED.value)


def _owned(account: PortalAccount):
    return or_(Contract.client_id == account.client_id, Contract.payer_id == account.client_id)


def contracts_of(session: Session, account: PortalAccount) -> list[tuple[Contract, Insurer]]:
    """The client's contracts, live ones first, with their insurer."""
    rows = session.execute(
        select(Contract, Insurer).join(Insurer, Insurer.id == Contract.insurer_id)
        .where(_owned(account), Contract.status.in_(VISIBLE_STATUSES))
        .order_by((Contract.status == ContractStatus.ACTIVE.value).desc(), Contract.renewal_date, Contract.id))
    return [tuple(row) for row in rows]


def contract_of(session: Session, account: PortalAccount, contract_id: int) -> Contract | None:
    return session.scalar(select(Contract).where(Contract.id == contract_id, _owned(account),
                                                 Contract.status.in_(VISIBLE_STATUSES)))


def documents_of(session: Session, contract: Contract) -> list[Document]:
    return list(session.scalars(
        select(Document).where(Document.contract_id == contract.id,
                               Document.kind.in_([kind.value for kind in CLIENT_DOCUMENT_KINDS]))
        .order_by(Document.created_at.desc(), Document.id.desc())))


def document_of(session: Session, account: PortalAccount, document_id: int) -> Document | None:
    """One of the client's contract documents, or None."""
    document = session.get(Document, document_id)
    if document is None or document.contract_id is None or document.kind not in CLIENT_DOCUMENT_KINDS:
        return None
    return document if contract_of(session, account, document.contract_id) is not None else None


def current_attestation(session: Session, contract: Contract, today: date | None = None) -> Attestation | None:
    today = today or date.today()
    return session.scalar(
        select(Attestation).where(Attestation.contract_id == contract.id, Attestation.revoked_at.is_(None),
                                  Attestation.valid_from <= today, Attestation.valid_to >= today,
                                  Attestation.document_id.is_not(None))
        .order_by(Attestation.valid_to.desc(), Attestation.id.desc()).limit(1))


def attestation_for_download(session: Session, actor, contract: Contract, tenant) -> Attestation:
    """The current certificate, issued now for the current period if none is
    (raises :class:`attestations.AttestationError` when the contract cannot
    have one)."""
    today = date.today()
    found = current_attestation(session, contract, today)
    if found is not None:
        return found
    valid_from, valid_to = attestations.default_period(contract)
    if not valid_from <= today <= valid_to:
        raise attestations.AttestationError("outside_contract")  # its renewal is not processed yet
    return attestations.issue(session, actor, contract, valid_from=valid_from, valid_to=valid_to, tenant=tenant,
                              verify_url_for=lambda code: url_for("attestations.verify", code=code, _external=True))

"""Stored documents: a client's papers, insurers' offers, generated PDFs."""

from __future__ import annotations

from datetime import date
from enum import StrEnum

from flask_babel import lazy_gettext as _l
from sqlalchemy import BigInteger, Date, ForeignKey, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from app.columns import Timestamps, id_column
from app.extensions import db


class DocumentKind(StrEnum):
    ID_CARD = "id_card"
    KBIS = "kbis"
    DRIVING_LICENCE = "driving_licence"
    REGISTRATION_CERTIFICATE = "registration_certificate"
    CLAIMS_RECORD = "claims_record"
    QUALIFICATIONS = "qualifications"
    TURNOVER_STATEMENT = "turnover_statement"
    PROOF_OF_ADDRESS = "proof_of_address"
    INSURER_OFFER = "insurer_offer"
    ADVICE_DOCUMENT = "advice_document"
    SUBSCRIPTION_PROPOSAL = "subscription_proposal"
    GENERAL_CONDITIONS = "general_conditions"
    SPECIFIC_CONDITIONS = "specific_conditions"
    ENDORSEMENT = "endorsement"
    ATTESTATION = "attestation"
    LETTER = "letter"
    RENEWAL_NOTICE = "renewal_notice"
    INSURER_DOCUMENT = "insurer_document"
    CLAIM = "claim"
    OTHER = "other"


DOCUMENT_KIND_LABELS = {
    DocumentKind.ID_CARD: _l("Identity document"),
    DocumentKind.KBIS: _l("Kbis extract"),
    DocumentKind.DRIVING_LICENCE: _l("Driving licence"),
    DocumentKind.REGISTRATION_CERTIFICATE: _l("Registration certificate"),
    DocumentKind.CLAIMS_RECORD: _l("Previous insurance record (relevé d'information)"),
    DocumentKind.QUALIFICATIONS: _l("Professional qualifications"),
    DocumentKind.TURNOVER_STATEMENT: _l("Turnover statement"),
    DocumentKind.PROOF_OF_ADDRESS: _l("Proof of address"),
    DocumentKind.INSURER_OFFER: _l("Insurer's offer"),
    DocumentKind.ADVICE_DOCUMENT: _l("Advice document"),
    DocumentKind.SUBSCRIPTION_PROPOSAL: _l("Subscription proposal"),
    DocumentKind.GENERAL_CONDITIONS: _l("General conditions"),
    DocumentKind.SPECIFIC_CONDITIONS: _l("Specific conditions"),
    DocumentKind.ENDORSEMENT: _l("Endorsement"),
    DocumentKind.ATTESTATION: _l("Certificate of insurance"),
    DocumentKind.LETTER: _l("Letter"),
    DocumentKind.RENEWAL_NOTICE: _l("Renewal notice"),
    DocumentKind.INSURER_DOCUMENT: _l("Insurer's document"),
    DocumentKind.CLAIM: _l("Claim photo or document"),
    DocumentKind.OTHER: _l("Other"),
}


class Document(Timestamps, db.Model):
    """A file kept under the tenant's storage prefix (``storage_key``)."""

    __tablename__ = "document"
    __table_args__ = (Index("ix_document_client", "client_id", "kind"), Index("ix_document_contract", "contract_id"))

    id: Mapped[int] = id_column()
    client_id: Mapped[int | None] = mapped_column(
        BigInteger, ForeignKey("tenant.client.id", ondelete="CASCADE")
    )
    contract_id: Mapped[int | None] = mapped_column(
        BigInteger, ForeignKey("tenant.contract.id", ondelete="SET NULL", use_alter=True, name="fk_document_contract"))
    kind: Mapped[str] = mapped_column(String(40))
    title: Mapped[str] = mapped_column(String(200))
    filename: Mapped[str] = mapped_column(String(255))
    content_type: Mapped[str] = mapped_column(String(100))
    size: Mapped[int] = mapped_column(Integer)
    sha256: Mapped[str] = mapped_column(String(64))
    storage_key: Mapped[str] = mapped_column(String(255))
    expires_on: Mapped[date | None] = mapped_column(Date)
    uploaded_by_id: Mapped[int | None] = mapped_column(
        BigInteger, ForeignKey("tenant.user.id", ondelete="SET NULL")
    )

    def is_expired(self, today: date) -> bool:
        return self.expires_on is not None and self.expires_on < today

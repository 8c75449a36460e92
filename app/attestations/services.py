"""Attestations: issue a certificate as a PDF with its verification code and
QR code, revoke it, and answer the public verification page."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta

import segno
from flask import g, render_template
from flask_babel import format_date
from flask_babel import gettext as _
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from app.attestations import rules
from app.attestations.mentions import details_for, title_for
from app.audit import services as audit
from app.catalog.models import Insurer
from app.columns import utcnow
from app.contracts import services as contracts
from app.contracts.models import Attestation, Cancellation, Contract, ContractStatus
from app.contracts.rules import annual_period
from app.crm.models import Client
from app.documents import services as documents
from app.documents.models import DocumentKind
from app.letters.services import render_pdf
from app.settings import branding


class AttestationError(Exception):
    def __init__(self, code: str, missing: list[str] | None = None) -> None:
        super().__init__(code)
        self.code, self.missing = code, missing or []


def default_period(contract: Contract) -> tuple[date, date]:
    """The current annual period: from the last renewal (or the start) to the
    day before the next renewal date."""
    period = annual_period(contract.renewal_date)
    return max(period.start, contract.effective_date), period.end - timedelta(days=1)


def qr_svg(url: str) -> str:
    """An inline SVG QR code (no file, nothing fetched by the PDF renderer)."""
    return segno.make(url, error="m").svg_inline(scale=3, border=2)


def _new_code(session: Session) -> str:
    while True:
        code = rules.new_code()
        if session.scalar(select(Attestation.id).where(Attestation.code == code)) is None:
            return code


def issue(session: Session, actor, contract: Contract, *, valid_from: date, valid_to: date,
          verify_url_for: Callable[[str], str], tenant=None) -> Attestation:
    """Write the certificate's PDF (kept in the contract's documents) and
    its row; refuse a line without certificates, an inactive contract, a
    period outside the contract or a mention the line requires and lacks."""
    tenant = tenant or g.tenant
    problem = rules.can_issue(line=contract.line, status=contract.status) or rules.period_problem(
        valid_from, valid_to, contract_start=contract.effective_date, contract_end=contract.renewal_date)
    if problem:
        raise AttestationError(problem)
    client = session.get(Client, contract.client_id)
    details = details_for(contract, client, session.get(Insurer, contract.insurer_id), valid_from, valid_to)
    missing = rules.missing_mentions(contract.line, details)
    if missing:
        raise AttestationError("missing_mentions", missing)
    code = _new_code(session)
    verify_url = verify_url_for(code)
    html = render_template("documents/attestation.html", header=branding.document_header(session, tenant),
                           title=title_for(contract.line), line=contract.line, details=details, code=code,
                           verify_url=verify_url, qr=qr_svg(verify_url), today=date.today())
    stored = documents.store(session, actor, content=render_pdf(html), kind=DocumentKind.ATTESTATION,
                             title=f"{title_for(contract.line)} {format_date(valid_from)} – {format_date(valid_to)}",
                             filename=f"attestation-{contract.reference}-{valid_from:%Y%m%d}.pdf",
                             client_id=client.id, content_type="application/pdf")
    stored.contract_id = contract.id
    attestation = Attestation(contract_id=contract.id, code=code, insured_name=details["insured_name"],
                              valid_from=valid_from, valid_to=valid_to, details=details, document_id=stored.id,
                              issued_by_id=getattr(actor, "id", None))
    session.add(attestation)
    try:
        session.flush()
    except IntegrityError as exc:  # a code drawn twice at the same instant
        raise AttestationError("retry") from exc
    audit.record(session, actor, "attestation.issue", "attestation", attestation.id,
                 after={"contract_id": contract.id, "valid_from": valid_from, "valid_to": valid_to})
    contracts.record_event(session, actor, contract, kind="attestation",
                           summary=_("Certificate issued for %(start)s – %(end)s", start=format_date(valid_from),
                                     end=format_date(valid_to)),
                           details={"attestation_id": attestation.id, "document_id": stored.id})
    return attestation


def revoke(session: Session, actor, attestation: Attestation) -> None:
    """The certificate is no longer valid: the public page says cancelled."""
    if attestation.revoked_at is not None:
        return
    attestation.revoked_at = utcnow()
    audit.record(session, actor, "attestation.revoke", "attestation", attestation.id,
                 after={"revoked_at": attestation.revoked_at})
    contracts.record_event(session, actor, session.get(Contract, attestation.contract_id), kind="attestation_revoked",
                           summary=_("Certificate revoked"), details={"attestation_id": attestation.id})
    session.flush()


def get(session: Session, attestation_id: int) -> Attestation | None:
    return session.get(Attestation, attestation_id)


def for_contract(session: Session, contract: Contract) -> list[Attestation]:
    return list(session.scalars(select(Attestation).where(Attestation.contract_id == contract.id)
                                .order_by(Attestation.created_at.desc(), Attestation.id.desc())))


@dataclass(frozen=True)
class Verification:
    """All the public page may say: nothing of the address, premium or risk."""

    title: str
    insured_name: str
    valid_from: date
    valid_to: date
    status: rules.AttestationStatus


_cancelled_on = (select(func.min(Cancellation.effective_on)).where(Cancellation.contract_id == Contract.id)
                 .correlate(Contract).scalar_subquery())


def verify(session: Session, typed_code: str, today: date | None = None) -> Verification | None:
    """The status today of the certificate with this code, or None. A
    malformed code never reaches the database; a well-formed one costs one
    indexed query whether it exists or not."""
    code = rules.normalise_code(typed_code)
    if code is None:
        return None
    row = session.execute(
        select(Attestation, Contract.line, Contract.status, Contract.ended_on, _cancelled_on)
        .join(Contract, Contract.id == Attestation.contract_id).where(Attestation.code == code)).first()
    if row is None or not rules.same_code(row[0].code, code):
        return None
    attestation, line, status, ended_on, cancelled_on = row
    ended = ended_on if status == ContractStatus.CANCELLED else cancelled_on
    return Verification(
        title=title_for(line), insured_name=attestation.insured_name, valid_from=attestation.valid_from,
        valid_to=attestation.valid_to,
        status=rules.status_on(today or date.today(), valid_from=attestation.valid_from,
                               valid_to=attestation.valid_to, revoked=attestation.revoked_at is not None,
                               contract_ended_on=ended))

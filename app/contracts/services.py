"""Contracts: creation (from a placement, by hand, by import), the timeline of
events, status changes, versions by date, insurer documents. Every change is
audited."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from app.audit import services as audit
from app.catalog import services as catalog
from app.catalog.models import Product
from app.columns import utcnow
from app.contracts import rules
from app.contracts.models import Contract, ContractEvent, ContractStatus, ContractVersion, Endorsement
from app.documents import services as documents
from app.documents.models import Document
from app.quotes.models import Offer
from app.quotes.rules import offer_amounts
from tenants import bound_schema

#: the fields a version keeps (what an endorsement may change)
VERSIONED = ("risk", "guarantees", "premium_net", "fees", "tax_rate", "tax", "total")
EDITABLE = ("label", "policy_number", "payer_id", "insured_name", "effective_date", "renewal_date", "term_months",
            "tacit_renewal", "notice_days", "instalment_plan", "handler_id")
ENDED = (ContractStatus.CANCELLED.value, ContractStatus.EXPIRED.value)


class ContractError(Exception):
    """A contract operation refused: ``code`` says why, ``field`` where,
    ``day`` the date it is about (a deadline), when there is one."""

    def __init__(self, code: str, field: str | None = None, day: date | None = None) -> None:
        super().__init__(code)
        self.code, self.field, self.day = code, field, day


@dataclass
class Terms:
    """What a new contract is made of (manual entry, import, placement)."""

    client_id: int
    insurer_id: int
    line: str
    label: str
    effective_date: date
    premium_net: Decimal
    product_id: int | None = None
    policy_number: str | None = None
    payer_id: int | None = None
    insured_name: str | None = None
    renewal_date: date | None = None
    term_months: int = 12
    tacit_renewal: bool = True
    notice_days: int = 60
    fees: Decimal = Decimal("0.00")
    instalment_plan: str = "annual"
    guarantees: list = field(default_factory=list)
    risk: dict = field(default_factory=dict)
    handler_id: int | None = None
    offer_id: int | None = None


def jsonable(value: dict) -> dict:
    """``value`` with its dates and amounts as strings, ready for a JSON column."""
    return json.loads(json.dumps(value, default=str))


def get(session: Session, contract_id: int) -> Contract | None:
    return session.get(Contract, contract_id)


def by_reference_or_number(session: Session, value: str) -> Contract | None:
    """The contract whose reference (CTR-000123) or insurer's policy number is ``value``."""
    value = (value or "").strip()
    if not value:
        return None
    return session.scalars(select(Contract).where(or_(
        func.upper(Contract.reference) == value.upper(), Contract.policy_number == value)).order_by(Contract.id)).first()


def for_client(session: Session, client_id: int) -> list[Contract]:
    return list(session.scalars(select(Contract).where(Contract.client_id == client_id)
                                .order_by(Contract.effective_date.desc(), Contract.id.desc())))


def next_numbers(session: Session, count: int) -> list[int]:
    """Reserve ``count`` ids of the contract sequence, so the reference is
    written with the row."""
    sequence = func.pg_get_serial_sequence(f"{bound_schema(session)}.contract", "id")
    return list(session.scalars(select(func.nextval(sequence)).select_from(func.generate_series(1, count))))


def snapshot(contract: Contract) -> dict:
    return {name: getattr(contract, name) for name in (*EDITABLE, *VERSIONED, "status", "reference", "client_id",
                                                         "insurer_id", "product_id", "line")}


def commission_rate_for(session: Session, product_id: int | None, as_of: date) -> Decimal:
    product = session.get(Product, product_id) if product_id else None
    return catalog.commission_rate(session, product, as_of) if product else Decimal("0.00")


def build(session: Session, terms: Terms, *, number: int, status: str, tax_rate: Decimal | None = None) -> Contract:
    """A contract row (not added) from ``terms``, its amounts computed:
    tax on net premium and fees at the line's rate, half-up to the cent."""
    tax_rate = catalog.tax_rate(session, terms.line) if tax_rate is None else tax_rate
    amounts = offer_amounts(terms.premium_net, terms.fees, tax_rate, Decimal(0))
    values = {name: getattr(terms, name) for name in terms.__dataclass_fields__}
    values["renewal_date"] = terms.renewal_date or rules.default_renewal_date(terms.effective_date, terms.term_months)
    return Contract(
        id=number, reference=rules.reference_for(number), **values | {"premium_net": amounts.net, "fees": amounts.fees},
        tax_rate=tax_rate, tax=amounts.tax, total=amounts.total, status=status, status_since=terms.effective_date,
        commission_rate=commission_rate_for(session, terms.product_id, terms.effective_date),
    )


def open_version(session: Session, contract: Contract, *, number: int, valid_from: date,
                 endorsement_id: int | None = None) -> ContractVersion:
    version = ContractVersion(contract_id=contract.id, number=number, valid_from=valid_from,
                              endorsement_id=endorsement_id,
                              clauses=[{"title": c.title, "text": c.text} for c in contract.clauses],
                              **{name: getattr(contract, name) for name in VERSIONED})
    session.add(version)
    return version


def create(session: Session, actor, terms: Terms, *, status: str = ContractStatus.ACTIVE.value,
           summary: str = "created", tax_rate: Decimal | None = None) -> Contract:
    """Add a contract with its first version and its first event."""
    contract = build(session, terms, number=next_numbers(session, 1)[0], status=status, tax_rate=tax_rate)
    session.add(contract)
    session.flush()
    open_version(session, contract, number=1, valid_from=contract.effective_date)
    record_event(session, actor, contract, kind="created", summary=summary, effective_on=contract.effective_date,
                 to_status=contract.status)
    audit.record(session, actor, "contract.create", "contract", contract.id, after=snapshot(contract))
    return contract


def create_from_placement(session: Session, actor, placement, *, policy_number: str, effective_date: date,
                          final_premium: Decimal) -> Contract:
    """The contract the insurer issued for ``placement``: active, version 1
    from the offer's guarantees; ``final_premium`` is the insurer's net annual
    premium, taxed with the offer's rate and fees."""
    offer = session.get(Offer, placement.offer_id)
    needs = offer.needs
    terms = Terms(
        client_id=placement.client_id, insurer_id=placement.insurer_id, line=needs.line, label=offer.label,
        effective_date=effective_date, premium_net=Decimal(final_premium), product_id=offer.product_id,
        policy_number=policy_number, insured_name=needs.insured_name, fees=offer.fees,
        guarantees=[dict(g) for g in offer.guarantees if g.get("included", True)], risk=dict(needs.risk or {}),
        handler_id=placement.handler_id or needs.handler_id, offer_id=offer.id,
    )
    contract = create(session, actor, terms, summary="placement", tax_rate=offer.tax_rate)
    contract.commission_rate = offer.commission_rate
    placement.contract_id = contract.id
    return contract


def record_event(session: Session, actor, contract: Contract, *, kind: str, summary: str,
                 effective_on: date | None = None, from_status: str | None = None, to_status: str | None = None,
                 details: dict | None = None) -> ContractEvent:
    """Add an entry to the contract's timeline."""
    event = ContractEvent(contract_id=contract.id, at=utcnow(), kind=kind, summary=summary,
                          effective_on=effective_on, from_status=from_status, to_status=to_status,
                          details=jsonable(details or {}), actor_id=getattr(actor, "id", None),
                          actor_label=getattr(actor, "email", None) or audit.SYSTEM_ACTOR)
    session.add(event)
    return event


def timeline(session: Session, contract: Contract) -> list[ContractEvent]:
    return list(session.scalars(select(ContractEvent).where(ContractEvent.contract_id == contract.id)
                                .order_by(ContractEvent.at.desc(), ContractEvent.id.desc())))


def change_status(session: Session, actor, contract: Contract, *, to_status: str, reason: str,
                  effective_on: date) -> ContractEvent:
    """Move the contract to ``to_status`` (allowed transitions only), keeping
    the reason and the date of the change."""
    from_status = contract.status
    if not rules.transition_allowed(from_status, to_status):
        raise ContractError("transition_refused", "to_status")
    if not (reason or "").strip():
        raise ContractError("required", "reason")
    contract.status, contract.status_reason, contract.status_since = to_status, reason.strip(), effective_on
    contract.ended_on = effective_on if to_status in ENDED else None
    audit.record(session, actor, "contract.status", "contract", contract.id,
                 before={"status": from_status}, after={"status": to_status, "reason": reason, "on": effective_on})
    return record_event(session, actor, contract, kind="status", summary=reason.strip(), effective_on=effective_on,
                        from_status=from_status, to_status=to_status)


def require_version(contract: Contract, version: int | None) -> None:
    """Refuse an edit made on an older reading of the contract."""
    if version != contract.version:
        raise ContractError("stale")


def update(session: Session, actor, contract: Contract, values: dict, *, version: int | None) -> Contract:
    """Change the policy data (not the premium nor the guarantees: those change
    by endorsement). A stale ``version`` is refused."""
    require_version(contract, version)
    if values.get("payer_id") == contract.client_id:
        raise ContractError("payer_self", "payer_reference")
    before = snapshot(contract)
    for name in EDITABLE:
        if name in values:
            setattr(contract, name, values[name])
    changed = {key: value for key, value in snapshot(contract).items() if before[key] != value}
    if changed:
        audit.record(session, actor, "contract.update", "contract", contract.id,
                     before={key: before[key] for key in changed}, after=changed)
        record_event(session, actor, contract, kind="updated", summary=", ".join(sorted(changed)))
    return contract


def versions(session: Session, contract: Contract) -> list[ContractVersion]:
    return list(session.scalars(select(ContractVersion).where(ContractVersion.contract_id == contract.id)
                                .order_by(ContractVersion.number.desc())))


def current_version(session: Session, contract: Contract) -> ContractVersion:
    return session.scalars(select(ContractVersion).where(ContractVersion.contract_id == contract.id)
                           .order_by(ContractVersion.number.desc()).limit(1)).one()


def version_on(session: Session, contract: Contract, day: date) -> ContractVersion | None:
    """The version in force on ``day`` (None before the contract starts)."""
    return session.scalars(select(ContractVersion).where(
        ContractVersion.contract_id == contract.id, ContractVersion.valid_from <= day,
        or_(ContractVersion.valid_to.is_(None), ContractVersion.valid_to > day),
    ).order_by(ContractVersion.number.desc()).limit(1)).first()


def add_insurer_document(session: Session, actor, contract: Contract, *, filename: str, content: bytes,
                         kind: str) -> Document:
    """Keep a document of the contract (checked by content like any upload)."""
    document = documents.store(session, actor, content=content, filename=filename, kind=kind,
                               client_id=contract.client_id)
    document.contract_id = contract.id
    record_event(session, actor, contract, kind="document", summary=document.title,
                 details={"document_id": document.id, "kind": kind})
    return document


def contract_documents(session: Session, contract: Contract) -> list[Document]:
    return list(session.scalars(select(Document).where(Document.contract_id == contract.id)
                                .order_by(Document.created_at.desc(), Document.id.desc())))


def confirm_endorsement(session: Session, actor, contract: Contract, *, number: int,
                        insurer_reference: str | None) -> Endorsement:
    """Record the insurer's confirmation of endorsement ``number``."""
    endorsement = session.scalar(select(Endorsement).where(Endorsement.contract_id == contract.id,
                                                           Endorsement.number == number))
    if endorsement is None:
        raise ContractError("endorsement_unknown", "number")
    endorsement.confirmed_at = utcnow()
    endorsement.insurer_reference = (insurer_reference or "").strip()[:60] or None
    audit.record(session, actor, "endorsement.confirm", "endorsement", endorsement.id,
                 after={"insurer_reference": endorsement.insurer_reference})
    record_event(session, actor, contract, kind="endorsement_confirmed", summary=str(number),
                 details={"endorsement_id": endorsement.id, "insurer_reference": endorsement.insurer_reference})
    return endorsement

"""Endorsements (avenants): a change of risk, guarantees or premium at a date,
the premium adjusted pro rata temporis, a new version of the contract from
that date, a PDF kept with the contract and a message to the insurer."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from flask import render_template
from flask_babel import force_locale
from flask_babel import gettext as _
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.audit import services as audit
from app.billing import adjustments as billing
from app.catalog.lines import line_definition
from app.catalog.models import Insurer
from app.contracts import rules, services
from app.contracts.labels import COMPUTATION_LABELS, ENDORSEMENT_KINDS, computation_value
from app.contracts.models import Contract, Endorsement
from app.contracts.services import ContractError
from app.crm.models import Client
from app.documents import services as documents
from app.documents.models import DocumentKind
from app.letters.services import render_pdf
from app.outbox import services as outbox
from app.quotes.rules import offer_amounts

KINDS = ("risk", "guarantees", "premium", "other")


@dataclass
class Change:
    """What an endorsement changes, from ``effective_date``."""

    effective_date: date
    kind: str
    description: str
    premium_net: Decimal
    guarantees: list | None = None
    risk: dict | None = None


def for_contract(session: Session, contract: Contract) -> list[Endorsement]:
    return list(session.scalars(select(Endorsement).where(Endorsement.contract_id == contract.id)
                                .order_by(Endorsement.number.desc())))


def get(session: Session, contract: Contract, endorsement_id: int) -> Endorsement | None:
    endorsement = session.get(Endorsement, endorsement_id)
    return endorsement if endorsement is not None and endorsement.contract_id == contract.id else None


def preview(session: Session, contract: Contract, change: Change) -> rules.Adjustment:
    """The adjustment the change would bring, or ContractError when it cannot be made."""
    current = services.current_version(session, contract)
    problem = rules.endorsement_problem(status=contract.status, day=change.effective_date,
                                        current_from=current.valid_from, renewal_date=contract.renewal_date)
    if problem:
        raise ContractError(problem, "effective_date", contract.renewal_date)
    if change.kind not in KINDS:
        raise ContractError("choice_invalid", "kind")
    return rules.pro_rata_adjustment(contract.premium_net, change.premium_net, contract.tax_rate,
                                     change.effective_date, contract.renewal_date)


def _apply(session: Session, contract: Contract, change: Change, endorsement: Endorsement) -> None:
    """The contract takes the change; the current version closes on the date
    and a new one opens from it."""
    current = services.current_version(session, contract)
    amounts = offer_amounts(change.premium_net, contract.fees, contract.tax_rate, Decimal(0))
    contract.premium_net, contract.tax, contract.total = amounts.net, amounts.tax, amounts.total
    if change.guarantees is not None:
        contract.guarantees = change.guarantees
    if change.risk is not None:
        contract.risk = change.risk
    current.valid_to = change.effective_date
    services.open_version(session, contract, number=current.number + 1, valid_from=change.effective_date,
                          endorsement_id=endorsement.id)


def payload_of(contract: Contract, endorsement: Endorsement) -> dict:
    """The endorsement as the insurer receives it."""
    return services.jsonable({
        "contract": {"reference": contract.reference, "policy_number": contract.policy_number, "line": contract.line},
        "endorsement": {
            "number": endorsement.number, "effective_date": endorsement.effective_date, "kind": endorsement.kind,
            "description": endorsement.description, "previous_premium_net": endorsement.previous_premium_net,
            "new_premium_net": endorsement.new_premium_net, "adjustment_net": endorsement.adjustment_net,
            "adjustment_tax": endorsement.adjustment_tax, "adjustment_total": endorsement.adjustment_total,
            "guarantees": contract.guarantees, "risk": contract.risk,
        },
    })


def _document(session: Session, actor, contract: Contract, endorsement: Endorsement, *, firm: str, locale: str):
    client = session.get(Client, contract.client_id)
    with force_locale(locale):
        html = render_template("documents/endorsement.html", firm=firm, contract=contract, client=client,
                               endorsement=endorsement, insurer=session.get(Insurer, contract.insurer_id),
                               line=line_definition(contract.line), today=date.today(),
                               endorsement_kinds=ENDORSEMENT_KINDS, computation_labels=COMPUTATION_LABELS,
                               computation_value=computation_value)
        title = _("Endorsement no. %(number)s — %(reference)s", number=endorsement.number,
                  reference=contract.reference)
    document = documents.store(session, actor, content=render_pdf(html), kind=DocumentKind.ENDORSEMENT, title=title,
                               filename=f"endorsement-{contract.reference}-{endorsement.number}.pdf",
                               client_id=contract.client_id, content_type="application/pdf")
    document.contract_id = contract.id
    return document


def _send(session: Session, contract: Contract, endorsement: Endorsement, document_id: int, *, locale: str):
    with force_locale(locale):
        subject = _("Endorsement no. %(number)s to policy %(policy)s", number=endorsement.number,
                    policy=contract.policy_number or contract.reference)
    try:
        return outbox.enqueue_message(
            session, insurer=session.get(Insurer, contract.insurer_id), subject_type="endorsement",
            subject_id=endorsement.id, kind="endorsement", payload=payload_of(contract, endorsement),
            envelope={"subject": subject, "text": endorsement.description, "document_ids": [document_id]})
    except outbox.OutboxError as exc:
        raise ContractError("insurer_unreachable") from exc


def endorse(session: Session, actor, contract: Contract, change: Change, *, version: int | None, firm: str,
            locale: str) -> Endorsement:
    """Make the endorsement: adjustment, new version, PDF, message to the insurer."""
    services.require_version(contract, version)
    adjustment = preview(session, contract, change)
    number = (session.scalar(select(func.max(Endorsement.number)).where(Endorsement.contract_id == contract.id))
              or 0) + 1
    endorsement = Endorsement(
        contract_id=contract.id, number=number, effective_date=change.effective_date, kind=change.kind,
        description=change.description.strip(), previous_premium_net=contract.premium_net,
        new_premium_net=change.premium_net, adjustment_net=adjustment.net, adjustment_tax=adjustment.tax,
        adjustment_total=adjustment.total, computation=adjustment.computation,
        created_by_id=getattr(actor, "id", None))
    session.add(endorsement)
    session.flush()
    _apply(session, contract, change, endorsement)
    billing.endorsement_calls(session, actor, contract, endorsement)
    document = _document(session, actor, contract, endorsement, firm=firm, locale=locale)
    endorsement.document_id = document.id
    endorsement.message_id = _send(session, contract, endorsement, document.id, locale=locale).id
    audit.record(session, actor, "endorsement.create", "endorsement", endorsement.id,
                 after=payload_of(contract, endorsement)["endorsement"])
    services.record_event(session, actor, contract, kind="endorsement", summary=endorsement.description,
                          effective_on=endorsement.effective_date,
                          details={"endorsement_id": endorsement.id, "number": number,
                                   "adjustment_total": endorsement.adjustment_total})
    return endorsement

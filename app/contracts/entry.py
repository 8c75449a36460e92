"""Manual entry of the existing portfolio and edits of the policy data: the
checks a person's input needs before the contract services write it."""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.auth.models import User
from app.catalog.lines import line_definition
from app.catalog.models import Insurer, Product
from app.contracts import services
from app.contracts.models import Contract
from app.contracts.services import ContractError, Terms
from app.crm.models import Client


def client_by_reference(session: Session, reference: str | None) -> Client | None:
    reference = (reference or "").strip().upper()
    return session.scalar(select(Client).where(Client.reference == reference)) if reference else None


def payer_id(session: Session, reference: str | None) -> int | None:
    """The id of the payer named by its client reference (None when blank)."""
    if not (reference or "").strip():
        return None
    payer = client_by_reference(session, reference)
    if payer is None:
        raise ContractError("client_unknown", "payer_reference")
    return payer.id


def _check_policy(session: Session, values: dict) -> None:
    if values.get("renewal_date") and values["renewal_date"] <= values["effective_date"]:
        raise ContractError("renewal_before_start", "renewal_date")
    if values.get("handler_id") and session.get(User, values["handler_id"]) is None:
        raise ContractError("choice_invalid", "handler_id")


def _check_number(session: Session, insurer_id: int, policy_number: str | None, contract_id: int | None = None):
    if not policy_number:
        return
    query = select(Contract.id).where(Contract.insurer_id == insurer_id, Contract.policy_number == policy_number)
    if contract_id is not None:
        query = query.where(Contract.id != contract_id)
    if session.scalar(query) is not None:
        raise ContractError("number_taken", "policy_number")


def check_terms(session: Session, terms: Terms) -> None:
    """Raise ContractError (with the field) for the first problem of ``terms``."""
    if session.get(Client, terms.client_id) is None:
        raise ContractError("client_unknown", "client_reference")
    if session.get(Insurer, terms.insurer_id) is None:
        raise ContractError("choice_invalid", "insurer_id")
    product = session.get(Product, terms.product_id) if terms.product_id else None
    if terms.product_id and (product is None or product.insurer_id != terms.insurer_id or product.line != terms.line):
        raise ContractError("product_not_of_insurer", "product_id")
    if terms.payer_id == terms.client_id:
        raise ContractError("payer_self", "payer_reference")
    if terms.premium_net < 0:
        raise ContractError("negative", "premium_net")
    if terms.fees < 0:
        raise ContractError("negative", "fees")
    _check_policy(session, {"renewal_date": terms.renewal_date, "effective_date": terms.effective_date,
                            "handler_id": terms.handler_id})
    _check_number(session, terms.insurer_id, terms.policy_number)


def enter(session: Session, actor, terms: Terms) -> Contract:
    """Add a contract of the existing portfolio, in force."""
    line_definition(terms.line)
    check_terms(session, terms)
    return services.create(session, actor, terms)


def edit(session: Session, actor, contract: Contract, values: dict, *, version: int | None) -> Contract:
    """Change the policy data after the same checks as the entry."""
    _check_policy(session, values)
    _check_number(session, contract.insurer_id, values.get("policy_number"), contract.id)
    if not values.get("renewal_date"):
        values["renewal_date"] = contract.renewal_date
    return services.update(session, actor, contract, values, version=version)


def products_for(session: Session, line: str) -> list[Product]:
    return list(session.scalars(select(Product).where(Product.line == line, Product.is_active)
                                .order_by(func.lower(Product.name))))

"""Beneficiaries of commission shares: introducers outside the firm
(apporteurs: paid by transfer, so an IBAN checked by schwifty, and their SIREN
checked by python-stdnum when they have one) and producers inside it (a staff
member); their default rate and rules per product; the contracts they are
credited on; the contract's own commission rate. Every change is audited.

The shares of a contract's beneficiaries never pass 100 % of its commission
(:func:`app.commissions.rules.contract_shares`): every change that could
(attaching, a default rate, a rule, reactivating) is written, flushed, and
checked on the contracts it touches; the caller rolls back on refusal.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal

from schwifty import IBAN
from schwifty.exceptions import SchwiftyException
from sqlalchemy import and_, func, select
from sqlalchemy.orm import Session
from stdnum.exceptions import ValidationError
from stdnum.fr import siren

from app.audit import services as audit
from app.auth.models import User
from app.catalog.models import Product
from app.commissions import rules
from app.commissions.models import Beneficiary, BeneficiaryKind, CommissionShare, ContractBeneficiary, ShareRule
from app.commissions.services import CommissionError
from app.contracts.models import Contract
from app.crm.models import Client

FIELDS = ("kind", "name", "user_id", "email", "iban", "siren", "default_rate", "is_active")


@dataclass(frozen=True)
class Attached:
    """A beneficiary credited on a contract, at the rate that applies to its product."""

    link: ContractBeneficiary
    beneficiary: Beneficiary
    rate: Decimal


def get(session: Session, beneficiary_id: int) -> Beneficiary | None:
    return session.get(Beneficiary, beneficiary_id)


def listing(session: Session, *, kind: str = "", active_only: bool = False) -> list[tuple[Beneficiary, Decimal, int]]:
    """(beneficiary, unpaid balance, contracts credited), by name."""
    unpaid = (select(func.coalesce(func.sum(CommissionShare.amount), 0))
              .where(CommissionShare.beneficiary_id == Beneficiary.id, CommissionShare.payout_id.is_(None))
              .scalar_subquery())
    contracts = (select(func.count()).where(ContractBeneficiary.beneficiary_id == Beneficiary.id)
                 .scalar_subquery())
    query = select(Beneficiary, unpaid, contracts).order_by(Beneficiary.name, Beneficiary.id)
    if kind:
        query = query.where(Beneficiary.kind == kind)
    if active_only:
        query = query.where(Beneficiary.is_active.is_(True))
    return [tuple(row) for row in session.execute(query)]


def normalise_iban(value: str | None) -> str | None:
    """The IBAN in its compact form, None when blank; ``iban_invalid`` when
    its country format or check digits are wrong."""
    if not value or not value.strip():
        return None
    try:
        return IBAN(value).compact
    except SchwiftyException as exc:
        raise CommissionError("iban_invalid", "iban") from exc


def normalise_siren(value: str | None) -> str | None:
    if not value or not value.strip():
        return None
    try:
        return siren.validate(value)
    except ValidationError as exc:
        raise CommissionError("siren_invalid", "siren") from exc


def _clean(session: Session, values: dict) -> dict:
    """The values to store, or the first problem: an introducer needs a name
    and an IBAN; a producer is a staff member (their name by default)."""
    values = dict(values)
    if values.get("kind") not in {kind.value for kind in BeneficiaryKind}:
        raise CommissionError("kind_invalid", "kind")
    rate = values.get("default_rate")
    if rate is None or not Decimal(0) <= Decimal(rate) <= rules.HUNDRED:
        raise CommissionError("share_out_of_range", "default_rate")
    values["iban"], values["siren"] = normalise_iban(values.get("iban")), normalise_siren(values.get("siren"))
    values["name"] = (values.get("name") or "").strip()
    values["email"] = (values.get("email") or "").strip() or None
    if values["kind"] == BeneficiaryKind.PRODUCER.value:
        user = session.get(User, values["user_id"]) if values.get("user_id") else None
        if user is None:
            raise CommissionError("producer_user_required", "user_id")
        values["name"] = values["name"] or user.full_name
    else:
        values["user_id"] = None
        if not values["iban"]:
            raise CommissionError("iban_required", "iban")
    if not values["name"]:
        raise CommissionError("name_required", "name")
    return {name: values.get(name) for name in FIELDS}


def _snapshot(beneficiary: Beneficiary) -> dict:
    return {name: getattr(beneficiary, name) for name in FIELDS}


def create(session: Session, actor, values: dict) -> Beneficiary:
    beneficiary = Beneficiary(**_clean(session, values | {"is_active": True}))
    session.add(beneficiary)
    session.flush()
    audit.record(session, actor, "beneficiary.create", "beneficiary", beneficiary.id, after=_snapshot(beneficiary))
    return beneficiary


def update(session: Session, actor, beneficiary: Beneficiary, values: dict, *, version: int | None) -> None:
    """Change a beneficiary; refused when stale or when a contract they are
    credited on would share out more than 100 %."""
    if version is not None and version != beneficiary.version:
        raise CommissionError("stale")
    before = _snapshot(beneficiary)
    for name, value in _clean(session, values).items():
        setattr(beneficiary, name, value)
    session.flush()
    check_contracts(session, contracts_of(session, beneficiary.id))
    audit.record(session, actor, "beneficiary.update", "beneficiary", beneficiary.id, before=before,
                 after=_snapshot(beneficiary))


def contracts_of(session: Session, beneficiary_id: int, product_id: int | None = None) -> list[int]:
    query = select(ContractBeneficiary.contract_id).where(ContractBeneficiary.beneficiary_id == beneficiary_id)
    if product_id is not None:
        query = query.join(Contract, Contract.id == ContractBeneficiary.contract_id).where(
            Contract.product_id == product_id)
    return list(session.scalars(query))


def credited(session: Session, beneficiary: Beneficiary, limit: int = 200) -> list[tuple]:
    """(contract, client name, product name or None, rate) of the contracts
    ``beneficiary`` is credited on, by contract reference."""
    rows = session.execute(
        select(Contract, Client.display_name, Product.name, ShareRule.rate)
        .join(ContractBeneficiary, ContractBeneficiary.contract_id == Contract.id)
        .join(Client, Client.id == Contract.client_id)
        .outerjoin(Product, Product.id == Contract.product_id)
        .outerjoin(ShareRule, and_(ShareRule.beneficiary_id == beneficiary.id,
                                   ShareRule.product_id == Contract.product_id))
        .where(ContractBeneficiary.beneficiary_id == beneficiary.id)
        .order_by(Contract.reference).limit(limit))
    return [(contract, client, product, rules.beneficiary_rate(beneficiary.default_rate, rate))
            for contract, client, product, rate in rows]


def attached(session: Session, contract_ids: list[int]) -> dict[int, list[Attached]]:
    """The beneficiaries credited on each of ``contract_ids`` at their rate
    for the contract's product (:func:`rules.beneficiary_rate`)."""
    rows = session.execute(
        select(ContractBeneficiary, Beneficiary, ShareRule.rate)
        .join(Beneficiary, Beneficiary.id == ContractBeneficiary.beneficiary_id)
        .join(Contract, Contract.id == ContractBeneficiary.contract_id)
        .outerjoin(ShareRule, and_(ShareRule.beneficiary_id == Beneficiary.id,
                                   ShareRule.product_id == Contract.product_id))
        .where(ContractBeneficiary.contract_id.in_(contract_ids))
        .order_by(Beneficiary.name, Beneficiary.id))
    found: dict[int, list[Attached]] = defaultdict(list)
    for link, beneficiary, product_rate in rows:
        found[link.contract_id].append(
            Attached(link, beneficiary, rules.beneficiary_rate(beneficiary.default_rate, product_rate)))
    return found


def check_contracts(session: Session, contract_ids: list[int]) -> None:
    """Refuse (``shares_over_100``, naming the contract) when the active
    beneficiaries of one of ``contract_ids`` would take more than 100 %."""
    for contract_id, links in attached(session, contract_ids).items():
        try:
            rules.contract_shares([(str(a.beneficiary.id), a.rate) for a in links if a.beneficiary.is_active])
        except rules.CommissionRuleError as exc:
            reference = session.get(Contract, contract_id).reference
            raise CommissionError(exc.code, contract=reference) from exc


def set_rule(session: Session, actor, beneficiary: Beneficiary, product_id: int | None, rate) -> ShareRule:
    """Set the beneficiary's share for one product (a new rule, or a new rate)."""
    if product_id is None or session.get(Product, product_id) is None:
        raise CommissionError("product_required", "product_id")
    if rate is None or not Decimal(0) <= Decimal(rate) <= rules.HUNDRED:
        raise CommissionError("share_out_of_range", "rate")
    rule = session.scalar(select(ShareRule).where(ShareRule.beneficiary_id == beneficiary.id,
                                                  ShareRule.product_id == product_id))
    before = {"rate": rule.rate} if rule else None
    if rule is None:
        rule = ShareRule(beneficiary_id=beneficiary.id, product_id=product_id)
        session.add(rule)
    rule.rate = Decimal(rate)
    session.flush()
    check_contracts(session, contracts_of(session, beneficiary.id, product_id))
    audit.record(session, actor, "share_rule.set", "beneficiary", beneficiary.id, before=before,
                 after={"product_id": product_id, "rate": rule.rate})
    return rule


def remove_rule(session: Session, actor, beneficiary: Beneficiary, rule_id: int) -> None:
    rule = session.get(ShareRule, rule_id)
    if rule is None or rule.beneficiary_id != beneficiary.id:
        raise CommissionError("not_found")
    session.delete(rule)
    session.flush()
    check_contracts(session, contracts_of(session, beneficiary.id, rule.product_id))
    audit.record(session, actor, "share_rule.remove", "beneficiary", beneficiary.id,
                 before={"product_id": rule.product_id, "rate": rule.rate})


def rules_of(session: Session, beneficiary_id: int) -> list[tuple[ShareRule, Product]]:
    return [tuple(row) for row in session.execute(
        select(ShareRule, Product).join(Product, Product.id == ShareRule.product_id)
        .where(ShareRule.beneficiary_id == beneficiary_id).order_by(Product.name))]


def attach(session: Session, actor, contract: Contract, beneficiary_id: int | None) -> ContractBeneficiary:
    """Credit an active beneficiary on ``contract`` (shares of the lines earned from now on)."""
    beneficiary = session.get(Beneficiary, beneficiary_id) if beneficiary_id else None
    if beneficiary is None or not beneficiary.is_active:
        raise CommissionError("beneficiary_required", "beneficiary_id")
    if session.scalar(select(ContractBeneficiary.id).where(ContractBeneficiary.contract_id == contract.id,
                                                           ContractBeneficiary.beneficiary_id == beneficiary.id)):
        raise CommissionError("already_attached", "beneficiary_id")
    link = ContractBeneficiary(contract_id=contract.id, beneficiary_id=beneficiary.id)
    session.add(link)
    session.flush()
    check_contracts(session, [contract.id])
    audit.record(session, actor, "contract.beneficiary_add", "contract", contract.id,
                 after={"beneficiary_id": beneficiary.id, "name": beneficiary.name})
    return link


def detach(session: Session, actor, contract: Contract, link_id: int) -> None:
    """Stop crediting a beneficiary on ``contract``; shares already earned stay theirs."""
    link = session.get(ContractBeneficiary, link_id)
    if link is None or link.contract_id != contract.id:
        raise CommissionError("not_found")
    session.delete(link)
    audit.record(session, actor, "contract.beneficiary_remove", "contract", contract.id,
                 before={"beneficiary_id": link.beneficiary_id})


def set_contract_rate(session: Session, actor, contract: Contract, rate, *, version: int | None) -> None:
    """The contract's own commission rate, for the calls issued from now on
    (zero: the product's, else the insurer agreement's)."""
    if version is not None and version != contract.version:
        raise CommissionError("stale")
    if rate is None or not Decimal(0) <= Decimal(rate) <= rules.HUNDRED:
        raise CommissionError("rate_out_of_range", "commission_rate")
    before = {"commission_rate": contract.commission_rate}
    contract.commission_rate = Decimal(rate)
    session.flush()
    audit.record(session, actor, "contract.commission_rate", "contract", contract.id, before=before,
                 after={"commission_rate": contract.commission_rate})

"""Editing products: details, guarantees, tariff and eligibility.

Every function flushes and records its change in the audit log; the caller
commits. A product's line is fixed at creation: its guarantees, tariff and
eligibility are written in that line's vocabulary.
"""

from __future__ import annotations

from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session
from sqlalchemy.orm.exc import StaleDataError

from app.audit import services as audit
from app.catalog.insurer_rules import PAYMENT_OPTIONS, rate_problem
from app.catalog.lines import Line, line_definition
from app.catalog.models import Guarantee, Product
from app.catalog.rules import validate_eligibility, validate_tariff
from app.catalog.services import CatalogError, get_insurer, get_product, is_quoted
from app.columns import utcnow

PRODUCT_FIELDS = ("code", "name", "description", "commission_rate", "payment_options", "is_active")
GUARANTEE_FIELDS = ("code", "label", "ceiling", "deductible", "exclusions", "is_option", "option_premium")


def _snapshot(obj, fields) -> dict:
    return {name: getattr(obj, name) for name in fields}


def _clean_product(fields: dict) -> dict:
    values = {name: (value.strip() or None) if isinstance(value, str) else value
              for name, value in fields.items() if name in PRODUCT_FIELDS}
    problems = {}
    if not values.get("code"):
        problems["code"] = "code_required"
    if not values.get("name"):
        problems["name"] = "name_required"
    rate = rate_problem(values.get("commission_rate"))
    if rate:
        problems["commission_rate"] = rate
    options = [option for option in PAYMENT_OPTIONS if option in (values.get("payment_options") or [])]
    if not options:
        problems["payment_options"] = "payment_options_required"
    if problems:
        raise CatalogError.for_fields(problems)
    values["payment_options"] = options
    return values


def _code_taken(session: Session, insurer_id: int, code: str, product_id: int | None) -> bool:
    other = session.scalar(select(Product.id).where(Product.insurer_id == insurer_id, Product.code == code))
    return other is not None and other != product_id


def create_product(session: Session, actor, *, insurer_id: int, line: str, **fields) -> Product:
    """Add a product of ``line`` to an insurer's offer, with no tariff yet."""
    if get_insurer(session, insurer_id) is None:
        raise CatalogError("insurer_required", field="insurer_id")
    line = Line(line).value
    values = _clean_product(fields)
    if _code_taken(session, insurer_id, values["code"], None):
        raise CatalogError("code_taken", field="code")
    product = Product(insurer_id=insurer_id, line=line, eligibility=[], tariff={}, **values)
    session.add(product)
    session.flush()
    audit.record(session, actor, "product.create", "product", product.id,
                 after={"insurer_id": insurer_id, "line": line, **values})
    return product


def _load(session: Session, product_id: int, version: int | None = None) -> Product:
    product = get_product(session, product_id)
    if product is None:
        raise CatalogError("not_found")
    if version is not None and product.version != version:
        raise CatalogError("stale")
    return product


def _touch(session: Session, product: Product) -> None:
    """Flush a change of the product's guarantees: the product row is updated
    too, so its version moves and a concurrent edit of the product is refused."""
    product.updated_at = utcnow()
    _flush_versioned(session)


def update_product(session: Session, actor, product_id: int, *, version: int, **fields) -> Product:
    product = _load(session, product_id, version)
    values = _clean_product(fields)
    if _code_taken(session, product.insurer_id, values["code"], product.id):
        raise CatalogError("code_taken", field="code")
    before = _snapshot(product, PRODUCT_FIELDS)
    for name, value in values.items():
        setattr(product, name, value)
    after = _snapshot(product, PRODUCT_FIELDS)
    if before != after:
        _flush_versioned(session)
        audit.record(session, actor, "product.update", "product", product.id, before=before, after=after)
    return product


def _flush_versioned(session: Session) -> None:
    """Flush a change of a versioned row; the mapper bumps the version itself."""
    try:
        session.flush()
    except StaleDataError:
        session.rollback()
        raise CatalogError("stale") from None


def delete_product(session: Session, actor, product_id: int) -> None:
    """Remove a product never quoted (deactivate it otherwise)."""
    product = _load(session, product_id)
    if is_quoted(session, product_id=product.id):
        raise CatalogError("product_quoted")
    audit.record(session, actor, "product.delete", "product", product.id,
                 before={"insurer_id": product.insurer_id, "line": product.line,
                         **_snapshot(product, PRODUCT_FIELDS)})
    session.delete(product)
    try:
        session.flush()
    except IntegrityError:
        session.rollback()
        raise CatalogError("product_quoted") from None


def save_tariff(session: Session, actor, product_id: int, *, version: int, tariff: dict) -> Product:
    """Replace the product's tariff after validating it against its line."""
    product = _load(session, product_id, version)
    problems = validate_tariff(tariff, product.line)
    if problems:
        raise CatalogError("invalid_tariff", problems=problems)
    before = product.tariff
    product.tariff = tariff
    _flush_versioned(session)
    audit.record(session, actor, "product.tariff", "product", product.id, before={"tariff": before},
                 after={"tariff": tariff})
    return product


def save_eligibility(session: Session, actor, product_id: int, *, version: int, conditions: list) -> Product:
    """Replace the product's eligibility conditions after validating them."""
    product = _load(session, product_id, version)
    problems = validate_eligibility(conditions, product.line)
    if problems:
        raise CatalogError("invalid_eligibility", problems=problems)
    before = product.eligibility
    product.eligibility = conditions
    _flush_versioned(session)
    audit.record(session, actor, "product.eligibility", "product", product.id,
                 before={"eligibility": before}, after={"eligibility": conditions})
    return product


def _clean_guarantee(product: Product, fields: dict, guarantee_id: int | None) -> dict:
    values = {name: (value.strip() or None) if isinstance(value, str) else value
              for name, value in fields.items() if name in GUARANTEE_FIELDS}
    definition = line_definition(product.line)
    code = values.get("code")
    problems = {}
    if code not in {g.code for g in definition.guarantees}:
        problems["code"] = "guarantee_code_invalid"
    elif any(g.code == code and g.id != guarantee_id for g in product.guarantees):
        problems["code"] = "guarantee_code_taken"
    for field in ("ceiling", "deductible", "option_premium"):
        if values.get(field) is not None and values[field] < 0:
            problems[field] = "amount_negative"
    if values.get("is_option") and values.get("option_premium") is None:
        problems["option_premium"] = "option_premium_required"
    if problems:
        raise CatalogError.for_fields(problems)
    values["label"] = values.get("label") or str(definition.guarantee_label(code))
    values["is_option"] = bool(values.get("is_option"))
    if not values["is_option"]:
        values["option_premium"] = None
    return values


def add_guarantee(session: Session, actor, product_id: int, *, version: int, **fields) -> Guarantee:
    product = _load(session, product_id, version)
    values = _clean_guarantee(product, fields, None)
    position = max((g.position for g in product.guarantees), default=0) + 1
    guarantee = Guarantee(position=position, **values)
    product.guarantees.append(guarantee)
    _touch(session, product)
    audit.record(session, actor, "guarantee.create", "guarantee", guarantee.id,
                 after={"product_id": product.id, **values})
    return guarantee


def _guarantee(product: Product, guarantee_id: int) -> Guarantee:
    guarantee = next((g for g in product.guarantees if g.id == guarantee_id), None)
    if guarantee is None:
        raise CatalogError("not_found")
    return guarantee


def update_guarantee(session: Session, actor, product_id: int, guarantee_id: int, *, version: int,
                     **fields) -> Guarantee:
    product = _load(session, product_id, version)
    guarantee = _guarantee(product, guarantee_id)
    values = _clean_guarantee(product, fields, guarantee.id)
    before = _snapshot(guarantee, GUARANTEE_FIELDS)
    for name, value in values.items():
        setattr(guarantee, name, value)
    _touch(session, product)
    audit.record(session, actor, "guarantee.update", "guarantee", guarantee.id, before=before,
                 after=_snapshot(guarantee, GUARANTEE_FIELDS))
    return guarantee


def delete_guarantee(session: Session, actor, product_id: int, guarantee_id: int, *, version: int) -> None:
    product = _load(session, product_id, version)
    guarantee = _guarantee(product, guarantee_id)
    audit.record(session, actor, "guarantee.delete", "guarantee", guarantee.id,
                 before={"product_id": product.id, **_snapshot(guarantee, GUARANTEE_FIELDS)})
    product.guarantees.remove(guarantee)
    _touch(session, product)


def move_guarantee(session: Session, actor, product_id: int, guarantee_id: int, *, version: int,
                   offset: int) -> None:
    """Move a guarantee one place up (-1) or down (+1) in the product's order."""
    product = _load(session, product_id, version)
    ordered = sorted(product.guarantees, key=lambda g: (g.position, g.id))
    guarantee = _guarantee(product, guarantee_id)
    index = ordered.index(guarantee)
    target = index + offset
    if not 0 <= target < len(ordered):
        return
    ordered[index], ordered[target] = ordered[target], ordered[index]
    for position, item in enumerate(ordered, start=1):
        item.position = position
    _touch(session, product)
    audit.record(session, actor, "guarantee.move", "guarantee", guarantee.id,
                 after={"product_id": product.id, "order": [g.code for g in ordered]})


def option_prices(product: Product, codes: list[str]) -> list[tuple[str, Decimal]]:
    """Return (label, premium) of the product's options among ``codes``, in the product's order."""
    return [(g.label, g.option_premium or Decimal("0.00")) for g in product.guarantees
            if g.is_option and g.code in codes]

"""The catalog as other areas read it: insurers, products, tax and commission
rates; and the firm's own tax rates per line.

Editing insurers lives in ``app.catalog.insurers``, editing products in
``app.catalog.products``.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from sqlalchemy import func, select
from sqlalchemy.orm import Session, selectinload

from app.audit import services as audit
from app.catalog.insurer_rules import applicable_agreement
from app.catalog.lines import LINES, Line, line_definition
from app.catalog.models import CommissionAgreement, Insurer, LineSetting, Product
from app.catalog.rules import round_cents
from app.quotes.models import Offer


class CatalogError(Exception):
    """A catalog change refused: ``code`` names why (translated by views),
    ``fields`` maps each form field to the code to show next to it,
    ``problems`` lists a tariff's or eligibility's TariffProblems."""

    def __init__(self, code: str, field: str | None = None, problems: list | None = None) -> None:
        super().__init__(code)
        self.code, self.problems = code, problems or []
        self.fields = {field: code} if field else {}

    @classmethod
    def for_fields(cls, fields: dict[str, str]) -> CatalogError:
        """One error for several fields (``fields`` not empty)."""
        field, code = next(iter(fields.items()))
        error = cls(code, field)
        error.fields = dict(fields)
        return error


def list_insurers(session: Session, *, active_only: bool = False) -> list[Insurer]:
    query = select(Insurer).order_by(Insurer.is_active.desc(), Insurer.name)
    if active_only:
        query = query.where(Insurer.is_active.is_(True))
    return list(session.scalars(query))


def product_counts(session: Session) -> dict[int, int]:
    """Return {insurer id: number of its products}."""
    rows = session.execute(select(Product.insurer_id, func.count()).group_by(Product.insurer_id))
    return dict(rows.all())


def get_insurer(session: Session, insurer_id: int) -> Insurer | None:
    return session.get(Insurer, insurer_id)


def get_product(session: Session, product_id: int) -> Product | None:
    """Return the product with its insurer and guarantees loaded."""
    return session.scalar(
        select(Product).where(Product.id == product_id)
        .options(selectinload(Product.guarantees), selectinload(Product.insurer))
    )


def list_products(session: Session, *, line: str | None = None, insurer_id: int | None = None,
                  page: int = 1, per_page: int = 50) -> tuple[list[Product], int]:
    """Return one page of products (by insurer, then name) and the total count."""
    query = select(Product).join(Product.insurer)
    if line:
        query = query.where(Product.line == line)
    if insurer_id:
        query = query.where(Product.insurer_id == insurer_id)
    total = session.scalar(select(func.count()).select_from(query.subquery())) or 0
    products = session.scalars(
        query.options(selectinload(Product.insurer), selectinload(Product.guarantees))
        .order_by(Product.is_active.desc(), Insurer.name, Product.name)
        .offset((page - 1) * per_page).limit(per_page)
    )
    return list(products), total


def eligible_products(session: Session, line: str) -> list[Product]:
    """Return the active products of active insurers for ``line``, guarantees loaded."""
    return list(session.scalars(
        select(Product).join(Product.insurer)
        .where(Product.line == line, Product.is_active.is_(True), Insurer.is_active.is_(True))
        .options(selectinload(Product.guarantees), selectinload(Product.insurer))
        .order_by(Insurer.name, Product.name)
    ))


def is_quoted(session: Session, *, product_id: int | None = None, insurer_id: int | None = None) -> bool:
    """Whether any offer was made from this product or insurer (then it cannot be deleted)."""
    query = select(Offer.id).limit(1)
    query = query.where(Offer.product_id == product_id) if product_id else query.where(Offer.insurer_id == insurer_id)
    return session.scalar(query) is not None


def commission_rate(session: Session, product: Product, as_of: date) -> Decimal:
    """Return the new-business commission rate (percent) for ``product`` at ``as_of``:
    the insurer's agreement for the line, else its all-lines agreement, else the product's rate."""
    agreements = session.scalars(
        select(CommissionAgreement).where(CommissionAgreement.insurer_id == product.insurer_id)
    )
    agreement = applicable_agreement(agreements, product.line, as_of)
    return agreement.new_business_rate if agreement is not None else product.commission_rate


@dataclass(frozen=True)
class TaxRate:
    line: str
    label: object
    default: Decimal
    firm_rate: Decimal | None

    @property
    def rate(self) -> Decimal:
        return self.default if self.firm_rate is None else self.firm_rate


def tax_rate(session: Session, line: str) -> Decimal:
    """Return the insurance tax rate (percent) the firm applies to ``line``."""
    setting = session.get(LineSetting, Line(line).value)
    return setting.tax_rate if setting is not None else line_definition(line).tax_rate


def tax_rates(session: Session) -> list[TaxRate]:
    """Return every line with its default rate (Art. 1001 CGI) and the firm's own."""
    settings = {s.line: s.tax_rate for s in session.scalars(select(LineSetting))}
    return [TaxRate(line.value, definition.label, definition.tax_rate,
                    None if settings.get(line.value) == definition.tax_rate else settings.get(line.value))
            for line, definition in LINES.items()]


def set_tax_rate(session: Session, actor, line: str, rate: Decimal) -> None:
    """Set the firm's own rate for ``line`` (0-100 %); the default rate when equal to it."""
    line = Line(line).value
    rate = round_cents(rate)
    if not Decimal(0) <= rate <= Decimal(100):
        raise CatalogError("rate_out_of_range", field=line)
    before = tax_rate(session, line)
    if rate == before:
        return
    setting = session.get(LineSetting, line)
    if setting is None:
        session.add(LineSetting(line=line, tax_rate=rate, index_rate=Decimal("0.00")))
    else:
        setting.tax_rate = rate
    audit.record(session, actor, "tax_rate.update", "line_setting", line,
                 before={"tax_rate": before}, after={"tax_rate": rate})


def reset_tax_rate(session: Session, actor, line: str) -> None:
    """Go back to the default rate of ``line``."""
    setting = session.get(LineSetting, Line(line).value)
    if setting is None:
        return
    default = line_definition(line).tax_rate
    audit.record(session, actor, "tax_rate.reset", "line_setting", setting.line,
                 before={"tax_rate": setting.tax_rate}, after={"tax_rate": default})
    setting.tax_rate = default

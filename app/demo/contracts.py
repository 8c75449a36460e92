"""The demo firm's portfolio of contracts: every customer holds one or two
policies with the demo insurers, taken out over the last three years, so the
renewals of the coming 90 days, the versions and the timelines have content.
"""

from __future__ import annotations

import random
from datetime import date, timedelta
from decimal import Decimal

from sqlalchemy import select

from app.catalog.models import Product
from app.contracts.services import Terms, create
from app.crm.models import Client

SEED = 4242
INDIVIDUAL_LINES = ("motor", "home", "health")
BUSINESS_LINES = ("rc_pro", "multirisk", "decennial", "cyber", "protection")
#: a plausible annual net premium by line (EUR), before the contract's own variation
PREMIUMS = {"motor": 620, "home": 280, "health": 1450, "rc_pro": 1900, "multirisk": 1500, "decennial": 4200,
            "cyber": 1800, "protection": 2300}


def _anniversary_after(start: date, today: date) -> date:
    """The first anniversary of ``start`` after ``today`` (29 February -> 28)."""
    year = today.year
    while True:
        candidate = start.replace(year=year, day=min(start.day, 28) if start.month == 2 else start.day)
        if candidate > today:
            return candidate
        year += 1


def _guarantees(product: Product) -> list[dict]:
    return [{"code": g.code, "label": g.label, "ceiling": None if g.ceiling is None else str(g.ceiling),
             "deductible": None if g.deductible is None else str(g.deductible), "exclusions": g.exclusions,
             "included": True, "option": g.is_option}
            for g in product.guarantees if not g.is_option]


def add_contracts(session, actor, today: date | None = None) -> int:
    """One or two contracts per customer of the demo portfolio; return how many."""
    today = today or date.today()
    rng = random.Random(SEED)
    products: dict[str, list[Product]] = {}
    for product in session.scalars(select(Product).order_by(Product.id)):
        products.setdefault(product.line, []).append(product)
    count = 0
    customers = session.scalars(select(Client).where(Client.status == "customer").order_by(Client.id)).all()
    for client in customers:
        lines = BUSINESS_LINES if client.is_business else INDIVIDUAL_LINES
        for line in rng.sample(lines, rng.choice([1, 1, 2])):
            product = rng.choice(products[line])
            effective = today - timedelta(days=rng.randrange(20, 3 * 365))
            create(session, actor, Terms(
                client_id=client.id, insurer_id=product.insurer_id, product_id=product.id, line=line,
                label=product.name, effective_date=effective, renewal_date=_anniversary_after(effective, today),
                premium_net=(Decimal(PREMIUMS[line]) * Decimal(rng.randrange(70, 140)) / 100).quantize(Decimal("0.01")),
                fees=Decimal("15.00"), policy_number=f"{product.code}-{effective:%Y}-{rng.randrange(10**5, 10**6)}",
                instalment_plan=rng.choice(product.payment_options or ["annual"]), guarantees=_guarantees(product),
                handler_id=client.handler_id, tacit_renewal=True,
                notice_days=30 if line in INDIVIDUAL_LINES else 60,
            ), summary="Reprise du portefeuille existant")
            count += 1
    session.flush()
    return count

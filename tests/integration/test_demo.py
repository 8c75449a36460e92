"""`make run`'s demo firm: a realistic panel and portfolio, created once."""

from __future__ import annotations

from sqlalchemy import func, select

from app.catalog.lines import LINES
from app.catalog.models import Insurer, Product
from app.catalog.rules import validate_eligibility, validate_tariff
from app.contracts.models import Contract
from app.crm.models import Client, Interaction
from app.quotes.models import NeedsAnalysis, Offer


def test_the_demo_firm_has_a_panel_and_a_portfolio_and_is_made_once(app):
    from app.demo import DEMO_SLUG, ensure_demo
    from app.extensions import db
    from tenants.jobs import tenant_context
    from tenants.provisioning import delete_tenant

    with app.app_context():
        logins = ensure_demo(app)
        ensure_demo(app)
        try:
            with tenant_context(db.session, db.engine, DEMO_SLUG):
                session = db.session
                products = session.scalars(select(Product)).all()
                assert session.scalar(select(func.count()).select_from(Insurer)) >= 6
                assert len(products) >= 20 and {p.line for p in products} == {line.value for line in LINES}
                for product in products:
                    assert validate_tariff(product.tariff, product.line) == [], product.code
                    assert validate_eligibility(product.eligibility, product.line) == [], product.code
                    assert product.guarantees, product.code
                assert session.scalar(select(func.count()).select_from(Client)) == 60
                kinds = dict(session.execute(select(Client.kind, func.count()).group_by(Client.kind)).all())
                assert kinds["individual"] > 0 and kinds["business"] > 0
                assert session.scalar(select(func.count()).select_from(Interaction)) >= 60
                assert session.scalar(select(func.count()).select_from(NeedsAnalysis)) == 60
                assert session.scalar(select(func.count()).select_from(Offer)) > 40
                contracts = session.scalars(select(Contract)).all()
                customers = session.scalar(select(func.count()).select_from(Client).where(Client.status == "customer"))
                assert len(contracts) >= customers > 0
                assert all(c.status == "active" and c.renewal_date > c.effective_date for c in contracts)
        finally:
            delete_tenant(db.engine, DEMO_SLUG, app.config["FILES_ROOT"])
    assert any("claire.martin@cabinet-demo.fr" in line for line in logins)

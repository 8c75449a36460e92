"""The demo firm of `make run`: "Cabinet Démo Courtage", its team, its insurer
panel and its portfolio of clients."""

from __future__ import annotations

from flask import Flask

from app.auth import services as accounts
from app.auth.rules import Role
from app.catalog.models import Insurer
from app.demo.billing import add_billing
from app.demo.claims import add_claims
from app.demo.portal import add_portal
from app.extensions import db
from app.platform.services import create_firm
from tenants.jobs import tenant_context
from tenants.provisioning import UnknownTenant, get_tenant

DEMO_SLUG = "demo"
DEMO_PASSWORD = "demo-assurdesk"
ADMIN = ("Claire Martin", "claire.martin@cabinet-demo.fr")
TEAM = [
    ("Julien Lefèvre", "julien.lefevre@cabinet-demo.fr", Role.MANAGER),
    ("Sophie Bernard", "sophie.bernard@cabinet-demo.fr", Role.HANDLER),
    ("Karim Haddad", "karim.haddad@cabinet-demo.fr", Role.HANDLER),
    ("Élodie Rousseau", "elodie.rousseau@cabinet-demo.fr", Role.READONLY),
]


def ensure_demo(app: Flask) -> list[str]:
    """Create the demo firm if it does not exist yet; return how to sign in."""
    settings = app.extensions["tenancy"]
    try:
        get_tenant(db.engine, DEMO_SLUG)
    except UnknownTenant:
        create_firm(
            slug=DEMO_SLUG, name="Cabinet Démo Courtage", admin_email=ADMIN[1],
            admin_password=DEMO_PASSWORD, admin_name=ADMIN[0], siren="732829320", orias="07000123",
            tenant_migrations=settings.tenant_migrations,
        )
        with tenant_context(db.session, db.engine, DEMO_SLUG):
            admin = accounts.find_by_email(db.session, ADMIN[1])
            for name, email, role in TEAM:
                accounts.create_user(db.session, admin, email=email, full_name=name, role=role,
                                     password=DEMO_PASSWORD)
            db.session.commit()
    with tenant_context(db.session, db.engine, DEMO_SLUG):
        _add_business_data()
        add_billing(db.session, accounts.find_by_email(db.session, ADMIN[1]))
        client_email = add_portal(db.session, accounts.find_by_email(db.session, ADMIN[1]), DEMO_PASSWORD)
        add_claims(db.session, accounts.find_by_email(db.session, ADMIN[1]))
    logins = [f"admin:   {ADMIN[1]} / {DEMO_PASSWORD}",
              f"handler: {TEAM[1][1]} / {DEMO_PASSWORD} (all demo accounts share this password)"]
    if client_email:
        logins.append(f"client space (/portal/): {client_email} / {DEMO_PASSWORD}")
    return logins


def _add_business_data() -> None:
    """Give the demo firm its panel and clients once (also to a demo firm made
    before those areas existed)."""
    from app.demo.catalog import add_panel
    from app.demo.contracts import add_contracts
    from app.demo.portfolio import add_portfolio

    if db.session.query(Insurer.id).first() is not None:
        return
    admin = accounts.find_by_email(db.session, ADMIN[1])
    add_panel(db.session)
    add_portfolio(db.session, admin, accounts.list_users(db.session))
    add_contracts(db.session, admin)
    db.session.commit()
    _index_and_send_notices(admin)


#: yearly indexation by line (%), of the order insurers announced for 2027
INDEX_RATES = {"motor": "3.50", "home": "4.00", "health": "5.00", "rc_pro": "2.50", "multirisk": "3.00",
               "decennial": "2.00", "protection": "2.50", "cyber": "6.00"}


def _index_and_send_notices(admin) -> None:
    """The firm's indexation rates, and this morning's renewal notices sent as
    the daily job would (the demo data is made today)."""
    from datetime import date
    from decimal import Decimal

    from app.renewals.services import run_daily, set_index_rate

    for line, rate in INDEX_RATES.items():
        set_index_rate(db.session, admin, line, Decimal(rate))
    db.session.commit()
    run_daily(db.session, today=date.today(), tenant=get_tenant(db.engine, DEMO_SLUG), locale="fr")

"""`make run`'s demo firm has a client space to try: one customer signs in
with the demo password and finds a change request and a claim."""

from __future__ import annotations

from sqlalchemy import func, select


def test_the_demo_client_space_works_and_is_made_once(app):
    from app.claims.models import Claim
    from app.demo import DEMO_PASSWORD, DEMO_SLUG, ensure_demo
    from app.extensions import db
    from app.portal import services as portal
    from app.portal.models import ClientRequest, PortalAccount
    from tenants.jobs import tenant_context
    from tenants.provisioning import delete_tenant

    with app.app_context():
        logins = ensure_demo(app)
        ensure_demo(app)
        try:
            with tenant_context(db.session, db.engine, DEMO_SLUG):
                session = db.session
                account = session.scalars(select(PortalAccount)).one()
                assert portal.authenticate(session, account.email, DEMO_PASSWORD).id == account.id
                assert session.scalar(select(func.count()).select_from(ClientRequest)) == 1
                claim = session.scalars(select(Claim).where(Claim.declared_by_account_id == account.id)
                                        .order_by(Claim.declared_on.desc(), Claim.id.desc()).limit(1)).one()
                assert claim.client_id == account.client_id and claim.channel == "portal"
                assert any(account.email in line and "/portal/" in line for line in logins)
                session.rollback()
        finally:
            delete_tenant(db.engine, DEMO_SLUG, app.config["FILES_ROOT"])

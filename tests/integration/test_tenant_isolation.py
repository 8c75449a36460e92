"""No request, session or job of one tenant reaches another tenant's data."""

from __future__ import annotations

import pytest
from sqlalchemy import select
from sqlalchemy.exc import ProgrammingError
from werkzeug.routing import IntegerConverter

from app.auth.models import User
from tests.conftest import sign_in

PLATFORM_OR_SHARED = {"platform", "web"}


def _concrete_url(rule) -> str:
    values = {arg: (1 if isinstance(rule._converters[arg], IntegerConverter) else "x") for arg in rule.arguments}
    return rule.build(values, append_unknown=False)[1]


def _tenant_routes(app):
    for rule in app.url_map.iter_rules():
        blueprint = rule.endpoint.split(".")[0]
        if rule.endpoint == "static" or blueprint in PLATFORM_OR_SHARED:
            continue
        view = app.view_functions[rule.endpoint]
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            yield rule, method, getattr(view, "is_public", False) or getattr(view, "portal_public", False)


@pytest.fixture
def two_firms(make_tenant):
    """Two firms whose admins have the same id (1) and the same email."""
    return make_tenant("a", name="Cabinet Alpha"), make_tenant("b", name="Cabinet Bravo")


def test_both_firms_have_a_user_with_the_same_id_and_email(app, two_firms, bound):
    for firm in two_firms:
        with bound(firm) as session:
            user = session.scalars(select(User)).one()
            assert (user.id, user.email) == (1, "admin@example.fr")


def test_a_session_replayed_on_another_tenant_host_is_refused(app, two_firms, client_for):
    alpha, bravo = two_firms
    client_a = client_for(alpha)
    assert sign_in(client_a, "admin@example.fr").status_code == 303
    cookie = client_a.get_cookie("session", domain=f"{alpha.slug}.localhost")
    assert cookie is not None

    client_b = client_for(bravo)
    client_b.set_cookie("session", cookie.value, domain=f"{bravo.slug}.localhost")
    response = client_b.get("/")
    assert response.status_code == 302
    assert "/login" in response.headers["Location"]
    assert "Cabinet Bravo" not in response.text


def test_every_workspace_route_with_another_tenants_session_gets_nothing(app, two_firms, client_for):
    alpha, bravo = two_firms
    client_a = client_for(alpha)
    assert sign_in(client_a, "admin@example.fr").status_code == 303
    cookie = client_a.get_cookie("session", domain=f"{alpha.slug}.localhost")
    client_b = client_for(bravo)
    client_b.set_cookie("session", cookie.value, domain=f"{bravo.slug}.localhost")

    checked = 0
    for rule, method, is_public in _tenant_routes(app):
        if is_public:
            continue
        response = client_b.open(_concrete_url(rule), method=method)
        assert response.status_code in (302, 404), (rule.rule, method, response.status_code)
        if response.status_code == 302:
            assert "/login" in response.headers["Location"], (rule.rule, method)
        assert "admin@example.fr" not in response.text
        checked += 1
    assert checked >= 6


def test_public_pages_of_a_tenant_show_no_signed_in_user_from_another(app, two_firms, client_for):
    alpha, bravo = two_firms
    client_a = client_for(alpha)
    sign_in(client_a, "admin@example.fr")
    cookie = client_a.get_cookie("session", domain=f"{alpha.slug}.localhost")
    client_b = client_for(bravo)
    client_b.set_cookie("session", cookie.value, domain=f"{bravo.slug}.localhost")
    page = client_b.get("/login")
    assert page.status_code == 200
    assert 'data-testid="current-user"' not in page.text


def test_a_query_with_no_tenant_bound_fails(app):
    from app.extensions import db
    from tenants import NoTenantBound, bound_schema

    with app.app_context():
        with pytest.raises(ProgrammingError, match="does not exist"):
            db.session.scalars(select(User)).all()
        db.session.rollback()
        with pytest.raises(NoTenantBound):
            bound_schema(db.session)


def test_a_session_holding_one_tenants_rows_cannot_be_rebound(app, two_firms):
    from app.extensions import db
    from tenants import NoTenantBound, bind_tenant

    alpha, bravo = two_firms
    with app.app_context():
        bind_tenant(db.session, alpha.schema_name)
        users = db.session.scalars(select(User)).all()
        with pytest.raises(NoTenantBound):
            bind_tenant(db.session, bravo.schema_name)
        assert users[0].email == "admin@example.fr"


def test_unknown_hosts_answer_404(app, client_for, tenant):
    from tests.conftest import host_client

    for host in ["nope.localhost", "a.b.localhost", "example.org", f"{tenant.slug}.example.org"]:
        assert host_client(app, host).get("/login").status_code == 404, host


def test_platform_pages_only_on_the_bare_domain(app, tenant, client_for, platform_client):
    assert client_for(tenant).get("/signup").status_code == 404
    assert platform_client.get("/login").status_code == 404
    assert platform_client.get("/signup").status_code == 200


def test_suspended_tenant_answers_404_and_its_jobs_do_not_run(app, tenant, client_for, bound, mailbox, jobs):
    from app.extensions import db
    from app.mail.services import queue_email
    from tenants.models import TenantStatus
    from tenants.provisioning import set_status

    client = client_for(tenant)
    with bound(tenant) as session:
        admin = session.scalars(select(User)).one()
        queue_email(session, tenant.slug, "someone@example.fr", "Hello", "welcome", sender_name="Test",
                    user=admin, firm=tenant.name, link="http://x/")
        session.commit()
    with app.app_context():
        set_status(db.engine, tenant.slug, TenantStatus.SUSPENDED)
    assert client.get("/login").status_code == 404
    jobs()
    assert mailbox.to("someone@example.fr") == []
    with app.app_context(), db.engine.connect() as conn:
        statuses = conn.exec_driver_sql(
            "SELECT status::text FROM procrastinate_jobs WHERE args->>'tenant' = %(slug)s",
            {"slug": tenant.slug}).scalars().all()
    assert statuses == ["todo"], "the job waits for the tenant to be resumed"

    with app.app_context():
        set_status(db.engine, tenant.slug, TenantStatus.ACTIVE)
    assert client.get("/login").status_code == 200


def test_a_custom_domain_serves_its_tenant(app, tenant):
    from app.extensions import db
    from tenants.provisioning import add_domain
    from tests.conftest import host_client

    domain = f"extranet.{tenant.slug}.fr"
    with app.app_context():
        add_domain(db.engine, tenant.slug, domain)
    page = host_client(app, domain).get("/login")
    assert page.status_code == 200
    assert tenant.name in page.text


def test_every_portal_route_with_another_firms_portal_session_gets_nothing(app, two_firms, client_for, bound):
    """A client's portal cookie carried to another firm's host opens nothing there."""
    from app.crm import services as clients
    from app.portal import services as portal

    alpha, bravo = two_firms
    with bound(alpha) as session:
        client = clients.create(session, None, {"kind": "individual", "last_name": "Alpha", "email": "c@alpha.fr"})
        session.flush()
        account = portal.invite(session, None, client)
        secret = app.config["SECRET_KEY"]
        portal.accept_invitation(session, secret, portal.invitation_token(session, secret, account),
                                 "un-mot-de-passe-solide")
        session.commit()
    client_a = client_for(alpha)
    assert client_a.post("/portal/login", data={"email": "c@alpha.fr",
                                                "password": "un-mot-de-passe-solide"}).status_code == 303
    cookie = client_a.get_cookie("session", domain=f"{alpha.slug}.localhost")
    client_b = client_for(bravo)
    client_b.set_cookie("session", cookie.value, domain=f"{bravo.slug}.localhost")
    checked = 0
    for rule, method, is_public in _tenant_routes(app):
        if is_public or not rule.endpoint.startswith("portal."):
            continue
        response = client_b.open(_concrete_url(rule), method=method)
        assert response.status_code in (302, 404), (rule.rule, method, response.status_code)
        if response.status_code == 302:
            assert "/portal/login" in response.headers["Location"], (rule.rule, method)
        assert "c@alpha.fr" not in response.text
        checked += 1
    assert checked >= 10

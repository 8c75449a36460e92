"""The shell every page shares: health, security headers, CSRF, language, errors."""

from __future__ import annotations

from sqlalchemy import create_engine

from tests.conftest import host_client


def test_healthz_answers_on_any_host(app, tenant, client_for, platform_client):
    assert platform_client.get("/healthz").json == {"status": "ok", "database": "up"}
    assert client_for(tenant).get("/healthz").status_code == 200


def test_healthz_answers_503_when_the_database_does_not(app, platform_client):
    from app.extensions import db

    with app.app_context():
        real = db.engines[None]
        db._app_engines[app][None] = create_engine(
            "postgresql+psycopg://nobody@127.0.0.1:1/none", connect_args={"connect_timeout": 1}
        )
        try:
            response = platform_client.get("/healthz")
        finally:
            db._app_engines[app][None] = real
    assert response.status_code == 503
    assert response.json["database"] == "down"


def test_pages_carry_a_csp_without_inline_script(platform_client):
    response = platform_client.get("/signup")
    policy = response.headers["Content-Security-Policy"]
    assert "script-src 'self'" in policy and "unsafe-inline" not in policy
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert "<script>" not in response.text and " on" + "click=" not in response.text


def test_htmx_sends_the_csrf_token_in_a_header(admin_client):
    page = admin_client.get("/")
    assert 'hx-headers=\'{"X-CSRFToken": "' in page.text


def test_unsafe_requests_without_csrf_token_are_refused(app, tenant):
    app.config["WTF_CSRF_ENABLED"] = True
    try:
        client = host_client(app, f"{tenant.slug}.localhost")
        response = client.post("/login", data={"email": "admin@example.fr", "password": "x"})
        assert response.status_code == 400
        assert client.get("/").status_code == 302
    finally:
        app.config["WTF_CSRF_ENABLED"] = False


def test_french_by_default_english_on_request(app, client_for, tenant, monkeypatch):
    from app.config import load

    product = load({"SQLALCHEMY_DATABASE_URI": "postgresql://unused", "INSTANCE_PATH": app.config["INSTANCE_PATH"]})
    assert product["BABEL_DEFAULT_LOCALE"] == "fr"
    monkeypatch.setitem(app.config, "BABEL_DEFAULT_LOCALE", "fr")
    client = client_for(tenant)
    assert 'lang="fr"' in client.get("/login").text
    assert client.post("/language", data={"language": "en", "next": "/login"}).status_code == 303
    assert 'lang="en"' in client.get("/login").text
    assert client.post("/language", data={"language": "xx", "next": "//evil.example"}).headers["Location"] == "/"


def test_error_pages_are_in_the_layout(admin_client, platform_client):
    missing = admin_client.get("/no/such/page")
    assert missing.status_code == 404 and "app-topbar" in missing.text
    assert platform_client.get("/nothing-here").status_code == 404


def test_dev_mail_page_is_off_unless_debug(app, tenant, client_for):
    assert client_for(tenant).get("/dev/mail/").status_code == 404


def test_dev_mail_page_lists_only_this_tenants_mail(app, make_tenant, client_for, jobs):
    alpha, bravo = make_tenant("a"), make_tenant("b")
    app.config["DEBUG_MAIL_PAGE"] = True
    previous_url, app.config["MAIL_URL"] = app.config["MAIL_URL"], ""
    try:
        client_for(alpha).post("/password/forgot", data={"email": "admin@example.fr"})
        jobs()
        alpha_inbox = client_for(alpha).get("/dev/mail/")
        bravo_inbox = client_for(bravo).get("/dev/mail/")
    finally:
        app.config["DEBUG_MAIL_PAGE"] = False
        app.config["MAIL_URL"] = previous_url
    assert alpha_inbox.status_code == 200 and "admin@example.fr" in alpha_inbox.text
    assert bravo_inbox.status_code == 200 and "admin@example.fr" not in bravo_inbox.text

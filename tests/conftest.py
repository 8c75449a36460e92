"""Fixtures on real parts: PostgreSQL (embedded, or TEST_DATABASE_URL), the
procrastinate worker, an aiosmtpd SMTP server."""

from __future__ import annotations

import os
import re
import shutil
import socket
import tempfile
import threading
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import psycopg
from flask.testing import FlaskClient
import pytest
from sqlalchemy.engine import make_url

os.environ.setdefault("XDG_RUNTIME_DIR", "/tmp")


def _create_database(server_url: str) -> tuple[str, str]:
    """Create a fresh database on ``server_url``; return (its URL, its name)."""
    name = f"assurdesk_test_{uuid.uuid4().hex[:10]}"
    with psycopg.connect(server_url, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    url = make_url(server_url.replace("postgresql://", "postgresql+psycopg://", 1)).set(database=name)
    return url.render_as_string(hide_password=False), name


def _drop_database(server_url: str, name: str) -> None:
    with psycopg.connect(server_url, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


#: what the tests' database needs at the most (schemas are dropped after each test; WAL is recycled)
TEST_DATABASE_ROOM = 2 * 1024**3


def _memory_dir() -> str | None:
    """/dev/shm when it is a roomy tmpfs: every test provisions a firm's
    schema (a hundred tables and their indexes), which on a slow disk costs
    four to five times as much; else the default temporary directory."""
    try:
        return "/dev/shm" if shutil.disk_usage("/dev/shm").free >= TEST_DATABASE_ROOM else None
    except OSError:
        return None


def _throwaway_durability(server_url: str) -> None:
    """The tests' own embedded server holds nothing worth a crash's recovery:
    no flush to disk at each commit, so that provisioning a firm's schema (a
    hundred tables) in every test costs CPU, not the disk's latency."""
    with psycopg.connect(server_url, autocommit=True) as conn:
        for setting in ("fsync", "synchronous_commit", "full_page_writes"):
            conn.execute(f"ALTER SYSTEM SET {setting} = off")
        conn.execute("SELECT pg_reload_conf()")


@pytest.fixture(scope="session")
def database_url(tmp_path_factory) -> Iterator[str]:
    server_url = os.environ.get("TEST_DATABASE_URL")
    server = None
    if not server_url:
        import pgserver

        # Outside pytest's tmp dir: a concurrent pytest session resets that
        # dir to mode 0700, which the server's own user could then not enter.
        pgdata = tempfile.mkdtemp(prefix="assurdesk-pgdata-", dir=_memory_dir())
        server = pgserver.get_server(pgdata, cleanup_mode="delete")
        server_url = server.get_uri()
        _throwaway_durability(server_url)
    url, name = _create_database(server_url)
    yield url
    _drop_database(server_url, name)


@pytest.fixture(scope="session")
def instance_dir(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("instance")


@pytest.fixture(scope="session")
def app(database_url, instance_dir):
    from app import create_app
    from app.config import throwaway
    from app.extensions import db
    from tenants.migrate import upgrade_shared

    os.environ["DATABASE_URL"] = database_url
    # Tests read the English source strings (the msgids); tests/integration/
    # test_translations.py checks the French catalogue and the French default.
    # A test's passwords need no scrypt: a cheap hash saves a tenth of a second per account and sign-in.
    flask_app = create_app(throwaway(database_url, instance_dir, "test")
                           | {"BABEL_DEFAULT_LOCALE": "en", "PASSWORD_HASH_METHOD": "pbkdf2:sha256:1000"})
    with flask_app.app_context():
        upgrade_shared(db.engine, flask_app.extensions["tenancy"].shared_migrations)
    return flask_app


@pytest.fixture(autouse=True)
def fresh_rate_limits(request):
    """Rate limits are real in tests; each test starts with empty counters."""
    yield
    if "app" in request.fixturenames:
        from app.extensions import limiter

        limiter.reset()


@pytest.fixture
def engine(app):
    from app.extensions import db

    with app.app_context():
        yield db.engine


def unique_slug(prefix: str = "t") -> str:
    return f"{prefix}-{uuid.uuid4().hex[:8]}"


class TenantFactory:
    """Create tenants with their first admin; delete them after the test."""

    PASSWORD = "correct horse battery"

    def __init__(self, app) -> None:
        self.app = app
        self.created: list[str] = []

    def __call__(self, prefix: str = "t", *, name: str | None = None,
                 admin_email: str = "admin@example.fr", password: str | None = PASSWORD):
        from app.platform.services import create_firm

        slug = unique_slug(prefix)
        with self.app.app_context():
            tenant = create_firm(
                slug=slug, name=name or f"Cabinet {slug}", admin_email=admin_email,
                admin_password=password, admin_name="Anne Admin",
                tenant_migrations=self.app.extensions["tenancy"].tenant_migrations,
            )
        self.created.append(slug)
        return tenant

    def cleanup(self) -> None:
        from app.extensions import db
        from tenants.provisioning import UnknownTenant, delete_tenant

        with self.app.app_context():
            for slug in self.created:
                try:
                    delete_tenant(db.engine, slug, self.app.config["FILES_ROOT"])
                except UnknownTenant:
                    pass


@pytest.fixture
def make_tenant(app) -> Iterator[TenantFactory]:
    factory = TenantFactory(app)
    yield factory
    factory.cleanup()


@pytest.fixture
def tenant(make_tenant):
    return make_tenant("a")


@contextmanager
def inside(app, tenant):
    """An app context whose session is bound to ``tenant``."""
    from app.extensions import db
    from tenants.jobs import tenant_context

    with app.app_context(), tenant_context(db.session, db.engine, tenant.slug):
        yield db.session


@pytest.fixture
def bound(app):
    return lambda tenant: inside(app, tenant)


class HostClient(FlaskClient):
    """A test client whose requests all go to one host (a tenant's, or the platform's)."""

    host = "localhost"

    def open(self, *args, **kwargs):
        if not kwargs.get("base_url") and not (args and not isinstance(args[0], str)):
            kwargs["base_url"] = f"http://{self.host}"
        return super().open(*args, **kwargs)


def host_client(app, host: str):
    client = HostClient(app, app.response_class, use_cookies=True)
    client.host = host
    return client


@pytest.fixture
def client_for(app):
    return lambda tenant: host_client(app, f"{tenant.slug}.localhost")


@pytest.fixture
def platform_client(app):
    return host_client(app, "localhost")


def sign_in(client, email: str, password: str = TenantFactory.PASSWORD):
    return client.post("/login", data={"email": email, "password": password})


@pytest.fixture
def admin_client(client_for, tenant):
    client = client_for(tenant)
    response = sign_in(client, "admin@example.fr")
    assert response.status_code == 303, response.text
    return client


def add_user(app, tenant, email: str, role: str, password: str | None = TenantFactory.PASSWORD):
    from app.auth import services as accounts
    from app.auth.rules import Role

    with inside(app, tenant) as session:
        user = accounts.create_user(session, None, email=email, full_name=email.split("@")[0].title(),
                                    role=Role(role), password=password)
        session.commit()
        return user.id


def run_jobs(app) -> None:
    """Run every queued job with the real procrastinate worker, then return."""
    from app.jobs.queue import queue

    errors: list[BaseException] = []

    def work() -> None:
        try:
            queue.run_worker(wait=False, install_signal_handlers=False, listen_notify=False)
        except BaseException as exc:  # re-raised in the test's thread
            errors.append(exc)

    # A thread of its own: the test's thread may hold Playwright's event loop.
    worker = threading.Thread(target=work)
    worker.start()
    worker.join(timeout=120)
    if errors:
        raise errors[0]


@pytest.fixture
def jobs(app):
    return lambda: run_jobs(app)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Mailbox:
    """Messages received by a real aiosmtpd server."""

    def __init__(self) -> None:
        self.messages = []

    async def handle_DATA(self, server, session, envelope):
        from email import message_from_bytes, policy

        self.messages.append(message_from_bytes(envelope.content, policy=policy.default))
        return "250 OK"

    def to(self, address: str):
        return [m for m in self.messages if address in (m["To"] or "")]

    @staticmethod
    def text(message) -> str:
        return message.get_body(preferencelist=("plain",)).get_content()

    def link(self, address: str, pattern: str = r"https?://\S+") -> str:
        found = re.search(pattern, self.text(self.to(address)[-1]))
        assert found, f"no link in the mail to {address}"
        return found.group(0)


@pytest.fixture
def mailbox(app) -> Iterator[Mailbox]:
    from aiosmtpd.controller import Controller

    box = Mailbox()
    port = free_port()
    controller = Controller(box, hostname="127.0.0.1", port=port)
    controller.start()
    previous = app.config["MAIL_URL"]
    app.config["MAIL_URL"] = f"smtp://127.0.0.1:{port}"
    try:
        yield box
    finally:
        app.config["MAIL_URL"] = previous
        controller.stop()


@pytest.fixture(scope="session")
def localstripe():
    """localstripe, the fake Stripe API, as a real process for the session."""
    from tests.stripe_server import start_localstripe

    server = start_localstripe()
    try:
        yield server
    finally:
        server.stop()

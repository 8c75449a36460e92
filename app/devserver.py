"""`make run`: the whole product on one machine, with an embedded database.

Starts PostgreSQL from the ``pgserver`` package under ``instance/pgdata``
(unless ``DATABASE_URL`` is set) and localstripe, a fake Stripe (unless
``STRIPE_API_BASE`` names a Stripe to use), applies the shared and tenant
migrations, provisions the demo firm once (its billing set up against
localstripe), then runs the web server and the job worker until Ctrl-C, which
stops all of them and the database.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time

from app.config import instance_path

DEMO_SLUG = "demo"


def start_database() -> object | None:
    """Start the embedded server when no DATABASE_URL is given; keep it referenced."""
    if os.environ.get("DATABASE_URL"):
        return None
    import pgserver

    server = pgserver.get_server(instance_path() / "pgdata", cleanup_mode="stop")
    os.environ["DATABASE_URL"] = server.get_uri()
    return server


def start_localstripe(port: str) -> subprocess.Popen | None:
    """Start localstripe (its log under ``instance/``) and point the app at it,
    unless ``STRIPE_API_BASE`` is set; its port is ``LOCALSTRIPE_PORT``, or
    the web port + 3420 (8420 for 5000, localstripe's own default)."""
    if os.environ.get("STRIPE_API_BASE"):
        return None
    from app.billing import localstripe

    stripe_port = int(os.environ.get("LOCALSTRIPE_PORT") or int(port) + 3420)
    process = localstripe.start(stripe_port, instance_path() / "localstripe.log")
    os.environ["STRIPE_API_BASE"] = localstripe.url(stripe_port)
    os.environ.setdefault("STRIPE_SECRET_KEY", "sk_test_assurdesk_platform")
    os.environ.setdefault("STRIPE_PUBLISHABLE_KEY", "pk_test_assurdesk_platform")
    return process


def prepare(port: str, local_stripe: bool) -> list[str]:
    """Migrate everything and make sure the demo firm exists; return its logins."""
    from app import create_app
    from app.demo import ensure_demo
    from app.extensions import db
    from tenants.migrate import migrate_all, upgrade_shared
    from tenants.provisioning import list_tenants

    app = create_app()
    settings = app.extensions["tenancy"]
    with app.app_context():
        upgrade_shared(db.engine, settings.shared_migrations)
        schemas = [row.schema_name for row in list_tenants(db.engine)]
        failed = [r for r in migrate_all(db.engine, schemas, settings.tenant_migrations, jobs=2) if not r.ok]
        for result in failed:
            print(f"warning: tenant schema {result.schema} failed to migrate: {result.error}", file=sys.stderr)
        logins = ensure_demo(app)
    if local_stripe:
        from app.billing.localstripe import configure_firm

        configure_firm(app, DEMO_SLUG, os.environ["STRIPE_API_BASE"],
                       f"http://{DEMO_SLUG}.localhost:{port}/premiums/stripe/webhook")
    return logins


def _interrupt(signum, frame) -> None:
    raise KeyboardInterrupt


def main() -> int:
    # Explicit handlers: a shell may start us with SIGINT ignored.
    signal.signal(signal.SIGINT, _interrupt)
    signal.signal(signal.SIGTERM, _interrupt)
    server = start_database()
    os.environ.setdefault("FLASK_APP", "app:create_app")
    os.environ.setdefault("FLASK_DEBUG", "1")
    port = os.environ.get("PORT", "5000")
    os.environ.setdefault("PLATFORM_URL", f"http://localhost:{port}")
    stripe = start_localstripe(port)
    try:
        logins = prepare(port, local_stripe=stripe is not None)
    except BaseException:
        _stop([stripe] if stripe else [])
        raise
    flask = [sys.executable, "-m", "flask"]
    children = [
        _spawn([*flask, "jobs", "worker"]),
        _spawn([*flask, "run", "--host", os.environ.get("HOST", "127.0.0.1"), "--port", port]),
        *([stripe] if stripe else []),
    ]
    print_banner(port, logins, stripe is not None)
    try:
        while all(child.poll() is None for child in children):
            time.sleep(0.5)
    except KeyboardInterrupt:
        pass
    finally:
        _stop(children)
        if server is not None:
            server.cleanup()
        print("\nAssurdesk stopped." + (" Embedded PostgreSQL stopped." if server else ""))
    return 0


def _spawn(command: list[str]) -> subprocess.Popen:
    """Start a child in its own process group, so that stopping it also stops
    what it starts (the web server's reloader runs the server in a grandchild)."""
    return subprocess.Popen(command, start_new_session=True)


def _stop(children: list[subprocess.Popen]) -> None:
    for child in children:
        if child.poll() is None:
            os.killpg(child.pid, signal.SIGTERM)
    for child in children:
        try:
            child.wait(timeout=10)
        except subprocess.TimeoutExpired:
            os.killpg(child.pid, signal.SIGKILL)
            child.wait()


def print_banner(port: str, logins: list[str], local_stripe: bool = False) -> None:
    stripe = os.environ.get("STRIPE_API_BASE", "")
    log = instance_path() / "localstripe.log"
    stripe_line = (f"  Stripe (localstripe, fake):  {stripe}/  (log: {log})" if local_stripe
                   else f"  Stripe:                      {stripe}")
    lines = [
        "",
        "  Assurdesk is running.",
        f"  Workspace of the demo firm:  http://{DEMO_SLUG}.localhost:{port}/",
        *[f"    {login}" for login in logins],
        f"  Emails sent (dev):           http://{DEMO_SLUG}.localhost:{port}/dev/mail/",
        f"  Sign up a new firm:          http://localhost:{port}/signup",
        stripe_line,
        "  Stop with Ctrl-C.",
        "",
    ]
    print("\n".join(lines), flush=True)


if __name__ == "__main__":
    sys.exit(main())

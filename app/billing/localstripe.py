"""localstripe, the stateful fake Stripe API of `make run` and of the tests,
run as a real process: ``python -m app.billing.localstripe --port N``.

It is localstripe itself, started with one difference: host names under
``.localhost`` resolve to the loopback address, as browsers and curl resolve
them (RFC 6761) but this machine's resolver does not. That lets localstripe
deliver webhooks to a firm's own host (``http://demo.localhost:5000/...``),
the way Stripe calls a firm's endpoint.

localstripe keeps its data in ``/tmp/localstripe.pickle``, shared by every
instance on the machine: it is always started ``--from-scratch`` (nothing
is read from that file), and its webhooks live in memory, so whoever starts
it registers them again.
"""

from __future__ import annotations

import socket
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

_getaddrinfo = socket.getaddrinfo


def _resolve_localhost_names(host, *args, **kwargs):
    if isinstance(host, str) and host.lower().rstrip(".").endswith(".localhost"):
        host = "localhost"
    return _getaddrinfo(host, *args, **kwargs)


def command(port: int) -> list[str]:
    return [sys.executable, "-m", "app.billing.localstripe", "--port", str(port)]


def start(port: int, log_path: Path | None = None) -> subprocess.Popen:
    """Start localstripe on ``port`` in its own process group (its output to
    ``log_path``, else discarded); returns once it answers."""
    out = open(log_path, "ab") if log_path else subprocess.DEVNULL  # noqa: SIM115 (kept by the child)
    process = subprocess.Popen(command(port), stdout=out, stderr=subprocess.STDOUT, start_new_session=True,
                               cwd=Path(__file__).resolve().parents[2])
    if log_path:
        out.close()
    try:
        wait_until_up(url(port), process)
    except BaseException:
        process.kill()
        process.wait()
        raise
    return process


def url(port: int) -> str:
    return f"http://localhost:{port}"


def wait_until_up(base: str, process: subprocess.Popen | None = None, timeout: float = 30.0) -> None:
    """Return when ``base`` serves its Stripe.js stand-in; raise if it never does."""
    deadline = time.monotonic() + timeout
    while True:
        try:
            with urllib.request.urlopen(f"{base}/js.stripe.com/v3/", timeout=2) as response:
                if response.status == 200:
                    return
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            pass
        if process is not None and process.poll() is not None:
            raise RuntimeError(f"localstripe exited with status {process.returncode}")
        if time.monotonic() > deadline:
            raise RuntimeError(f"localstripe did not answer at {base}")
        time.sleep(0.1)


def _post(base: str, path: str, data: dict | None = None, method: str = "POST") -> None:
    body = urllib.parse.urlencode(data or {}).encode() if data is not None else None
    request = urllib.request.Request(f"{base}{path}", data=body, method=method)
    with urllib.request.urlopen(request, timeout=10) as response:
        response.read()


def register_webhook(base: str, endpoint_id: str, target: str, secret: str) -> None:
    """Have localstripe sign its events with ``secret`` and post them to ``target``."""
    _post(base, f"/_config/webhooks/{urllib.parse.quote(endpoint_id, safe='')}", {"url": target, "secret": secret})


def reset(base: str) -> None:
    """Forget every object (webhooks stay registered)."""
    _post(base, "/_config/data", method="DELETE")


DEMO_KEYS = {"stripe_secret_key": "sk_test_assurdesk_demo", "stripe_publishable_key": "pk_test_assurdesk_demo"}


def configure_firm(app, slug: str, base: str, webhook_url: str) -> None:
    """Give the firm ``slug`` Stripe test keys for localstripe when it has no
    Stripe set-up yet, and have localstripe deliver webhooks to its endpoint
    signed with the firm's secret (`make run`)."""
    import secrets

    from app.billing import firm_settings
    from app.extensions import db
    from tenants.jobs import tenant_context

    with app.app_context(), tenant_context(db.session, db.engine, slug):
        settings = firm_settings.load(db.session)
        if firm_settings.stripe_mode(settings) == firm_settings.StripeMode.NONE:
            settings.stripe_secret_key = DEMO_KEYS["stripe_secret_key"]
            settings.stripe_publishable_key = DEMO_KEYS["stripe_publishable_key"]
            settings.stripe_webhook_secret = "whsec_" + secrets.token_hex(16)
            settings.sepa_debit_enabled = True
        secret = settings.stripe_webhook_secret
        db.session.commit()
    if secret:
        register_webhook(base, slug, webhook_url, secret)


def main(argv: list[str]) -> None:
    from localstripe.server import start as serve

    socket.getaddrinfo = _resolve_localhost_names
    sys.argv = ["localstripe", *argv, "--from-scratch"]
    serve()


if __name__ == "__main__":
    main(sys.argv[1:])

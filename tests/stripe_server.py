"""Stripe in the tests: localstripe as a real process (started by
:mod:`app.billing.localstripe`, so that it reaches ``<firm>.localhost``
hosts), the app served over real HTTP so that localstripe delivers webhooks
to it, and events signed the way Stripe signs them."""

from __future__ import annotations

import json
import secrets
import subprocess
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass

import stripe

from app.billing import localstripe
from tests.conftest import free_port

WEBHOOK_PATH = "/premiums/stripe/webhook"


@dataclass
class LocalStripe:
    port: int
    process: subprocess.Popen

    @property
    def url(self) -> str:
        return localstripe.url(self.port)

    def client(self, key: str = "sk_test_assurdesk_tests") -> stripe.StripeClient:
        return stripe.StripeClient(key, base_addresses={"api": self.url}, max_network_retries=0)

    def register_webhook(self, endpoint_id: str, target: str, secret: str) -> None:
        localstripe.register_webhook(self.url, endpoint_id, target, secret)

    def reset(self) -> None:
        localstripe.reset(self.url)

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()


def start_localstripe() -> LocalStripe:
    port = free_port()
    return LocalStripe(port, localstripe.start(port))


@contextmanager
def serve_app(app, **config) -> Iterator[int]:
    """Serve ``app`` over HTTP on 127.0.0.1:<free port> (``config`` set for the
    while, then put back); yields the port."""
    from werkzeug.serving import make_server

    missing = object()
    previous = {key: app.config.get(key, missing) for key in config}
    app.config.update(config)
    port = free_port()
    server = make_server("127.0.0.1", port, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, name="stripe-tests-http", daemon=True)
    thread.start()
    try:
        yield port
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=10)
        for key, value in previous.items():
            if value is missing:
                app.config.pop(key, None)
            else:
                app.config[key] = value


def webhook_url(slug: str, port: int) -> str:
    return f"http://{slug}.localhost:{port}{WEBHOOK_PATH}"


def new_webhook_secret() -> str:
    return "whsec_" + secrets.token_hex(16)


def event(event_type: str, obj: dict, *, event_id: str | None = None, created: int | None = None,
          account: str | None = None) -> dict:
    """An event as Stripe sends it."""
    body = {"id": event_id or "evt_" + secrets.token_hex(8), "object": "event", "type": event_type,
            "created": created or int(time.time()), "livemode": False, "api_version": "2024-06-20",
            "data": {"object": obj}}
    return body | ({"account": account} if account else {})


def signed(body: dict | bytes, secret: str, timestamp: int | None = None) -> tuple[bytes, dict]:
    """The payload and the ``Stripe-Signature`` header Stripe would send."""
    payload = body if isinstance(body, bytes) else json.dumps(body).encode()
    header = stripe.WebhookSignature.generate_signature_header(payload.decode(), secret, timestamp=timestamp)
    return payload, {"Stripe-Signature": header, "Content-Type": "application/json"}


def wait_for(found: Callable[[], object], what: str, timeout: float = 30.0) -> object:
    """Poll ``found`` until it returns something (localstripe delivers webhooks
    about a second after the change); fail with ``what`` if it never does."""
    deadline = time.monotonic() + timeout
    while True:
        value = found()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"never happened: {what}")
        time.sleep(0.2)

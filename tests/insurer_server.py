"""A real local HTTP server playing an insurer's placement endpoint.

It records every request, checks its ``Assurdesk-Signature`` with the
insurer's secret the way the insurer API docs tell insurers to, and answers
from a script (``server.script(500, 500, 200)``; 200 once the script is
used up). Use the ``insurer_server`` fixture: import it in a test module.
"""

from __future__ import annotations

import json
import threading
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from app.outbox.rules import SIGNATURE_HEADER, verify_signature

SECRET = "whsec_insurer_test_secret"


@dataclass(frozen=True)
class Received:
    path: str
    headers: dict
    body: bytes
    signature_valid: bool

    @property
    def idempotency_key(self) -> str | None:
        return self.headers.get("idempotency-key")

    def json(self) -> dict:
        return json.loads(self.body)


class InsurerServer:
    def __init__(self, secret: str = SECRET) -> None:
        self.secret = secret
        self.received: list[Received] = []
        self._script: list[tuple[int, dict]] = []
        self._lock = threading.Lock()
        self._httpd = ThreadingHTTPServer(("127.0.0.1", 0), self._handler_class())
        self._thread = threading.Thread(target=self._httpd.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self._httpd.server_address[1]}/placements"

    def script(self, *answers) -> None:
        """Answer the next requests with these statuses (or (status, JSON body) pairs)."""
        with self._lock:
            self._script = [a if isinstance(a, tuple) else (a, {"status": a}) for a in answers]

    def _next_answer(self) -> tuple[int, dict]:
        with self._lock:
            return self._script.pop(0) if self._script else (200, {"received": True})

    def _handler_class(self):
        server = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                headers = {key.lower(): value for key, value in self.headers.items()}
                valid = verify_signature(server.secret, body, headers.get(SIGNATURE_HEADER.lower(), ""))
                server.received.append(Received(self.path, headers, body, valid))
                status, answer = (401, {"error": {"message": "bad signature"}}) if not valid else \
                    (400, {"error": {"message": "Idempotency-Key missing"}}) if not headers.get("idempotency-key") \
                    else server._next_answer()
                payload = json.dumps(answer).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(payload)))
                self.end_headers()
                self.wfile.write(payload)

            def log_message(self, *args):
                pass

        return Handler

    def start(self) -> InsurerServer:
        self._thread.start()
        return self

    def stop(self) -> None:
        self._httpd.shutdown()
        self._httpd.server_close()


@pytest.fixture
def insurer_server():
    server = InsurerServer().start()
    yield server
    server.stop()

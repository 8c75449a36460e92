"""Contract benchmarks: the certificate of insurance's PDF, and the outbox's
delivery throughput to an insurer's API.

Baselines measured in the same run:

- certificate: WeasyPrint rendering a one-line page through the same URL
  fetcher — the ratio is what the certificate's content (mentions, QR code,
  layout) and its storage cost on top of starting a PDF at all;
- outbox: the same signed POSTs sent straight from a loop with one HTTP
  client — the ratio is what the outbox (the job queue, the row lock, the
  attempt written, the commit) costs per message on top of the HTTP call.
"""

from __future__ import annotations

import json
import threading
import time
from datetime import date, timedelta
from decimal import Decimal
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from bench.common import Stats

CERTIFICATES = 30
MESSAGES = 200
SECRET = "whsec_bench"


def _firm(app, slug: str) -> None:
    from app.platform.services import create_firm

    with app.app_context():
        create_firm(slug=slug, name=f"Cabinet {slug}", admin_email="admin@example.fr",
                    admin_password="correct horse battery", admin_name="Anne Admin",
                    tenant_migrations=app.extensions["tenancy"].tenant_migrations)


def _rc_pro_contract(session, insurer) -> int:
    from app.contracts.services import Terms, create
    from app.crm.models import Client

    client = Client(reference="CLI-000001", kind="business", legal_name="Atelier Moreau Architectes",
                    display_name="Atelier Moreau Architectes", sort_name="atelier moreau architectes",
                    siren="732829320", address_line1="4 rue des Arts", postal_code="44000", city="Nantes",
                    held_elsewhere=[])
    session.add(client)
    session.flush()
    start = date.today() - timedelta(days=30)
    contract = create(session, None, Terms(
        client_id=client.id, insurer_id=insurer.id, line="rc_pro", label="RC Pro Conseil", effective_date=start,
        renewal_date=start.replace(year=start.year + 1), premium_net=Decimal("1200.00"), fees=Decimal("15.00"),
        policy_number="RCP-2026-000001", risk={"activity": "Architecte", "turnover": "450000"},
        guarantees=[{"code": "operating_liability", "label": "RC exploitation", "ceiling": "3000000",
                     "deductible": "500", "included": True, "option": False},
                    {"code": "professional_liability", "label": "RC professionnelle", "ceiling": "1500000",
                     "deductible": "1000", "included": True, "option": False}]))
    return contract.id


def certificates(app) -> dict:
    """Time ``attestations.services.issue`` (PDF with QR code, stored), and the baseline."""
    from app.attestations.services import default_period, issue
    from app.catalog.models import Insurer
    from app.contracts.models import Contract
    from app.extensions import db
    from app.letters.services import render_pdf
    from tenants.jobs import tenant_context
    from tenants.provisioning import get_tenant

    slug = "bench-certificates"
    _firm(app, slug)
    with app.app_context():
        tenant = get_tenant(db.engine, slug)
    with app.test_request_context(base_url=f"http://{slug}.localhost"), tenant_context(db.session, db.engine, slug):
        insurer = Insurer(name="Garonne IARD", legal_name="Garonne IARD SA", registration="RCS Toulouse",
                          siren="383474814", placement_channel="email", placement_email="p@garonne.example")
        db.session.add(insurer)
        db.session.flush()
        contract_id = _rc_pro_contract(db.session, insurer)
        db.session.commit()

        def one_certificate() -> float:
            contract = db.session.get(Contract, contract_id)
            valid_from, valid_to = default_period(contract)
            start = time.perf_counter()
            issue(db.session, None, contract, valid_from=valid_from, valid_to=valid_to,
                  verify_url_for=lambda code: f"http://{slug}.localhost/verify/{code}", tenant=tenant)
            db.session.commit()
            return time.perf_counter() - start

        def one_line() -> float:
            start = time.perf_counter()
            render_pdf("<html><body><p>Attestation d'assurance</p></body></html>")
            return time.perf_counter() - start

        one_certificate(), one_line()  # warm-up: fonts, templates
        issued, baseline = [], []
        for _ in range(CERTIFICATES):
            issued.append(one_certificate())
            baseline.append(one_line())
    return {"n": CERTIFICATES, "certificate": Stats.of(issued), "one_line": Stats.of(baseline)}


class _Insurer:
    """A local HTTP server answering 200 to every POST, counting them."""

    def __init__(self) -> None:
        self.count = 0
        self.lock = threading.Lock()
        owner = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"
            disable_nagle_algorithm = True  # one small answer: no 40 ms delayed-ACK stall

            def do_POST(self):
                self.rfile.read(int(self.headers.get("Content-Length", 0)))
                with owner.lock:
                    owner.count += 1
                body = b'{"received": true}'
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args):
                pass

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        threading.Thread(target=self.httpd.serve_forever, daemon=True).start()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.httpd.server_address[1]}/placements"


def _run_worker() -> None:
    from app.jobs.queue import queue

    queue.run_worker(wait=False, install_signal_handlers=False, listen_notify=False)


def outbox(app) -> dict:
    """Messages per second delivered by the worker, and by a bare loop of signed POSTs."""
    import httpx

    from app.catalog.models import Insurer
    from app.extensions import db
    from app.outbox.models import MessageStatus, OutboxMessage
    from app.outbox.rules import signature_header
    from app.outbox.services import body_of, enqueue_message
    from tenants.jobs import tenant_context

    server = _Insurer()
    slug = "bench-outbox"
    _firm(app, slug)
    payload = {"reference": "PLC-000000", "risk": {"activity": "Architecte", "turnover": "450000"},
               "guarantees": [{"code": "operating_liability", "ceiling": "3000000"}] * 5}
    with app.app_context(), tenant_context(db.session, db.engine, slug):
        insurer = Insurer(name="Azur Assurances", placement_channel="api", api_endpoint=server.url,
                          api_secret=SECRET)
        db.session.add(insurer)
        db.session.flush()
        for number in range(MESSAGES):
            enqueue_message(db.session, insurer=insurer, subject_type="placement", subject_id=number + 1,
                            kind="placement", payload=payload | {"reference": f"PLC-{number:06d}"})
        db.session.commit()
    start = time.perf_counter()
    worker = threading.Thread(target=_run_worker)
    worker.start()
    worker.join(timeout=600)
    outbox_seconds = time.perf_counter() - start
    with app.app_context(), tenant_context(db.session, db.engine, slug):
        delivered = db.session.query(OutboxMessage).filter_by(status=MessageStatus.DELIVERED.value).count()
    if delivered != MESSAGES or server.count != MESSAGES:
        raise RuntimeError(f"delivered {delivered}, server received {server.count}, expected {MESSAGES}")

    body = body_of(payload)
    start = time.perf_counter()
    with httpx.Client(timeout=10) as client:
        for number in range(MESSAGES):
            response = client.post(server.url, content=body, headers={
                "Content-Type": "application/json", "Idempotency-Key": f"bench-{number}",
                "Assurdesk-Signature": signature_header(SECRET, body, int(time.time()))})
            response.raise_for_status()
    loop_seconds = time.perf_counter() - start
    server.httpd.shutdown()
    return {"n": MESSAGES, "outbox_seconds": outbox_seconds, "loop_seconds": loop_seconds,
            "payload_bytes": len(json.dumps(payload))}


def _ms(seconds: float) -> str:
    return f"{seconds * 1000:.2f}"


def render(certified: dict, delivered: dict) -> list[str]:
    c, b = certified["certificate"], certified["one_line"]
    n = delivered["n"]
    outbox_rate, loop_rate = n / delivered["outbox_seconds"], n / delivered["loop_seconds"]
    return [
        "## 6. Certificate of insurance (PDF)",
        "",
        "`attestations.services.issue` for an RC Pro contract: the mentions, a QR code (SVG), WeasyPrint,",
        f"the PDF stored in the contract's documents, the row committed. One warm-up, then {certified['n']} runs,",
        "each followed by the baseline.",
        "",
        "| measure | median ms | p95 ms | mean ms | n |",
        "|---|---:|---:|---:|---:|",
        f"| one certificate, issued and stored | {_ms(c.median)} | {_ms(c.p95)} | {_ms(c.mean)} | {c.n} |",
        f"| baseline: WeasyPrint rendering a one-line page (same fetcher) | {_ms(b.median)} | {_ms(b.p95)} | {_ms(b.mean)} | {b.n} |",
        "",
        f"- **Ratio certificate / one-line page: median {c.median / b.median:.1f}x.**",
        "",
        "## 7. Outbox delivery to an insurer's API",
        "",
        f"{n} placement messages queued in one transaction, then delivered by the real procrastinate worker",
        "(one job per message: row locked `FOR UPDATE SKIP LOCKED`, signed POST with its idempotency key,",
        "attempt written, committed) to a local HTTP server answering 200. Baseline: the same signed POSTs",
        "from a plain loop with one `httpx.Client`.",
        "",
        "| measure | messages | seconds | messages per second |",
        "|---|---:|---:|---:|",
        f"| outbox worker | {n} | {delivered['outbox_seconds']:.2f} | {outbox_rate:.1f} |",
        f"| baseline: bare loop of signed POSTs | {n} | {delivered['loop_seconds']:.2f} | {loop_rate:.1f} |",
        "",
        f"- **Outbox throughput: {outbox_rate:.0f} messages/s, {loop_rate / outbox_rate:.1f}x the time per message"
        " of the bare loop** (one worker process; more workers deliver in parallel).",
        "",
    ]

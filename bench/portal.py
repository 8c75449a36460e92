"""The policyholder portal under concurrent users, served by gunicorn as the
image serves it (`docker/entrypoint.sh`: `gunicorn 'app:create_app()'`, sync
workers) except for worker recycling: the image recycles a worker after about
1000 requests, and each new worker imports the whole app (seconds of CPU on
two cores), which would land inside the measured phases at random.

One firm, BENCH_PORTAL_CLIENTS clients (default 500) with a motor and a home
contract each, invited to the portal and signed in with a one-time link
through gunicorn (one session cookie each). A warm-up downloads each motor
contract's certificate once, which issues it on demand (timed apart). Then
BENCH_PORTAL_USERS threads (default 50), each with its own HTTP client,
request BENCH_PORTAL_REQUESTS times (default 20) as one of their clients in
turn: the contract list, the certificate, both alternating — and the
baseline, `GET /healthz` through the same gunicorn by the same threads,
before and after. Figures are ratios to that baseline: it carries the cost
of the HTTP round trip, gunicorn's accept loop and the load generator
itself (on the same cores), which belong to no portal page.
"""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path

from bench.common import Stats, log

ROOT = Path(__file__).resolve().parent.parent
SLUG = "bench-portal"
CLIENTS = int(os.environ.get("BENCH_PORTAL_CLIENTS", "500"))
USERS = int(os.environ.get("BENCH_PORTAL_USERS", "50"))
REQUESTS = int(os.environ.get("BENCH_PORTAL_REQUESTS", "20"))
#: the phases run in turn, ROUNDS times over, so that the baseline and the pages share the machine's moods
ROUNDS = int(os.environ.get("BENCH_PORTAL_ROUNDS", "3"))
#: gunicorn's own advice, (2 x cores) + 1 sync workers: a request waits on
#: PostgreSQL part of the time, so a few more workers than cores keep them busy.
WORKERS = int(os.environ.get("BENCH_PORTAL_WORKERS", str(2 * (os.cpu_count() or 1) + 1)))
TITLE = f"Policyholder portal under {USERS} concurrent users (gunicorn)"


@dataclass
class Member:
    """One seeded client: their certificate's contract and, once signed in, their cookie."""

    account_id: int
    motor_id: int
    token: str
    cookie: str = ""


# --- seeding -------------------------------------------------------------------------------


def _registration(number: int) -> str:
    letters = "ABCDEFGHJKLMNPQRSTVWXYZ"
    return f"{letters[number % 23]}{letters[number // 23 % 23]}-{number % 1000:03d}-{letters[number // 529 % 23]}Z"


def _client_with_contracts(session, insurer_id: int, number: int) -> tuple[object, int]:
    from app.contracts import services as contracts
    from app.crm import services as clients

    client = clients.create(session, None, {"kind": "individual", "first_name": "Camille",
                                            "last_name": f"Client{number:04d}",
                                            "email": f"client{number:04d}@bench.example"})
    start = date.today() - timedelta(days=30 + number % 300)
    motor = contracts.create(session, None, contracts.Terms(
        client_id=client.id, insurer_id=insurer_id, line="motor", label="Peugeot 208", effective_date=start,
        premium_net=Decimal("640.00"), policy_number=f"AUTO-{number:06d}", instalment_plan="monthly",
        risk={"vehicle": "Peugeot 208", "registration": _registration(number)},
        guarantees=[{"code": "third_party", "included": True, "ceiling": "1000000.00", "deductible": None},
                    {"code": "all_risks", "included": True, "ceiling": None, "deductible": "300.00"}]))
    contracts.create(session, None, contracts.Terms(
        client_id=client.id, insurer_id=insurer_id, line="home", label="Habitation", effective_date=start,
        premium_net=Decimal("310.00"), policy_number=f"MRH-{number:06d}",
        guarantees=[{"code": "water_damage", "included": True, "ceiling": "50000.00", "deductible": "150.00"}]))
    return client, motor.id


def seed(app) -> list[Member]:
    """The firm, its clients with two contracts each, their portal accounts and sign-in links."""
    from app.catalog.models import Insurer
    from app.extensions import db
    from app.platform.services import create_firm
    from app.portal import services as portal
    from tenants.jobs import tenant_context

    with app.app_context():
        create_firm(slug=SLUG, name="Cabinet Portail", admin_email="admin@example.fr",
                    admin_password="correct horse battery", admin_name="Anne Admin",
                    tenant_migrations=app.extensions["tenancy"].tenant_migrations)
    members = []
    with app.test_request_context(base_url=f"http://{SLUG}.localhost"), \
            tenant_context(db.session, db.engine, SLUG):
        insurer = Insurer(name="Mutuelle Alpha", placement_channel="email", placement_email="p@alpha.example")
        db.session.add(insurer)
        db.session.commit()
        for number in range(CLIENTS):
            client, motor_id = _client_with_contracts(db.session, insurer.id, number)
            account = portal.invite(db.session, None, client)
            token = portal.sign_in_link_token(db.session, app.config["SECRET_KEY"], account)
            members.append(Member(account.id, motor_id, token))
            if number % 50 == 49:
                db.session.commit()
        db.session.commit()
    return members


# --- gunicorn ------------------------------------------------------------------------------


class Gunicorn:
    """gunicorn on 127.0.0.1:<port> in a process group of its own, on the bench's database and files."""

    def __init__(self, app, database_url: str, tmp: Path, port: int) -> None:
        self.port = port
        self.error_log = tmp / "gunicorn-error.log"
        env = os.environ | {
            "DATABASE_URL": database_url, "SECRET_KEY": app.config["SECRET_KEY"],
            "INSTANCE_PATH": app.config["INSTANCE_PATH"], "FILES_ROOT": app.config["FILES_ROOT"],
            "PLATFORM_URL": f"http://localhost:{port}", "MAIL_URL": "",
        }
        self.command = [
            str(Path(sys.executable).with_name("gunicorn")), "app:create_app()", "--bind", f"127.0.0.1:{port}",
            "--workers", str(WORKERS),
            "--worker-tmp-dir", "/dev/shm", "--access-logfile", str(tmp / "gunicorn-access.log"),
            "--error-logfile", str(self.error_log), "--log-level", "info",
        ]
        self.process = subprocess.Popen(self.command, cwd=ROOT, env=env, start_new_session=True)

    def wait_ready(self, timeout: float = 60) -> None:
        import httpx

        deadline = time.monotonic() + timeout
        while True:
            if self.process.poll() is not None:
                raise RuntimeError(f"gunicorn exited ({self.process.returncode}): {self.error_log.read_text()[-2000:]}")
            try:
                if httpx.get(f"http://127.0.0.1:{self.port}/healthz", timeout=2).status_code == 200:
                    return
            except httpx.TransportError:
                pass
            if time.monotonic() > deadline:
                raise RuntimeError("gunicorn did not answer /healthz in time")
            time.sleep(0.2)

    def boots(self) -> int:
        """Workers booted so far (the first ones, then every recycled one)."""
        return self.error_log.read_text().count("Booting worker")

    def stop(self) -> None:
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait(timeout=10)


# --- the load ------------------------------------------------------------------------------

CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')


def sign_in(port: int, member: Member) -> None:
    """The one-time link, as a browser follows it: the page, then its button (CSRF token included)."""
    import httpx

    with httpx.Client(base_url=f"http://127.0.0.1:{port}", headers={"Host": f"{SLUG}.localhost:{port}"},
                      timeout=60) as client:
        page = client.get(f"/portal/login/link/{member.token}")
        found = CSRF.search(page.text)
        if page.status_code != 200 or not found:
            raise RuntimeError(f"sign-in link page: {page.status_code} {page.text[:300]}")
        done = client.post(f"/portal/login/link/{member.token}", data={"csrf_token": found.group(1)})
        if done.status_code != 303 or not client.cookies.get("session"):
            raise RuntimeError(f"sign-in: {done.status_code} {done.text[:300]}")
        member.cookie = client.cookies["session"]


@dataclass
class Phase:
    """What one phase measured: per endpoint, the latencies; and its wall time."""

    label: str
    latencies: dict[str, list[float]]
    wall: float
    errors: list[str]
    rounds: tuple[float, ...] = ()  # the wall time of each round pooled here

    @classmethod
    def pooled(cls, phases: list["Phase"]) -> "Phase":
        """The same phase over several rounds: every latency, the summed wall time."""
        latencies = {endpoint: [t for phase in phases for t in phase.latencies[endpoint]]
                     for endpoint in phases[0].latencies}
        return cls(phases[0].label, latencies, sum(phase.wall for phase in phases),
                   [error for phase in phases for error in phase.errors], tuple(phase.wall for phase in phases))

    def rate(self, endpoint: str) -> float:
        return len(self.latencies[endpoint]) / self.wall

    def round_rates(self) -> str:
        """Requests per second of each round, all endpoints together."""
        count = sum(len(values) for values in self.latencies.values()) / len(self.rounds)
        return ", ".join(f"{count / wall:.0f}" for wall in self.rounds)

    def stats(self, endpoint: str) -> Stats:
        return Stats.of(self.latencies[endpoint])


PHASES = (("baseline", ("healthz",), REQUESTS), ("list", ("list",), REQUESTS),
          ("attestation", ("attestation",), REQUESTS), ("mixed", ("list", "attestation"), 2 * REQUESTS))
EXPECTED = {"list": "text/html", "attestation": "application/pdf", "healthz": ""}


def _path(endpoint: str, member: Member) -> str:
    return {"list": "/portal/", "attestation": f"/portal/contracts/{member.motor_id}/attestation",
            "healthz": "/healthz"}[endpoint]


def drive(port: int, members: list[Member], endpoints: tuple[str, ...], requests: int, label: str) -> Phase:
    """USERS threads start together; each sends ``requests`` requests, cycling
    through ``endpoints`` and through its share of the members."""
    import httpx

    latencies: dict[str, list[float]] = {endpoint: [] for endpoint in endpoints}
    errors: list[str] = []
    lock = threading.Lock()
    start_line = threading.Barrier(USERS + 1, timeout=120)

    def user(index: int) -> None:
        mine = members[index::USERS] or members
        timings = []
        with httpx.Client(base_url=f"http://127.0.0.1:{port}", timeout=120) as client:
            start_line.wait()
            for number in range(requests):
                member, endpoint = mine[number % len(mine)], endpoints[number % len(endpoints)]
                headers = {"Host": f"{SLUG}.localhost:{port}", "Cookie": f"session={member.cookie}"}
                began = time.perf_counter()
                try:
                    response = client.get(_path(endpoint, member), headers=headers)
                except httpx.HTTPError as exc:
                    with lock:
                        errors.append(f"{endpoint}: {exc!r}")
                    continue
                timings.append((endpoint, time.perf_counter() - began))
                if response.status_code != 200 or EXPECTED[endpoint] not in response.headers.get("content-type", ""):
                    with lock:
                        errors.append(f"{endpoint}: {response.status_code} {response.headers.get('location', '')}")
        with lock:
            for endpoint, seconds in timings:
                latencies[endpoint].append(seconds)

    threads = [threading.Thread(target=user, args=(index,)) for index in range(USERS)]
    for thread in threads:
        thread.start()
    start_line.wait()
    began = time.perf_counter()
    for thread in threads:
        thread.join()
    return Phase(label, latencies, time.perf_counter() - began, errors)


def measure(app, database_url: str, tmp: Path, port: int) -> dict:
    """Seed, start gunicorn, sign everyone in, warm up (certificates issued), then the measured phases."""
    started = time.perf_counter()
    members = seed(app)
    seeding = time.perf_counter() - started
    log(f"    seeded {len(members)} clients in {seeding:.1f} s; gunicorn with {WORKERS} workers on :{port}")
    server = Gunicorn(app, database_url, tmp, port)
    try:
        server.wait_ready()
        began = time.perf_counter()
        with ThreadPoolExecutor(max_workers=USERS) as pool:
            list(pool.map(lambda member: sign_in(port, member), members))
        signing = time.perf_counter() - began
        warm = drive(port, members, ("attestation",), max(1, len(members) // USERS), "warm-up")
        boots_before = server.boots()
        load_before = os.getloadavg()
        rounds = [[drive(port, members, endpoints, requests, label) for label, endpoints, requests in PHASES]
                  for _ in range(ROUNDS)]
        load_after = os.getloadavg()
        recycled = server.boots() - boots_before
    finally:
        server.stop()
    phases = [phase for one_round in rounds for phase in one_round]
    failures = [error for phase in [warm, *phases] for error in phase.errors]
    if failures:
        raise RuntimeError(f"{len(failures)} failed requests, e.g. {failures[:5]}")
    issued, pdf_bytes = _certificates(app)
    if issued != len(members):  # one each, issued by the warm-up and reused ever after
        raise RuntimeError(f"{issued} certificates for {len(members)} clients")
    return {"members": len(members), "seeding": seeding, "signing": signing, "warm": warm,
            "phases": {label: Phase.pooled([phase for phase in phases if phase.label == label])
                       for label, _endpoints, _requests in PHASES},
            "recycled": recycled,
            "load": (load_before, load_after), "pdf_bytes": pdf_bytes}


def _certificates(app) -> tuple[int, int]:
    """How many certificates were issued, and the size of one, for the table's context."""
    from sqlalchemy import func, select

    from app.contracts.models import Attestation
    from app.documents import services as documents
    from app.extensions import db
    from tenants.jobs import tenant_context

    with app.app_context(), tenant_context(db.session, db.engine, SLUG):
        count = db.session.scalar(select(func.count()).select_from(Attestation))
        attestation = db.session.scalars(select(Attestation).limit(1)).one()
        return count, len(documents.content_of(db.session, documents.get(db.session, attestation.document_id)))


# --- the section of RESULTS.md -------------------------------------------------------------


def _ms(seconds: float) -> str:
    return f"{seconds * 1000:.1f}"


def render(result: dict, number: int, context: dict) -> list[str]:
    p = result["phases"]
    base = p["baseline"]
    base_rate, base_p95 = base.rate("healthz"), base.stats("healthz").p95
    warm = result["warm"]
    rows = [("baseline: `GET /healthz`", base, "healthz"),
            ("`GET /portal/` (contract list, 2 contracts)", p["list"], "list"),
            (f"`GET /portal/contracts/<id>/attestation` (stored PDF, {result['pdf_bytes'] // 1024} kB)",
             p["attestation"], "attestation"),
            ("mixed, alternating: contract list", p["mixed"], "list"),
            ("mixed, alternating: certificate", p["mixed"], "attestation")]
    load = " / ".join("/".join(f"{v:.2f}" for v in values) for values in result["load"])
    lines = [
        f"## {number}. {TITLE}",
        "",
        (f"Run on its own (`python -m bench.run portal`) on {context['when']:%Y-%m-%d %H:%M} UTC: {context['cores']}"
         f" cores, PostgreSQL {context['pg']} ({'embedded pgserver' if context['embedded'] else 'BENCH_DATABASE_URL'}),"
         f" Python {context['python']}." if context.get("alone") else "Measured in the run above.")
        + f" Load average (1, 5, 15 min) before / after the measured phases: {load}.",
        "",
        f"`gunicorn 'app:create_app()'` as `docker/entrypoint.sh` runs it: {WORKERS} sync workers"
        f" ((2 x {context['cores']} cores) + 1, gunicorn's advice: a request also waits on PostgreSQL),",
        "access log on, not recycled (the image recycles a worker after ~1000 requests: each boot imports the",
        "app, seconds of CPU, which would land in the phases at random). One firm,"
        f" {result['members']} clients with a motor and a home contract each, each signed in with a one-time link",
        f"through gunicorn (one session cookie each; {result['signing']:.1f} s for all). {USERS} threads in one",
        f"process, each with its own `httpx.Client`, start together and send {REQUESTS} requests each"
        f" ({2 * REQUESTS} in the mixed phase) as their clients in turn, each to their own contract.",
        f"The four phases run in turn, {ROUNDS} rounds over (the machine is shared: the baseline then sees the same",
        "disturbances as the pages); figures pool the rounds. Warm-up (not in the table): every motor certificate",
        f"downloaded once, which issues it on demand: {len(warm.latencies['attestation'])} certificates in"
        f" {warm.wall:.1f} s ({warm.rate('attestation'):.1f} per second, p95 {_ms(warm.stats('attestation').p95)} ms).",
        "",
        "| phase | requests | requests per second | per round | p50 ms | p95 ms | max ms |",
        "|---|---:|---:|---:|---:|---:|---:|",
    ]
    for label, phase, endpoint in rows:
        s = phase.stats(endpoint)
        lines.append(f"| {label} | {s.n} | {phase.rate(endpoint):.1f} | {phase.round_rates()} | {_ms(s.median)} |"
                     f" {_ms(s.p95)} | {_ms(s.maximum)} |")
    listing, pdf, mixed = p["list"], p["attestation"], p["mixed"]
    lines += [
        "",
        f"- **Contract list: {listing.rate('list'):.0f} requests/s, {listing.rate('list') / base_rate:.2f} of the"
        f" baseline's throughput; p95 {listing.stats('list').p95 / base_p95:.1f}x the baseline's p95.**",
        f"- **Certificate download: {pdf.rate('attestation'):.0f} requests/s, {pdf.rate('attestation') / base_rate:.2f}"
        f" of the baseline's throughput; p95 {pdf.stats('attestation').p95 / base_p95:.1f}x the baseline's p95.**",
        f"- Mixed: {mixed.rate('list') + mixed.rate('attestation'):.0f} requests/s in all. \"Per round\" gives each"
        " round's requests per second (all of the phase's requests): their spread is the machine's noise.",
        f"- Workers booted during the measured phases (none expected: no recycling): {result['recycled']}.",
        f"- Seeding (firm, {result['members']} clients, {2 * result['members']} contracts, portal accounts):"
        f" {result['seeding']:.1f} s, not counted.",
        "- A session's `last_seen_at` is written at most once a minute (`app.portal.rules.SESSION_TOUCH_INTERVAL`),",
        "  not on every request.",
        "- The load generator shares the cores with gunicorn and PostgreSQL: the baseline is as much",
        "  a measure of the generator as of gunicorn, which is why the ratios, not the raw rates, carry over.",
        "",
    ]
    return lines

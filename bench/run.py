"""`make bench`: provisioning, `flask tenants migrate` and page latency against
the number of tenants; comparing 40 products; client search at 50,000 clients;
certificates of insurance (PDF); outbox delivery throughput; the policyholder
portal under concurrent users with gunicorn; a month's premium calls of
100,000 contracts and a 50,000-line commission statement; the claims queue
at 100,000 claims. Writes bench/RESULTS.md.

`python -m bench.run portal` runs only the named sections (so far: portal, premiums, claims),
each on a fresh database of its own, and replaces their sections in
RESULTS.md (or appends them), leaving the others as they are.

Environment: BENCH_TENANTS (default 500), BENCH_REQUESTS (default 200),
BENCH_DATABASE_URL (a PostgreSQL server to use instead of an embedded one; a
fresh database is created on it and dropped at the end).

Speed targets are ratios against baselines measured in the same run, never
absolute times (see RESULTS.md for the choice of each baseline).
"""

from __future__ import annotations

import datetime as dt
import os
import platform
import re
import socket
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from bench import claims, contracts, latency, migration, portal, premiums, provisioning, workspace
from bench.common import bench_database, log, make_app, server_version

RESULTS = Path(__file__).resolve().parent / "RESULTS.md"
SMALL = 10


def main(argv: list[str] | None = None) -> int:
    names = sys.argv[1:] if argv is None else argv
    if names:
        return only(names)
    tenants = int(os.environ.get("BENCH_TENANTS", "500"))
    requests = int(os.environ.get("BENCH_REQUESTS", "200"))
    small = min(SMALL, tenants)
    started = time.perf_counter()
    when = dt.datetime.now(dt.timezone.utc)
    load_start = os.getloadavg()
    log(f"Assurdesk bench: {tenants} tenants, {requests} requests per latency series, {os.cpu_count()} cores")
    with tempfile.TemporaryDirectory(prefix="assurdesk-bench-") as tmp, bench_database() as database:
        tmp_path = Path(tmp)
        instance = tmp_path / "instance"
        instance.mkdir()
        app = make_app(database.url, instance)
        from app.extensions import db

        with app.app_context():
            engine = db.engine
        pg_version = server_version(engine)
        log(f"PostgreSQL {pg_version} ({'embedded pgserver' if database.embedded else 'BENCH_DATABASE_URL'})")

        phases: dict[str, float] = {}
        run = provisioning.ProvisioningRun()
        t = time.perf_counter()
        log(f"[1] provisioning the first {small} tenants")
        provisioning.provision(app, run, 0, small)
        phases["provision first tenants"] = time.perf_counter() - t

        t = time.perf_counter()
        log(f"[3] dashboard latency with {small} tenants")
        lat_small = latency.measure(app, run.slugs, requests, spread=small)
        phases["latency, small"] = time.perf_counter() - t

        t = time.perf_counter()
        log(f"[1] provisioning up to {tenants} tenants")
        provisioning.provision(app, run, small, tenants)
        phases["provision the rest"] = time.perf_counter() - t

        t = time.perf_counter()
        log(f"[3] dashboard latency with {tenants} tenants")
        lat_big = latency.measure(app, run.slugs, requests, spread=min(tenants, 100))
        phases["latency, large"] = time.perf_counter() - t

        schemas = [provisioning.slug_of(i).replace("-", "_") for i in range(tenants)]
        schemas = ["tenant_" + s for s in schemas]
        t = time.perf_counter()
        log(f"[2a] migrate at head over {tenants} tenants")
        head = migration.at_head(app, engine, schemas)
        cli = migration.cli_in_process(app)
        log("[2a] `flask tenants migrate` as a subprocess")
        sub = migration.cli_subprocess(database.url, instance)
        phases["migrate at head"] = time.perf_counter() - t

        t = time.perf_counter()
        log(f"[2b] new revision over {tenants} populated tenants")
        with app.app_context():
            rev = migration.new_revision(app, engine, schemas, tmp_path)
        phases["migrate new revision"] = time.perf_counter() - t

        t = time.perf_counter()
        log(f"[4] comparing {workspace.PRODUCTS} products for one needs analysis")
        compared = workspace.comparison(app)
        phases["comparison"] = time.perf_counter() - t

        t = time.perf_counter()
        log(f"[5] client search at {workspace.BIG} and {workspace.SMALL} clients")
        searched = workspace.search(app)
        phases["client search"] = time.perf_counter() - t

        t = time.perf_counter()
        log(f"[6] {contracts.CERTIFICATES} certificates of insurance")
        certified = contracts.certificates(app)
        phases["certificates"] = time.perf_counter() - t

        t = time.perf_counter()
        log(f"[7] outbox delivery of {contracts.MESSAGES} messages")
        delivered = contracts.outbox(app)
        phases["outbox"] = time.perf_counter() - t

        t = time.perf_counter()
        log(f"[8] the portal under {portal.USERS} concurrent users with gunicorn")
        portal_result = portal.measure(app, database.url, tmp_path, free_port())
        phases["portal"] = time.perf_counter() - t

        t = time.perf_counter()
        log(f"[9] premium calls of {premiums.CONTRACTS} contracts, a {premiums.STATEMENT_LINES}-line statement")
        premiums_result = premiums.measure(app)
        phases["premiums"] = time.perf_counter() - t

        t = time.perf_counter()
        log(f"[10] the claims queue at {claims.CLAIMS} claims")
        claims_result = claims.measure(app)
        phases["claims"] = time.perf_counter() - t
        engine.dispose()

    duration = time.perf_counter() - started
    prov = provisioning.summary(run)
    context = {
        "when": when, "cores": os.cpu_count(), "pg": pg_version, "embedded": database.embedded,
        "python": platform.python_version(), "machine": platform.machine(), "tenants": tenants,
        "requests": requests, "small": small, "duration": duration, "phases": phases,
        "load": (load_start, os.getloadavg()),
    }
    text = render(context, prov, lat_small, lat_big, head, cli, sub, rev)
    text += "\n".join(workspace.render(compared, searched) + contracts.render(certified, delivered)
                      + portal.render(portal_result, 8, context) + premiums.render(premiums_result, 9, context)
                      + claims.render(claims_result, 10, context)) + "\n"
    RESULTS.write_text(text)
    print()
    print(text)
    log(f"Written {RESULTS} ({duration:.0f} s in all)")
    return 0


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _portal_section(app, database, tmp_path: Path, context: dict) -> tuple[str, Callable[[int], list[str]]]:
    result = portal.measure(app, database.url, tmp_path, free_port())
    return "Policyholder portal", lambda number: portal.render(result, number, context)


def _premiums_section(app, database, tmp_path: Path, context: dict) -> tuple[str, Callable[[int], list[str]]]:
    result = premiums.measure(app)
    return premiums.TITLE, lambda number: premiums.render(result, number, context)


def _claims_section(app, database, tmp_path: Path, context: dict) -> tuple[str, Callable[[int], list[str]]]:
    result = claims.measure(app)
    return claims.TITLE, lambda number: claims.render(result, number, context)


#: sections that run on their own: name -> (log line, function returning (heading key, render(number)))
SECTIONS = {"portal": (f"the portal under {portal.USERS} concurrent users with gunicorn", _portal_section),
            "premiums": (f"premium calls of {premiums.CONTRACTS} contracts, a {premiums.STATEMENT_LINES}-line"
                         " statement", _premiums_section),
            "claims": (f"the claims queue at {claims.CLAIMS} claims", _claims_section)}


def only(names: list[str]) -> int:
    """Run the named sections alone and put their text into RESULTS.md in place of their old one."""
    unknown = [name for name in names if name not in SECTIONS]
    if unknown:
        log(f"unknown section(s) {', '.join(unknown)}; known: {', '.join(SECTIONS)}")
        return 2
    started = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="assurdesk-bench-") as tmp, bench_database() as database:
        tmp_path = Path(tmp)
        instance = tmp_path / "instance"
        instance.mkdir()
        app = make_app(database.url, instance)
        from app.extensions import db

        with app.app_context():
            engine = db.engine
            context = {"when": dt.datetime.now(dt.timezone.utc), "cores": os.cpu_count(),
                       "pg": server_version(engine), "embedded": database.embedded,
                       "python": platform.python_version(), "alone": True}
        rendered = []
        for name in names:
            label, section = SECTIONS[name]
            log(f"[{name}] {label}")
            rendered.append(section(app, database, tmp_path, context))
        engine.dispose()
    # Read only now: another section run alone meanwhile may have written its own.
    text = RESULTS.read_text() if RESULTS.exists() else ""
    for key, render_section in rendered:
        text = replace_section(text, key, render_section)
    RESULTS.write_text(text)
    log(f"Written {RESULTS} ({time.perf_counter() - started:.0f} s in all)")
    return 0


def replace_section(text: str, key: str, render_section) -> str:
    """``text`` with the section titled "## <n>. <key>..." rendered anew under
    the same number, or appended under the next number."""
    lines = text.splitlines()
    heading = re.compile(rf"^## (\d+)\. {re.escape(key)}")
    start = next((i for i, line in enumerate(lines) if heading.match(line)), None)
    if start is None:
        numbers = [int(m.group(1)) for m in (re.match(r"^## (\d+)\.", line) for line in lines) if m]
        new = render_section(max(numbers, default=0) + 1)
        return "\n".join(lines + ([""] if lines and lines[-1] else []) + new).rstrip("\n") + "\n"
    end = next((i for i in range(start + 1, len(lines)) if lines[i].startswith("## ")), len(lines))
    new = render_section(int(heading.match(lines[start]).group(1)))
    return "\n".join(lines[:start] + new + lines[end:]).rstrip("\n") + "\n"


def _ms(seconds: float) -> str:
    return f"{seconds * 1000:.2f}"


def _load(values) -> str:
    return "/".join(f"{v:.2f}" for v in values)


def render(c, prov, lat_small, lat_big, head, cli, sub, rev) -> str:
    per, ddl, sel, pw = prov["per_tenant"], prov["ddl_baseline"], prov["select1_baseline"], prov["password_hash"]
    raw = rev["raw_ddl"]
    n = c["tenants"]
    lines = [
        "# Benchmark results",
        "",
        "Produced by `make bench` (`.venv/bin/python -m bench.run`); do not edit by hand.",
        "Targets are ratios against a baseline measured in the same run, so that they",
        "hold across machines; raw figures are given for context only.",
        "",
        "## Run",
        "",
        f"- Date (UTC): {c['when']:%Y-%m-%d %H:%M}",
        f"- Cores (`os.cpu_count()`): {c['cores']}",
        f"- PostgreSQL: {c['pg']} ({'embedded pgserver, fresh data directory' if c['embedded'] else 'BENCH_DATABASE_URL'}), fresh database",
        f"- Python {c['python']} on {c['machine']}",
        f"- Load average (1, 5, 15 min) at start / end: {_load(c['load'][0])} / {_load(c['load'][1])} (the machine was shared with other work)",
        f"- Tenants: {n} (`BENCH_TENANTS`); requests per latency series: {c['requests']} (`BENCH_REQUESTS`)",
        f"- Total bench duration: {c['duration']:.1f} s "
        + "(" + ", ".join(f"{k} {v:.1f} s" for k, v in c["phases"].items()) + ")",
        "",
        "## 1. Provisioning (sign-up path: `create_firm` with an admin and a password)",
        "",
        f"One app context per tenant, slugs `bench-0000`... Every {provisioning.BASELINE_EVERY}th tenant, one sample",
        "of each baseline is taken right after it, so baselines see the same catalog size.",
        "",
        "| measure | median ms | p95 ms | mean ms | n |",
        "|---|---:|---:|---:|---:|",
        f"| `create_firm` per tenant | {_ms(per.median)} | {_ms(per.p95)} | {_ms(per.mean)} | {per.n} |",
        f"| baseline: `CREATE SCHEMA` + one empty table, committed | {_ms(ddl.median)} | {_ms(ddl.p95)} | {_ms(ddl.mean)} | {ddl.n} |",
        f"| reference: `SELECT 1` round trip | {_ms(sel.median)} | {_ms(sel.p95)} | {_ms(sel.mean)} | {sel.n} |",
        f"| part: werkzeug `generate_password_hash` (scrypt) | {_ms(pw.median)} | {_ms(pw.p95)} | {_ms(pw.mean)} | {pw.n} |",
        f"| first {prov['first_tenth'].n} tenants | {_ms(prov['first_tenth'].median)} | {_ms(prov['first_tenth'].p95)} | {_ms(prov['first_tenth'].mean)} | {prov['first_tenth'].n} |",
        f"| last {prov['last_tenth'].n} tenants | {_ms(prov['last_tenth'].median)} | {_ms(prov['last_tenth'].p95)} | {_ms(prov['last_tenth'].mean)} | {prov['last_tenth'].n} |",
        "",
        f"- **Ratio per tenant / DDL baseline: median {prov['ratio_ddl']:.1f}x, p95 {prov['ratio_ddl_p95']:.1f}x.**",
        f"- Password hashing is {prov['hash_share'] * 100:.0f}% of the median per-tenant time.",
        f"- Growth: last tenth / first tenth of the tenants (median) = {prov['growth']:.2f}; the same for the"
        f" DDL baseline samples: {prov['baseline_growth']:.2f} (if both grow, the server got slower, not our code).",
        f"- Wall time for {per.n} tenants (baseline samples included): {prov['wall']:.1f} s.",
        "",
        "Why this baseline: creating a tenant is a committed DDL transaction (a schema,",
        "its tables and indexes, the version stamp, the registry row, the admin row).",
        "`CREATE SCHEMA` + one empty table in one committed transaction is the smallest",
        "such transaction on this server: it carries the same costs (catalog writes,",
        "commit/WAL flush, round trips) that do not belong to our code, so the ratio says",
        "how many \"minimal schema creations\" one sign-up costs, on any machine.",
        "`SELECT 1` is given only for reference: it measures the round trip, not DDL, and",
        "its ratio would mostly track the disk's flush speed.",
        "",
        "## 2. `flask tenants migrate` over all tenants",
        "",
        "### (a) every schema already at head",
        "",
        "| measure | median ms | p95 ms | n |",
        "|---|---:|---:|---:|",
        f"| `migrate_all` over {n} schemas | {_ms(head['all'].median)} | {_ms(head['all'].p95)} | {head['all'].n} |",
        f"| `migrate_all` over 10 schemas | {_ms(head['ten'].median)} | {_ms(head['ten'].p95)} | {head['ten'].n} |",
        f"| reference: `SELECT 1` round trip | {_ms(head['select1'].median)} | {_ms(head['select1'].p95)} | {head['select1'].n} |",
        "",
        f"- **Ratio {n} schemas / 10 schemas: {head['all'].median / head['ten'].median:.1f}x**"
        f" ({head['all'].median / n * 1e6:.0f} us per schema at {n}).",
        f"- Ratio {n} schemas / `SELECT 1`: {head['all'].median / head['select1'].median:.0f}x.",
        f"- Real CLI in-process (`FlaskCliRunner`): `tenants migrate --no-shared` {cli['no_shared'] * 1000:.0f} ms,"
        f" `tenants migrate` (with the shared schema) {cli['shared'] * 1000:.0f} ms. Output: \"{cli['shared_summary']}\"",
        f"- Real CLI as a subprocess (`flask --app app tenants migrate`): {sub['total']:.2f} s in all, of which"
        f" interpreter + app start-up (`flask --app app routes`) {sub['startup_only']:.2f} s.",
        "",
        "Baseline: the same call over the first 10 schemas, interleaved with the full one. At head the",
        "command should only read versions in bulk and skip, so its cost should grow",
        "far slower than the tenant count.",
        "",
        f"### (b) a new revision: add a column + an index to `audit_log` ({rev['rows']} rows per tenant)",
        "",
        f"The revision sits on top of `{rev['previous_head']}` in a temporary copy of `migrations/tenant`.",
        f"Filling {n} x {rev['rows']} rows took {rev['populate_seconds']:.1f} s (not counted). Between the runs the",
        "column, index and version are reset with plain SQL.",
        "",
    ]
    lines += [
        "| run | total s | per tenant (total / n) ms | median interval ms | p95 interval ms | first result after s |",
        "|---|---:|---:|---:|---:|---:|",
    ]
    for r in rev["runs"]:
        iv = r["intervals"]
        lines.append(
            f"| `migrate_all(jobs={r['jobs']})` | {r['total']:.2f} | {_ms(r['per_tenant_effective'])} | "
            f"{_ms(iv.median)} | {_ms(iv.p95)} | {r['first_result_after']:.2f} |"
        )
    lines += [
        f"| baseline: the same DDL as plain SQL, one transaction (`SET LOCAL search_path`, `ALTER TABLE`, `CREATE INDEX`) on a scratch tenant-shaped schema | | | {_ms(raw.median)} | {_ms(raw.p95)} | |",
        "",
    ]
    by_jobs = {r["jobs"]: r for r in rev["runs"]}
    if 1 in by_jobs:
        j1 = by_jobs[1]
        lines.append(f"- **jobs=1: per tenant (median interval) / plain DDL = {j1['intervals'].median / raw.median:.1f}x**"
                     " (the Alembic + per-schema connection overhead).")
    if 1 in by_jobs and 4 in by_jobs:
        lines.append(f"- jobs=4 speed-up over jobs=1: {by_jobs[1]['total'] / by_jobs[4]['total']:.2f}x on {c['cores']} cores"
                     " (jobs=4 includes starting 4 spawned worker processes).")
    lines += [
        "- Interval = time between two consecutive results reaching the caller (with jobs=1,",
        "  one schema's whole upgrade; with jobs=4, the throughput interval).",
        "",
        "## 3. Dashboard latency against the number of tenants",
        "",
        "`GET /` on `http://<slug>.localhost`, signed in as the firm's admin, Flask test client",
        f"(in-process: no network, no WSGI server). {latency.WARMUP} warm-up requests, then {latency.REPEATS} series of"
        f" {c['requests']} requests, each followed by a `/healthz` series. Measured first with {c['small']} tenants in the",
        f"database, then again after provisioning up to {n}. Round-robin: one signed-in client per tenant,",
        f"{latency.SPREAD_REPEATS} series of about {c['requests']} requests.",
        "",
        "| series | tenants in DB | best series: median ms | best series: p95 ms | all requests: median ms | all requests: p95 ms | n |",
        "|---|---:|---:|---:|---:|---:|---:|",
    ]

    def row(label, tenants_in_db, r):
        b, a = r["best"], r["all"]
        return f"| {label} | {tenants_in_db} | {_ms(b.median)} | {_ms(b.p95)} | {_ms(a.median)} | {_ms(a.p95)} | {a.n} |"

    lines += [
        row("dashboard, one tenant", c["small"], lat_small["one_tenant"]),
        row("dashboard, one tenant", n, lat_big["one_tenant"]),
        row(f"dashboard, round-robin over {lat_small['spread_tenants']} tenants", c["small"], lat_small["spread"]),
        row(f"dashboard, round-robin over {lat_big['spread_tenants']} tenants", n, lat_big["spread"]),
        row("reference: `/healthz` (no tenant resolution, no DB)", c["small"], lat_small["healthz"]),
        row("reference: `/healthz`", n, lat_big["healthz"]),
        "",
    ]
    s1, b1 = lat_small["one_tenant"], lat_big["one_tenant"]
    sS, bS = lat_small["spread"], lat_big["spread"]
    sH, bH = lat_small["healthz"], lat_big["healthz"]
    lines += [
        f"- **Ratio {n}/{c['small']} tenants, one tenant's dashboard (best series): median"
        f" {b1['best'].median / s1['best'].median:.2f}, p95 {b1['best'].p95 / s1['best'].p95:.2f}** (design target ~1.0).",
        f"- Same ratio over all requests: median {b1['all'].median / s1['all'].median:.2f},"
        f" p95 {b1['all'].p95 / s1['all'].p95:.2f}.",
        f"- Round-robin series, {n}/{c['small']} (best series): median {bS['best'].median / sS['best'].median:.2f},"
        f" p95 {bS['best'].p95 / sS['best'].p95:.2f}; over all requests: median {bS['all'].median / sS['all'].median:.2f}"
        " (this also spreads the pooled connections' catalog caches over more schemas).",
        f"- Dashboard / `/healthz` (best series; the app's bare request cost as unit): {s1['best'].median / sH['best'].median:.1f}x at"
        f" {c['small']} tenants, {b1['best'].median / bH['best'].median:.1f}x at {n}.",
        "- Series medians, one tenant (ms): "
        f"{c['small']} tenants: {', '.join(_ms(x.median) for x in s1['series'])}; "
        f"{n} tenants: {', '.join(_ms(x.median) for x in b1['series'])}.",
        f"- Load average (1, 5, 15 min) before / after each measurement: {c['small']} tenants"
        f" {_load(lat_small['load'][0])} / {_load(lat_small['load'][1])}; {n} tenants {_load(lat_big['load'][0])} / {_load(lat_big['load'][1])}.",
        "",
        "Why the best series: this machine is shared (other work and PostgreSQL's autovacuum",
        "after a burst of DDL run at the same time); the least disturbed series is the closest",
        "to the page's own cost. The all-requests figures show how much noise there was.",
        "",
    ]
    return "\n".join(lines)


if __name__ == "__main__":
    sys.exit(main())

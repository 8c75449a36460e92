"""Provisioning: time ``create_firm`` per tenant (sign-up's path), with baselines
measured in the same run, interleaved so that they see the same catalog size."""

from __future__ import annotations

import time
from dataclasses import dataclass, field

from bench.common import ADMIN_EMAIL, PASSWORD, Stats, log

BASELINE_EVERY = 10  # one baseline sample of each kind every N tenants


def slug_of(index: int) -> str:
    return f"bench-{index:04d}"


@dataclass
class ProvisioningRun:
    per_tenant: list[float] = field(default_factory=list)
    ddl_baseline: list[float] = field(default_factory=list)  # CREATE SCHEMA + one empty table, commit
    select1_baseline: list[float] = field(default_factory=list)  # SELECT 1 round trip
    password_hash: list[float] = field(default_factory=list)  # werkzeug generate_password_hash
    slugs: list[str] = field(default_factory=list)
    wall: float = 0.0


def _ddl_baseline(engine, index: int) -> float:
    schema = f"bench_baseline_{index}"
    start = time.perf_counter()
    with engine.begin() as conn:
        conn.exec_driver_sql(f'CREATE SCHEMA "{schema}"')
        conn.exec_driver_sql(f'CREATE TABLE "{schema}".t (id bigint PRIMARY KEY)')
    elapsed = time.perf_counter() - start
    with engine.begin() as conn:
        conn.exec_driver_sql(f'DROP SCHEMA "{schema}" CASCADE')
    return elapsed


def _select1(engine) -> float:
    with engine.connect() as conn:
        conn.exec_driver_sql("SELECT 1").scalar()  # checkout (+pre-ping) outside the timing
        start = time.perf_counter()
        conn.exec_driver_sql("SELECT 1").scalar()
        return time.perf_counter() - start


def _hash_once() -> float:
    from werkzeug.security import generate_password_hash

    start = time.perf_counter()
    generate_password_hash(PASSWORD)
    return time.perf_counter() - start


def provision(app, run: ProvisioningRun, start: int, stop: int) -> None:
    """Create tenants ``start``..``stop - 1`` through ``create_firm`` with an admin and a password."""
    from app.extensions import db
    from app.platform.services import create_firm

    tenant_migrations = app.extensions["tenancy"].tenant_migrations
    wall_start = time.perf_counter()
    for index in range(start, stop):
        slug = slug_of(index)
        with app.app_context():  # one app context per sign-up, as a request has
            t0 = time.perf_counter()
            create_firm(
                slug=slug,
                name=f"Cabinet {slug}",
                admin_email=ADMIN_EMAIL,
                admin_password=PASSWORD,
                admin_name="Anne Admin",
                tenant_migrations=tenant_migrations,
            )
            run.per_tenant.append(time.perf_counter() - t0)
            run.slugs.append(slug)
            if index % BASELINE_EVERY == 0:
                run.ddl_baseline.append(_ddl_baseline(db.engine, index))
                run.select1_baseline.append(_select1(db.engine))
                run.password_hash.append(_hash_once())
        done = index + 1
        if done % 50 == 0 or done == stop:
            recent = run.per_tenant[-50:]
            log(f"  provisioned {done} tenants (last {len(recent)}: median "
                f"{Stats.of(recent).median * 1000:.1f} ms)")
    run.wall += time.perf_counter() - wall_start


def summary(run: ProvisioningRun) -> dict:
    per = Stats.of(run.per_tenant)
    ddl = Stats.of(run.ddl_baseline)
    sel = Stats.of(run.select1_baseline)
    pw = Stats.of(run.password_hash)
    tenth = max(1, len(run.per_tenant) // 10)
    first = Stats.of(run.per_tenant[:tenth])
    last = Stats.of(run.per_tenant[-tenth:])
    return {
        "tenants": len(run.per_tenant),
        "wall": run.wall,
        "per_tenant": per,
        "ddl_baseline": ddl,
        "select1_baseline": sel,
        "password_hash": pw,
        "ratio_ddl": per.median / ddl.median,
        "ratio_ddl_p95": per.p95 / ddl.median,
        "ratio_select1": per.median / sel.median,
        "hash_share": pw.median / per.median,
        "first_tenth": first,
        "last_tenth": last,
        "growth": last.median / first.median,
        "baseline_growth": _tenth_growth(run.ddl_baseline),
    }


def _tenth_growth(values: list[float]) -> float:
    tenth = max(1, len(values) // 10)
    return Stats.of(values[-tenth:]).median / Stats.of(values[:tenth]).median

"""`flask tenants migrate` over every tenant: at head (bulk read, skip) and with
a new revision (add a column + an index to a populated ``audit_log``)."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

from bench.common import Stats, log, timed

AUDIT_ROWS = 200
REVISION_ID = "bench_note"
RAW_DDL_SAMPLES = 20

REVISION_TEMPLATE = '''"""Benchmark revision: a column and an index on a populated table.

Revision ID: {revision}
Revises: {down}
"""

import sqlalchemy as sa
from alembic import op

revision = "{revision}"
down_revision = "{down}"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("audit_log", sa.Column("bench_note", sa.String(50)))
    op.create_index("ix_audit_log_bench_note", "audit_log", ["bench_note"])


def downgrade() -> None:
    op.drop_index("ix_audit_log_bench_note", table_name="audit_log")
    op.drop_column("audit_log", "bench_note")
'''


def make_script_location(source: str, workdir: Path) -> tuple[str, str]:
    """Copy the tenant migrations to ``workdir`` with one extra revision on top of
    the current head; return (new script location, previous head)."""
    from alembic.script import ScriptDirectory

    head = ScriptDirectory(source).get_current_head()
    target = workdir / "tenant_migrations"
    shutil.copytree(source, target, ignore=shutil.ignore_patterns("__pycache__"))
    (target / "versions" / "9001_bench_note.py").write_text(
        REVISION_TEMPLATE.format(revision=REVISION_ID, down=head)
    )
    assert ScriptDirectory(str(target)).get_current_head() == REVISION_ID
    return str(target), head


def populate_audit_log(engine, schemas: list[str], rows: int = AUDIT_ROWS) -> float:
    start = time.perf_counter()
    with engine.begin() as conn:
        for schema in schemas:
            conn.exec_driver_sql(
                f'INSERT INTO "{schema}".audit_log (at, actor_label, action, object_type, object_id, after) '
                f"SELECT now() - g * interval '1 minute', 'bench@example.fr', 'bench.event', 'thing', "
                f"g::text, jsonb_build_object('n', g) FROM generate_series(1, {rows}) AS g"
            )
    for first in range(0, len(schemas), 100):  # a database-wide ANALYZE would lock every tenant's tables at once
        with engine.begin() as conn:
            conn.exec_driver_sql("ANALYZE " + ", ".join(f'"{schema}".audit_log' for schema in schemas[first:first + 100]))
    return time.perf_counter() - start


def raw_ddl_baseline(engine, tenant_metadata, samples: int = RAW_DDL_SAMPLES) -> list[float]:
    """The same DDL as the revision, as plain SQL in one transaction on a scratch
    schema shaped like a tenant's (same tables, same row count), no Alembic."""
    from tenants.binding import PLACEHOLDER_SCHEMA

    timings = []
    for index in range(samples):
        schema = f"tenant_bench_scratch_{index}"
        with engine.begin() as conn:
            conn.exec_driver_sql(f'CREATE SCHEMA "{schema}"')
            tenant_metadata.create_all(conn.execution_options(schema_translate_map={PLACEHOLDER_SCHEMA: schema}))
        populate_audit_log(engine, [schema])
        with engine.connect() as conn:
            conn.exec_driver_sql("SELECT 1")
            conn.commit()
            start = time.perf_counter()
            with conn.begin():
                conn.exec_driver_sql(f'SET LOCAL search_path TO "{schema}"')
                conn.exec_driver_sql("ALTER TABLE audit_log ADD COLUMN bench_note VARCHAR(50)")
                conn.exec_driver_sql("CREATE INDEX ix_audit_log_bench_note ON audit_log (bench_note)")
            timings.append(time.perf_counter() - start)
        with engine.begin() as conn:
            conn.exec_driver_sql(f'DROP SCHEMA "{schema}" CASCADE')
    return timings


def reset_revision(engine, schemas: list[str], previous_head: str) -> None:
    with engine.begin() as conn:
        for schema in schemas:
            conn.exec_driver_sql(f'DROP INDEX "{schema}".ix_audit_log_bench_note')
            conn.exec_driver_sql(f'ALTER TABLE "{schema}".audit_log DROP COLUMN bench_note')
            conn.exec_driver_sql(
                f'UPDATE "{schema}".alembic_version SET version_num = %(head)s', {"head": previous_head}
            )


def check_all_at(engine, schemas: list[str], revision: str) -> None:
    from tenants.migrate import current_revisions

    with engine.connect() as conn:
        revisions = current_revisions(conn, schemas)
        columns = conn.exec_driver_sql(
            "SELECT count(*) FROM information_schema.columns WHERE column_name = 'bench_note' "
            "AND table_name = 'audit_log' AND table_schema = ANY(%(schemas)s)", {"schemas": schemas}
        ).scalar()
    wrong = [s for s, r in revisions.items() if r != revision]
    if wrong:
        raise RuntimeError(f"{len(wrong)} schema(s) not at {revision}: {wrong[:3]}")
    expected = len(schemas) if revision == REVISION_ID else 0
    if columns != expected:
        raise RuntimeError(f"bench_note column in {columns} schemas, expected {expected}")


def run_migrate(engine, schemas, script_location, jobs) -> dict:
    """One migrate_all; per-tenant figures from the completion times of the results."""
    from tenants.migrate import migrate_all

    stamps: list[float] = []
    start = time.perf_counter()
    results = migrate_all(
        engine, schemas, script_location, jobs=jobs, report=lambda item, done, total: stamps.append(time.perf_counter())
    )
    total = time.perf_counter() - start
    failed = [r for r in results if not r.ok]
    if failed:
        raise RuntimeError(f"{len(failed)} migration(s) failed, first: {failed[0].schema}: {failed[0].error}")
    intervals = [b - a for a, b in zip([start] + stamps[:-1], stamps)]
    return {"jobs": jobs, "total": total, "migrated": len(results), "per_tenant_effective": total / len(schemas),
            "intervals": Stats.of(intervals), "first_result_after": stamps[0] - start}


def at_head(app, engine, schemas: list[str], repeats: int = 20) -> dict:
    """migrate_all over every schema and over the first 10, interleaved (same conditions)."""
    from tenants.migrate import migrate_all

    location = app.extensions["tenancy"].tenant_migrations
    small = schemas[:10]
    times, small_times = [], []
    for _ in range(repeats):
        elapsed, results = timed(lambda: migrate_all(engine, schemas, location, jobs=4))
        if results:
            raise RuntimeError(f"at head, {len(results)} schema(s) were migrated")
        times.append(elapsed)
        small_times.append(timed(lambda: migrate_all(engine, small, location, jobs=4))[0])
    select1 = []
    for _ in range(repeats):
        with engine.connect() as conn:
            conn.exec_driver_sql("SELECT 1")
            t0 = time.perf_counter()
            conn.exec_driver_sql("SELECT 1").scalar()
            select1.append(time.perf_counter() - t0)
    return {"all": Stats.of(times), "ten": Stats.of(small_times), "select1": Stats.of(select1)}


def cli_in_process(app) -> dict:
    runner = app.test_cli_runner()
    out = {}
    for label, args in (("no_shared", ["tenants", "migrate", "--no-shared"]), ("shared", ["tenants", "migrate"])):
        start = time.perf_counter()
        result = runner.invoke(args=args)
        out[label] = time.perf_counter() - start
        if result.exit_code != 0:
            raise RuntimeError(f"flask tenants migrate failed: {result.output[-500:]}")
        out[label + "_summary"] = result.output.strip().splitlines()[-1]
    return out


def cli_subprocess(database_url: str, instance_dir: Path) -> dict:
    root = Path(__file__).resolve().parent.parent
    flask = Path(sys.executable).parent / "flask"
    env = dict(os.environ, DATABASE_URL=database_url, INSTANCE_PATH=str(instance_dir),
               PLATFORM_URL="http://localhost", SECRET_KEY="bench")
    start = time.perf_counter()
    proc = subprocess.run([str(flask), "--app", "app", "tenants", "migrate"], cwd=root, env=env,
                          capture_output=True, text=True, timeout=600)
    elapsed = time.perf_counter() - start
    if proc.returncode != 0:
        raise RuntimeError(f"flask tenants migrate (subprocess) failed: {proc.stderr[-800:]}")
    start = time.perf_counter()
    version = subprocess.run([str(flask), "--app", "app", "routes"], cwd=root, env=env,
                             capture_output=True, text=True, timeout=600)
    startup = time.perf_counter() - start
    return {"total": elapsed, "startup_only": startup, "summary": proc.stdout.strip().splitlines()[-1],
            "startup_ok": version.returncode == 0}


def new_revision(app, engine, schemas: list[str], workdir: Path, jobs_list=(1, 4)) -> dict:
    from app.extensions import db

    location, previous_head = make_script_location(app.extensions["tenancy"].tenant_migrations, workdir)
    log(f"  populating audit_log: {AUDIT_ROWS} rows x {len(schemas)} tenants")
    populated = populate_audit_log(engine, schemas)
    log("  raw DDL baseline")
    raw = raw_ddl_baseline(engine, db.metadata)
    check_all_at(engine, schemas, previous_head)
    runs = []
    for index, jobs in enumerate(jobs_list):
        if index:
            reset_revision(engine, schemas, previous_head)
            check_all_at(engine, schemas, previous_head)
        log(f"  migrate_all jobs={jobs} over {len(schemas)} tenants")
        result = run_migrate(engine, schemas, location, jobs)
        check_all_at(engine, schemas, REVISION_ID)
        log(f"    {result['total']:.2f} s")
        runs.append(result)
    return {"populate_seconds": populated, "rows": AUDIT_ROWS, "raw_ddl": Stats.of(raw), "runs": runs,
            "previous_head": previous_head}

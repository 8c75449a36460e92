"""Bring tenant schemas to head: skip those at head, run several at once,
keep going past a failure.

Alembic keeps module-level state (``alembic.op``, ``alembic.context``), so
schemas are migrated in parallel in separate processes, never threads.
"""

from __future__ import annotations

import functools
import multiprocessing
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from concurrent.futures import ProcessPoolExecutor, as_completed
from dataclasses import dataclass

from alembic import command
from alembic.config import Config
from alembic.script import ScriptDirectory
from sqlalchemy import create_engine, text
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.pool import NullPool


@dataclass(frozen=True)
class MigrationResult:
    schema: str
    before: str | None
    after: str | None
    error: str | None = None

    @property
    def ok(self) -> bool:
        return self.error is None


@functools.lru_cache(maxsize=8)
def script_directory(script_location: str) -> ScriptDirectory:
    return ScriptDirectory(script_location)


def alembic_config(script_location: str) -> Config:
    config = Config()
    config.set_main_option("script_location", script_location)
    return config


def current_revisions(conn: Connection, schemas: Iterable[str]) -> dict[str, str | None]:
    """Return each schema's recorded revision (None when it has no version table)."""
    schemas = list(schemas)
    revisions: dict[str, str | None] = dict.fromkeys(schemas)
    versioned = conn.execute(
        text(
            "SELECT schemaname FROM pg_tables WHERE tablename = 'alembic_version' "
            "AND schemaname = ANY(:schemas)"
        ),
        {"schemas": schemas},
    ).scalars().all()
    for start in range(0, len(versioned), 200):
        chunk = versioned[start : start + 200]
        union = " UNION ALL ".join(
            f"SELECT '{schema}' AS schema, version_num FROM \"{schema}\".alembic_version"
            for schema in chunk
        )
        for schema, version in conn.exec_driver_sql(union):
            revisions[schema] = version
    return revisions


def upgrade_schema(engine: Engine, schema: str, script_location: str, target: str = "head") -> MigrationResult:
    """Upgrade one schema inside one transaction; on error nothing of it stays."""
    before = None
    try:
        with engine.connect() as conn, conn.begin():
            before = current_revisions(conn, [schema])[schema]
            conn.exec_driver_sql(f'SET LOCAL search_path TO "{schema}"')
            config = alembic_config(script_location)
            config.attributes["connection"] = conn
            config.attributes["schema"] = schema
            command.upgrade(config, target)
            after = current_revisions(conn, [schema])[schema]
        return MigrationResult(schema, before, after)
    except Exception as exc:  # one tenant's failure is reported, the others go on
        return MigrationResult(schema, before, before, error=f"{type(exc).__name__}: {exc}".strip())


_worker_engine: Engine | None = None


def _init_worker(url: str) -> None:
    global _worker_engine
    _worker_engine = create_engine(url, poolclass=NullPool)


def _upgrade_in_worker(schema: str, script_location: str) -> MigrationResult:
    return upgrade_schema(_worker_engine, schema, script_location)


def migrate_all(
    engine: Engine,
    schemas: list[str],
    script_location: str,
    *,
    jobs: int = 4,
    report: Callable[[MigrationResult | str, int, int], None] | None = None,
) -> list[MigrationResult]:
    """Bring every schema in ``schemas`` to head.

    Schemas already at head are reported as skipped (``report(schema, i, n)``
    with a string) without opening a migration; the others run ``jobs`` at a
    time. Returns the results of the schemas that were migrated.
    """
    head = script_directory(script_location).get_current_head()
    with engine.connect() as conn:
        revisions = current_revisions(conn, schemas)
    pending = [schema for schema in schemas if revisions[schema] != head]
    total = len(schemas)
    done = 0
    for schema in schemas:
        if revisions[schema] == head:
            done += 1
            if report:
                report(schema, done, total)
    results: list[MigrationResult] = []

    def record(result: MigrationResult) -> None:
        nonlocal done
        done += 1
        results.append(result)
        if report:
            report(result, done, total)

    if jobs <= 1 or len(pending) <= 1:
        for schema in pending:
            record(upgrade_schema(engine, schema, script_location))
        return results
    url = engine.url.render_as_string(hide_password=False)
    context = multiprocessing.get_context("spawn")
    with ProcessPoolExecutor(
        max_workers=min(jobs, len(pending)), mp_context=context, initializer=_init_worker, initargs=(url,)
    ) as pool:
        futures = [pool.submit(_upgrade_in_worker, schema, script_location) for schema in pending]
        for future in as_completed(futures):
            record(future.result())
    return results


@contextmanager
def migration_lock(engine: Engine) -> Iterator[None]:
    """Hold a PostgreSQL advisory lock for the block: several machines starting
    at once take turns instead of racing on the same schemas."""
    with engine.connect() as conn:
        conn.exec_driver_sql("SELECT pg_advisory_lock(hashtext('tenants:migrate'))")
        conn.commit()
        try:
            yield
        finally:
            conn.exec_driver_sql("SELECT pg_advisory_unlock(hashtext('tenants:migrate'))")
            conn.commit()


def upgrade_shared(engine: Engine, script_location: str) -> None:
    """Bring the public schema to head."""
    with engine.begin() as conn:
        config = alembic_config(script_location)
        config.attributes["connection"] = conn
        command.upgrade(config, "head")

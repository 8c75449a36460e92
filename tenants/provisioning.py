"""Create, suspend, resume and delete tenants.

A new schema is built at the current head from the models and stamped, in the
same transaction as its registry row, never by replaying every migration.
"""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path

from alembic.runtime.migration import MigrationContext
from sqlalchemy import MetaData, delete, insert, select, update
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.exc import IntegrityError

from tenants.binding import PLACEHOLDER_SCHEMA, TenantBinding
from tenants.migrate import script_directory
from tenants.models import Tenant, TenantDomain, TenantStatus
from tenants.resolution import TenantRef, find_by_slug
from tenants.rules import schema_for, validate_domain, validate_slug


class TenancyError(Exception):
    """A tenant operation that cannot be done; the message says why."""


class SlugTaken(TenancyError):
    pass


class UnknownTenant(TenancyError):
    pass


Populate = Callable[[Connection, TenantRef], None]


def quote_schema(schema: str) -> str:
    """Quote a schema name we generated ourselves (``tenant_`` + validated slug)."""
    if not schema.startswith("tenant_") or not schema.replace("_", "").isalnum():
        raise TenancyError(f"refusing unexpected schema name {schema!r}")
    return f'"{schema}"'


def create_tenant(
    engine: Engine,
    slug: str,
    name: str,
    tenant_metadata: MetaData,
    script_location: str,
    *,
    settings: dict | None = None,
    populate: Populate | None = None,
) -> TenantRef:
    """Register ``slug``, build its schema at head and run ``populate`` (e.g. to
    add the first admin), all in one transaction: all of it exists, or none."""
    validate_slug(slug)
    name = (name or "").strip()
    if not name:
        raise TenancyError("the firm's name is required")
    schema = schema_for(slug)
    head = script_directory(script_location).get_current_head()
    try:
        with engine.begin() as conn:
            if find_by_slug(conn, slug) is not None:
                raise SlugTaken(f"the slug {slug!r} is already taken")
            tenant_id = conn.execute(
                insert(Tenant)
                .values(slug=slug, name=name, schema_name=schema, settings=settings or {})
                .returning(Tenant.id)
            ).scalar_one()
            conn.exec_driver_sql(f"CREATE SCHEMA {quote_schema(schema)}")
            tenant_metadata.create_all(
                conn.execution_options(schema_translate_map={PLACEHOLDER_SCHEMA: schema})
            )
            context = MigrationContext.configure(conn, opts={"version_table_schema": schema})
            context.stamp(script_directory(script_location), head)
            ref = TenantRef(tenant_id, slug, name, schema, TenantStatus.ACTIVE.value, settings or {})
            if populate is not None:
                populate(conn, ref)
    except IntegrityError as exc:
        raise SlugTaken(f"the slug {slug!r} is already taken") from exc
    return ref


def get_tenant(engine: Engine, slug: str) -> TenantRef:
    """Return the tenant ``slug`` or raise :class:`UnknownTenant`."""
    with engine.connect() as conn:
        tenant = find_by_slug(conn, slug)
    if tenant is None:
        raise UnknownTenant(f"no tenant with slug {slug!r}")
    return tenant


def list_tenants(engine: Engine) -> list[tuple]:
    """Return (slug, name, schema, status, created_at) of every tenant, by slug."""
    with engine.connect() as conn:
        return list(
            conn.execute(
                select(Tenant.slug, Tenant.name, Tenant.schema_name, Tenant.status, Tenant.created_at)
                .order_by(Tenant.slug)
            )
        )


def set_status(engine: Engine, slug: str, status: TenantStatus) -> TenantRef:
    """Suspend or resume ``slug``."""
    tenant = get_tenant(engine, slug)
    with engine.begin() as conn:
        conn.execute(update(Tenant).where(Tenant.id == tenant.id).values(status=status.value))
    return get_tenant(engine, slug)


def add_domain(engine: Engine, slug: str, domain: str) -> str:
    """Register a custom host name for ``slug``."""
    tenant = get_tenant(engine, slug)
    domain = validate_domain(domain)
    try:
        with engine.begin() as conn:
            conn.execute(insert(TenantDomain).values(tenant_id=tenant.id, domain=domain))
    except IntegrityError as exc:
        raise TenancyError(f"the domain {domain!r} is already registered") from exc
    return domain


def tenant_files_dir(files_root: str | Path, tenant: TenantRef) -> Path:
    """Return the folder holding ``tenant``'s stored files."""
    return Path(files_root) / tenant.schema_name


def delete_tenant(engine: Engine, slug: str, files_root: str | Path) -> TenantRef:
    """Drop the schema, the registry entry and the stored files of ``slug``."""
    tenant = get_tenant(engine, slug)
    with engine.begin() as conn:
        conn.exec_driver_sql(f"DROP SCHEMA IF EXISTS {quote_schema(tenant.schema_name)} CASCADE")
        conn.execute(delete(Tenant).where(Tenant.id == tenant.id))
        forget_jobs(conn, tenant.slug)
    shutil.rmtree(tenant_files_dir(files_root, tenant), ignore_errors=True)
    TenantBinding.forget_schema(tenant.schema_name)
    return tenant


def forget_jobs(conn: Connection, slug: str) -> None:
    """Remove the queued jobs of a deleted tenant, if the job queue exists."""
    exists = conn.exec_driver_sql(
        "SELECT to_regclass('public.procrastinate_jobs') IS NOT NULL"
    ).scalar()
    if exists:
        conn.exec_driver_sql(
            "DELETE FROM public.procrastinate_jobs WHERE args->>'tenant' = %(slug)s "
            "AND status = 'todo'",
            {"slug": slug},
        )

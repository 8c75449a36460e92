"""Run background work inside one tenant."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session

from tenants.binding import bind_tenant, unbind_tenant
from tenants.resolution import TenantRef, find_by_slug


class TenantUnavailable(RuntimeError):
    """The job's tenant is unknown or suspended: the job must not run."""


def active_tenant(engine: Engine, slug: str) -> TenantRef:
    with engine.connect() as conn:
        tenant = find_by_slug(conn, slug)
    if tenant is None:
        raise TenantUnavailable(f"unknown tenant {slug!r}")
    if not tenant.is_active:
        raise TenantUnavailable(f"tenant {slug!r} is {tenant.status}")
    return tenant


@contextmanager
def tenant_context(session: Session, engine: Engine, slug: str) -> Iterator[TenantRef]:
    """Bind ``session`` to the active tenant ``slug`` for the block, then unbind.

    Raises :class:`TenantUnavailable` before anything runs when the tenant is
    unknown or suspended.
    """
    tenant = active_tenant(engine, slug)
    bind_tenant(session, tenant.schema_name)
    try:
        yield tenant
    finally:
        unbind_tenant(session)

"""Host -> tenant resolution, failing closed."""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.engine import Connection

from tenants.models import Tenant, TenantDomain
from tenants.rules import normalise_host, subdomain_slug


@dataclass(frozen=True)
class TenantRef:
    """A detached, read-only view of a registry row, safe to keep on ``g``."""

    id: int
    slug: str
    name: str
    schema_name: str
    status: str
    settings: dict = field(default_factory=dict, hash=False, compare=False)

    @property
    def is_active(self) -> bool:
        return self.status == "active"


PLATFORM = "platform"

_COLUMNS = (Tenant.id, Tenant.slug, Tenant.name, Tenant.schema_name, Tenant.status, Tenant.settings)


def _ref(row) -> TenantRef:
    return TenantRef(*row)


def find_by_slug(conn: Connection, slug: str) -> TenantRef | None:
    row = conn.execute(select(*_COLUMNS).where(Tenant.slug == slug)).first()
    return _ref(row) if row else None


def find_by_domain(conn: Connection, domain: str) -> TenantRef | None:
    row = conn.execute(
        select(*_COLUMNS).join(TenantDomain, TenantDomain.tenant_id == Tenant.id).where(
            TenantDomain.domain == domain
        )
    ).first()
    return _ref(row) if row else None


def resolve_host(conn: Connection, host: str, platform_domain: str) -> TenantRef | str | None:
    """Return :data:`PLATFORM` for the bare platform domain, the active tenant
    serving ``host``, or None (unknown or suspended: the caller answers 404)."""
    host = normalise_host(host)
    if host == platform_domain:
        return PLATFORM
    slug = subdomain_slug(host, platform_domain)
    tenant = find_by_slug(conn, slug) if slug else find_by_domain(conn, host)
    if tenant is None or not tenant.is_active:
        return None
    return tenant

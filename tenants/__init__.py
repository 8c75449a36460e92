"""Tenancy for a schema-per-tenant Flask application.

Knows nothing of insurance: the tenant registry in the public schema, host
resolution, schema binding of SQLAlchemy sessions, provisioning, migrating
every schema, and the `flask tenants ...` commands. The application plugs its
own parts in through :class:`tenants.extension.Tenancy`.
"""

from tenants.binding import (
    PLACEHOLDER_SCHEMA,
    NoTenantBound,
    TenantBinding,
    TenantSession,
    bind_tenant,
    bound_schema,
    unbind_tenant,
)
from tenants.extension import Tenancy, current_tenant
from tenants.models import Tenant, TenantDomain, TenantStatus

__all__ = [
    "PLACEHOLDER_SCHEMA",
    "NoTenantBound",
    "Tenancy",
    "Tenant",
    "TenantDomain",
    "TenantBinding",
    "TenantSession",
    "TenantStatus",
    "bind_tenant",
    "bound_schema",
    "current_tenant",
    "unbind_tenant",
]

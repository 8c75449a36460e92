"""The Flask side of tenancy: resolve the host, bind the session, 404 otherwise."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from flask import Flask, abort, g, request
from sqlalchemy import MetaData
from werkzeug.local import LocalProxy

from tenants.binding import bind_tenant
from tenants.resolution import PLATFORM, TenantRef, resolve_host

TenantCreator = Callable[..., TenantRef]


@dataclass
class TenancySettings:
    db: object
    tenant_metadata: MetaData
    shared_migrations: str
    tenant_migrations: str
    files_root: str
    platform_domain: str
    platform_blueprints: frozenset[str]
    anyhost_blueprints: frozenset[str]
    shared_endpoints: frozenset[str]
    creator: TenantCreator | None = None
    extra: dict = field(default_factory=dict)

    @property
    def engine(self):
        return self.db.engine


class Tenancy:
    """Flask extension: every request is either the platform's (bare domain)
    or one active tenant's; anything else answers 404.

    Platform blueprints answer on the bare domain only, any-host blueprints on
    both (``g.tenant`` is None on the platform), all others on tenant hosts
    only. Shared endpoints (health check, static files) skip resolution.
    """

    def __init__(self, app: Flask | None = None, **settings) -> None:
        if app is not None:
            self.init_app(app, **settings)

    def init_app(
        self,
        app: Flask,
        *,
        db,
        tenant_metadata: MetaData,
        shared_migrations: str,
        tenant_migrations: str,
        files_root: str,
        platform_domain: str,
        platform_blueprints: set[str],
        shared_endpoints: set[str],
        anyhost_blueprints: set[str] = frozenset(),
    ) -> None:
        settings = TenancySettings(
            db=db,
            tenant_metadata=tenant_metadata,
            shared_migrations=shared_migrations,
            tenant_migrations=tenant_migrations,
            files_root=files_root,
            platform_domain=platform_domain,
            platform_blueprints=frozenset(platform_blueprints),
            anyhost_blueprints=frozenset(anyhost_blueprints),
            shared_endpoints=frozenset(shared_endpoints),
        )
        app.extensions["tenancy"] = settings
        app.before_request(_resolve_request_tenant)

        from tenants.cli import tenants_cli

        app.cli.add_command(tenants_cli)

    @staticmethod
    def register_creator(app: Flask, creator: TenantCreator) -> None:
        """Register the application's way to create a tenant with its first admin."""
        app.extensions["tenancy"].creator = creator


def settings_of(app: Flask) -> TenancySettings:
    return app.extensions["tenancy"]


def _resolve_request_tenant() -> None:
    from flask import current_app

    settings = settings_of(current_app)
    endpoint = request.endpoint or ""
    g.tenant = None
    if endpoint in settings.shared_endpoints:
        return
    with settings.engine.connect() as conn:
        resolved = resolve_host(conn, request.host, settings.platform_domain)
    if resolved is None:
        abort(404)
    blueprint = request.blueprint or ""
    if blueprint not in settings.anyhost_blueprints:
        if (resolved == PLATFORM) != (blueprint in settings.platform_blueprints):
            abort(404)
    if resolved == PLATFORM:
        return
    g.tenant = resolved
    bind_tenant(settings.db.session, resolved.schema_name)


def _current_tenant() -> TenantRef | None:
    return g.get("tenant")


current_tenant: TenantRef = LocalProxy(_current_tenant)  # type: ignore[assignment]

"""Broker firms joining the platform."""

from __future__ import annotations

from sqlalchemy.engine import Connection
from sqlalchemy.orm import Session

from app.auth import services as accounts
from app.auth.models import User
from app.auth.rules import Role
from app.extensions import db
from tenants.binding import PLACEHOLDER_SCHEMA, bind_tenant
from tenants.provisioning import TenancyError, create_tenant
from tenants.resolution import TenantRef


def create_firm(
    *,
    slug: str,
    name: str,
    admin_email: str,
    admin_password: str | None,
    admin_name: str | None = None,
    siren: str | None = None,
    orias: str | None = None,
    tenant_migrations: str,
) -> TenantRef:
    """Provision the firm's schema with its first admin, in one transaction."""
    settings = {key: value for key, value in {"siren": siren, "orias": orias}.items() if value}

    def add_admin(conn: Connection, tenant: TenantRef) -> None:
        translated = conn.execution_options(schema_translate_map={PLACEHOLDER_SCHEMA: tenant.schema_name})
        session = Session(bind=translated)
        bind_tenant(session, tenant.schema_name)
        try:
            accounts.create_user(
                session,
                None,
                email=admin_email,
                full_name=admin_name or admin_email.split("@")[0],
                role=Role.ADMIN,
                password=admin_password,
            )
            session.flush()
        except accounts.AccountError as exc:
            raise TenancyError(f"admin account refused: {exc.code}") from exc
        finally:
            session.close()

    return create_tenant(
        db.engine, slug, name, db.metadata, tenant_migrations, settings=settings, populate=add_admin
    )


def first_admin(session: Session) -> User:
    """Return the firm's first admin (the one who signed up)."""
    return accounts.list_users(session)[0]

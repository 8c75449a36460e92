"""Sign-up and operator creation of firms, with the emails that follow."""

from __future__ import annotations

from contextlib import contextmanager

from flask import current_app
from flask_babel import gettext as _

from app.auth import services as accounts
from app.extensions import db
from app.mail.services import queue_email
from app.platform.services import create_firm, first_admin
from app.web.urls import tenant_url
from tenants.jobs import tenant_context
from tenants.resolution import TenantRef


@contextmanager
def _inside(tenant: TenantRef):
    """Bind the app's session to ``tenant`` for a block, outside a request."""
    with tenant_context(db.session, db.engine, tenant.slug):
        yield db.session


def _tenant_migrations() -> str:
    return current_app.extensions["tenancy"].tenant_migrations


def sign_up_firm(data: dict) -> str:
    """Create the firm from the sign-up form, send the welcome email, and
    return the link that signs the founder in on the firm's own host."""
    tenant = create_firm(
        slug=data["slug"], name=data["firm_name"], admin_email=data["email"],
        admin_password=data["password"], admin_name=data["admin_name"],
        siren=data["siren"], orias=data["orias"], tenant_migrations=_tenant_migrations(),
    )
    with _inside(tenant) as session:
        admin = first_admin(session)
        token = accounts.handoff_token(session, current_app.config["SECRET_KEY"], admin)
        queue_email(
            session, tenant.slug, admin.email, _("Welcome to Assurdesk"), "welcome",
            sender_name="Assurdesk", user=admin, firm=tenant.name,
            link=tenant_url(tenant.slug, "/"),
        )
        session.commit()
    return tenant_url(tenant.slug, f"/welcome/{token}")


def create_firm_from_cli(
    *, slug: str, name: str, admin_email: str, admin_password: str | None, admin_name: str | None
) -> TenantRef:
    """`flask tenants create`: without a password, the admin is emailed an invitation."""
    tenant = create_firm(
        slug=slug, name=name, admin_email=admin_email, admin_password=admin_password,
        admin_name=admin_name, tenant_migrations=_tenant_migrations(),
    )
    if admin_password is None:
        with _inside(tenant) as session:
            send_invitation(session, tenant, first_admin(session), inviter=None)
            session.commit()
    return tenant


def send_invitation(session, tenant: TenantRef, user, *, inviter) -> None:
    """Queue the invitation email in ``session``'s transaction (the caller commits)."""
    token = accounts.invitation_token(session, current_app.config["SECRET_KEY"], user)
    queue_email(
        session, tenant.slug, user.email, _("%(firm)s invites you to Assurdesk", firm=tenant.name), "invitation",
        sender_name=tenant.name, user=user, firm=tenant.name,
        inviter=getattr(inviter, "full_name", None),
        link=tenant_url(tenant.slug, f"/invitation/{token}"),
    )

"""`flask tenants ...`: the platform operator's commands.

Every command reports bad input as a one-line error and a non-zero exit,
never a traceback.
"""

from __future__ import annotations

import sys
from functools import wraps

import click
from flask import current_app
from flask.cli import with_appcontext

from tenants.export import export_tenant
from tenants.extension import settings_of
from tenants.migrate import (
    MigrationResult,
    current_revisions,
    migrate_all,
    migration_lock,
    upgrade_shared,
)
from tenants.models import TenantStatus
from tenants.provisioning import (
    TenancyError,
    add_domain,
    delete_tenant,
    get_tenant,
    list_tenants,
    set_status,
)
from tenants.revision import NothingToRevise, draft_revision
from tenants.rules import InvalidSlug


def reports_errors(command):
    """Turn known errors into ``Error: ...`` and exit status 1."""

    @wraps(command)
    def wrapper(*args, **kwargs):
        try:
            return command(*args, **kwargs)
        except InvalidSlug as exc:
            raise click.ClickException(f"invalid slug: {exc}") from exc
        except (TenancyError, ValueError, NothingToRevise) as exc:
            raise click.ClickException(str(exc)) from exc

    return wrapper


def _settings():
    return settings_of(current_app)


@click.group("tenants", help="Manage the broker firms (tenants) of this platform.")
def tenants_cli() -> None:
    """Manage tenants."""


@tenants_cli.command("create")
@click.argument("slug")
@click.option("--name", required=True, help="The firm's display name.")
@click.option("--admin-email", required=True, help="The first administrator's email.")
@click.option("--admin-password", default=None, help="Without it, an invitation link is emailed.")
@click.option("--admin-name", default=None, help="The administrator's full name.")
@with_appcontext
@reports_errors
def create_command(slug, name, admin_email, admin_password, admin_name):
    """Create tenant SLUG with its schema and its first admin."""
    settings = _settings()
    if settings.creator is None:
        raise click.ClickException("no tenant creator is registered by the application")
    tenant = settings.creator(
        slug=slug, name=name, admin_email=admin_email, admin_password=admin_password, admin_name=admin_name
    )
    click.echo(f"Created tenant {tenant.slug} ({tenant.name}) in schema {tenant.schema_name}.")
    if admin_password is None:
        click.echo(f"An invitation was sent to {admin_email}.")


@tenants_cli.command("list")
@with_appcontext
@reports_errors
def list_command():
    """List tenants: slug, name, status, schema revision, created."""
    settings = _settings()
    rows = list_tenants(settings.engine)
    if not rows:
        click.echo("No tenants.")
        return
    with settings.engine.connect() as conn:
        revisions = current_revisions(conn, [row.schema_name for row in rows])
    click.echo(f"{'SLUG':<24} {'NAME':<36} {'STATUS':<10} {'REVISION':<14} CREATED")
    for row in rows:
        revision = revisions.get(row.schema_name) or "-"
        created = row.created_at.strftime("%Y-%m-%d %H:%M")
        click.echo(f"{row.slug:<24} {row.name[:36]:<36} {row.status:<10} {revision:<14} {created}")


@tenants_cli.command("migrate")
@click.option("--jobs", default=4, show_default=True, type=click.IntRange(1, 32), help="Schemas migrated at once.")
@click.option("--shared/--no-shared", default=True, help="Also bring the public schema to head first.")
@with_appcontext
@reports_errors
def migrate_command(jobs, shared):
    """Bring every tenant schema to head."""
    settings = _settings()
    with migration_lock(settings.engine):
        if shared:
            upgrade_shared(settings.engine, settings.shared_migrations)
        schemas = [row.schema_name for row in list_tenants(settings.engine)]
        results = migrate_all(
            settings.engine, schemas, settings.tenant_migrations, jobs=jobs, report=_print_progress
        )
    failed = [result for result in results if not result.ok]
    migrated = len(results) - len(failed)
    click.echo(
        f"{len(schemas)} tenant(s): {migrated} migrated, {len(schemas) - len(results)} already at head, "
        f"{len(failed)} failed."
    )
    if failed:
        for result in failed:
            click.echo(f"FAILED {result.schema}: {result.error}", err=True)
        sys.exit(1)


def _print_progress(item: MigrationResult | str, done: int, total: int) -> None:
    prefix = f"[{done}/{total}]"
    if isinstance(item, str):
        click.echo(f"{prefix} {item}: already at head")
    elif item.ok:
        click.echo(f"{prefix} {item.schema}: {item.before or 'base'} -> {item.after}")
    else:
        click.echo(f"{prefix} {item.schema}: FAILED ({item.error.splitlines()[0]})")


@tenants_cli.command("suspend")
@click.argument("slug")
@with_appcontext
@reports_errors
def suspend_command(slug):
    """Suspend SLUG: its hosts answer 404 and its jobs do not run."""
    tenant = set_status(_settings().engine, slug, TenantStatus.SUSPENDED)
    click.echo(f"Tenant {tenant.slug} is suspended.")


@tenants_cli.command("revision")
@click.option("-m", "--message", required=True, help="What the revision changes.")
@with_appcontext
@reports_errors
def revision_command(message):
    """Draft a tenant revision from the difference between the models and head."""
    settings = _settings()
    path = draft_revision(settings.engine, settings.tenant_metadata, settings.tenant_migrations, message)
    click.echo(f"Drafted {path} — review it before committing.")


@tenants_cli.command("resume")
@click.argument("slug")
@with_appcontext
@reports_errors
def resume_command(slug):
    """Resume a suspended tenant."""
    tenant = set_status(_settings().engine, slug, TenantStatus.ACTIVE)
    click.echo(f"Tenant {tenant.slug} is active.")


@tenants_cli.command("add-domain")
@click.argument("slug")
@click.argument("domain")
@with_appcontext
@reports_errors
def add_domain_command(slug, domain):
    """Serve SLUG also on the custom host name DOMAIN."""
    domain = add_domain(_settings().engine, slug, domain)
    click.echo(f"Tenant {slug} now answers on {domain}.")


@tenants_cli.command("export")
@click.argument("slug")
@click.argument("file", type=click.Path(dir_okay=False, writable=True))
@with_appcontext
@reports_errors
def export_command(slug, file):
    """Write SLUG's schema dump and files to FILE (.tar.gz)."""
    settings = _settings()
    path = export_tenant(settings.engine, slug, file, settings.files_root)
    click.echo(f"Exported tenant {slug} to {path}.")


@tenants_cli.command("delete")
@click.argument("slug")
@click.option("--yes", is_flag=True, help="Confirm: the schema, files and registry entry are destroyed.")
@with_appcontext
@reports_errors
def delete_command(slug, yes):
    """Delete SLUG: schema, files and registry entry."""
    settings = _settings()
    get_tenant(settings.engine, slug)
    if not yes:
        raise click.ClickException(f"deleting {slug} destroys all its data: add --yes to confirm")
    delete_tenant(settings.engine, slug, settings.files_root)
    click.echo(f"Deleted tenant {slug}.")

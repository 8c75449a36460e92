"""Tenant schemas: built at head from the models, migrated by `flask tenants migrate`."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import MetaData, text
from sqlalchemy.schema import BLANK_SCHEMA

from tenants.migrate import current_revisions, script_directory, upgrade_schema


def _reset_to_base(conn, schema: str, keep_tables: bool = False) -> None:
    """Bring ``schema`` back to before any migration: empty, or its tables
    kept with no recorded revision."""
    if keep_tables:
        conn.exec_driver_sql(f'DROP TABLE "{schema}".alembic_version')
    else:
        conn.exec_driver_sql(f'DROP SCHEMA "{schema}" CASCADE')
        conn.exec_driver_sql(f'CREATE SCHEMA "{schema}"')


def test_a_new_schema_is_at_head_without_replaying_migrations(app, tenant):
    from app.extensions import db

    head = script_directory(app.extensions["tenancy"].tenant_migrations).get_current_head()
    with app.app_context(), db.engine.connect() as conn:
        assert current_revisions(conn, [tenant.schema_name]) == {tenant.schema_name: head}


def test_migrations_build_the_same_schema_as_the_models(app, tenant):
    """A schema replayed from the migrations matches the models exactly."""
    from app.extensions import db

    settings = app.extensions["tenancy"]
    with app.app_context():
        with db.engine.begin() as conn:
            _reset_to_base(conn, tenant.schema_name)
        result = upgrade_schema(db.engine, tenant.schema_name, settings.tenant_migrations)
        assert result.ok, result.error
        with db.engine.connect() as conn:
            conn.exec_driver_sql(f'SET search_path TO "{tenant.schema_name}"')
            context = MigrationContext.configure(conn, opts={"include_schemas": False})
            metadata = MetaData()
            for table in db.metadata.sorted_tables:
                table.to_metadata(metadata, schema=None, referred_schema_fn=lambda *args: BLANK_SCHEMA)
            differences = [d for d in compare_metadata(context, metadata)
                           if not (d[0] == "remove_table" and d[1].name == "alembic_version")]
            conn.exec_driver_sql("RESET search_path")
    assert differences == []


def test_migrate_skips_schemas_at_head(app, tenant):
    result = app.test_cli_runner().invoke(args=["tenants", "migrate"])
    assert result.exit_code == 0, result.output
    assert f"{tenant.schema_name}: already at head" in result.output
    assert "0 migrated" in result.output


def test_migrate_goes_on_past_a_broken_tenant_and_reports_it(app, make_tenant):
    from app.extensions import db

    alpha, bravo, charlie = make_tenant("a"), make_tenant("b"), make_tenant("c")
    with app.app_context(), db.engine.begin() as conn:
        _reset_to_base(conn, alpha.schema_name)
        _reset_to_base(conn, charlie.schema_name)
        # Bravo lost its version table but kept its tables: replaying the first revision fails.
        _reset_to_base(conn, bravo.schema_name, keep_tables=True)

    runner = app.test_cli_runner()
    result = runner.invoke(args=["tenants", "migrate", "--jobs", "2"])
    assert result.exit_code == 1
    head = script_directory(app.extensions["tenancy"].tenant_migrations).get_current_head()
    assert f"{alpha.schema_name}: base -> {head}" in result.output
    assert f"{charlie.schema_name}: base -> {head}" in result.output
    assert f"FAILED {bravo.schema_name}" in result.output
    assert "DuplicateTable" in result.output
    assert "1 failed" in result.output

    with app.app_context(), db.engine.begin() as conn:
        _reset_to_base(conn, bravo.schema_name)
    again = runner.invoke(args=["tenants", "migrate"])
    assert again.exit_code == 0, again.output
    assert f"{bravo.schema_name}: base -> {head}" in again.output, "the failed tenant is retried"
    with app.app_context(), db.engine.connect() as conn:
        users = conn.execute(text(f'SELECT count(*) FROM {alpha.schema_name}."user"')).scalar()
    assert users == 0

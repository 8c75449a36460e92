"""Alembic environment of tenant schemas.

Run by `tenants.migrate.upgrade_schema`, which opens a transaction starting
with ``SET LOCAL search_path TO <tenant schema>`` and passes its connection:
revision scripts are written with ``schema=None`` and apply to whichever
tenant schema is being migrated (Alembic cookbook, schema-level multi tenancy).
"""

from alembic import context


def run_migrations() -> None:
    connection = context.config.attributes.get("connection")
    schema = context.config.attributes.get("schema")
    if connection is None or schema is None:
        raise SystemExit("tenant migrations run through `flask tenants migrate`, one schema at a time")
    context.configure(
        connection=connection,
        target_metadata=None,
        version_table_schema=schema,
        transaction_per_migration=False,
    )
    with context.begin_transaction():
        context.run_migrations()


run_migrations()

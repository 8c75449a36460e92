"""Alembic environment of tenant schemas.

Run by `tenants.migrate.upgrade_schema`, which opens a transaction starting
with ``SET LOCAL search_path TO <tenant schema>`` and passes its connection:
revision scripts are written with ``schema=None`` and apply to whichever
tenant schema is being migrated (Alembic cookbook, schema-level multi tenancy).
`flask tenants revision` passes the models as ``target_metadata`` to draft a
revision against a scratch schema (tenants/revision.py).
"""

from alembic import context


def _is_a_model_table(name, type_, parent_names) -> bool:
    """Autogenerate leaves Alembic's own version table alone."""
    return not (type_ == "table" and name == "alembic_version")


def run_migrations() -> None:
    connection = context.config.attributes.get("connection")
    schema = context.config.attributes.get("schema")
    if connection is None or schema is None:
        raise SystemExit("tenant migrations run through `flask tenants migrate`, one schema at a time")
    context.configure(
        connection=connection,
        target_metadata=context.config.attributes.get("target_metadata"),
        include_name=_is_a_model_table,
        process_revision_directives=context.config.attributes.get("process_revision_directives"),
        version_table_schema=schema,
        transaction_per_migration=False,
    )
    with context.begin_transaction():
        context.run_migrations()


run_migrations()

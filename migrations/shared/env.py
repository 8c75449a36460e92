"""Alembic environment of the public schema (tenant registry, job queue)."""

from alembic import context
from sqlalchemy import create_engine
from sqlalchemy.pool import NullPool

from tenants.models import public_metadata


def run_migrations() -> None:
    connection = context.config.attributes.get("connection")
    if connection is None:
        from app.config import database_url

        with create_engine(database_url(), poolclass=NullPool).begin() as own:
            _run(own)
        return
    _run(connection)


def _run(connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=public_metadata,
        version_table_schema="public",
        include_schemas=False,
    )
    with context.begin_transaction():
        context.run_migrations()


run_migrations()

"""Draft a tenant revision from the models: ``flask tenants revision -m "..."``.

Alembic's autogenerate compares a database with the models, but no tenant
schema should be touched to write a migration: the draft is compared with a
scratch schema brought to head by the existing revisions, then dropped. The
models are declared in the placeholder schema; they are compared as if they
lived in the scratch schema (``schema=None`` under its search path), so the
revision is written with ``schema=None`` like every tenant revision.
"""

from __future__ import annotations

import re
import secrets
from pathlib import Path

from alembic import command
from sqlalchemy import BLANK_SCHEMA, MetaData
from sqlalchemy.engine import Engine

from tenants.migrate import alembic_config, script_directory, upgrade_schema


class NothingToRevise(Exception):
    pass


def _schemaless_copy(metadata: MetaData) -> MetaData:
    copy = MetaData()
    for table in metadata.sorted_tables:
        table.to_metadata(copy, schema=None, referred_schema_fn=lambda *args: BLANK_SCHEMA)
    return copy


def next_revision_id(script_location: str) -> str:
    """``t0007`` after ``t0006``: tenant revisions are numbered in order."""
    head = script_directory(script_location).get_current_head() or "t0000"
    number = int(re.sub(r"\D", "", head) or 0) + 1
    return f"t{number:04d}"


def draft_revision(engine: Engine, metadata: MetaData, script_location: str, message: str) -> Path:
    """Write a revision taking the tenant schemas from head to the models."""
    scratch = f"tenant__draft_{secrets.token_hex(4)}"
    with engine.begin() as conn:
        conn.exec_driver_sql(f'CREATE SCHEMA "{scratch}"')
    try:
        result = upgrade_schema(engine, scratch, script_location)
        if not result.ok:
            raise RuntimeError(f"the existing revisions do not apply: {result.error}")
        revision_id = next_revision_id(script_location)
        slug = re.sub(r"[^a-z0-9]+", "_", message.lower()).strip("_")[:40]
        with engine.connect() as conn, conn.begin():
            conn.exec_driver_sql(f'SET LOCAL search_path TO "{scratch}"')
            config = alembic_config(script_location)
            config.set_main_option("file_template", f"{revision_id[1:]}_{slug}")
            config.attributes.update(connection=conn, schema=scratch,
                                     target_metadata=_schemaless_copy(metadata))
            script = command.revision(config, message=message, autogenerate=True, rev_id=revision_id)
        script_directory.cache_clear()
        path = Path(script.path)
        if "op." not in path.read_text().split("def downgrade")[0]:
            path.unlink()
            raise NothingToRevise("the models match the migrations: no revision written")
        return path
    finally:
        with engine.begin() as conn:
            conn.exec_driver_sql(f'DROP SCHEMA "{scratch}" CASCADE')

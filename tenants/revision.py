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
from alembic.operations import ops
from sqlalchemy import BLANK_SCHEMA, ForeignKeyConstraint, MetaData
from sqlalchemy.engine import Engine

from tenants.migrate import alembic_config, script_directory, upgrade_schema


class NothingToRevise(Exception):
    pass


def _schemaless_copy(metadata: MetaData) -> MetaData:
    copy = MetaData()
    for table in metadata.sorted_tables:
        table.to_metadata(copy, schema=None, referred_schema_fn=lambda *args: BLANK_SCHEMA)
    return copy


def defer_cyclic_foreign_keys(context, revision, directives) -> None:
    """Alembic hook: a foreign key declared ``use_alter`` (it closes a cycle
    between tables) cannot be created with its table; add it once every table
    exists, and drop it first on the way down."""
    script = directives[0]
    deferred = []
    for operation in script.upgrade_ops.ops:
        if not isinstance(operation, ops.CreateTableOp):
            continue
        for element in list(operation.columns):
            if isinstance(element, ForeignKeyConstraint) and element.use_alter:
                operation.columns = [other for other in operation.columns if other is not element]
                referent, _column = element.elements[0].target_fullname.rsplit(".", 1)
                deferred.append(ops.CreateForeignKeyOp(
                    element.name, operation.table_name, referent.rsplit(".", 1)[-1], list(element.column_keys),
                    [fk.column.name if fk.column is not None else fk.target_fullname.rsplit(".", 1)[1]
                     for fk in element.elements], ondelete=element.ondelete))
    script.upgrade_ops.ops.extend(deferred)
    script.downgrade_ops.ops[0:0] = [
        ops.DropConstraintOp(fk.constraint_name, fk.source_table, type_="foreignkey") for fk in deferred]


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
            config.attributes.update(connection=conn, schema=scratch, target_metadata=_schemaless_copy(metadata),
                                     process_revision_directives=defer_cyclic_foreign_keys)
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

"""The procrastinate job queue, in the public schema.

Revision ID: s0002
Revises: s0001
Create Date: 2026-11-25
"""

from alembic import op
from procrastinate.schema import SchemaManager

revision = "s0002"
down_revision = "s0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.execute("SET LOCAL search_path TO public")
    # Passed through the driver untouched: the schema holds literal "%" signs.
    op.get_bind().exec_driver_sql(SchemaManager.get_schema().replace("%", "%%"))


def downgrade() -> None:
    op.execute(
        "DROP TABLE IF EXISTS public.procrastinate_events, public.procrastinate_periodic_defers, "
        "public.procrastinate_jobs, public.procrastinate_workers CASCADE"
    )

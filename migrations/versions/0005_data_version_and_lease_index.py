"""The data version (ETags of reports: 304 while nothing changed) and a covering index of the
leases (reports read the index alone).

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-29
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    table = op.create_table(
        "data_version",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("version", sa.BigInteger(), nullable=False),
        sa.CheckConstraint("id = 1", name=op.f("ck_data_version_single_row")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_data_version")),
    )
    op.bulk_insert(table, [{"id": 1, "version": 0}])
    op.create_index(
        "ix_projects_leases",
        "projects",
        ["zone_id", "lease_start", "lease_end", "terminated_on", "land_use", "leased_ha"],
    )


def downgrade() -> None:
    op.drop_index("ix_projects_leases", table_name="projects")
    op.drop_table("data_version")

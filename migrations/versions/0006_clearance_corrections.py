"""Corrections of clearance records: each record keeps the time of its latest change (its ETag).

Existing records take their creation time; the column is then NOT NULL like every other
row's updated_at.

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-29
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("clearance_records", schema=None) as batch_op:
        batch_op.add_column(sa.Column("updated_at", sa.DateTime(timezone=True), nullable=True))
    records = sa.table("clearance_records", sa.column("created_at"), sa.column("updated_at"))
    op.execute(records.update().values(updated_at=records.c.created_at))
    with op.batch_alter_table("clearance_records", schema=None) as batch_op:
        batch_op.alter_column(
            "updated_at", existing_type=sa.DateTime(timezone=True), nullable=False
        )


def downgrade() -> None:
    with op.batch_alter_table("clearance_records", schema=None) as batch_op:
        batch_op.drop_column("updated_at")

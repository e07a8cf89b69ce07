"""Land clearance records, plans, targets and reported actuals.

Target and actual values are millionths in BIGINT columns (exact on both databases).

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-26
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "plans",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("code", sa.String(length=50), nullable=False),
        sa.Column("title", sa.String(length=300), nullable=False),
        sa.Column("starts_on", sa.Date(), nullable=False),
        sa.Column("ends_on", sa.Date(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint("ends_on > starts_on", name=op.f("ck_plans_ends_after_start")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_plans")),
        sa.UniqueConstraint("code", name=op.f("uq_plans_code")),
    )
    op.create_table(
        "clearance_records",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("zone_id", sa.Integer(), nullable=False),
        sa.Column("recorded_on", sa.Date(), nullable=False),
        sa.Column("cleared_ha", sa.BigInteger(), nullable=False),
        sa.Column("households_total", sa.Integer(), nullable=True),
        sa.Column("households_relocated", sa.Integer(), nullable=True),
        sa.Column("compensation_paid_vnd", sa.BigInteger(), nullable=True),
        sa.Column("note", sa.Text(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "cleared_ha >= 0", name=op.f("ck_clearance_records_cleared_not_negative")
        ),
        sa.CheckConstraint(
            "households_relocated IS NULL OR households_total IS NULL OR households_relocated <= households_total",
            name=op.f("ck_clearance_records_relocated_within_total"),
        ),
        sa.ForeignKeyConstraint(
            ["zone_id"],
            ["zones.id"],
            name=op.f("fk_clearance_records_zone_id_zones"),
            ondelete="RESTRICT",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_clearance_records")),
        sa.UniqueConstraint("zone_id", "recorded_on", name=op.f("uq_clearance_records_zone_id")),
    )
    op.create_table(
        "plan_actuals",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("plan_id", sa.Integer(), nullable=False),
        sa.Column("indicator", sa.String(length=64), nullable=False),
        sa.Column("value", sa.BigInteger(), nullable=False),
        sa.Column("as_of", sa.Date(), nullable=False),
        sa.Column("source", sa.String(length=300), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["plan_id"],
            ["plans.id"],
            name=op.f("fk_plan_actuals_plan_id_plans"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_plan_actuals")),
        sa.UniqueConstraint("plan_id", "indicator", "as_of", name=op.f("uq_plan_actuals_plan_id")),
    )
    op.create_table(
        "plan_targets",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("plan_id", sa.Integer(), nullable=False),
        sa.Column("indicator", sa.String(length=64), nullable=False),
        sa.Column("target", sa.BigInteger(), nullable=False),
        sa.Column("label", sa.String(length=300), nullable=True),
        sa.ForeignKeyConstraint(
            ["plan_id"],
            ["plans.id"],
            name=op.f("fk_plan_targets_plan_id_plans"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_plan_targets")),
        sa.UniqueConstraint("plan_id", "indicator", name=op.f("uq_plan_targets_plan_id")),
    )


def downgrade() -> None:
    op.drop_table("plan_targets")
    op.drop_table("plan_actuals")
    op.drop_table("clearance_records")
    op.drop_table("plans")

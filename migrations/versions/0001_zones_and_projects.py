"""Zones and investor projects.

Areas are whole square metres (hectares x 10^4) and money hundredths, in BIGINT columns:
exact on SQLite, which has no exact decimal type, and on PostgreSQL.

Revision ID: 0001
Revises:
Create Date: 2026-11-26
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from app.kit.db import one_of
from app.models.enums import Currency, LandUse, ProjectStatus, ZoneKind, ZoneStatus

revision: str = "0001"
down_revision: str | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "zones",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("code", sa.String(length=40), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("province", sa.String(length=100), nullable=False),
        sa.Column("locality", sa.String(length=100), nullable=True),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("established_on", sa.Date(), nullable=True),
        sa.Column("decision_no", sa.String(length=100), nullable=True),
        sa.Column("developer", sa.String(length=200), nullable=True),
        sa.Column("total_area_ha", sa.BigInteger(), nullable=False),
        sa.Column("industrial_land_ha", sa.BigInteger(), nullable=False),
        sa.Column("service_land_ha", sa.BigInteger(), nullable=False),
        sa.Column("clearance_required_ha", sa.BigInteger(), nullable=False),
        sa.Column("latitude", sa.Float(), nullable=True),
        sa.Column("longitude", sa.Float(), nullable=True),
        sa.Column("search_text", sa.String(length=250), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint(one_of("kind", ZoneKind), name=op.f("ck_zones_kind")),
        sa.CheckConstraint(one_of("status", ZoneStatus), name=op.f("ck_zones_status")),
        sa.CheckConstraint(
            "(latitude IS NULL) = (longitude IS NULL)",
            name=op.f("ck_zones_coordinates_both_or_neither"),
        ),
        sa.CheckConstraint(
            "clearance_required_ha >= 0 AND clearance_required_ha <= total_area_ha",
            name=op.f("ck_zones_clearance_within_total"),
        ),
        sa.CheckConstraint(
            "industrial_land_ha + service_land_ha <= total_area_ha",
            name=op.f("ck_zones_leasable_within_total"),
        ),
        sa.CheckConstraint(
            "industrial_land_ha >= 0", name=op.f("ck_zones_industrial_land_not_negative")
        ),
        sa.CheckConstraint("service_land_ha >= 0", name=op.f("ck_zones_service_land_not_negative")),
        sa.CheckConstraint("total_area_ha > 0", name=op.f("ck_zones_total_area_positive")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_zones")),
        sa.UniqueConstraint("code", name=op.f("uq_zones_code")),
    )
    with op.batch_alter_table("zones", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_zones_kind"), ["kind"], unique=False)
        batch_op.create_index(batch_op.f("ix_zones_province"), ["province"], unique=False)
        batch_op.create_index(batch_op.f("ix_zones_status"), ["status"], unique=False)

    op.create_table(
        "projects",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("zone_id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("investor", sa.String(length=200), nullable=False),
        sa.Column("investor_country", sa.String(length=2), nullable=False),
        sa.Column("project_code", sa.String(length=50), nullable=True),
        sa.Column("sector", sa.String(length=5), nullable=True),
        sa.Column("registered_capital", sa.BigInteger(), nullable=True),
        sa.Column("capital_currency", sa.String(length=3), nullable=True),
        sa.Column("land_use", sa.String(length=20), nullable=False),
        sa.Column("leased_ha", sa.BigInteger(), nullable=False),
        sa.Column("lease_start", sa.Date(), nullable=False),
        sa.Column("lease_end", sa.Date(), nullable=True),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("employees", sa.Integer(), nullable=True),
        sa.Column("terminated_on", sa.Date(), nullable=True),
        sa.Column("termination_reason", sa.Text(), nullable=True),
        sa.Column("search_text", sa.String(length=410), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            one_of("capital_currency", Currency), name=op.f("ck_projects_capital_currency")
        ),
        sa.CheckConstraint(one_of("land_use", LandUse), name=op.f("ck_projects_land_use")),
        sa.CheckConstraint(one_of("status", ProjectStatus), name=op.f("ck_projects_status")),
        sa.CheckConstraint(
            "employees IS NULL OR (employees >= 0 AND employees <= 1000000)",
            name=op.f("ck_projects_employees_range"),
        ),
        sa.CheckConstraint(
            "lease_end IS NULL OR lease_end > lease_start",
            name=op.f("ck_projects_lease_end_after_start"),
        ),
        sa.CheckConstraint("leased_ha > 0", name=op.f("ck_projects_leased_positive")),
        sa.CheckConstraint(
            "registered_capital IS NULL OR (registered_capital >= 0 AND capital_currency IS NOT NULL)",
            name=op.f("ck_projects_capital_with_currency"),
        ),
        sa.CheckConstraint(
            "terminated_on IS NULL OR terminated_on >= lease_start",
            name=op.f("ck_projects_terminated_after_start"),
        ),
        sa.ForeignKeyConstraint(
            ["zone_id"], ["zones.id"], name=op.f("fk_projects_zone_id_zones"), ondelete="RESTRICT"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_projects")),
        sa.UniqueConstraint("project_code", name=op.f("uq_projects_project_code")),
    )
    with op.batch_alter_table("projects", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_projects_investor_country"), ["investor_country"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_projects_lease_start"), ["lease_start"], unique=False)
        batch_op.create_index(batch_op.f("ix_projects_status"), ["status"], unique=False)
        batch_op.create_index("ix_projects_zone_id_land_use", ["zone_id", "land_use"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("projects", schema=None) as batch_op:
        batch_op.drop_index("ix_projects_zone_id_land_use")
        batch_op.drop_index(batch_op.f("ix_projects_status"))
        batch_op.drop_index(batch_op.f("ix_projects_lease_start"))
        batch_op.drop_index(batch_op.f("ix_projects_investor_country"))

    op.drop_table("projects")
    with op.batch_alter_table("zones", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_zones_status"))
        batch_op.drop_index(batch_op.f("ix_zones_province"))
        batch_op.drop_index(batch_op.f("ix_zones_kind"))

    op.drop_table("zones")

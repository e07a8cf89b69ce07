"""Zones change with time: revisions of their time-varying fields, and the states those fold
into; filed reports.

Each zone's current values become its first revision and its one state, from its
establishment date when it has one, or from the beginning otherwise; so that no stored lease
or clearance record falls before its zone exists, a zone with one dated earlier than its
establishment starts from the beginning too. The time-varying columns then leave `zones`.
Downgrading puts back each zone's latest values (its last state).

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-29
"""

from collections.abc import Sequence
from datetime import date
from decimal import Decimal

import sqlalchemy as sa
from alembic import op

from app.kit.db import one_of
from app.models.enums import ZoneStatus

revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

VARYING = (
    "name",
    "province",
    "locality",
    "status",
    "developer",
    "total_area_ha",
    "industrial_land_ha",
    "service_land_ha",
    "clearance_required_ha",
)
AREAS = ("total_area_ha", "industrial_land_ha", "service_land_ha", "clearance_required_ha")
ZONE_CHECKS = (
    "status",
    "clearance_within_total",
    "leasable_within_total",
    "industrial_land_not_negative",
    "service_land_not_negative",
    "total_area_positive",
)


def _land_checks(table: str) -> list[sa.CheckConstraint]:
    return [
        sa.CheckConstraint(one_of("status", ZoneStatus), name=op.f(f"ck_{table}_status")),
        sa.CheckConstraint(
            "clearance_required_ha >= 0 AND clearance_required_ha <= total_area_ha",
            name=op.f(f"ck_{table}_clearance_within_total"),
        ),
        sa.CheckConstraint(
            "industrial_land_ha + service_land_ha <= total_area_ha",
            name=op.f(f"ck_{table}_leasable_within_total"),
        ),
        sa.CheckConstraint(
            "industrial_land_ha >= 0", name=op.f(f"ck_{table}_industrial_land_not_negative")
        ),
        sa.CheckConstraint(
            "service_land_ha >= 0", name=op.f(f"ck_{table}_service_land_not_negative")
        ),
        sa.CheckConstraint("total_area_ha > 0", name=op.f(f"ck_{table}_total_area_positive")),
    ]


def _varying_columns(nullable: bool = False) -> list[sa.Column[object]]:
    return [
        sa.Column("name", sa.String(length=200), nullable=nullable),
        sa.Column("province", sa.String(length=100), nullable=nullable),
        sa.Column("locality", sa.String(length=100), nullable=True),
        sa.Column("status", sa.String(length=20), nullable=nullable),
        sa.Column("developer", sa.String(length=200), nullable=True),
        sa.Column("total_area_ha", sa.BigInteger(), nullable=nullable),
        sa.Column("industrial_land_ha", sa.BigInteger(), nullable=nullable),
        sa.Column("service_land_ha", sa.BigInteger(), nullable=nullable),
        sa.Column("clearance_required_ha", sa.BigInteger(), nullable=nullable),
        sa.Column("search_text", sa.String(length=250), nullable=nullable),
    ]


def upgrade() -> None:
    revisions = op.create_table(
        "zone_revisions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("zone_id", sa.Integer(), nullable=False),
        sa.Column("effective_from", sa.Date(), nullable=True),
        sa.Column("changes", sa.JSON(), nullable=False),
        sa.Column("recorded_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("recorded_by", sa.String(length=100), nullable=False),
        sa.ForeignKeyConstraint(
            ["zone_id"],
            ["zones.id"],
            name=op.f("fk_zone_revisions_zone_id_zones"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_zone_revisions")),
    )
    op.create_index("ix_zone_revisions_zone", "zone_revisions", ["zone_id", "effective_from"])
    states = op.create_table(
        "zone_states",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("zone_id", sa.Integer(), nullable=False),
        sa.Column("valid_from", sa.Date(), nullable=True),
        sa.Column("valid_to", sa.Date(), nullable=True),
        *_varying_columns(),
        *_land_checks("zone_states"),
        sa.CheckConstraint(
            "valid_from IS NULL OR valid_to IS NULL OR valid_from < valid_to",
            name=op.f("ck_zone_states_valid_period"),
        ),
        sa.ForeignKeyConstraint(
            ["zone_id"], ["zones.id"], name=op.f("fk_zone_states_zone_id_zones"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_zone_states")),
    )
    op.create_index("ix_zone_states_zone", "zone_states", ["zone_id", "valid_from"])
    op.create_index(op.f("ix_zone_states_province"), "zone_states", ["province"])
    op.create_table(
        "filings",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("report", sa.String(length=40), nullable=False),
        sa.Column("params", sa.JSON(), nullable=False),
        sa.Column("period", sa.String(length=10), nullable=True),
        sa.Column("as_of", sa.Date(), nullable=False),
        sa.Column("note", sa.Text(), nullable=True),
        sa.Column("filed_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("filed_by", sa.String(length=100), nullable=False),
        sa.Column("body", sa.LargeBinary(), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_filings")),
    )
    op.create_index(op.f("ix_filings_report"), "filings", ["report"])

    bind = op.get_bind()
    zones = sa.table(
        "zones",
        sa.column("id"),
        sa.column("established_on", sa.Date()),
        sa.column("updated_at", sa.DateTime(timezone=True)),
        *(sa.column(name) for name in (*VARYING, "search_text")),
    )
    earliest = sa.text(
        "SELECT zone_id, MIN(day) FROM ("
        " SELECT zone_id, lease_start AS day FROM projects"
        " UNION ALL SELECT zone_id, recorded_on AS day FROM clearance_records"
        ") AS dated GROUP BY zone_id"
    )
    first_dated = {zone_id: day for zone_id, day in bind.execute(earliest)}
    revision_rows, state_rows = [], []
    for row in bind.execute(sa.select(zones)).mappings():
        start = row["established_on"]
        dated = first_dated.get(row["id"])
        if start is not None and dated is not None and _as_date(dated) < start:
            start = None
        changes = {
            name: str(Decimal(row[name]).scaleb(-4)) if name in AREAS else row[name]
            for name in VARYING
        }
        revision_rows.append(
            {
                "zone_id": row["id"],
                "effective_from": start,
                "changes": changes,
                "recorded_at": row["updated_at"],
                "recorded_by": "migration",
            }
        )
        state_rows.append(
            {"zone_id": row["id"], "valid_from": start, "valid_to": None}
            | {name: row[name] for name in (*VARYING, "search_text")}
        )
    if revision_rows:
        op.bulk_insert(revisions, revision_rows)
        op.bulk_insert(states, state_rows)

    with op.batch_alter_table("zones") as batch:
        for check in ZONE_CHECKS:
            batch.drop_constraint(op.f(f"ck_zones_{check}"), type_="check")
        batch.drop_index(op.f("ix_zones_province"))
        batch.drop_index(op.f("ix_zones_status"))
        for name in (*VARYING, "search_text"):
            batch.drop_column(name)


def _as_date(value: object) -> object:
    # SQLite hands back dates of a UNION as text.
    return date.fromisoformat(value) if isinstance(value, str) else value


def downgrade() -> None:
    with op.batch_alter_table("zones") as batch:
        for column in _varying_columns(nullable=True):
            batch.add_column(column)
    bind = op.get_bind()
    # Each zone's latest state: the one that runs on without end.
    latest = sa.text(
        "SELECT zone_id, " + ", ".join((*VARYING, "search_text")) + " FROM zone_states"
        " WHERE valid_to IS NULL"
    )
    for row in bind.execute(latest).mappings():
        values = {name: row[name] for name in (*VARYING, "search_text")}
        bind.execute(
            sa.text(
                "UPDATE zones SET "
                + ", ".join(f"{name} = :{name}" for name in values)
                + " WHERE id = :zone_id"
            ),
            values | {"zone_id": row["zone_id"]},
        )
    with op.batch_alter_table("zones") as batch:
        for column in _varying_columns():
            if not column.nullable:
                batch.alter_column(column.name, existing_type=column.type, nullable=False)
        for check in _land_checks("zones"):
            batch.create_check_constraint(check.name, check.sqltext)
        batch.create_index(op.f("ix_zones_province"), ["province"])
        batch.create_index(op.f("ix_zones_status"), ["status"])
    op.drop_index(op.f("ix_filings_report"), table_name="filings")
    op.drop_table("filings")
    op.drop_index(op.f("ix_zone_states_province"), table_name="zone_states")
    op.drop_index("ix_zone_states_zone", table_name="zone_states")
    op.drop_table("zone_states")
    op.drop_index("ix_zone_revisions_zone", table_name="zone_revisions")
    op.drop_table("zone_revisions")

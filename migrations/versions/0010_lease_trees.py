"""Lease trees: what each zone's leases hold on every day, kept as a tree over the calendar,
so a lease write checks capacity by reading a few dozen nodes, however many leases the zone
holds (app.land.held_tree).

Triggers keep the trees honest against any writer: every zone gets its `lease_trees` row when
it is made (out of date: its trees are built, from nothing, at its first lease write; a
stale row left by a zone deleted by hand is marked out of date too), and every insert or delete of a lease, or change to its zone, land use, area or
dates, raises the zone's `changes`. The service trusts a zone's trees only while `built`
equals `changes`, and rebuilds them from the leases otherwise; existing zones start out of
date (changes 1, built 0), so their trees are built at their first lease write.

Revision ID: 0010
Revises: 0009
Create Date: 2026-11-30
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0010"
down_revision: str | None = "0009"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

LAND_COLUMNS = "zone_id, land_use, leased_ha, lease_start, lease_end, terminated_on"
RAISE = "UPDATE lease_trees SET changes = changes + 1 WHERE zone_id = {row}.zone_id"

SQLITE_TRIGGERS = (
    "CREATE TRIGGER zones_lease_tree AFTER INSERT ON zones BEGIN"
    " INSERT OR REPLACE INTO lease_trees (zone_id, changes, built) VALUES (NEW.id, 1, 0); END",
    f"CREATE TRIGGER projects_lease_tree_insert AFTER INSERT ON projects BEGIN"
    f" {RAISE.format(row='NEW')}; END",
    f"CREATE TRIGGER projects_lease_tree_delete AFTER DELETE ON projects BEGIN"
    f" {RAISE.format(row='OLD')}; END",
    f"CREATE TRIGGER projects_lease_tree_update AFTER UPDATE OF {LAND_COLUMNS} ON projects"
    f" BEGIN {RAISE.format(row='OLD')}; {RAISE.format(row='NEW')}; END",
)
SQLITE_DROPS = (
    "DROP TRIGGER zones_lease_tree",
    "DROP TRIGGER projects_lease_tree_insert",
    "DROP TRIGGER projects_lease_tree_delete",
    "DROP TRIGGER projects_lease_tree_update",
)

# On PostgreSQL inserts and deletes raise each zone once per statement, from the statement's
# transition table: a bulk import (COPY) of 40,000 leases makes one UPDATE per zone, not one per
# lease. An UPDATE OF some columns cannot have a transition table, so updates count per row.
RAISE_ZONES = (
    "UPDATE lease_trees SET changes = changes + 1"
    " WHERE zone_id IN (SELECT DISTINCT zone_id FROM {rows})"
)
POSTGRESQL_TRIGGERS = (
    """CREATE FUNCTION zones_lease_tree() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        INSERT INTO lease_trees (zone_id, changes, built) VALUES (NEW.id, 1, 0)
            ON CONFLICT (zone_id) DO UPDATE SET changes = lease_trees.changes + 1;
        RETURN NULL;
    END $$""",
    "CREATE TRIGGER zones_lease_tree AFTER INSERT ON zones"
    " FOR EACH ROW EXECUTE FUNCTION zones_lease_tree()",
    f"""CREATE FUNCTION projects_lease_tree_inserted() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN {RAISE_ZONES.format(rows="inserted")}; RETURN NULL; END $$""",
    "CREATE TRIGGER projects_lease_tree_insert AFTER INSERT ON projects"
    " REFERENCING NEW TABLE AS inserted"
    " FOR EACH STATEMENT EXECUTE FUNCTION projects_lease_tree_inserted()",
    f"""CREATE FUNCTION projects_lease_tree_deleted() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN {RAISE_ZONES.format(rows="deleted")}; RETURN NULL; END $$""",
    "CREATE TRIGGER projects_lease_tree_delete AFTER DELETE ON projects"
    " REFERENCING OLD TABLE AS deleted"
    " FOR EACH STATEMENT EXECUTE FUNCTION projects_lease_tree_deleted()",
    f"""CREATE FUNCTION projects_lease_tree_updated() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN {RAISE.format(row="OLD")}; {RAISE.format(row="NEW")}; RETURN NULL; END $$""",
    f"CREATE TRIGGER projects_lease_tree_update AFTER UPDATE OF {LAND_COLUMNS} ON projects"
    " FOR EACH ROW EXECUTE FUNCTION projects_lease_tree_updated()",
)
POSTGRESQL_DROPS = (
    "DROP TRIGGER projects_lease_tree_update ON projects",
    "DROP FUNCTION projects_lease_tree_updated()",
    "DROP TRIGGER projects_lease_tree_delete ON projects",
    "DROP FUNCTION projects_lease_tree_deleted()",
    "DROP TRIGGER projects_lease_tree_insert ON projects",
    "DROP FUNCTION projects_lease_tree_inserted()",
    "DROP TRIGGER zones_lease_tree ON zones",
    "DROP FUNCTION zones_lease_tree()",
)


def upgrade() -> None:
    op.create_table(
        "lease_trees",
        sa.Column("zone_id", sa.Integer(), nullable=False),
        sa.Column("changes", sa.BigInteger(), nullable=False),
        sa.Column("built", sa.BigInteger(), nullable=False),
        sa.ForeignKeyConstraint(
            ["zone_id"],
            ["zones.id"],
            name=op.f("fk_lease_trees_zone_id_zones"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("zone_id", name=op.f("pk_lease_trees")),
    )
    op.create_table(
        "lease_tree_nodes",
        sa.Column("zone_id", sa.Integer(), nullable=False),
        sa.Column("land_use", sa.String(length=20), nullable=False),
        sa.Column("node", sa.Integer(), nullable=False),
        sa.Column("added_m2", sa.BigInteger(), nullable=False),
        sa.Column("top_m2", sa.BigInteger(), nullable=False),
        sa.CheckConstraint(
            "land_use IN ('industrial', 'service')", name=op.f("ck_lease_tree_nodes_land_use")
        ),
        sa.ForeignKeyConstraint(
            ["zone_id"],
            ["lease_trees.zone_id"],
            name=op.f("fk_lease_tree_nodes_zone_id_lease_trees"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("node", "zone_id", "land_use", name=op.f("pk_lease_tree_nodes")),
    )
    op.execute("INSERT INTO lease_trees (zone_id, changes, built) SELECT id, 1, 0 FROM zones")
    triggers = SQLITE_TRIGGERS if op.get_bind().dialect.name == "sqlite" else POSTGRESQL_TRIGGERS
    for statement in triggers:
        op.execute(statement)


def downgrade() -> None:
    drops = SQLITE_DROPS if op.get_bind().dialect.name == "sqlite" else POSTGRESQL_DROPS
    for statement in drops:
        op.execute(statement)
    op.drop_table("lease_tree_nodes")
    op.drop_table("lease_trees")

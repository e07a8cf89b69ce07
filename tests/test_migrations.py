"""The schema is made only by migrations; models and migrations must agree."""

import json
import os
import subprocess
import time
from datetime import UTC, date, datetime

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import Engine, inspect, text
from sqlalchemy.exc import DBAPIError

from app.kit import migrate, schema_state
from app.kit.db import Base, make_engine
from app.kit.migrate import MIGRATION_LOCK
from tests.databases import backend
from tests.live_server import VENV_BIN


def test_models_match_migrations(engine: Engine):
    with engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        differences = compare_metadata(context, Base.metadata)
    assert differences == [], f"models and migrations drift: {differences}"


def test_database_is_at_head(engine: Engine):
    with engine.connect() as connection:
        assert migrate.current_revision(connection) == migrate.head_revision()


def test_the_readiness_check_reads_the_schema_as_alembic_does(scratch_url: str):
    """app.kit.schema_state answers without Alembic what Alembic answers: at no migration, at
    one in the middle and at the head."""
    assert schema_state.head_revision() == migrate.head_revision() is not None
    scratch = make_engine(scratch_url)
    try:
        for target in (None, "0005", "head"):
            if target is not None:
                migrate.upgrade(scratch_url, target)
            with scratch.connect() as connection:
                current = schema_state.current_revision(connection)
                assert current == migrate.current_revision(connection)
                assert current == (
                    None
                    if target is None
                    else "0005"
                    if target == "0005"
                    else migrate.head_revision()
                )
    finally:
        scratch.dispose()


def test_upgrade_downgrade_upgrade(scratch_url: str):
    tables = set(Base.metadata.tables)
    scratch = make_engine(scratch_url)
    try:
        migrate.upgrade(scratch_url)
        assert tables <= set(inspect(scratch).get_table_names())
        migrate.downgrade(scratch_url, "base")
        assert not tables & set(inspect(scratch).get_table_names())
        migrate.upgrade(scratch_url)
        assert tables <= set(inspect(scratch).get_table_names())
        with scratch.connect() as connection:
            assert migrate.current_revision(connection) == migrate.head_revision()
    finally:
        scratch.dispose()


def test_zone_revisions_migrate_existing_zones_without_loss_and_back(scratch_url: str):
    """0007 turns each zone's values into its first revision and state (from its
    establishment, or from the beginning when a lease predates it), and downgrading puts
    the latest values back on the zones."""
    scratch = make_engine(scratch_url)
    zone_columns = (
        "id, code, name, kind, province, locality, status, established_on, decision_no, developer,"
        " total_area_ha, industrial_land_ha, service_land_ha, clearance_required_ha, latitude,"
        " longitude, search_text, created_at, updated_at"
    )
    rows = [
        (
            1,
            "KCN-A",
            "Khu A",
            "park",
            "Hòa Bình",
            "xã Hòa Sơn",
            "operating",
            "2010-05-01",
            None,
            None,
            1_000_000,
            600_000,
            50_000,
            1_000_000,
            20.5,
            105.5,
            "khu a\nkcn-a",
        ),
        (
            2,
            "KCN-B",
            "Khu B",
            "park",
            "Hòa Bình",
            None,
            "operating",
            "2015-01-01",
            None,
            "Dev",
            500_000,
            300_000,
            0,
            400_000,
            None,
            None,
            "khu b\nkcn-b",
        ),
        (
            3,
            "CCN-C",
            "Cụm C",
            "cluster",
            "Phú Thọ",
            None,
            "planned",
            None,
            None,
            None,
            200_000,
            150_000,
            0,
            200_000,
            None,
            None,
            "cụm c\nccn-c",
        ),
    ]
    try:
        migrate.upgrade(scratch_url, "0006")
        with scratch.begin() as connection:
            for row in rows:
                connection.execute(
                    text(
                        f"INSERT INTO zones ({zone_columns}) VALUES ("
                        + ", ".join(f":v{n}" for n in range(len(row)))
                        + ", :created, :created)"
                    ),
                    {f"v{n}": value for n, value in enumerate(row)}
                    | {"created": datetime(2024, 1, 1, tzinfo=UTC)},
                )
            # Zone 2 has a lease from before its establishment date.
            connection.execute(
                text(
                    "INSERT INTO projects (zone_id, name, investor, investor_country, land_use,"
                    " leased_ha, lease_start, status, search_text, created_at, updated_at)"
                    " VALUES (2, 'P', 'I', 'VN', 'industrial', 100000, :start, 'operating',"
                    " 'p\ni', :created, :created)"
                ),
                {"start": date(2014, 6, 1), "created": datetime(2024, 1, 1, tzinfo=UTC)},
            )
        migrate.upgrade(scratch_url)
        with scratch.connect() as connection:
            states = connection.execute(
                text(
                    "SELECT zone_id, valid_from, valid_to, name, province, locality, status,"
                    " developer, total_area_ha, industrial_land_ha, service_land_ha,"
                    " clearance_required_ha FROM zone_states ORDER BY zone_id"
                )
            ).all()
            revisions = connection.execute(
                text("SELECT zone_id, effective_from, changes FROM zone_revisions ORDER BY zone_id")
            ).all()
        starts = [str(s.valid_from) if s.valid_from else None for s in states]
        assert starts == ["2010-05-01", None, None]
        assert [s.valid_to for s in states] == [None, None, None]
        for state, row in zip(states, rows, strict=True):
            assert tuple(state[3:]) == (row[2], row[4], row[5], row[6], row[9], *row[10:14])
        changes = revisions[0].changes
        if isinstance(changes, str):
            changes = json.loads(changes)
        assert changes["industrial_land_ha"] == "60.0000" and changes["locality"] == "xã Hòa Sơn"

        migrate.downgrade(scratch_url, "0006")
        with scratch.connect() as connection:
            back = connection.execute(text(f"SELECT {zone_columns} FROM zones ORDER BY id")).all()
        # Dates come back as text from SQLite and as dates from PostgreSQL.
        restored = [tuple(str(v) if isinstance(v, date) else v for v in r[:17]) for r in back]
        assert restored == rows
        migrate.upgrade(scratch_url)
    finally:
        scratch.dispose()


def _migrate_process(database_url: str) -> subprocess.Popen[str]:
    """`occupancy migrate` in its own process, as a container runs it before serving."""
    return subprocess.Popen(
        [str(VENV_BIN / "occupancy"), "migrate"],
        env=os.environ | {"OCCUPANCY_DATABASE_URL": database_url},
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )


def test_hosts_migrating_an_empty_database_at_once_all_succeed(scratch_url: str):
    """Three containers starting together each migrate before serving: one makes the schema,
    the others wait for it and find it at head (without the lock two of three failed)."""
    processes = [_migrate_process(scratch_url) for _ in range(3)]
    outputs = [process.communicate(timeout=120)[0] for process in processes]
    assert [process.returncode for process in processes] == [0, 0, 0], outputs
    scratch = make_engine(scratch_url)
    try:
        with scratch.connect() as connection:
            assert migrate.current_revision(connection) == migrate.head_revision()
    finally:
        scratch.dispose()


def test_an_upgrade_is_one_transaction_so_a_failure_leaves_the_database_as_it_was(
    scratch_url: str,
):
    """A host migrates from nothing to head in one transaction, holding its lock until the
    end: when the fourth migration fails, the first three are undone with it. (Alembic
    commits each migration apart on SQLite unless told its DDL is transactional; a host
    waiting for the lock then found the schema half made, and made its tables twice.)"""
    scratch = make_engine(scratch_url)
    try:
        with scratch.begin() as connection:
            connection.execute(text("CREATE TABLE idempotency_records (id INTEGER PRIMARY KEY)"))
        with pytest.raises(DBAPIError, match="idempotency_records"):
            migrate.upgrade(scratch_url)
        assert set(inspect(scratch).get_table_names()) == {"idempotency_records"}
    finally:
        scratch.dispose()


@pytest.mark.skipif(backend() != "postgresql", reason="the advisory lock is PostgreSQL's")
def test_a_migration_waits_for_the_migration_lock_before_reading_the_schema(scratch_url: str):
    holder = make_engine(scratch_url)
    try:
        with holder.connect() as connection, connection.begin():
            connection.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": MIGRATION_LOCK})
            process = _migrate_process(scratch_url)
            waiting = text(
                "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND NOT granted"
                " AND objid = :key AND pid <> pg_backend_pid()"
            )
            deadline = time.monotonic() + 60
            while not connection.execute(waiting, {"key": MIGRATION_LOCK}).scalar_one():
                assert process.poll() is None, process.communicate()[0]
                assert time.monotonic() < deadline, "the migration never waited for the lock"
                time.sleep(0.05)
            # It waits before touching anything: no schema yet.
            assert (
                connection.execute(text("SELECT to_regclass('alembic_version')")).scalar() is None
            )
        output = process.communicate(timeout=120)[0]  # the lock is released: it migrates
        assert process.returncode == 0, output
        with holder.connect() as connection:
            assert migrate.current_revision(connection) == migrate.head_revision()
    finally:
        holder.dispose()


def test_accent_free_search_keys_migrate_and_back(scratch_url: str):
    """0009 recomputes every stored search key without accents and fills province_key (in
    batches: more projects than one batch holds); downgrading puts back the keys as they
    were (case-folded, accents kept) and drops the column."""
    scratch = make_engine(scratch_url)
    created = datetime(2024, 1, 1, tzinfo=UTC)
    zones = [
        (1, "CCN-DT", "Cụm công nghiệp Đồng Tâm", "Hòa Bình"),
        (2, "KCN-QV", "QUẾ VÕ", "Bắc Ninh"),
    ]
    old_state_keys = ["cụm công nghiệp đồng tâm\nccn-dt", "quế võ\nkcn-qv"]
    projects = [(n, f"Nhà máy Đại Đồng {n}", "Công ty Điện Tử") for n in range(1, 1006)]
    try:
        migrate.upgrade(scratch_url, "0008")
        with scratch.begin() as connection:
            for (zone_id, code, name, province), key in zip(zones, old_state_keys, strict=True):
                connection.execute(
                    text(
                        "INSERT INTO zones (id, code, kind, created_at, updated_at)"
                        " VALUES (:id, :code, 'park', :created, :created)"
                    ),
                    {"id": zone_id, "code": code, "created": created},
                )
                connection.execute(
                    text(
                        "INSERT INTO zone_states (zone_id, name, province, status, total_area_ha,"
                        " industrial_land_ha, service_land_ha, clearance_required_ha, search_text)"
                        " VALUES (:id, :name, :province, 'operating', 1000000, 500000, 0,"
                        " 1000000, :key)"
                    ),
                    {"id": zone_id, "name": name, "province": province, "key": key},
                )
            connection.execute(
                text(
                    "INSERT INTO projects (id, zone_id, name, investor, investor_country,"
                    " land_use, leased_ha, lease_start, status, search_text, created_at,"
                    " updated_at) VALUES (:id, 1, :name, :investor, 'VN', 'industrial', 1,"
                    " :start, 'operating', :key, :created, :created)"
                ),
                [
                    {
                        "id": n,
                        "name": name,
                        "investor": investor,
                        "start": date(2020, 1, 1),
                        "key": f"{name.casefold()}\n{investor.casefold()}",
                        "created": created,
                    }
                    for n, name, investor in projects
                ],
            )
        migrate.upgrade(scratch_url)
        with scratch.connect() as connection:
            states = connection.execute(
                text("SELECT search_text, province_key FROM zone_states ORDER BY zone_id")
            ).all()
            keys = connection.execute(text("SELECT search_text FROM projects ORDER BY id")).all()
        assert [tuple(s) for s in states] == [
            ("cum cong nghiep dong tam\nccn-dt", "hoa binh"),
            ("que vo\nkcn-qv", "bac ninh"),
        ]
        assert [k[0] for k in keys] == [
            f"nha may dai dong {n}\ncong ty dien tu" for n, *_ in projects
        ]
        assert "ix_zone_states_province_key" in {
            index["name"] for index in inspect(scratch).get_indexes("zone_states")
        }

        migrate.downgrade(scratch_url, "0008")
        with scratch.connect() as connection:
            back = (
                connection.execute(text("SELECT search_text FROM zone_states ORDER BY zone_id"))
                .scalars()
                .all()
            )
            project_keys = (
                connection.execute(text("SELECT search_text FROM projects ORDER BY id"))
                .scalars()
                .all()
            )
        assert back == old_state_keys
        assert project_keys == [
            f"{name.casefold()}\n{investor.casefold()}" for _, name, investor in projects
        ]
        assert "province_key" not in {
            c["name"] for c in inspect(scratch).get_columns("zone_states")
        }
        migrate.upgrade(scratch_url)
    finally:
        scratch.dispose()


def test_lease_trees_start_out_of_date_for_existing_zones_and_triggers_count(scratch_url: str):
    """0010 gives every existing zone its lease tree row, out of date (built at its first lease
    write); after it, the triggers give a new zone its row and count each change to a lease;
    downgrading drops the tables and the triggers (a lease can be written without them)."""
    scratch = make_engine(scratch_url)
    created = datetime(2024, 1, 1, tzinfo=UTC)
    zone = text(
        "INSERT INTO zones (id, code, kind, created_at, updated_at)"
        " VALUES (:id, :code, 'park', :created, :created)"
    )
    lease = text(
        "INSERT INTO projects (zone_id, name, investor, investor_country, land_use, leased_ha,"
        " lease_start, status, search_text, created_at, updated_at) VALUES (:zone, 'P', 'I',"
        " 'VN', 'industrial', 1, :start, 'operating', 'p', :created, :created)"
    )
    counters = text("SELECT zone_id, changes, built FROM lease_trees ORDER BY zone_id")
    try:
        migrate.upgrade(scratch_url, "0009")
        with scratch.begin() as connection:
            connection.execute(zone, {"id": 1, "code": "KCN-OLD", "created": created})
            connection.execute(lease, {"zone": 1, "start": date(2020, 1, 1), "created": created})
        migrate.upgrade(scratch_url)
        with scratch.begin() as connection:
            assert [tuple(row) for row in connection.execute(counters)] == [(1, 1, 0)]
            connection.execute(zone, {"id": 2, "code": "KCN-NEW", "created": created})
            connection.execute(lease, {"zone": 2, "start": date(2021, 1, 1), "created": created})
            connection.execute(text("UPDATE projects SET leased_ha = 2 WHERE zone_id = 1"))
            connection.execute(text("UPDATE projects SET name = 'Renamed' WHERE zone_id = 1"))
            connection.execute(text("DELETE FROM projects WHERE zone_id = 2"))
            # zone 1: made out of date, then its lease's area (old and new row: 2); zone 2:
            # made out of date, a lease inserted, then deleted. A rename moves no land.
            assert [tuple(row) for row in connection.execute(counters)] == [(1, 3, 0), (2, 3, 0)]
        migrate.downgrade(scratch_url, "0009")
        assert "lease_trees" not in inspect(scratch).get_table_names()
        with scratch.begin() as connection:
            connection.execute(lease, {"zone": 1, "start": date(2022, 1, 1), "created": created})
            connection.execute(zone, {"id": 3, "code": "KCN-AFTER", "created": created})
    finally:
        scratch.dispose()

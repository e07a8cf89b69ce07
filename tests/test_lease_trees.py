"""Lease trees: the pure tree against every day it covers; the stored trees kept in step by
every lease write, rebuilt when anything else changed a lease, and refusing what the leases
really hold."""

import random
from datetime import date, timedelta
from decimal import Decimal as D

from fastapi.testclient import TestClient
from hypothesis import given
from hypothesis import strategies as st
from sqlalchemy import select, text
from sqlalchemy.orm import Session

from app.land import held_tree
from app.land.held_store import ZoneTrees
from app.models import LeaseTree, LeaseTreeNode
from app.projects.schemas import ProjectCreate, ProjectTerminate
from app.projects.service import (
    create_project,
    delete_project,
    terminate_project,
    update_project,
)
from app.zones.schemas import ZoneCreate
from app.zones.service import create_zone

BASE = date(2024, 1, 1).toordinal()
AXIS = 70  # days the random leases fall in, past BASE; OPEN stands for "no end"

# ------------------------------------------------------------------------------ the pure tree


def _day(n: int) -> int:
    return BASE + n


spans = st.tuples(st.integers(0, AXIS), st.one_of(st.none(), st.integers(0, AXIS))).map(
    lambda pair: (_day(pair[0]), held_tree.OPEN if pair[1] is None else _day(pair[1]))
)
changes = st.lists(st.tuples(spans, st.integers(-50, 50)), max_size=25)


def held_on(applied: list[tuple[tuple[int, int], int]], day: int) -> int:
    return sum(area for (low, high), area in applied if low <= day < high)


@given(changes, spans)
def test_the_peak_is_the_most_held_on_any_day(applied, period):
    nodes: dict[int, held_tree.Node] = {}
    for (low, high), area in applied:
        held_tree.add(nodes, low, high, area)
    low, high = period
    if high <= low:
        return
    # Past the last day any lease names, every day holds what the last one does.
    days = range(low, min(high, _day(AXIS + 1)))
    expected = max(held_on(applied, day) for day in days)
    assert held_tree.peak(nodes, low, high) == expected


@given(changes)
def test_a_tree_built_at_once_is_the_tree_added_one_by_one(applied):
    one_by_one: dict[int, held_tree.Node] = {}
    for (low, high), area in applied:
        held_tree.add(one_by_one, low, high, area)
    at_once = held_tree.build((low, high, area) for (low, high), area in applied)
    empty = held_tree.EMPTY
    assert {n: v for n, v in at_once.items() if v != empty} == {
        n: v for n, v in one_by_one.items() if v != empty
    }


@given(spans)
def test_the_covering_nodes_tile_the_span_exactly(period):
    low, high = period
    ranges = []
    for node in held_tree.covering(low, high):
        level = held_tree.DEPTH - (node.bit_length() - 1)
        first = (node << level) - held_tree.LEAVES
        ranges.append((first, first + (1 << level)))
    reached = low
    for first, last in sorted(ranges):  # contiguous, no overlap, from low to high
        assert first == reached
        reached = last
    assert reached == max(low, high)
    assert len(ranges) <= 2 * held_tree.DEPTH


@given(changes)
def test_a_node_reads_only_what_it_needs(applied):
    """add() and peak() read no node outside needed_to_add and needed_for_peak: a tree
    holding only those answers as the whole tree does."""
    whole: dict[int, held_tree.Node] = {}
    for (low, high), area in applied:
        held_tree.add(whole, low, high, area)
    for (low, high), area in applied:
        if high <= low:
            continue
        part = {n: whole[n] for n in held_tree.needed_to_add(low, high) if n in whole}
        changed = held_tree.add(part, low, high, area)
        held_tree.add(whole, low, high, area)
        assert {n: part[n] for n in changed} == {n: whole[n] for n in changed}
        looked = {n: whole[n] for n in held_tree.needed_for_peak(low, high) if n in whole}
        assert held_tree.peak(looked, low, high) == held_tree.peak(whole, low, high)


def test_the_axis_holds_every_date():
    assert held_tree.day_index(date.max) < held_tree.OPEN
    assert held_tree.checked_span(date(2024, 5, 1), date(2024, 5, 1)) == (
        date(2024, 5, 1).toordinal(),
        date(2024, 5, 1).toordinal() + 1,
    )
    nodes: dict[int, held_tree.Node] = {}
    held_tree.add(nodes, *held_tree.span(date.min, None), 7)
    assert held_tree.peak(nodes, *held_tree.checked_span(date.max, None)) == 7
    assert held_tree.add(nodes, 5, 5, 3) == set()  # an empty lease adds nothing


# ---------------------------------------------------------------------------- stored trees


def make_zone(session: Session, code: str, industrial: D = D(100)) -> int:
    zone = create_zone(
        session,
        ZoneCreate(
            code=code,
            name="Trees",
            kind="park",
            province="Hòa Bình",
            status="operating",
            total_area_ha=D(20_000),
            industrial_land_ha=industrial,
            service_land_ha=D(500),
        ),
    )
    return zone.id


def stored_nodes(session: Session, zone_id: int) -> dict[tuple[str, int], tuple[int, int]]:
    rows = session.execute(
        select(
            LeaseTreeNode.land_use,
            LeaseTreeNode.node,
            LeaseTreeNode.added_m2,
            LeaseTreeNode.top_m2,
        ).where(LeaseTreeNode.zone_id == zone_id)
    )
    return {(use, node): (added, top) for use, node, added, top in rows}


def counters(session: Session, zone_id: int) -> tuple[int, int]:
    row = session.execute(
        select(LeaseTree.changes, LeaseTree.built).where(LeaseTree.zone_id == zone_id)
    ).one()
    return row.changes, row.built


def rebuilt_nodes(session: Session, zone_id: int) -> dict[tuple[str, int], tuple[int, int]]:
    """The nodes a rebuild from the stored leases makes (the trees marked out of date, then
    opened)."""
    session.execute(
        text("UPDATE lease_trees SET built = built - 1 WHERE zone_id = :zone"), {"zone": zone_id}
    )
    ZoneTrees.open(session, zone_id)
    return stored_nodes(session, zone_id)


def test_a_new_zone_has_out_of_date_trees_and_its_first_write_builds_them(session: Session):
    zone_id = make_zone(session, "KCN-TREE-NEW")
    changes, built = counters(session, zone_id)
    assert changes != built
    create_project(session, _lease(zone_id, D(3), date(2024, 1, 1)))
    changes, built = counters(session, zone_id)
    assert changes == built
    assert stored_nodes(session, zone_id)


def _lease(zone_id: int, area: D, start: date, **extra: object) -> ProjectCreate:
    return ProjectCreate.model_validate(
        {
            "zone_id": zone_id,
            "name": "Tree lease",
            "investor": "Investor",
            "investor_country": "VN",
            "leased_ha": area,
            "lease_start": start,
        }
        | extra
    )


def test_every_lease_write_keeps_the_trees_as_a_rebuild_makes_them(session: Session):
    rng = random.Random(20261130)
    zone_id = make_zone(session, "KCN-TREE-WRITES", industrial=D(500))
    live: list[int] = []
    first = date(2024, 1, 1)
    for step in range(60):
        action = (
            rng.choice(["create"] * 3 + ["update", "terminate", "delete"]) if live else "create"
        )
        if action == "create":
            start = first + timedelta(days=rng.randrange(60))
            end = rng.choice([None, start + timedelta(days=rng.randrange(1, 60))])
            project = create_project(
                session,
                _lease(
                    zone_id,
                    D(rng.randrange(1, 50_000)).scaleb(-4),
                    start,
                    lease_end=end,
                    land_use=rng.choice(["industrial", "industrial", "service"]),
                ),
            )
            live.append(project.id)
        elif action == "update":
            project_id = rng.choice(live)
            start = first + timedelta(days=rng.randrange(60))
            update_project(
                session,
                project_id,
                {
                    "leased_ha": D(rng.randrange(1, 50_000)).scaleb(-4),
                    "lease_start": start,
                    "lease_end": None,
                    "land_use": rng.choice(["industrial", "service"]),
                },
            )
        elif action == "terminate":
            project_id = live.pop(rng.randrange(len(live)))
            row = session.execute(
                text("SELECT lease_start FROM projects WHERE id = :id"), {"id": project_id}
            ).one()
            on = date.fromisoformat(str(row[0])) + timedelta(days=rng.randrange(0, 30))
            terminate_project(session, project_id, ProjectTerminate(terminated_on=on, reason="x"))
        else:
            delete_project(session, live.pop(rng.randrange(len(live))))
        changes, built = counters(session, zone_id)
        assert changes == built, (step, action)
        kept = stored_nodes(session, zone_id)
        assert kept == rebuilt_nodes(session, zone_id), (step, action)


def test_a_refused_write_changes_no_node(client: TestClient, session: Session):
    zone_id = make_zone(session, "KCN-TREE-REFUSED", industrial=D(10))
    body = {"zone_id": zone_id, "name": "A", "investor": "B", "investor_country": "VN"}
    assert (
        client.post(
            "/api/v1/projects", json=body | {"leased_ha": 6, "lease_start": "2024-01-01"}
        ).status_code
        == 201
    )
    before = stored_nodes(session, zone_id), counters(session, zone_id)
    refused = client.post(
        "/api/v1/projects", json=body | {"leased_ha": 5, "lease_start": "2023-06-01"}
    )
    assert refused.status_code == 409, refused.text
    assert refused.json()["available_ha"] == 4
    assert (stored_nodes(session, zone_id), counters(session, zone_id)) == before


def test_leases_changed_behind_the_services_back_are_counted(client: TestClient, session: Session):
    """A lease inserted, enlarged or deleted by hand (not through the service) marks the
    zone's trees out of date, and the next lease write rebuilds them before checking: the
    check always sees the leases as stored."""
    zone_id = make_zone(session, "KCN-TREE-BY-HAND", industrial=D(10))
    body = {"zone_id": zone_id, "name": "A", "investor": "B", "investor_country": "VN"}

    def post(area: float) -> int:
        answer = client.post(
            "/api/v1/projects", json=body | {"leased_ha": area, "lease_start": "2024-01-01"}
        )
        return answer.status_code

    assert post(2) == 201  # the trees are built and up to date
    assert counters(session, zone_id)[0] == counters(session, zone_id)[1]
    session.execute(
        text(
            "INSERT INTO projects (zone_id, name, investor, investor_country, land_use, leased_ha,"
            " lease_start, status, search_text, created_at, updated_at) VALUES (:zone, 'By hand',"
            " 'Hand', 'VN', 'industrial', 60000, :start, 'operating', 'by hand', :now, :now)"
        ),
        {"zone": zone_id, "start": date(2025, 1, 1), "now": "2024-01-01 00:00:00+00:00"},
    )
    changes, built = counters(session, zone_id)
    assert changes != built
    assert post(3) == 409  # 2 + 6 by hand + 3 > 10 from 2025
    assert post(2) == 201
    session.execute(
        text("UPDATE projects SET leased_ha = 70000 WHERE zone_id = :zone AND name = 'By hand'"),
        {"zone": zone_id},
    )
    assert post(0.0001) == 409  # 2 + 7 + 2 > 10
    session.execute(
        text("DELETE FROM projects WHERE zone_id = :zone AND name = 'By hand'"), {"zone": zone_id}
    )
    assert post(6) == 201  # 2 + 2 + 6 = 10
    assert stored_nodes(session, zone_id) == rebuilt_nodes(session, zone_id)

"""A zone's lease trees (app.land.held_tree) in the database: brought up to date before a
lease write trusts them, read by its capacity check, changed with the lease.

A lease write opens the zone's trees after locking the zone and before changing any lease
(`ZoneTrees.open`), checks capacity with them (`least_free`), and, once its change is flushed,
records it (`record`). Opening locks the zone's `lease_trees` row and, if anything changed a
lease of the zone without recording it (a spreadsheet import, which checks capacity on its own
and writes leases in bulk; a hand-made UPDATE: the triggers of migration 0010 count every
change), rebuilds the trees from the leases first. So the trees are trusted only when they hold
exactly what the stored leases hold.
"""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any, cast

from sqlalchemy import Table, bindparam, delete, insert, select, update
from sqlalchemy.dialects.postgresql import Insert as PostgreSQLInsert
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import Insert as SQLiteInsert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session

from app.kit.db import is_sqlite
from app.land import held_tree
from app.land.capacity import Shortfall, land_pieces, lease_end, least_over
from app.land.held_tree import Node
from app.land.queries import land_of_zone, lease_spans_m2
from app.land.rates import M2_PER_HA
from app.models import LeaseTree, LeaseTreeNode, Project

# Every lease write runs these: built once, their values bound at each execution (building a
# statement costs more than SQLite takes to run it).
_NODES = cast(Table, LeaseTreeNode.__table__)
_COUNTERS = (
    select(LeaseTree.changes, LeaseTree.built)
    .where(LeaseTree.zone_id == bindparam("zone"))
    .with_for_update()
)
_MARK_BUILT = (
    update(LeaseTree).where(LeaseTree.zone_id == bindparam("zone")).values(built=LeaseTree.changes)
)
_THESE_NODES = (
    _NODES.c.node.in_(bindparam("nodes", expanding=True)),
    _NODES.c.zone_id == bindparam("zone"),
    _NODES.c.land_use == bindparam("use"),
)


def _upsert(statement: SQLiteInsert | PostgreSQLInsert) -> SQLiteInsert | PostgreSQLInsert:
    """A node's row written whether or not it is stored yet (the same SQL on both databases,
    built by each one's dialect), for executemany."""
    return statement.on_conflict_do_update(
        index_elements=_NODES.primary_key.columns,
        set_={"added_m2": statement.excluded.added_m2, "top_m2": statement.excluded.top_m2},
    )


_UPSERT_SQLITE = _upsert(sqlite_insert(_NODES))
_UPSERT_POSTGRESQL = _upsert(postgresql_insert(_NODES))
_LOAD = select(_NODES.c.node, _NODES.c.added_m2, _NODES.c.top_m2).where(*_THESE_NODES)
_DELETE = _NODES.delete().where(*_THESE_NODES)


@dataclass(frozen=True, slots=True)
class HeldLease:
    """A lease as the trees see it: its land use, its days [start, end) and its area."""

    land_use: str
    start: date
    end: date | None  # exclusive: the earlier of expiry and termination; None = open
    area_m2: int

    @classmethod
    def make(
        cls,
        land_use: str,
        start: date,
        expiry: date | None,
        terminated_on: date | None,
        area_ha: Decimal,
    ) -> "HeldLease":
        """A lease from its stored fields: its end is the earlier of expiry and termination."""
        return cls(land_use, start, lease_end(expiry, terminated_on), int(area_ha * M2_PER_HA))

    @classmethod
    def of(cls, project: Project) -> "HeldLease":
        return cls.make(
            project.land_use,
            project.lease_start,
            project.lease_end,
            project.terminated_on,
            project.leased_ha,
        )


class ZoneTrees:
    """The lease trees of one locked zone, up to date with its stored leases. The nodes it
    reads are kept for the rest of the write: a lease write's check reads what recording the
    lease will change, and recording reads nothing more."""

    def __init__(self, session: Session, zone_id: int) -> None:
        self.session = session
        self.zone_id = zone_id
        self._nodes: dict[str, dict[int, Node]] = {}  # what was read (absent: EMPTY)
        self._read: dict[str, set[int]] = {}

    @classmethod
    def open(cls, session: Session, zone_id: int) -> "ZoneTrees":
        """The zone's trees, rebuilt first if a lease changed since they were last recorded.
        Call it after lock_zone and before flushing any change to the zone's leases."""
        row = session.execute(_COUNTERS, {"zone": zone_id}).one_or_none()
        if row is None or row.changes != row.built:
            _rebuild(session, zone_id, exists=row is not None)
        return cls(session, zone_id)

    def least_free(self, lease: HeldLease, *, without: HeldLease | None = None) -> Shortfall:
        """The least land of the lease's use the zone's leases (but `without`, the lease it
        replaces) leave free on any day of the lease's period: capacity.least_free, over the
        same pieces."""
        land = land_of_zone(self.session, self.zone_id, lease.land_use)
        pieces = land_pieces(land, lease.start, lease.end)
        periods = [(piece.start, piece.end) for piece in pieces]
        peaks = self.peaks(lease.land_use, periods, without=without, then_recording=lease)
        return least_over(pieces, peaks)

    def peaks(
        self,
        land_use: str,
        periods: Sequence[tuple[date, date | None]],
        *,
        without: HeldLease | None = None,
        then_recording: HeldLease | None = None,
    ) -> list[Decimal]:
        """The most land of one use the zone's leases (but `without`) hold on any day of each
        period, in order: capacity.peak_held, from one read of a few dozen nodes per period
        (and those recording `then_recording` will change), however many leases the zone
        holds."""
        spans = [held_tree.checked_span(start, end) for start, end in periods]
        needed = set().union(*(held_tree.needed_for_peak(*s) for s in spans))
        moving = [m for m in (without, then_recording) if m is not None and m.land_use == land_use]
        for lease in moving:
            needed |= held_tree.needed_to_add(*held_tree.span(lease.start, lease.end))
        nodes = self._get(land_use, needed)
        if without is not None and without.land_use == land_use:
            nodes = dict(nodes)
            held_tree.add(nodes, *held_tree.span(without.start, without.end), -without.area_m2)
        return [Decimal(held_tree.peak(nodes, *s)).scaleb(-4) for s in spans]

    def record(self, before: HeldLease | None, after: HeldLease | None) -> None:
        """Move a lease's land in the trees (from `before`, to `after`; None: no lease), after
        the change itself is flushed, and mark the trees up to date."""
        moves = [(lease, sign) for lease, sign in ((before, -1), (after, 1)) if lease is not None]
        for land_use in {lease.land_use for lease, _sign in moves}:
            mine = [
                (held_tree.span(lease.start, lease.end), sign * lease.area_m2)
                for lease, sign in moves
                if lease.land_use == land_use
            ]
            nodes = self._get(
                land_use, set().union(*(held_tree.needed_to_add(*s) for s, _area in mine))
            )
            changed: set[int] = set()
            for (low, high), area in mine:
                changed |= held_tree.add(nodes, low, high, area)
            self._store(land_use, {node: nodes[node] for node in changed})
        self.session.execute(_MARK_BUILT, {"zone": self.zone_id})

    def _get(self, land_use: str, needed: set[int]) -> dict[int, Node]:
        """The nodes of one land use read so far, with `needed` among them (one read of those
        not read yet)."""
        nodes = self._nodes.setdefault(land_use, {})
        read = self._read.setdefault(land_use, set())
        missing = needed - read
        if missing:
            values = {"zone": self.zone_id, "use": land_use, "nodes": sorted(missing)}
            nodes.update(
                (node, (added, top)) for node, added, top in self.session.execute(_LOAD, values)
            )
            read |= missing
        return nodes

    def _store(self, land_use: str, nodes: dict[int, Node]) -> None:
        """Write changed nodes: those holding something upserted in one statement, those
        back to (0, 0) deleted."""
        emptied = sorted(node for node, value in nodes.items() if value == held_tree.EMPTY)
        if emptied:
            values = {"zone": self.zone_id, "use": land_use, "nodes": emptied}
            self.session.execute(_DELETE, values)
        rows = _rows(self.zone_id, land_use, nodes)
        if rows:
            upsert = _UPSERT_SQLITE if is_sqlite(self.session) else _UPSERT_POSTGRESQL
            self.session.execute(upsert, rows)


def _rows(zone_id: int, land_use: str, nodes: dict[int, Node]) -> list[dict[str, Any]]:
    """The nodes that hold something, as rows (a node not stored holds (0, 0))."""
    return [
        {"zone_id": zone_id, "land_use": land_use, "node": node, "added_m2": added, "top_m2": top}
        for node, (added, top) in nodes.items()
        if (added, top) != held_tree.EMPTY
    ]


def _insert(session: Session, zone_id: int, land_use: str, nodes: dict[int, Node]) -> None:
    """Store a rebuilt tree's nodes that hold something, as one batch of rows."""
    rows = _rows(zone_id, land_use, nodes)
    if rows:
        session.execute(_NODES.insert(), rows)


def _rebuild(session: Session, zone_id: int, *, exists: bool) -> None:
    """The zone's trees made again from its stored leases, and marked up to date."""
    session.execute(delete(LeaseTreeNode).where(LeaseTreeNode.zone_id == zone_id))
    if not exists:
        session.execute(insert(LeaseTree).values(zone_id=zone_id, changes=0, built=0))
    spans: dict[str, list[tuple[int, int, int]]] = {}
    for land_use, start, end, area_m2 in lease_spans_m2(session, zone_id):
        spans.setdefault(land_use, []).append((*held_tree.span(start, end), area_m2))
    for land_use, mine in spans.items():
        _insert(session, zone_id, land_use, held_tree.build(mine))
    session.execute(_MARK_BUILT, {"zone": zone_id})

"""Provinces: which exist on a date (as the zones' revisions say), and merging them.

A province is not stored on its own: it is the `province` value of the zones' states. A merge
records a province revision for every zone of the merged provinces, in one transaction."""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from sqlalchemy import and_, func, select
from sqlalchemy.orm import Session

from app.kit import audit
from app.kit.errors import InvalidValues
from app.kit.text import search_fold
from app.land.queries import lock_zone, state_on
from app.models import Zone, ZoneState
from app.models.enums import ZoneKind
from app.zones.service import add_revision


@dataclass(frozen=True, slots=True)
class ProvinceCount:
    name: str
    parks: int
    clusters: int

    @property
    def zones(self) -> int:
        return self.parks + self.clusters


def provinces_on(session: Session, day: date) -> list[ProvinceCount]:
    """Every province that holds a zone on `day`, with its zones by kind, by name."""
    rows = session.execute(
        select(ZoneState.province, Zone.kind, func.count())
        .join(Zone, Zone.id == ZoneState.zone_id)
        .where(state_on(day))
        .group_by(ZoneState.province, Zone.kind)
    )
    counts: dict[str, dict[str, int]] = {}
    for province, kind, count in rows:
        counts.setdefault(province, {})[kind] = count
    return [
        ProvinceCount(name, by_kind.get(ZoneKind.PARK, 0), by_kind.get(ZoneKind.CLUSTER, 0))
        for name, by_kind in sorted(counts.items())
    ]


@dataclass(frozen=True, slots=True)
class MovedZone:
    id: int
    code: str
    name: str
    from_province: str


def merge(
    session: Session, sources: Sequence[str], into: str, effective_from: date
) -> list[MovedZone]:
    """Put every zone that is in one of `sources` on `effective_from` under `into` from that
    day on (zones already in `into`, spelled exactly so, stay as they are); one revision per
    zone moved.

    A source matches a province however it is spelled (by its search-folded key, as the
    `province=` filters match): "hoa binh" in `from` moves the zones of "Hòa Bình" and of
    "Hoà Bình" alike, so a merge also gathers the spellings of one name under `into`."""
    keys = [search_fold(name) for name in sources]
    if len(set(keys)) != len(keys):
        raise InvalidValues("from", "names a province twice")
    candidates = session.execute(
        select(Zone.id)
        .join(ZoneState, and_(ZoneState.zone_id == Zone.id, state_on(effective_from)))
        .where(ZoneState.province_key.in_(keys), ZoneState.province != into)
        .order_by(Zone.id)  # one lock order for every writer
    ).scalars()
    moved = []
    for zone_id in list(candidates):
        zone = lock_zone(session, zone_id)
        state = session.scalars(
            select(ZoneState).where(ZoneState.zone_id == zone_id, state_on(effective_from))
        ).one_or_none()
        if zone is None or state is None or state.province_key not in keys:
            continue  # changed by a concurrent write before the lock
        moved.append(MovedZone(zone.id, zone.code, state.name, state.province))
        add_revision(session, zone, effective_from, {"province": into})
    audit.record(
        session,
        "merge",
        "province",
        None,
        after={
            "from": list(sources),
            "into": into,
            "effective_from": effective_from.isoformat(),
            "zones": [{"id": z.id, "code": z.code, "from": z.from_province} for z in moved],
        },
    )
    return moved

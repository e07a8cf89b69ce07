"""Writing the demo to the database: zones, projects, clearance records and plan 07-ĐA/TU.

Every row goes through the services (zones, projects, clearance, plans), which check every rule,
the capacity invariant included. Nothing is committed here: the caller owns the transaction.
"""

import random
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.clearance.service import add_record
from app.demo.clearance import DEMO_CLEARANCE, clearance_records
from app.demo.leases import DEMO_SEED, plan_projects
from app.demo.plan import load_plan
from app.demo.reorganisation import reorganise
from app.demo.review import REVIEW_INDUSTRIAL_AREA_HA
from app.demo.summary import summary
from app.demo.zones import DEMO_ZONES, PROVINCE, DemoZone
from app.models import Zone
from app.models.enums import ZoneStatus
from app.projects.service import create_project, terminate_project
from app.zones.schemas import ZoneCreate
from app.zones.service import create_zone


class DemoRefused(Exception):
    """The database already holds zones; the demo loads only into an empty one."""


def database_is_empty(session: Session) -> bool:
    return session.scalar(select(Zone.id).limit(1)) is None


def load_demo(session: Session) -> str:
    """Load the demo zones, projects, clearance records and plan 07-ĐA/TU through the
    services, without committing; returns a summary to print."""
    if not database_is_empty(session):
        raise DemoRefused("the database already holds zones; the demo loads only into an empty one")
    area = sum((z.total_area_ha for z in DEMO_ZONES if z.status != ZoneStatus.CLOSED), Decimal(0))
    if area != REVIEW_INDUSTRIAL_AREA_HA:  # the table in app.demo.zones was edited
        raise ValueError(
            f"demo zones cover {area} ha, not the review's {REVIEW_INDUSTRIAL_AREA_HA}"
        )

    zones = {spec.code: create_zone(session, _zone_create(spec)) for spec in DEMO_ZONES}
    projects = plan_projects(random.Random(DEMO_SEED))
    # In order of lease start, each termination right after its creation: every state on the
    # way is then a subset of the final one, so no step can break the capacity invariant.
    for planned in sorted(projects, key=lambda p: p.lease.lease_start):
        project = create_project(session, planned.create(zones[planned.zone_code].id))
        termination = planned.termination()
        if termination is not None:
            terminate_project(session, project.id, termination)
    specs = {spec.code: spec for spec in DEMO_ZONES}
    for code, history in DEMO_CLEARANCE.items():
        zone = zones[code]
        # The demo's zones need all their area cleared (clearance_required_ha = total).
        for record in clearance_records(history, specs[code].total_area_ha):
            add_record(session, zone.id, record)
    reorganise(session, zones, specs)
    plan = load_plan(session)
    return summary(session, plan, len(projects))


def _zone_create(spec: DemoZone) -> ZoneCreate:
    return ZoneCreate(
        code=spec.code,
        name=spec.name,
        kind=spec.kind,
        province=PROVINCE,
        locality=spec.locality,
        status=spec.status,
        established_on=spec.established_on,
        decision_no=spec.decision_no,
        developer=spec.developer,
        total_area_ha=spec.total_area_ha,
        industrial_land_ha=spec.industrial_land_ha,
        service_land_ha=spec.service_land_ha,
        latitude=spec.latitude,
        longitude=spec.longitude,
    )

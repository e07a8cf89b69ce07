"""ORM classes only; one module per table."""

from app.models.access import ApiKey
from app.models.audit import AuditEvent
from app.models.clearance import ClearanceRecord
from app.models.data_version import DataVersion
from app.models.filing import Filing
from app.models.idempotency import IdempotencyRecord
from app.models.imports import ImportRecord
from app.models.lease_tree import LeaseTree, LeaseTreeNode
from app.models.plan import Plan, PlanActual, PlanTarget
from app.models.project import Project
from app.models.zone import Zone, ZoneRevision, ZoneState

__all__ = [
    "ApiKey",
    "AuditEvent",
    "ClearanceRecord",
    "DataVersion",
    "Filing",
    "IdempotencyRecord",
    "ImportRecord",
    "LeaseTree",
    "LeaseTreeNode",
    "Plan",
    "PlanActual",
    "PlanTarget",
    "Project",
    "Zone",
    "ZoneRevision",
    "ZoneState",
]

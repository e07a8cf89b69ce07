"""ORM classes only; one module per table."""

from app.models.access import ApiKey
from app.models.audit import AuditEvent
from app.models.clearance import ClearanceRecord
from app.models.plan import Plan, PlanActual, PlanTarget
from app.models.project import Project
from app.models.zone import Zone

__all__ = [
    "ApiKey",
    "AuditEvent",
    "ClearanceRecord",
    "Plan",
    "PlanActual",
    "PlanTarget",
    "Project",
    "Zone",
]

"""Every closed set of values a stored field takes, spelled once.

Models build their CHECK constraints from these (app.kit.db.check_one_of), the migrations build
the same constraints from the same enums, and the schemas use them as field types, so OpenAPI
lists the values from here too. Pure: no SQLAlchemy, no FastAPI.
"""

from enum import StrEnum


class ZoneKind(StrEnum):
    PARK = "park"  # khu công nghiệp (KCN)
    CLUSTER = "cluster"  # cụm công nghiệp (CCN)


class ZoneStatus(StrEnum):
    PLANNED = "planned"
    UNDER_CONSTRUCTION = "under_construction"
    OPERATING = "operating"
    SUSPENDED = "suspended"
    CLOSED = "closed"


# Statuses that count as "established" in official figures.
ESTABLISHED_STATUSES = (
    ZoneStatus.UNDER_CONSTRUCTION,
    ZoneStatus.OPERATING,
    ZoneStatus.SUSPENDED,
)


class LandUse(StrEnum):
    INDUSTRIAL = "industrial"
    SERVICE = "service"


class ProjectStatus(StrEnum):
    """A project's stored stage; a terminated project reads as "terminated" whatever it holds."""

    REGISTERED = "registered"
    UNDER_CONSTRUCTION = "under_construction"
    OPERATING = "operating"
    SUSPENDED = "suspended"


class ProjectState(StrEnum):
    """What a project's `status` reads as: its stored stage, or "terminated" once its lease was
    ended early (the stages of ProjectStatus, and one more)."""

    REGISTERED = ProjectStatus.REGISTERED.value
    UNDER_CONSTRUCTION = ProjectStatus.UNDER_CONSTRUCTION.value
    OPERATING = ProjectStatus.OPERATING.value
    SUSPENDED = ProjectStatus.SUSPENDED.value
    TERMINATED = "terminated"


class Currency(StrEnum):
    VND = "VND"
    USD = "USD"


class Role(StrEnum):
    """An API key's role; each role may do everything the ones before it may."""

    VIEWER = "viewer"
    EDITOR = "editor"
    ADMIN = "admin"

    @property
    def rank(self) -> int:
        return list(Role).index(self)


class ClearanceStatus(StrEnum):
    NOT_STARTED = "not_started"
    IN_PROGRESS = "in_progress"
    COMPLETED = "completed"


class IndicatorSource(StrEnum):
    """Where a plan indicator's actual comes from: computed from zone data, or reported."""

    COMPUTED = "computed"
    REPORTED = "reported"


class IdempotencyState(StrEnum):
    IN_PROGRESS = "in_progress"
    DONE = "done"

"""ORM classes only; one module per table."""

from app.models.project import Project
from app.models.zone import Zone

__all__ = ["Project", "Zone"]

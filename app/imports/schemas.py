from datetime import datetime

from app.kit.schema_types import OutputModel
from app.sheets.layout import Entity


class ImportResult(OutputModel):
    """What an import did (a dry run: what it would do); `id` is null for a dry run."""

    id: int | None
    entity: Entity
    dry_run: bool
    rows: int
    created: int
    updated: int
    unchanged: int


class ImportRead(OutputModel):
    """A committed import, as recorded."""

    id: int
    entity: Entity
    filename: str | None
    media_type: str
    size_bytes: int
    sha256: str
    rows: int
    created: int
    updated: int
    unchanged: int
    imported_at: datetime
    imported_by: str

"""Entity tags of stored rows, and the If-Match precondition.

An ETag names a version of the stored row (its table, id and last change), not of the JSON
representation: a zone's computed occupancy moves with its leases, but a client that read the
zone before a colleague's PATCH must still be stopped from overwriting it. Checks run after
the service has locked the row, so two writers holding the same ETag cannot both pass.
"""

import hashlib

from sqlalchemy import inspect

from app.errors import DomainError


class PreconditionFailed(DomainError):
    status, slug, title = 412, "precondition-failed", "The resource has changed"


def etag_of(entity: object) -> str:
    table = inspect(entity).mapper.local_table.name
    changed = getattr(entity, "updated_at", None) or getattr(entity, "created_at", None)
    version = f"{table}:{getattr(entity, 'id', '')}:{changed.isoformat() if changed else ''}"
    return '"' + hashlib.sha256(version.encode()).hexdigest()[:20] + '"'


def ensure_match(entity: object, if_match: str | None) -> None:
    """Refuse with 412 when If-Match names none of the entity's current tags."""
    if if_match is None:
        return
    tags = {tag.strip() for tag in if_match.split(",")}
    if "*" in tags or etag_of(entity) in tags:
        return
    raise PreconditionFailed(
        f"If-Match {if_match} does not match the current version {etag_of(entity)}; "
        "read the resource again and retry",
        current_etag=etag_of(entity),
    )

"""Entity tags of stored rows, and the If-Match precondition.

An ETag names a version of the stored row (its table, id and last change), not of the JSON
representation: a zone's computed occupancy moves with its leases, but a client that read the
zone before a colleague's PATCH must still be stopped from overwriting it. Checks run after
the service has locked the row, so two writers holding the same ETag cannot both pass.
"""

import hashlib

from fastapi import Response
from sqlalchemy import inspect

from app.kit.errors import DomainError


class PreconditionFailed(DomainError):
    status, slug, title = 412, "precondition-failed", "The resource has changed"


def etag_of(entity: object) -> str:
    table = inspect(entity).mapper.local_table.name
    # The row's latest change: an update, a revocation (API keys) or its creation.
    stamps = [getattr(entity, name, None) for name in ("updated_at", "revoked_at", "created_at")]
    changed = max((stamp for stamp in stamps if stamp is not None), default=None)
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


def tag(response: Response, entity: object) -> None:
    """Send the stored row's version as the response's ETag."""
    response.headers["ETag"] = etag_of(entity)

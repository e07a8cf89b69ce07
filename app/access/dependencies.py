"""Who may do what: every /api/v1 route depends on `access`.

viewer reads; editor also writes zones, projects, clearance and plans; admin also manages
keys and reads the audit trail. Reads are open to anonymous callers when
OCCUPANCY_PUBLIC_READ is true; writes never are.
"""

from typing import Annotated, Any

from fastapi import Depends, Request
from fastapi.params import Depends as DependsParam
from fastapi.security import HTTPBearer

from app.access.keys import ANONYMOUS, Principal, authenticate
from app.audit import service as audit
from app.deps import READ_METHODS, SessionDep, SettingsDep
from app.errors import Forbidden, Unauthorized

# Declares the scheme in the OpenAPI document; the header is parsed below.
bearer = HTTPBearer(auto_error=False, description="An API key: `Authorization: Bearer occ_…`")


def _principal(request: Request, session: SessionDep) -> Principal:
    header = request.headers.get("authorization")
    if header is None:
        return ANONYMOUS
    scheme, _, presented = header.partition(" ")
    principal = authenticate(session, presented.strip()) if scheme.lower() == "bearer" else None
    if principal is None:
        raise Unauthorized("the API key is invalid or revoked")
    return principal


def access(minimum: str | None = None) -> DependsParam:
    """A dependency that admits callers with at least `minimum`, or by method when None:
    reads need viewer (or nothing, with public reads), writes need editor."""

    def check(
        request: Request,
        session: SessionDep,
        settings: SettingsDep,
        _scheme: Annotated[Any, Depends(bearer)],
    ) -> Principal:
        principal = _principal(request, session)
        reading = request.method in READ_METHODS
        needed = minimum or ("viewer" if reading else "editor")
        open_read = reading and minimum is None and settings.public_read
        if principal.role is None and not open_read:
            raise Unauthorized("this request needs an API key: Authorization: Bearer <key>")
        if principal.role is not None and not principal.has(needed):
            raise Forbidden(f"this request needs the {needed} role; the key has {principal.role}")
        audit.set_context(
            session, actor=principal.name, request_id=getattr(request.state, "request_id", None)
        )
        return principal

    return Depends(check)

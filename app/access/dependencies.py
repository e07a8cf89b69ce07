"""The per-request side of access control: the audit trail learns who is acting.

Whether the caller may make the request at all was decided by app.access.middleware before
the body was read; this dependency declares the scheme in the OpenAPI document and hands the
caller's name and the request id to the session for audit events.
"""

from typing import Annotated, Any

from fastapi import Depends, Request
from fastapi.security import HTTPBearer

from app.access.keys import ANONYMOUS, Principal
from app.kit import audit
from app.kit.deps import SessionDep

bearer = HTTPBearer(auto_error=False, description="An API key: `Authorization: Bearer occ_…`")


async def acting_principal(
    request: Request, session: SessionDep, _scheme: Annotated[Any, Depends(bearer)]
) -> Principal:
    principal: Principal = getattr(request.state, "principal", ANONYMOUS)
    audit.set_context(
        session, actor=principal.name, request_id=getattr(request.state, "request_id", None)
    )
    return principal


Acting = Depends(acting_principal)

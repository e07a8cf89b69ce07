"""Access control at the door: who is calling, and may they make this request at all.

It runs before the request body is read, so a caller who may not write learns nothing from
how the service would parse their body, and the body is not even parsed. The rule:
/api/v1/keys, /api/v1/audit and province merges need admin; other reads need viewer (or nothing, when
OCCUPANCY_PUBLIC_READ is true); other writes need editor. Paths outside /api/ (health,
readiness, the OpenAPI document) are open, and so is /metrics unless OCCUPANCY_PUBLIC_METRICS
is false: then it needs a key of any role (a scraper's viewer key).
"""

from collections.abc import Callable

from anyio import to_thread
from starlette.types import ASGIApp, Receive, Scope, Send

from app.access.keys import ANONYMOUS, Principal
from app.kit.errors import Forbidden, Unauthorized, problem
from app.models.enums import Role

READ_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
ADMIN_PATHS = ("/api/v1/keys", "/api/v1/audit", "/api/v1/provinces/merge")
METRICS_PATH = "/metrics"

# Looks up a presented key: the principal, or None when it is unknown or revoked.
Authenticator = Callable[[str], Principal | None]


def required_role(
    method: str, path: str, public_read: bool, public_metrics: bool = True
) -> Role | None:
    """The least role a request needs; None when anyone may make it."""
    if path == METRICS_PATH:
        return None if public_metrics else Role.VIEWER
    if not path.startswith("/api/"):
        return None
    if any(path == p or path.startswith(p + "/") for p in ADMIN_PATHS):
        return Role.ADMIN
    if method in READ_METHODS:
        return None if public_read else Role.VIEWER
    return Role.EDITOR


class AccessControl:
    def __init__(self, app: ASGIApp, *, public_read: bool, public_metrics: bool = True) -> None:
        self.app = app
        self.public_read = public_read
        self.public_metrics = public_metrics

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        needed = required_role(
            scope["method"], scope["path"], self.public_read, self.public_metrics
        )
        try:
            principal = await self._principal(scope)
            # Known from here on, refused or not: the access line names the key.
            scope.setdefault("state", {})["principal"] = principal
            if needed is not None and principal.role is None:
                raise Unauthorized("this request needs an API key: Authorization: Bearer <key>")
            if needed is not None and not principal.has(needed):
                raise Forbidden(
                    f"this request needs the {needed} role; the key has {principal.role}"
                )
        except (Unauthorized, Forbidden) as refusal:
            response = problem(refusal.status, refusal.title, refusal.detail, refusal.slug)
            response.headers.update(refusal.headers)
            await response(scope, receive, send)
            return
        await self.app(scope, receive, send)

    async def _principal(self, scope: Scope) -> Principal:
        given = [value for name, value in scope["headers"] if name == b"authorization"]
        if not given:
            return ANONYMOUS
        if len(given) > 1:
            raise Unauthorized("send one Authorization header, not several")
        header = given[0]
        scheme, _, presented = header.decode("latin-1").partition(" ")
        if scheme.lower() != "bearer" or not presented.strip():
            raise Unauthorized("the Authorization header must be: Bearer <key>")
        authenticate: Authenticator = scope["app"].state.authenticate
        principal = await to_thread.run_sync(authenticate, presented.strip())
        if principal is None:
            raise Unauthorized("the API key is invalid or revoked")
        return principal

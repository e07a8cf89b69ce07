"""The application factory: routers, error handlers, body limit, engine wiring."""

import re
import uuid
from functools import partial
from typing import Any

from fastapi import FastAPI
from fastapi.responses import JSONResponse
from sqlalchemy import Engine, text
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from app import migrate
from app.access.dependencies import Acting
from app.access.keys import key_authenticator
from app.access.middleware import AccessControl
from app.access.router import router as keys_router
from app.audit.router import router as audit_router
from app.clearance.router import router as clearance_router
from app.db import make_engine, make_sessionmaker, write_session
from app.errors import install_error_handlers, problem, problem_response
from app.idempotency.middleware import Idempotency
from app.plans.router import router as plans_router
from app.projects.router import router as projects_router
from app.reports.router import router as reports_router
from app.settings import Settings, get_settings
from app.zones.router import router as zones_router

COMMON_RESPONSES: dict[int | str, dict[str, Any]] = {
    400: problem_response("Malformed request (e.g. invalid JSON)"),
    401: problem_response("Missing, invalid or revoked API key"),
    403: problem_response("The key's role does not allow this"),
    404: problem_response("Unknown resource"),
    409: problem_response("Conflict with stored state"),
    413: problem_response("Request body too large"),
    422: problem_response("Invalid values"),
    500: problem_response("Unexpected failure"),
}


class BodyLimit:
    """Refuse request bodies over `max_bytes` with a 413 problem, before the app parses them.

    The body is read here (at most max_bytes of it) and replayed to the application, so the
    limit holds whether or not the client sent Content-Length.
    """

    def __init__(self, app: ASGIApp, max_bytes: int) -> None:
        self.app = app
        self.max_bytes = max_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        declared = dict(scope["headers"]).get(b"content-length", b"0")
        if not declared.isdigit() or int(declared) > self.max_bytes:
            await self._refuse(scope, receive, send)
            return
        chunks: list[bytes] = []
        size = 0
        more = True
        while more:
            message = await receive()
            if message["type"] != "http.request":  # client went away
                return
            chunk = message.get("body", b"")
            size += len(chunk)
            if size > self.max_bytes:
                await self._refuse(scope, receive, send)
                return
            chunks.append(chunk)
            more = message.get("more_body", False)
        replayed = False

        async def replay() -> Message:
            nonlocal replayed
            if not replayed:
                replayed = True
                return {"type": "http.request", "body": b"".join(chunks), "more_body": False}
            return await receive()

        await self.app(scope, replay, send)

    async def _refuse(self, scope: Scope, receive: Receive, send: Send) -> None:
        response = problem(
            413, "Request body too large", f"request bodies are limited to {self.max_bytes} bytes"
        )
        await response(scope, receive, send)


REQUEST_ID = re.compile(r"[A-Za-z0-9._-]{1,64}")


class RequestId:
    """Give every request an id (the caller's X-Request-ID when well-formed), echo it in the
    response and keep it in request.state for the audit trail."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        given = dict(scope["headers"]).get(b"x-request-id", b"").decode("latin-1")
        request_id = given if REQUEST_ID.fullmatch(given) else uuid.uuid4().hex
        scope.setdefault("state", {})["request_id"] = request_id

        async def send_with_id(message: Message) -> None:
            if message["type"] == "http.response.start":
                message.setdefault("headers", []).append((b"x-request-id", request_id.encode()))
            await send(message)

        await self.app(scope, receive, send_with_id)


def create_app(settings: Settings | None = None, engine: Engine | None = None) -> FastAPI:
    settings = settings or get_settings()
    engine = engine or make_engine(
        settings.database_url, sqlite_busy_timeout_ms=settings.sqlite_busy_timeout_ms
    )
    app = FastAPI(
        title="Industrial-zone occupancy service",
        version="1.0.0",
        description=(
            "Industrial parks (KCN) and clusters (CCN), the investor projects that lease their "
            "land, occupancy and land clearance. Areas in hectares, rates as fractions."
        ),
        responses=COMMON_RESPONSES,
    )
    app.state.settings = settings
    app.state.engine = engine
    app.state.sessionmaker = make_sessionmaker(engine)
    # Outermost last: ids first, then access control, then the body limit.
    app.add_middleware(Idempotency)
    app.add_middleware(BodyLimit, max_bytes=settings.max_body_bytes)
    app.add_middleware(AccessControl, public_read=settings.public_read)
    app.add_middleware(RequestId)
    install_error_handlers(app)
    app.state.authenticate = key_authenticator(app.state.sessionmaker)
    app.state.idempotency_sessions = partial(write_session, app.state.sessionmaker)
    routers = (zones_router, projects_router, clearance_router, reports_router, plans_router)
    for router in (*routers, keys_router, audit_router):
        app.include_router(router, dependencies=[Acting])

    @app.get("/healthz", tags=["operations"])
    def healthz() -> dict[str, str]:
        """The process is up."""
        return {"status": "ok"}

    @app.get(
        "/readyz",
        tags=["operations"],
        responses={503: problem_response("Database unreachable or schema not at head")},
    )
    def readyz() -> JSONResponse:
        """The database answers and its schema is at the latest migration."""
        try:
            with engine.connect() as connection:
                connection.execute(text("SELECT 1"))
                current = migrate.current_revision(connection)
        except Exception:  # noqa: BLE001 - any failure to reach the database means not ready
            return problem(503, "Not ready", "the database does not answer")
        head = migrate.head_revision()
        if current != head:
            return problem(
                503, "Not ready", f"schema is at {current}, the code expects {head}; run migrate"
            )
        return JSONResponse({"status": "ready", "schema": current})

    _complete_openapi(app, public_read=settings.public_read)
    return app


IDEMPOTENCY_KEY_PARAMETER = {
    "name": "Idempotency-Key",
    "in": "header",
    "required": False,
    "description": "Retries with the same key and body replay the first response (24 hours).",
    "schema": {"type": "string", "pattern": "^[\\x21-\\x7e]{1,200}$"},
}
RESPONSE_HEADERS = {
    "X-Request-ID": {"description": "The request's id, as recorded in the audit trail."},
    "ETag": {"description": "Version of the stored resource, for If-Match."},
    "Location": {"description": "Where the created resource is read."},
    "Idempotent-Replayed": {"description": "true when this is a replay under Idempotency-Key."},
}


def _complete_openapi(app: FastAPI, *, public_read: bool) -> None:
    """What FastAPI cannot infer: reads open to anonymous callers (security "a key, or
    nothing"), the Idempotency-Key header on POST, and the headers success responses carry."""
    build = app.openapi

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is None:
            schema = build()
            for path, operations in schema["paths"].items():
                admin_only = path.startswith(("/api/v1/keys", "/api/v1/audit"))
                for method, operation in operations.items():
                    if (
                        public_read
                        and method == "get"
                        and not admin_only
                        and operation.get("security")
                    ):
                        operation["security"] = [*operation["security"], {}]
                    if method == "post" and path.startswith("/api/"):
                        operation.setdefault("parameters", []).append(IDEMPOTENCY_KEY_PARAMETER)
                    for status, response in operation.get("responses", {}).items():
                        if status.startswith("2"):
                            response["headers"] = _headers_for(path, method, status)
            app.openapi_schema = schema
        return app.openapi_schema

    app.openapi = openapi  # type: ignore[method-assign]


def _headers_for(path: str, method: str, status: str) -> dict[str, Any]:
    names = ["X-Request-ID"]
    single = path.endswith("}") or method in ("post", "patch")
    if single and status != "204" and path.startswith("/api/"):
        names.append("ETag")
    if status == "201":
        names.append("Location")
    if method == "post":
        names.append("Idempotent-Replayed")
    return {name: RESPONSE_HEADERS[name] | {"schema": {"type": "string"}} for name in names}

"""The ASGI layers every request passes through before routing, outermost first:

RequestId (every response carries X-Request-ID) → Observe (app.kit.observe: every answer
counted in the metrics and written as one access line) → Cors (app.kit.cors: answers a
browser's preflight itself, before access control, and lets allowed origins read every answer,
errors included) → CatchAll (an unexpected failure becomes a logged 500 problem, a busy
database a 503, still inside RequestId, Observe and Cors) → HeadAsGet (HEAD answers like GET
without a body) → GZip (Starlette's: answers of 1 KiB or more compressed for clients that
accept gzip; inside HeadAsGet, so HEAD carries the same Content-Encoding and Content-Length as
GET) → Admission (app.kit.admission: how many requests reach the database at once) → access
control (app.access) → BodyLimit (the body is read once, at most max_bytes of it) →
Idempotency (app.kit.idempotency, which stores and replays uncompressed answers) → the routes.
"""

import logging
import re
import uuid
from collections.abc import Mapping

from sqlalchemy.exc import OperationalError
from sqlalchemy.exc import TimeoutError as PoolTimeout
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from app.kit.errors import problem

log = logging.getLogger("app.errors")

# Failures that mean "not now" rather than "wrong": no pooled connection in time, a lock
# (SQLite's writer lock, a PostgreSQL row lock) not granted in time, the database away.
DB_BUSY = (PoolTimeout, OperationalError)

REQUEST_ID = re.compile(r"[A-Za-z0-9._-]{1,64}")
# Where BodyLimit leaves the request body for the layers inside it (scope["state"]).
BODY = "body"


def state(scope: Scope) -> dict[str, object]:
    """The request's state (what `request.state` shows), made on first use."""
    held: dict[str, object] = scope.setdefault("state", {})
    return held


class RequestId:
    """Give every request an id (the caller's X-Request-ID when well-formed), echo it in the
    response and keep it in the request state for logs and the audit trail."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        given = dict(scope["headers"]).get(b"x-request-id", b"").decode("latin-1")
        request_id = given if REQUEST_ID.fullmatch(given) else uuid.uuid4().hex
        state(scope)["request_id"] = request_id

        async def send_with_id(message: Message) -> None:
            if message["type"] == "http.response.start":
                message.setdefault("headers", []).append((b"x-request-id", request_id.encode()))
            await send(message)

        await self.app(scope, receive, send_with_id)


class CatchAll:
    """Turn an exception no handler took into a 500 problem without internals, logged with
    the request's id, or a 503 with Retry-After when the database was busy or away. It sits
    inside RequestId, so these answers carry X-Request-ID too."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = False

        async def watch(message: Message) -> None:
            nonlocal started
            started = started or message["type"] == "http.response.start"
            await send(message)

        try:
            await self.app(scope, receive, watch)
        except DB_BUSY as busy:
            # The pool or a lock did not free up in time: a deliberate, retryable answer.
            log.warning(
                "database busy in %s %s (request %s): %s",
                scope["method"],
                scope["path"],
                state(scope).get("request_id"),
                busy.__class__.__name__,
                extra={"request_id": state(scope).get("request_id")},
            )
            if started:
                raise
            response = problem(
                503,
                "Service busy",
                "the database is busy; retry after the time in Retry-After",
                "busy",
            )
            response.headers["Retry-After"] = "1"
            await response(scope, receive, send)
        except Exception:
            request_id = state(scope).get("request_id")
            log.exception(
                "unhandled error in %s %s (request %s)",
                scope["method"],
                scope["path"],
                request_id,
                extra={"request_id": request_id},
            )
            if started:  # too late for a problem document: the status line is out
                raise
            response = problem(
                500, "Internal server error", "the server failed to handle the request"
            )
            await response(scope, receive, send)


class BodyLimit:
    """Refuse request bodies over `max_bytes` with a 413 problem, before the app parses them.

    The body is read here, once (at most max_bytes of it), kept in the request state for the
    layers inside (`buffered_body`) and replayed to the application, so the limit holds
    whether or not the client sent Content-Length.
    """

    def __init__(
        self, app: ASGIApp, max_bytes: int, larger: Mapping[str, int] | None = None
    ) -> None:
        self.app = app
        self.max_bytes = max_bytes
        # Paths (exact) that take larger bodies, e.g. spreadsheet uploads.
        self.larger = dict(larger or {})

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        limit = self.larger.get(scope["path"].rstrip("/"), self.max_bytes)
        declared = dict(scope["headers"]).get(b"content-length", b"0")
        if not declared.isdigit() or int(declared) > limit:
            await self._refuse(scope, receive, send, limit)
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
            if size > limit:
                await self._refuse(scope, receive, send, limit)
                return
            chunks.append(chunk)
            more = message.get("more_body", False)
        body = b"".join(chunks)
        state(scope)[BODY] = body
        replayed = False

        async def replay() -> Message:
            nonlocal replayed
            if not replayed:
                replayed = True
                return {"type": "http.request", "body": body, "more_body": False}
            return await receive()

        await self.app(scope, replay, send)

    async def _refuse(self, scope: Scope, receive: Receive, send: Send, limit: int) -> None:
        response = problem(
            413, "Request body too large", f"request bodies here are limited to {limit} bytes"
        )
        await response(scope, receive, send)


def buffered_body(scope: Scope) -> bytes:
    """The request body BodyLimit read (empty when it has not run)."""
    body = state(scope).get(BODY, b"")
    return body if isinstance(body, bytes) else b""


class HeadAsGet:
    """HEAD answers like GET without a body (RFC 9110 §9.3.2): same status and headers,
    Content-Length included, so monitoring probes and caches can use it on every GET path."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] != "HEAD":
            await self.app(scope, receive, send)
            return

        async def without_body(message: Message) -> None:
            if message["type"] == "http.response.body":
                message = {**message, "body": b""}
            await send(message)

        await self.app({**scope, "method": "GET"}, receive, without_body)

"""Observe: every request counted in the metrics and written as one access line, as the last
of its answer goes out (so a client that has the whole answer finds it counted).

It sits just inside RequestId and outside everything else (app.kit.middleware tells the order),
so it sees every answer — a 500 made by CatchAll, a 503 from Admission, a 401 from access
control, an idempotent replay — with the request's id, and the caller's key name that access
control left in the request state.
"""

import time

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from app.kit import logs
from app.kit.errors import PROBLEM_SLUG, CapacityExceeded
from app.kit.metrics import Metrics
from app.kit.middleware import state
from app.kit.routes import route_of

METHODS = frozenset({"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"})
OTHER_METHOD = "other"


class Observe:
    def __init__(self, app: ASGIApp, *, metrics: Metrics) -> None:
        self.app = app
        self.metrics = metrics

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()
        status = 500
        responded = False
        replayed = False
        finished = False

        def finish(failed: bool) -> None:
            # Once per request: when the last of the answer is handed on (before it is sent, so a
            # client holding the whole answer finds it counted), or when the request failed.
            nonlocal finished
            if finished:
                return
            finished = True
            self.metrics.in_flight.dec()
            self._record(scope, status, time.perf_counter() - started, replayed, failed)

        async def watch(message: Message) -> None:
            nonlocal status, responded, replayed
            if message["type"] == "http.response.start":
                responded = True
                status = int(message["status"])
                replayed = (b"idempotent-replayed", b"true") in message.get("headers", [])
            elif message["type"] == "http.response.body" and not message.get("more_body", False):
                finish(failed=False)
            await send(message)

        self.metrics.in_flight.inc()
        try:
            await self.app(scope, receive, watch)
        except BaseException:
            if not responded:
                status = 500
            finish(failed=True)
            raise
        finally:
            finish(failed=False)  # an answer that never completed (the client went away)

    def _record(
        self, scope: Scope, status: int, duration_s: float, replayed: bool, failed: bool
    ) -> None:
        route = route_of(scope)
        method = scope["method"] if scope["method"] in METHODS else OTHER_METHOD
        held = state(scope)
        metrics = self.metrics
        metrics.requests.labels(route, method, str(status)).inc()
        metrics.duration.labels(route, method).observe(duration_s)
        if replayed:
            metrics.idempotent_replays.labels(route, str(status)).inc()
        elif status == CapacityExceeded.status and held.get(PROBLEM_SLUG) == CapacityExceeded.slug:
            metrics.capacity_refusals.labels(route).inc()
        principal = held.get("principal")
        role = getattr(principal, "role", None)
        logs.access(
            request_id=_text(held.get("request_id")),
            method=scope["method"],
            route=route,
            path=scope["path"],
            status=status,
            duration_s=duration_s,
            # The key's name, as access control identified it; never the presented secret.
            key=_text(getattr(principal, "name", None)) if role is not None else None,
            failed=failed,
        )


def _text(value: object) -> str | None:
    return value if isinstance(value, str) else None

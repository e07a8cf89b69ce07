"""Admission: how many requests a worker lets at the database at once, and what the rest get.

Each worker process has `slots` places (as many as its connection pool holds); a request to
the API takes one before it touches the database and gives it back when its answer is out.
The others wait in line, first come first served, for at most `queue_timeout` seconds, and
a line longer than `max_queue` is not joined at all: in both cases the answer is 503 with
Retry-After, at once, instead of a request that hangs on a pool or a lock until a client
gives up. Writes also take one of `write_slots` places: on SQLite, whose database admits one
writer at a time, a worker sends one writer at a time to the lock instead of a crowd that
polls it.

Inside an admitted request one connection is in use at a time (key check, Idempotency-Key
claim, the request's own session, the claim's settlement: one after the other), so the
pool never runs dry for an admitted request.
"""

import asyncio
import math
from collections.abc import Callable
from contextlib import AsyncExitStack
from typing import Any

from starlette.types import ASGIApp, Receive, Scope, Send

from app.kit.errors import problem

WRITE_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})


class Admission:
    def __init__(
        self,
        app: ASGIApp,
        *,
        slots: int,
        write_slots: int,
        queue_timeout: float,
        max_queue: int,
        on_waiting: Callable[[int], None] = lambda _waiting: None,
    ) -> None:
        self.app = app
        self.slots = slots
        self.write_slots = write_slots
        self.queue_timeout = queue_timeout
        self.max_queue = max_queue
        self.waiting = 0
        # Told how many requests wait in line whenever that changes (the metrics' gauge).
        self.on_waiting = on_waiting
        # Made on first use, inside the worker's event loop.
        self._any: asyncio.Semaphore | None = None
        self._writes: asyncio.Semaphore | None = None

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or not scope["path"].startswith("/api/"):
            await self.app(scope, receive, send)
            return
        if self._any is None or self._writes is None:
            self._any = asyncio.Semaphore(self.slots)
            self._writes = asyncio.Semaphore(self.write_slots)
        lanes = [self._any]
        if scope["method"] in WRITE_METHODS:
            lanes.insert(0, self._writes)
        async with AsyncExitStack() as held:
            for lane in lanes:
                if not await self._enter(lane):
                    await self._refuse(scope, receive, send)
                    return
                held.callback(lane.release)
            await self.app(scope, receive, send)

    async def _enter(self, lane: asyncio.Semaphore) -> bool:
        if not lane.locked():
            await lane.acquire()
            return True
        if self.waiting >= self.max_queue:
            return False
        self.waiting += 1
        self.on_waiting(self.waiting)
        waiting = asyncio.ensure_future(lane.acquire())
        try:
            await asyncio.wait_for(asyncio.shield(waiting), self.queue_timeout)
            return True
        except TimeoutError:
            self._leave(lane, waiting)
            return False
        except asyncio.CancelledError:
            # The request was cancelled in line (its client went away): the wait it leaves
            # behind would otherwise take a place later and hold it for ever.
            self._leave(lane, waiting)
            raise
        finally:
            self.waiting -= 1
            self.on_waiting(self.waiting)

    @staticmethod
    def _leave(lane: asyncio.Semaphore, waiting: "asyncio.Future[Any]") -> None:
        """Step out of the line without awaiting (a cancelled request may not await again)."""
        if waiting.done() and not waiting.cancelled():
            lane.release()  # the place came just as the request gave up: hand it on
        else:
            waiting.cancel()  # the semaphore hands a place given to a cancelled wait on

    async def _refuse(self, scope: Scope, receive: Receive, send: Send) -> None:
        response = problem(
            503,
            "Service busy",
            "the service is answering as many requests as it can; retry after the time in "
            "Retry-After",
            "busy",
        )
        response.headers["Retry-After"] = str(max(1, math.ceil(self.queue_timeout / 4)))
        await response(scope, receive, send)

"""Idempotency-Key on POST: claim before the request runs, replay or refuse retries.

The claim is taken before the request's own session opens, so a request never holds one
connection while waiting for another. A successful write marks its claim done inside its
own transaction (the unit of work calls app.kit.idempotency.claims.complete_write),
so a write and its idempotency record commit together or not at all: after a crash a retry
either replays the committed write's response or, the write having been lost, runs it again.
Refusals (4xx) are kept for replay too; a server error releases the claim.
"""

import logging
import re
from collections.abc import Callable
from contextlib import AbstractContextManager

from anyio import to_thread
from fastapi import Response
from sqlalchemy.orm import Session
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from app.kit.errors import problem
from app.kit.idempotency import store
from app.kit.idempotency.claims import completed, hold
from app.kit.middleware import buffered_body

log = logging.getLogger("app.idempotency")

HEADER = b"idempotency-key"
# Visible ASCII, as most clients generate (UUIDs, ULIDs, random tokens).
KEY_SHAPE = re.compile(r"[\x21-\x7e]{1,200}")

SessionScope = Callable[[], AbstractContextManager[Session]]


class Idempotency:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        key = dict(scope.get("headers", [])).get(HEADER) if scope["type"] == "http" else None
        if key is None or scope["method"] != "POST":
            await self.app(scope, receive, send)
            return
        key_text = key.decode("latin-1")
        if not KEY_SHAPE.fullmatch(key_text):
            response = problem(
                400,
                "Malformed request",
                "Idempotency-Key must be 1-200 visible ASCII characters",
                "malformed-idempotency-key",
            )
            await response(scope, receive, send)
            return
        body = buffered_body(scope)
        principal = scope.get("state", {}).get("principal")
        caller = principal.name if principal is not None else "anonymous"
        fingerprint = store.request_hash(
            scope["method"], scope["path"], scope.get("query_string", b"").decode("latin-1"), body
        )
        sessions: SessionScope = scope["app"].state.idempotency_sessions

        def claim() -> store.Claimed | store.Replay | store.Refused:
            with sessions() as session:
                return store.claim(session, caller=caller, key=key_text, fingerprint=fingerprint)

        outcome = await to_thread.run_sync(claim)
        if isinstance(outcome, store.Refused):
            title = "Idempotency-Key in use" if outcome.status == 409 else "Idempotency-Key reused"
            refusal = problem(outcome.status, title, outcome.detail, "idempotency-key")
            if outcome.retry_after is not None:
                refusal.headers["Retry-After"] = str(outcome.retry_after)
            await refusal(scope, receive, send)
            return
        if isinstance(outcome, store.Replay):
            replayed = dict(outcome.headers) | {"idempotent-replayed": "true"}
            media = replayed.pop("content-type", "application/json")
            replay = Response(
                outcome.body, status_code=outcome.status, headers=replayed, media_type=media
            )
            await replay(scope, receive, send)
            return

        hold(scope, outcome)
        status = 500  # until the application says otherwise
        headers: dict[str, str] = {}
        chunks: list[bytes] = []

        async def capture(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = int(message["status"])
                headers.update(
                    (k.decode("latin-1"), v.decode("latin-1"))
                    for k, v in message.get("headers", [])
                )
            elif message["type"] == "http.response.body":
                chunks.append(message.get("body", b""))
            await send(message)

        try:
            await self.app(scope, receive, capture)
        except BaseException:
            status = 500
            raise
        finally:
            if not completed(scope):  # a write that completed its claim left nothing to do
                try:
                    await to_thread.run_sync(
                        _settle, sessions, outcome, status, headers, b"".join(chunks)
                    )
                except Exception:
                    # The answer is already on its way; the claim stays in progress until a
                    # retry takes it over (store.ABANDONED_AFTER).
                    log.exception("could not settle an Idempotency-Key claim")


def _settle(
    sessions: SessionScope,
    claim: store.Claimed,
    status: int,
    headers: dict[str, str],
    body: bytes,
) -> None:
    """After the request: keep a refusal for replay, release the claim after a failure.
    Both leave alone a claim the write completed or another attempt took over."""
    with sessions() as session:
        if status < 500:
            store.finish_refusal(session, claim, status=status, headers=headers, body=body)
        else:
            store.release(session, claim)

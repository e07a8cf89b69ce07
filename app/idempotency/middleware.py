"""Idempotency-Key on POST: claim before the request runs, replay or refuse retries.

A successful write marks its claim done inside its own transaction (see `complete_write`),
so a write and its idempotency record commit together or not at all: after a crash a retry
either replays the committed write's response or, the write having been lost, runs it again.
Refusals (4xx) are kept for replay too; a server error releases the claim.
"""

import re
from collections.abc import Callable
from contextlib import AbstractContextManager

from anyio import to_thread
from fastapi import Request, Response
from sqlalchemy.orm import Session
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from app.errors import Conflict, problem
from app.idempotency import store

HEADER = b"idempotency-key"
# Visible ASCII, as most clients generate (UUIDs, ULIDs, random tokens).
KEY_SHAPE = re.compile(r"[\x21-\x7e]{1,200}")
CLAIM = "idempotency_claim"

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
        body, receive = await _buffer(receive)
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
            headers = dict(outcome.headers) | {"idempotent-replayed": "true"}
            media = headers.pop("content-type", "application/json")
            replay = Response(
                outcome.body, status_code=outcome.status, headers=headers, media_type=media
            )
            await replay(scope, receive, send)
            return

        scope.setdefault("state", {})[CLAIM] = outcome
        sent: dict[str, object] = {}
        chunks: list[bytes] = []

        async def capture(message: Message) -> None:
            if message["type"] == "http.response.start":
                sent["status"] = message["status"]
                sent["headers"] = {
                    k.decode("latin-1"): v.decode("latin-1") for k, v in message.get("headers", [])
                }
            elif message["type"] == "http.response.body":
                chunks.append(message.get("body", b""))
            await send(message)

        status = 500
        try:
            await self.app(scope, receive, capture)
            status = int(sent.get("status", 500))  # type: ignore[call-overload]
        finally:
            await to_thread.run_sync(
                _settle, sessions, outcome, status, sent.get("headers", {}), b"".join(chunks)
            )


def _settle(
    sessions: SessionScope, claim: store.Claimed, status: int, headers: object, body: bytes
) -> None:
    """After the request: keep a refusal for replay, release the claim after a failure.
    Both leave alone a claim the write completed or another attempt took over."""
    with sessions() as session:
        if status < 500:
            store.finish_refusal(
                session,
                claim,
                status=status,
                headers=headers,
                body=body,  # type: ignore[arg-type]
            )
        else:
            store.release(session, claim)


async def _buffer(receive: Receive) -> tuple[bytes, Receive]:
    """Read the whole (already size-limited) body, and give the app a receive that replays it."""
    chunks = []
    more = True
    while more:
        message = await receive()
        if message["type"] != "http.request":
            break
        chunks.append(message.get("body", b""))
        more = message.get("more_body", False)
    body = b"".join(chunks)
    replayed = False

    async def replay() -> Message:
        nonlocal replayed
        if not replayed:
            replayed = True
            return {"type": "http.request", "body": body, "more_body": False}
        return await receive()

    return body, replay


def complete_write(
    session: Session, request: Request, response: Response, status: int, body: str
) -> None:
    """Called by a POST handler before it commits: mark its idempotency claim done with the
    response, inside the write's own transaction."""
    claim = getattr(request.state, CLAIM, None)
    if claim is None:
        return
    if not store.complete(session, claim, status=status, headers=dict(response.headers), body=body):
        raise Conflict(
            "this request ran so long that a retry with the same Idempotency-Key took over; "
            "its write was not kept (the retry's was)",
            retry_after=1,
        )

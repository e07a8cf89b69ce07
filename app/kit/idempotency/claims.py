"""The Idempotency-Key claim a POST holds while it runs: put in the request state by the
middleware, completed by the unit of work inside the write's own transaction."""

from fastapi import Request, Response
from sqlalchemy.orm import Session
from starlette.types import Scope

from app.kit.errors import Conflict
from app.kit.idempotency import store
from app.kit.middleware import state

CLAIM = "idempotency_claim"


def hold(scope: Scope, claim: store.Claimed) -> None:
    """Let the request's unit of work find the claim its middleware took."""
    state(scope)[CLAIM] = claim


def complete_write(
    session: Session, request: Request, response: Response, status: int, body: str
) -> None:
    """Mark the request's claim (when it has one) done with its response, inside the write's
    transaction; refuse when a retry has taken the claim over meanwhile."""
    claim = getattr(request.state, CLAIM, None)
    if claim is None:
        return
    if not store.complete(session, claim, status=status, headers=dict(response.headers), body=body):
        raise Conflict(
            "this request ran so long that a retry with the same Idempotency-Key took over; "
            "its write was not kept (the retry's was)",
            retry_after=1,
        )

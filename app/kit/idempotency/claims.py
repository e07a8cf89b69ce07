"""The Idempotency-Key claim a POST holds while it runs: put in the request state by the
middleware, completed by the unit of work inside the write's own transaction."""

from fastapi import Request, Response
from sqlalchemy.orm import Session
from starlette.types import Scope

from app.kit.errors import Conflict
from app.kit.idempotency import store
from app.kit.middleware import state

CLAIM, COMPLETED = "idempotency_claim", "idempotency_completed"


def hold(scope: Scope, claim: store.Claimed) -> None:
    """Let the request's unit of work find the claim its middleware took."""
    state(scope)[CLAIM] = claim


def completed(scope: Scope) -> bool:
    """Whether the request's write completed its claim (then there is nothing to settle)."""
    return bool(state(scope).get(COMPLETED))


def complete_write(
    session: Session, request: Request, response: Response, status: int, body: str
) -> None:
    """Mark the request's claim (when it has one) done with its response, inside the write's
    transaction; refuse when a retry has taken the claim over meanwhile."""
    claim = getattr(request.state, CLAIM, None)
    if claim is None:
        return
    if store.complete(session, claim, status=status, headers=dict(response.headers), body=body):
        request.state.idempotency_completed = True
    else:
        raise Conflict(
            "this request ran so long that a retry with the same Idempotency-Key took over; "
            "its write was not kept (the retry's was)",
            retry_after=1,
        )

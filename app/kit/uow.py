"""The unit of work: the one way a request's writes reach the database.

A write route takes `WorkDep` instead of a bare session. It changes rows through services
(which add and flush, never commit), then ends with exactly one of `created`, `changed` or
`deleted`: those set the response's ETag and Location, complete the request's
Idempotency-Key claim inside the same transaction, and commit. Anything else (an exception,
a route that returns without finishing its work) rolls back when the session closes.

The request session refuses every other commit (app.kit.db.open_session(guarded=True)), so a route that calls
`session.commit()` itself fails loudly instead of silently losing the write-and-record
atomicity of Idempotency-Key.
"""

from typing import Annotated, TypeVar

from fastapi import Depends, Request, Response, status
from pydantic import BaseModel
from sqlalchemy.orm import Session

from app.kit.db import COMMITTING, bump_data_version
from app.kit.deps import SessionDep
from app.kit.etags import tag
from app.kit.idempotency.claims import complete_write

Result = TypeVar("Result", bound=BaseModel)


class UnitOfWork:
    def __init__(self, session: Session, request: Request, response: Response) -> None:
        self.session = session
        self._request = request
        self._response = response

    def created(
        self,
        result: Result,
        *,
        location: str,
        entity: object | None = None,
        replay: BaseModel | None = None,
    ) -> Result:
        """201 Created: the new resource's Location (and ETag, given the stored `entity`);
        commit. `replay` is what a retry under the same Idempotency-Key gets instead of
        `result`, when the two must differ (a secret is shown once)."""
        self._response.headers["Location"] = location
        if entity is not None:
            tag(self._response, entity)
        self._commit(status.HTTP_201_CREATED, result if replay is None else replay)
        return result

    def changed(self, result: Result, *, entity: object | None = None) -> Result:
        """200 OK after a change (with `entity`'s new ETag, when given); commit."""
        if entity is not None:
            tag(self._response, entity)
        self._commit(status.HTTP_200_OK, result)
        return result

    def checked(self, result: Result) -> Result:
        """200 OK for a write that was only checked (a dry run): whatever it wrote is
        rolled back; only the Idempotency-Key claim is committed, and the data version
        stays (nothing changed)."""
        self.session.rollback()
        self._response.status_code = status.HTTP_200_OK
        complete_write(
            self.session,
            self._request,
            self._response,
            status.HTTP_200_OK,
            result.model_dump_json(by_alias=True),
        )
        self.session.info[COMMITTING] = True
        try:
            self.session.commit()
        finally:
            self.session.info[COMMITTING] = False
        return result

    def deleted(self) -> Response:
        """204 No Content after a deletion; commit."""
        self._commit(status.HTTP_204_NO_CONTENT, None)
        return Response(status_code=status.HTTP_204_NO_CONTENT)

    def _commit(self, code: int, result: BaseModel | None) -> None:
        body = "" if result is None else result.model_dump_json(by_alias=True)
        complete_write(self.session, self._request, self._response, code, body)
        bump_data_version(self.session)
        self.session.info[COMMITTING] = True
        try:
            self.session.commit()
        finally:
            self.session.info[COMMITTING] = False


def unit_of_work(session: SessionDep, request: Request, response: Response) -> UnitOfWork:
    """The request's one session (a write transaction: write methods take SQLite's writer
    lock at BEGIN), wrapped so that it commits only through the unit of work."""
    return UnitOfWork(session, request, response)


WorkDep = Annotated[UnitOfWork, Depends(unit_of_work)]

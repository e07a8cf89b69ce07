"""Limit/offset pagination shared by every list endpoint."""

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Annotated, Any, Generic, TypeVar

from fastapi import Depends, Query, Response
from pydantic import BaseModel

from app.kit.json_out import json_answer

MAX_OFFSET = 2_147_483_647


@dataclass(frozen=True, slots=True)
class PageRequest:
    limit: int
    offset: int


async def page_request(
    limit: Annotated[int, Query(ge=1, le=500, description="Items per page (1-500).")] = 50,
    offset: Annotated[int, Query(ge=0, le=MAX_OFFSET, description="Items to skip.")] = 0,
) -> PageRequest:
    return PageRequest(limit=limit, offset=offset)


PageDep = Annotated[PageRequest, Depends(page_request)]


T = TypeVar("T")


class Page(BaseModel, Generic[T]):
    items: list[T]
    total: int
    limit: int
    offset: int


def page_answer(items: Sequence[BaseModel], total: int, page: PageRequest, etag: str) -> Response:
    """A page of a list as its JSON answer, with its ETag, written once (json_answer).
    Returned as a `Page` model, the items the route has just built (and validated) would be
    validated and written again by FastAPI against the route's response model, in a second
    trip to a worker thread; the bytes are the same."""
    answer = Page[Any](items=list(items), total=total, limit=page.limit, offset=page.offset)
    return json_answer(answer, {"ETag": etag})

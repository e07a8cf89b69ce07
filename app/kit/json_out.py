"""JSON answers written once: the bytes FastAPI's own JSON responses have (UTF-8, compact),
by orjson, an order of magnitude faster; a route that returns one skips FastAPI's second pass
over its response model (validating and serializing again what the route has just built)."""

from typing import Any

import orjson
from fastapi import Response
from pydantic import BaseModel


def json_bytes(document: Any) -> bytes:
    """A document of JSON values (or one orjson writes natively), written once."""
    return orjson.dumps(document)


def json_answer(answer: BaseModel | Any, headers: dict[str, str] | None = None) -> Response:
    """A built response model, or a document of JSON values, as its JSON answer, with
    `headers` (an ETag, say): a model is dumped, a document written as it is; neither is
    validated again."""
    document = answer.model_dump(mode="json") if isinstance(answer, BaseModel) else answer
    return Response(json_bytes(document), media_type="application/json", headers=headers)

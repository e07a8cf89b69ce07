"""Computed answers kept in each worker under their ETag, so that a report or a list asked
again with nothing changed is sent without being computed again.

The key is the answer's ETag (app.kit.conditional.version_tag): the data version, the path,
the query parameters and today's date. Every committed write raises the data version, and
every request reads it before looking here, so a kept answer is only ever sent for the very
question it answered under the very data it was computed from; nothing has to be thrown
away when data changes, on any worker or host (old keys are simply never asked again and
fall out as newer answers come in). Only successful answers with a body are kept, least
recently used first out, within a byte budget (`OCCUPANCY_ANSWER_CACHE_MB`; 0 keeps none);
an answer larger than a quarter of the budget is not kept. The budget counts the answers'
bodies only: a gzip copy made for callers that accept it (a fraction of its body's size,
about a tenth for the national report) rides on top, so a worker may hold up to that much
more than the budget.
"""

import gzip
import threading
from collections import OrderedDict
from dataclasses import dataclass

from fastapi import Depends, Request, Response

from app.kit.compression import GZIP_LEVEL, GZIP_MINIMUM_BYTES

# Kept answers of these media types, of GZIP_MINIMUM_BYTES or more, are also kept compressed
# for callers that accept gzip, made once when first asked: compressing the national report
# again for every such caller costs more than sending it.
COMPRESSIBLE = ("application/json", "application/geo+json", "text/")


@dataclass(slots=True)
class Answer:
    body: bytes
    headers: tuple[tuple[str, str], ...]  # as the route set them, without content-length
    gzipped: bytes | None = None

    @property
    def media_type(self) -> str:
        return next((value for name, value in self.headers if name == "content-type"), "")

    def compressible(self) -> bool:
        return len(self.body) >= GZIP_MINIMUM_BYTES and self.media_type.startswith(COMPRESSIBLE)

    def compressed(self) -> bytes:
        if self.gzipped is None:  # two threads may both make it: the same bytes either way
            self.gzipped = gzip.compress(self.body, compresslevel=GZIP_LEVEL, mtime=0)
        return self.gzipped


class AnswerCache:
    """A byte-bounded LRU map from ETag to answer, shared by a worker's threads."""

    def __init__(self, max_bytes: int) -> None:
        self.max_bytes = max_bytes
        self._entries: OrderedDict[str, Answer] = OrderedDict()
        self._size = 0
        self._lock = threading.Lock()
        self.hits = self.misses = 0

    def get(self, key: str) -> Answer | None:
        with self._lock:
            answer = self._entries.get(key)
            if answer is None:
                self.misses += 1
                return None
            self._entries.move_to_end(key)
            self.hits += 1
            return answer

    def put(self, key: str, answer: Answer) -> None:
        if len(answer.body) * 4 > self.max_bytes:
            return
        with self._lock:
            if key in self._entries:
                return
            self._entries[key] = answer
            self._size += len(answer.body)
            while self._size > self.max_bytes:
                _, dropped = self._entries.popitem(last=False)
                self._size -= len(dropped.body)

    @property
    def size(self) -> int:
        return self._size

    def __len__(self) -> int:
        return len(self._entries)


# Where the request's ETag is left for `keep` once the route has answered (request.state).
KEY = "answer_key"


async def kept_here() -> None:
    """Marks a route whose answers are kept though it takes no If-None-Match (a zone read,
    whose ETag names its stored row, for If-Match): app.kit.kept finds the routes that
    depend on it, or on app.kit.conditional.data_tag, and keeps their answers."""


Kept = Depends(kept_here)


def keep(request: Request, response: Response) -> None:
    """Keep the route's answer under the request's ETag when it is a success with a body."""
    key: str | None = getattr(request.state, KEY, None)
    body = getattr(response, "body", None)
    if key is None or response.status_code != 200 or not isinstance(body, bytes):
        return
    headers = tuple(
        (name, value) for name, value in response.headers.items() if name != "content-length"
    )
    answers: AnswerCache = request.app.state.answers
    answers.put(key, Answer(body, headers))


def send_kept(request: Request, answer: Answer) -> Response:
    """The kept answer, byte for byte, with the headers the route gave it; compressed once and
    kept so for a caller that accepts gzip (the gzip middleware leaves an encoded answer be)."""
    gzipped = "gzip" in request.headers.get("accept-encoding", "") and answer.compressible()
    response = Response(answer.compressed() if gzipped else answer.body)
    for name, value in answer.headers:
        response.headers.append(name, value)
    if gzipped:
        response.headers["Content-Encoding"] = "gzip"
        response.headers.append("Vary", "Accept-Encoding")
    return response

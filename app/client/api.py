"""The occupancy API over HTTP: reports, filings and keys, with timeouts and retries.

Every request has a timeout. A request that gets no answer (connection refused or lost, a
timeout) or a "not now" (429, 502, 503, 504) is sent again after a wait (see retry.py); a POST
carries one Idempotency-Key, the same on every attempt, so a write whose answer was lost is
replayed by the service (`Idempotent-Replayed: true`) instead of being made twice. Any other
error answer is final at once. The API key comes from the caller or from OCCUPANCY_API_KEY.
"""

import json
import os
import time
import uuid
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import date, datetime
from types import TracebackType
from typing import Any, Self, TypeVar

import httpx

from app.client.reports import (
    Format,
    ReportName,
    ReportParams,
    filing_body,
    report_path,
    report_query,
)
from app.client.retry import RetryPolicy, retry_after_seconds, retryable_status

API_KEY_VARIABLE = "OCCUPANCY_API_KEY"
DEFAULT_TIMEOUT_S = 30.0
# The problem a POST gets while an earlier attempt under its Idempotency-Key still runs.
KEY_IN_USE = "/problems/idempotency-key"
# Failures of the exchange itself that another attempt may not meet: no connection, a lost
# connection, no answer in time. (A bad URL or an unsupported scheme is no such thing.)
TRANSIENT = (httpx.TimeoutException, httpx.NetworkError, httpx.RemoteProtocolError)
PAGE = 500  # the service's largest page

T = TypeVar("T")


@dataclass(frozen=True, slots=True)
class Answer:
    """A successful answer, its body exactly as served."""

    status: int
    content: bytes
    headers: httpx.Headers
    attempts: int  # how many tries it took

    @property
    def content_type(self) -> str:
        return str(self.headers.get("content-type", ""))

    @property
    def replayed(self) -> bool:
        """The service replayed the answer of an earlier attempt under the same key."""
        return bool(self.headers.get("idempotent-replayed") == "true")

    @property
    def request_id(self) -> str | None:
        found = self.headers.get("x-request-id")
        return None if found is None else str(found)

    def json(self) -> Any:
        return json.loads(self.content)


class ServiceError(Exception):
    """A request that did not succeed, after every attempt it was worth."""

    def __init__(self, message: str, *, attempts: int, idempotency_key: str | None) -> None:
        super().__init__(message)
        self.attempts = attempts
        self.idempotency_key = idempotency_key  # the key a POST carried, to send it again


class ApiError(ServiceError):
    """The service answered with an error: its problem document (RFC 9457), when it sent one."""

    def __init__(
        self,
        status: int,
        problem: Mapping[str, Any],
        *,
        reason: str,
        request_id: str | None,
        attempts: int,
        idempotency_key: str | None,
    ) -> None:
        self.status = status
        self.problem = dict(problem)
        self.request_id = request_id
        self.title = str(problem.get("title") or reason)
        self.detail = str(problem.get("detail") or reason)
        super().__init__(
            f"{status} {self.title}: {self.detail}",
            attempts=attempts,
            idempotency_key=idempotency_key,
        )

    @property
    def type(self) -> str | None:
        value = self.problem.get("type")
        return value if isinstance(value, str) else None

    @property
    def errors(self) -> list[tuple[str, str]]:
        """A validation problem's (field, message) pairs."""
        found = self.problem.get("errors")
        if not isinstance(found, list):
            return []
        return [
            (str(e.get("field", "")), str(e.get("message", "")))
            for e in found
            if isinstance(e, dict)
        ]


class Unreachable(ServiceError):
    """No answer from the service: every attempt failed to connect or timed out."""


class UnexpectedAnswer(ServiceError):
    """A success that is not what the occupancy API answers (another server at that URL?)."""


@dataclass(frozen=True, slots=True)
class KeyInfo:
    """An API key as the service lists it: never its secret."""

    id: int
    name: str
    role: str
    prefix: str
    created_at: datetime
    revoked_at: datetime | None

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> Self:
        revoked = data.get("revoked_at")
        return cls(
            id=int(data["id"]),
            name=str(data["name"]),
            role=str(data["role"]),
            prefix=str(data["prefix"]),
            created_at=datetime.fromisoformat(str(data["created_at"])),
            revoked_at=datetime.fromisoformat(str(revoked)) if revoked else None,
        )


@dataclass(frozen=True, slots=True)
class Filing:
    """A filed report's record (POST /api/v1/filings)."""

    id: int
    report: str
    params: dict[str, Any]
    period: str | None
    as_of: date
    note: str | None
    filed_at: datetime
    filed_by: str
    sha256: str

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> Self:
        return cls(
            id=int(data["id"]),
            report=str(data["report"]),
            params=dict(data["params"]),
            period=data.get("period"),
            as_of=date.fromisoformat(str(data["as_of"])),
            note=data.get("note"),
            filed_at=datetime.fromisoformat(str(data["filed_at"])),
            filed_by=str(data["filed_by"]),
            sha256=str(data["sha256"]),
        )


@dataclass(frozen=True, slots=True)
class Filed:
    """A filing and the answer that carried it (`answer.replayed`: filed by an earlier
    attempt under the same Idempotency-Key)."""

    filing: Filing
    answer: Answer
    idempotency_key: str


@dataclass(frozen=True, slots=True)
class Retrying:
    """What a client says before it waits and tries again (see OccupancyClient's on_retry)."""

    reason: str  # "503 Service busy", "ConnectError: [Errno 111] Connection refused", …
    wait: float  # seconds before the next attempt
    attempt: int  # the number of the next attempt
    attempts: int  # how many attempts there may be in all


def new_idempotency_key() -> str:
    return uuid.uuid4().hex


class OccupancyClient:
    """A client of one occupancy service. Use it as a context manager, or close() it.

    `timeout`: seconds an attempt may go without progress (httpx: connect, read, write,
    pool). `retry`: how often to try and how long to wait (retry.py). `on_retry` is told
    before each wait, to log it; `sleep` waits (tests record instead)."""

    def __init__(
        self,
        base_url: str,
        *,
        api_key: str | None = None,
        timeout: float | httpx.Timeout = DEFAULT_TIMEOUT_S,
        retry: RetryPolicy | None = None,
        transport: httpx.BaseTransport | None = None,
        sleep: Callable[[float], None] = time.sleep,
        on_retry: Callable[[Retrying], None] | None = None,
    ) -> None:
        url = httpx.URL(base_url)
        if url.scheme not in ("http", "https") or not url.host:
            raise ValueError(f"{base_url!r} is not an http:// or https:// URL")
        headers = {"User-Agent": "occupancy-client", "Accept": "*/*"}
        if api_key:
            headers["Authorization"] = f"Bearer {api_key}"
        self.has_key = bool(api_key)
        self.retry = retry or RetryPolicy()
        self._sleep = sleep
        self._on_retry = on_retry
        self._http = httpx.Client(
            base_url=base_url, headers=headers, timeout=timeout, transport=transport
        )

    @classmethod
    def from_env(cls, base_url: str, **options: Any) -> Self:
        """A client whose API key is OCCUPANCY_API_KEY (none when unset or empty)."""
        return cls(base_url, api_key=os.environ.get(API_KEY_VARIABLE) or None, **options)

    def close(self) -> None:
        self._http.close()

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.close()

    # ------------------------------------------------------------------------- reports

    def report(
        self, name: ReportName, params: ReportParams | None = None, *, format: Format = "json"
    ) -> Answer:
        """A report, its body exactly as served (JSON, CSV, XLSX or GeoJSON bytes)."""
        params = params or ReportParams()
        path = report_path(name, params)
        return self.send("GET", path, params=report_query(params, format))

    def file_report(
        self,
        name: ReportName,
        params: ReportParams | None = None,
        *,
        note: str | None = None,
        idempotency_key: str | None = None,
    ) -> Filed:
        """File a report (editor). Pass the `idempotency_key` of an earlier call that failed
        to make sure the report is filed once, whatever became of that call."""
        key = idempotency_key or new_idempotency_key()
        body = filing_body(name, params or ReportParams(), note)
        answer = self.send("POST", "/api/v1/filings", json_body=body, idempotency_key=key)
        filing = _parsed(answer, Filing.from_json, idempotency_key=key)
        return Filed(filing=filing, answer=answer, idempotency_key=key)

    # ---------------------------------------------------------------------------- keys

    def keys(self) -> list[KeyInfo]:
        """Every API key, oldest first (admin)."""
        found: list[KeyInfo] = []
        while True:
            answer = self.send(
                "GET", "/api/v1/keys", params={"limit": str(PAGE), "offset": str(len(found))}
            )
            items, total = _parsed(answer, _key_page, idempotency_key=None)
            found.extend(items)
            if not items or len(found) >= total:
                return found

    def key_named(self, name: str) -> KeyInfo | None:
        return next((key for key in self.keys() if key.name == name), None)

    def revoke_key(self, key_id: int, *, idempotency_key: str | None = None) -> KeyInfo:
        """Revoke a key (admin). The service refuses the last admin key that works (409)."""
        answer = self.send("POST", f"/api/v1/keys/{key_id}/revoke", idempotency_key=idempotency_key)
        return KeyInfo.from_json(answer.json())

    # ------------------------------------------------------------------------ plumbing

    def send(
        self,
        method: str,
        path: str,
        *,
        params: Mapping[str, str] | None = None,
        json_body: Any = None,
        idempotency_key: str | None = None,
    ) -> Answer:
        """One request, tried as often as the retry policy allows. A POST always carries an
        Idempotency-Key (a new one unless given), the same on every attempt."""
        headers = {}
        if method == "POST":
            idempotency_key = idempotency_key or new_idempotency_key()
            headers["Idempotency-Key"] = idempotency_key
        content = None if json_body is None else json.dumps(json_body).encode()
        if content is not None:
            headers["Content-Type"] = "application/json"
        attempt = 0
        while True:
            attempt += 1
            try:
                response = self._http.request(
                    method, path, params=params, content=content, headers=headers
                )
            except httpx.RequestError as exc:
                wait = self.retry.delay(attempt, None) if isinstance(exc, TRANSIENT) else None
                reason = f"{type(exc).__name__}: {exc}"
                if wait is None:
                    raise Unreachable(
                        f"no answer from {self._http.base_url} after {attempt} "
                        f"attempt{'s' if attempt > 1 else ''}: {type(exc).__name__}: {exc}",
                        attempts=attempt,
                        idempotency_key=idempotency_key,
                    ) from exc
            else:
                if 200 <= response.status_code < 300:
                    return Answer(response.status_code, response.content, response.headers, attempt)
                error = _api_error(response, attempts=attempt, idempotency_key=idempotency_key)
                conflict = idempotency_key is not None and error.type == KEY_IN_USE
                if not retryable_status(response.status_code, idempotency_conflict=conflict):
                    raise error
                after = retry_after_seconds(response.headers.get("retry-after"))
                wait = self.retry.delay(attempt, after)
                if wait is None:
                    raise error
                reason = f"{error.status} {error.title}"
            if self._on_retry is not None:
                self._on_retry(Retrying(reason, wait, attempt + 1, self.retry.attempts))
            self._sleep(wait)


def _key_page(data: Mapping[str, Any]) -> tuple[list[KeyInfo], int]:
    return [KeyInfo.from_json(item) for item in data["items"]], int(data["total"])


def _parsed(answer: Answer, parse: Callable[[Any], T], *, idempotency_key: str | None) -> T:
    """The answer's JSON read by `parse`; anything else is an UnexpectedAnswer."""
    try:
        return parse(answer.json())
    except (ValueError, KeyError, TypeError, AttributeError) as exc:
        raise UnexpectedAnswer(
            f"the answer ({answer.status}, {answer.content_type or 'no content type'}) is not "
            f"what the occupancy API sends: {type(exc).__name__}: {exc}",
            attempts=answer.attempts,
            idempotency_key=idempotency_key,
        ) from exc


def _api_error(response: httpx.Response, *, attempts: int, idempotency_key: str | None) -> ApiError:
    try:
        document = response.json()
    except ValueError:
        document = None
    return ApiError(
        response.status_code,
        document if isinstance(document, dict) else {},
        reason=response.reason_phrase or "error",
        request_id=response.headers.get("x-request-id"),
        attempts=attempts,
        idempotency_key=idempotency_key,
    )

"""The typed client (app/client) without a server: retry rules, backoff, Retry-After, one
Idempotency-Key per write, and what it makes of answers. httpx.MockTransport plays the
service; `sleep` is recorded, never waited, so no test depends on time."""

import subprocess
import sys
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from email.utils import format_datetime

import httpx
import pytest

from app.client import (
    API_KEY_VARIABLE,
    REPORTS,
    ApiError,
    OccupancyClient,
    ReportParams,
    Retrying,
    RetryPolicy,
    UnexpectedAnswer,
    Unreachable,
)
from app.client.reports import TAKES, check, filing_body, report_path, report_query
from app.client.retry import RETRY_STATUSES, retry_after_seconds, retryable_status

BASE = "http://occupancy.test"
Handler = Callable[[httpx.Request], httpx.Response]


class Recorder:
    """A mock service: answers from `handler`, keeps every request and every wait asked for."""

    def __init__(self, handler: Handler) -> None:
        self.handler = handler
        self.requests: list[httpx.Request] = []
        self.sleeps: list[float] = []

    def client(self, policy: RetryPolicy | None = None, **options) -> OccupancyClient:
        def handle(request: httpx.Request) -> httpx.Response:
            self.requests.append(request)
            return self.handler(request)

        return OccupancyClient(
            BASE,
            transport=httpx.MockTransport(handle),
            retry=policy or RetryPolicy(),
            sleep=self.sleeps.append,
            **options,
        )


def answers(*responses: httpx.Response | Exception) -> Handler:
    """A handler giving these answers in turn (an exception is raised, as the network would)."""
    queue = list(responses)

    def handler(request: httpx.Request) -> httpx.Response:
        item = queue.pop(0)
        if isinstance(item, Exception):
            raise item
        return item

    return handler


def problem(status: int, slug: str = "busy", **headers: str) -> httpx.Response:
    body = {"type": f"/problems/{slug}", "title": "A title", "status": status, "detail": "why"}
    return httpx.Response(
        status, json=body, headers={"Content-Type": "application/problem+json", **headers}
    )


def ok(body: object = None) -> httpx.Response:
    return httpx.Response(200, json=body if body is not None else {"ok": True})


FILING = {
    "id": 7,
    "report": "occupancy",
    "params": {"period": "2024-H1"},
    "period": "2024-H1",
    "as_of": "2024-06-14",
    "note": None,
    "filed_at": "2024-06-20T03:00:00Z",
    "filed_by": "so-cong-thuong",
    "sha256": "ab" * 32,
}


# --------------------------------------------------------------------------- the policy


def test_backoff_doubles_from_the_base_up_to_the_cap():
    policy = RetryPolicy(attempts=10, base_delay=0.25, max_delay=3.0)
    waits = [policy.backoff(retry) for retry in range(1, 10)]
    assert waits[0] == policy.base_delay
    for before, after in zip(waits, waits[1:], strict=False):
        assert after == min(policy.max_delay, before * 2)
    assert max(waits) == policy.max_delay


def test_backoff_of_absurd_retry_numbers_stays_at_the_cap():
    policy = RetryPolicy()
    assert policy.backoff(10_000) == policy.max_delay


def test_delay_gives_up_when_the_attempts_are_spent():
    policy = RetryPolicy(attempts=3)
    assert policy.delay(1, None) is not None and policy.delay(2, None) is not None
    assert policy.delay(3, None) is None


def test_delay_honours_retry_after_but_never_waits_longer_than_the_cap():
    policy = RetryPolicy(attempts=5, base_delay=1.0, max_delay=10.0)
    assert policy.delay(1, 0.0) == 0.0  # sooner than the backoff: the service knows best
    assert policy.delay(1, 7.0) == 7.0
    assert policy.delay(1, policy.max_delay) == policy.max_delay
    assert policy.delay(1, policy.max_delay + 1) is None  # give up rather than retry early


@pytest.mark.parametrize(
    "options",
    [{"attempts": 0}, {"base_delay": -1.0}, {"base_delay": 2.0, "max_delay": 1.0}],
)
def test_a_policy_that_makes_no_sense_is_refused(options):
    with pytest.raises(ValueError):
        RetryPolicy(**options)


def test_retry_after_in_seconds_and_as_an_http_date():
    now = datetime(2024, 6, 14, 8, 0, 0, tzinfo=UTC)
    later = now + timedelta(seconds=90)
    assert retry_after_seconds("3") == 3.0
    assert retry_after_seconds(" 0 ") == 0.0
    assert retry_after_seconds(format_datetime(later, usegmt=True), now) == 90.0
    assert retry_after_seconds(format_datetime(now - timedelta(hours=1), usegmt=True), now) == 0


@pytest.mark.parametrize("value", [None, "", "soon", "-1", "1.5", "٣", "Fri, 99 Foo 2024"])
def test_unreadable_retry_after_is_none(value):
    assert retry_after_seconds(value) is None


def test_only_not_now_answers_are_retryable():
    for status in range(400, 600):
        assert retryable_status(status) == (status in RETRY_STATUSES)
    assert RETRY_STATUSES == {429, 502, 503, 504}
    assert retryable_status(409, idempotency_conflict=True)
    assert not retryable_status(409)


# ------------------------------------------------------------------------------ retries


def test_busy_answers_are_retried_with_backoff_until_one_succeeds():
    policy = RetryPolicy(attempts=4, base_delay=0.5, max_delay=30.0)
    service = Recorder(answers(problem(503), problem(502), problem(504), ok()))
    with service.client(policy) as client:
        answer = client.send("GET", "/api/v1/reports/occupancy")
    assert answer.status == 200 and answer.attempts == 4
    assert service.sleeps == [policy.backoff(1), policy.backoff(2), policy.backoff(3)]
    assert len(service.requests) == 4


def test_each_retry_is_told_before_the_wait():
    policy = RetryPolicy(attempts=3)
    told: list[Retrying] = []
    service = Recorder(answers(httpx.ConnectError("Connection refused"), problem(503, **{"Retry-After": "2"}), ok()))  # fmt: skip
    with service.client(policy, on_retry=told.append) as client:
        client.send("GET", "/api/v1/reports/summary")
    assert [(t.attempt, t.attempts, t.wait) for t in told] == [
        (2, policy.attempts, policy.backoff(1)),
        (3, policy.attempts, 2.0),
    ]
    assert told[0].reason == "ConnectError: Connection refused"
    assert told[1].reason == "503 A title"
    assert [t.wait for t in told] == service.sleeps


def test_retry_after_is_honoured():
    service = Recorder(answers(problem(503, **{"Retry-After": "2"}), problem(429, **{"Retry-After": "0"}), ok()))  # fmt: skip
    with service.client() as client:
        client.send("GET", "/api/v1/reports/summary")
    assert service.sleeps == [2.0, 0.0]


def test_a_retry_after_beyond_the_cap_ends_the_tries_at_once():
    policy = RetryPolicy(max_delay=5.0)
    service = Recorder(answers(problem(503, **{"Retry-After": "3600"})))
    with service.client(policy) as client, pytest.raises(ApiError) as failed:
        client.send("GET", "/api/v1/reports/summary")
    assert failed.value.status == 503 and failed.value.attempts == 1
    assert service.sleeps == [] and len(service.requests) == 1


def test_busy_to_the_end_is_the_last_answer_after_every_attempt():
    policy = RetryPolicy(attempts=3)
    service = Recorder(lambda request: problem(503))
    with service.client(policy) as client, pytest.raises(ApiError) as failed:
        client.send("GET", "/api/v1/reports/summary")
    assert failed.value.status == 503 and failed.value.attempts == policy.attempts
    assert len(service.requests) == policy.attempts
    assert service.sleeps == [policy.backoff(1), policy.backoff(2)]


@pytest.mark.parametrize(
    "failure",
    [
        httpx.ConnectError("refused"),
        httpx.ConnectTimeout("slow to connect"),
        httpx.ReadTimeout("slow to answer"),
        httpx.ReadError("reset"),
        httpx.RemoteProtocolError("Server disconnected without sending a response."),
    ],
    ids=lambda e: type(e).__name__,
)
def test_no_answer_is_retried(failure):
    service = Recorder(answers(failure, ok()))
    with service.client() as client:
        assert client.send("GET", "/healthz").attempts == 2
    assert service.sleeps == [RetryPolicy().backoff(1)]


def test_no_answer_ever_is_unreachable_after_every_attempt():
    policy = RetryPolicy(attempts=3)

    def refuse(request: httpx.Request) -> httpx.Response:
        raise httpx.ConnectError("Connection refused")

    service = Recorder(refuse)
    with service.client(policy) as client, pytest.raises(Unreachable) as failed:
        client.send("GET", "/healthz")
    assert failed.value.attempts == policy.attempts
    assert "after 3 attempts" in str(failed.value) and "Connection refused" in str(failed.value)
    assert len(service.sleeps) == policy.attempts - 1


@pytest.mark.parametrize("status", [400, 401, 403, 404, 405, 409, 412, 413, 422, 500])
def test_other_errors_are_final_at_once(status):
    service = Recorder(lambda request: problem(status, "whatever", **{"Retry-After": "1"}))
    with service.client() as client, pytest.raises(ApiError) as failed:
        client.send("POST", "/api/v1/filings", json_body={"report": "summary"})
    assert failed.value.status == status and failed.value.attempts == 1
    assert len(service.requests) == 1 and service.sleeps == []


def test_a_post_carries_one_idempotency_key_on_every_attempt():
    service = Recorder(answers(httpx.ReadTimeout("lost"), problem(503), ok(FILING)))
    with service.client() as client:
        filed = client.file_report("occupancy", ReportParams(period="2024-H1"))
    keys = [request.headers["Idempotency-Key"] for request in service.requests]
    assert len(keys) == 3 and len(set(keys)) == 1
    assert filed.idempotency_key == keys[0]
    bodies = {request.content for request in service.requests}
    assert len(bodies) == 1  # the same request each time, byte for byte


def test_each_write_has_a_key_of_its_own_and_a_given_key_is_used():
    service = Recorder(lambda request: httpx.Response(201, json=FILING))
    with service.client() as client:
        client.file_report("summary")
        client.file_report("summary")
        client.file_report("summary", idempotency_key="filing-2024-H1")
    keys = [request.headers["Idempotency-Key"] for request in service.requests]
    assert keys[0] != keys[1] and keys[2] == "filing-2024-H1"


def test_reads_carry_no_idempotency_key():
    service = Recorder(lambda request: ok())
    with service.client() as client:
        client.report("summary")
    assert "Idempotency-Key" not in service.requests[0].headers


def test_a_write_still_running_under_its_key_is_waited_for():
    """Retry after a lost answer while the first attempt still runs: the service says 409
    with Retry-After; the client waits and asks again, and gets the replay."""
    replay = httpx.Response(201, json=FILING, headers={"Idempotent-Replayed": "true"})
    in_use = problem(409, "idempotency-key", **{"Retry-After": "1"})
    service = Recorder(answers(httpx.ReadTimeout("slow"), in_use, replay))
    with service.client() as client:
        filed = client.file_report("occupancy", ReportParams(period="2024-H1"))
    assert filed.answer.replayed and filed.filing.id == FILING["id"]
    assert service.sleeps == [RetryPolicy().backoff(1), 1.0]


def test_another_conflict_is_final():
    service = Recorder(answers(problem(409, "conflict", **{"Retry-After": "1"})))
    with service.client() as client, pytest.raises(ApiError) as failed:
        client.revoke_key(1)
    assert failed.value.status == 409 and len(service.requests) == 1


def test_the_timeout_is_on_every_request():
    service = Recorder(lambda request: ok())
    with service.client(timeout=httpx.Timeout(7.0, connect=2.0)) as client:
        client.report("summary")
    assert service.requests[0].extensions["timeout"] == {
        "connect": 2.0,
        "read": 7.0,
        "write": 7.0,
        "pool": 7.0,
    }


# ------------------------------------------------------------------- keys and answers


def test_the_api_key_is_sent_as_a_bearer_token():
    service = Recorder(lambda request: ok())
    with service.client(api_key="occ_0123456789ab_secret") as client:
        client.report("summary")
    assert service.requests[0].headers["Authorization"] == "Bearer occ_0123456789ab_secret"


def test_from_env_reads_the_key_and_treats_empty_as_none(monkeypatch):
    monkeypatch.setenv(API_KEY_VARIABLE, "occ_0123456789ab_secret")
    with OccupancyClient.from_env(BASE) as client:
        assert client.has_key
    monkeypatch.setenv(API_KEY_VARIABLE, "")
    with OccupancyClient.from_env(BASE) as client:
        assert not client.has_key
    monkeypatch.delenv(API_KEY_VARIABLE)
    with OccupancyClient.from_env(BASE) as client:
        assert not client.has_key


@pytest.mark.parametrize("url", ["ftp://example.org", "example.org", "http://", "/api"])
def test_a_base_url_that_is_not_http_is_refused(url):
    with pytest.raises(ValueError):
        OccupancyClient(url)


def test_a_problem_document_becomes_the_error():
    body = {
        "type": "/problems/validation-error",
        "title": "Invalid values",
        "status": 422,
        "detail": "params.from: is required",
        "errors": [{"field": "params.from", "message": "is required"}],
    }
    service = Recorder(
        lambda request: httpx.Response(422, json=body, headers={"X-Request-ID": "r-1"})
    )
    with service.client() as client, pytest.raises(ApiError) as failed:
        client.file_report("occupancy/history")
    error = failed.value
    assert (error.status, error.title, error.detail, error.type) == (
        422,
        body["title"],
        body["detail"],
        body["type"],
    )
    assert error.errors == [("params.from", "is required")]
    assert error.request_id == "r-1" and error.idempotency_key
    assert str(error) == f"422 {body['title']}: {body['detail']}"


def test_an_error_that_is_no_problem_document_still_says_what_happened():
    service = Recorder(
        lambda request: httpx.Response(
            404, text="<html>nginx</html>", headers={"Content-Type": "text/html"}
        )  # fmt: skip
    )
    with service.client() as client, pytest.raises(ApiError) as failed:
        client.report("summary")
    assert failed.value.status == 404 and failed.value.detail == "Not Found"
    assert failed.value.errors == [] and failed.value.problem == {}


def test_a_success_that_is_not_the_api_is_an_unexpected_answer():
    service = Recorder(lambda request: httpx.Response(201, text="<html>welcome</html>"))
    with service.client() as client, pytest.raises(UnexpectedAnswer) as failed:
        client.file_report("summary")
    assert failed.value.idempotency_key == service.requests[0].headers["Idempotency-Key"]


def test_a_report_comes_back_byte_for_byte():
    csv = "\ufeffindicator,label\r\npark_occupancy_rate,Tỷ lệ lấp đầy\r\n".encode()
    service = Recorder(lambda request: httpx.Response(200, content=csv, headers={"Content-Type": "text/csv; charset=utf-8"}))  # fmt: skip
    with service.client() as client:
        answer = client.report(
            "plan", ReportParams(plan_id=3, as_of=date(2024, 6, 24)), format="csv"
        )
    assert answer.content == csv and answer.content_type.startswith("text/csv")
    request = service.requests[0]
    assert request.url.path == "/api/v1/plans/3/report"
    assert dict(request.url.params) == {"as_of": "2024-06-24", "format": "csv"}


def test_filing_parses_the_record():
    service = Recorder(lambda request: httpx.Response(201, json=FILING))
    with service.client() as client:
        filed = client.file_report("occupancy", ReportParams(period="2024-H1"), note="H1")
    assert filed.filing.id == FILING["id"] and filed.filing.as_of == date(2024, 6, 14)
    assert filed.filing.filed_at.tzinfo is not None and not filed.answer.replayed
    request = service.requests[0]
    assert (request.method, request.url.path) == ("POST", "/api/v1/filings")
    assert request.headers["Content-Type"] == "application/json"
    assert httpx.Response(200, content=request.content).json() == {
        "report": "occupancy",
        "params": {"period": "2024-H1"},
        "note": "H1",
    }


def test_keys_are_read_page_after_page():
    made = [
        {
            "id": i,
            "name": f"k{i}",
            "role": "viewer",
            "prefix": f"{i:012x}",
            "created_at": "2024-06-01T00:00:00Z",
            "revoked_at": "2024-06-02T00:00:00Z" if i % 2 else None,
        }
        for i in range(1, 6)
    ]

    def page(request: httpx.Request) -> httpx.Response:  # a service whose pages hold two
        offset = int(request.url.params["offset"])
        return ok({"items": made[offset : offset + 2], "total": len(made), "limit": 2, "offset": offset})  # fmt: skip

    service = Recorder(page)
    with service.client() as client:
        keys = client.keys()
    assert [k.id for k in keys] == [k["id"] for k in made]
    assert [k.revoked_at is None for k in keys] == [k["revoked_at"] is None for k in made]
    assert [int(r.url.params["offset"]) for r in service.requests] == [0, 2, 4]


# --------------------------------------------------------------- reports and parameters


def test_every_report_has_its_path():
    for name in REPORTS:
        params = ReportParams(plan_id=1) if name == "plan" else ReportParams()
        path = report_path(name, params)
        assert path.startswith("/api/v1/") and path.endswith("/report" if name == "plan" else name)


def test_parameters_go_by_the_names_the_service_knows():
    params = ReportParams(from_=date(2024, 1, 1), to=date(2024, 6, 30), interval="quarter")
    assert report_query(params, "xlsx") == {
        "from": "2024-01-01",
        "to": "2024-06-30",
        "interval": "quarter",
        "format": "xlsx",
    }
    assert report_query(ReportParams(), "json") == {}  # json is the default: not sent
    assert filing_body("plan", ReportParams(plan_id=2, period="2024"), None) == {
        "report": "plan",
        "params": {"period": "2024", "plan_id": 2},
    }


@pytest.mark.parametrize(
    "name, params",
    [
        ("occupancy", ReportParams(interval="month")),
        ("occupancy/history", ReportParams(as_of=date(2024, 6, 14))),
        ("plan", ReportParams(plan_id=1, scope="all")),
        ("summary", ReportParams(plan_id=1)),
        ("plan", ReportParams(period="2024")),
        ("nonsense", ReportParams()),
    ],
)
def test_a_parameter_the_report_does_not_take_is_refused_before_anything_is_sent(name, params):
    with pytest.raises(ValueError):
        check(name, params)
    service = Recorder(lambda request: ok())
    with service.client() as client, pytest.raises(ValueError):
        client.report(name, params)
    with service.client() as client, pytest.raises(ValueError):
        client.file_report(name, params)
    assert service.requests == []


def test_what_each_report_takes_is_what_the_service_takes():
    """The client's table is the service's own (app/reports/filings.py ACCEPTS)."""
    from app.reports.filings import ACCEPTS

    assert {name: set(taken) for name, taken in TAKES.items()} == ACCEPTS
    assert set(REPORTS) == set(ACCEPTS)


def test_importing_the_client_loads_nothing_of_the_service():
    """A script needs httpx, not the service's stack (tests/test_structure.py checks the
    imports as written; this checks what importing really loads)."""
    service = ("fastapi", "starlette", "sqlalchemy", "pydantic", "alembic", "uvicorn", "openpyxl")
    probe = (
        "import sys, app.client; "
        f"print(sorted({{m.split('.')[0] for m in sys.modules}} & set({service!r})))"
    )
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "[]"

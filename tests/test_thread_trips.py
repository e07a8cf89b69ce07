"""What a read sends to worker threads. Each trip there and back wakes the event loop and costs
about half a millisecond, so a report makes as few as the databases allow: its route's own,
and on PostgreSQL the session's close, a round trip made from a thread after the answer has
gone. The session is made, the data version read and the ETag checked on the event loop
(app.kit.deps.get_session, app.kit.conditional.data_tag, app.kit.kept): on SQLite the read is
in-process, on PostgreSQL a query on an asyncio connection (app.kit.version_reads). A read of a
few rows found by their keys (app.kit.deps.short_read) makes no trip at all on SQLite."""

import asyncio
from collections.abc import Callable, Iterator
from typing import Any

import anyio.to_thread
import pytest
from fastapi.testclient import TestClient

from app.kit import migrate
from app.kit.db import make_engine, make_read_sessionmaker, new_session
from app.kit.deps import short_read
from app.kit.settings import Settings
from app.main import create_app
from tests.conftest import bearer
from tests.databases import backend
from tests.factories import create_project, create_zone
from tests.live_server import make_key

READS = (
    "/api/v1/reports/occupancy?as_of=2024-06-30",
    "/api/v1/reports/clearance?as_of=2024-06-30",
    "/api/v1/reports/investment?as_of=2024-06-30",
    "/api/v1/reports/summary?as_of=2024-06-30",
    # Lists: written once by the route (app.kit.pagination.page_answer), not validated and
    # written again by FastAPI in a trip of its own.
    "/api/v1/zones",
    "/api/v1/projects",
    "/api/v1/plans",
    "/api/v1/filings",
    "/api/v1/imports",
)


@pytest.fixture
def trips(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[str]]:
    """The names of the calls sent to a worker thread, in order, from here on."""
    sent: list[str] = []
    run_sync = anyio.to_thread.run_sync

    async def counted(func: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
        called = getattr(func, "func", func)  # a functools.partial's function
        sent.append(getattr(called, "__name__", repr(func)))
        return await run_sync(func, *args, **kwargs)

    monkeypatch.setattr(anyio.to_thread, "run_sync", counted)
    yield sent


@pytest.mark.parametrize("answer_cache_mb", [0, 32], ids=["none kept", "kept"])
@pytest.mark.parametrize("path", READS)
def test_a_computed_read_goes_to_a_worker_thread_as_few_times_as_its_database_allows(
    scratch_url: str, trips: list[str], path: str, answer_cache_mb: int
) -> None:
    migrate.upgrade(scratch_url)
    app = create_app(Settings(database_url=scratch_url, answer_cache_mb=answer_cache_mb))
    try:
        with TestClient(app) as client:
            trips.clear()
            answer = client.get(path)
            assert answer.status_code == 200, answer.text
            assert "etag" in answer.headers
    finally:
        app.state.engine.dispose()
    # The route itself; on PostgreSQL also the session's close.
    expected = 1 if backend() == "sqlite" else 2
    assert len(trips) == expected, trips


# Reads of a few rows found by their keys (app.kit.deps.short_read), by what they read: the
# path (from the ids of a zone, a project and a clearance record) and the route's own work.
SHORT_READS = {
    "zone": ("/api/v1/zones/{zone}", "_zone_answer"),
    "zone occupancy": ("/api/v1/zones/{zone}/occupancy?as_of=2024-06-30", "_occupancy_block"),
    "project": ("/api/v1/projects/{project}", "_tagged_read"),
    "clearance record": ("/api/v1/zones/{zone}/clearance/{record}", "_tagged_read"),
}
# Those whose answers are kept (app.kit.kept): a project and a clearance record are not.
KEPT_READS = {"zone", "zone occupancy"}


@pytest.mark.parametrize("answer_cache_mb", [0, 32], ids=["none kept", "kept"])
@pytest.mark.parametrize("read", SHORT_READS)
def test_a_short_read_is_made_on_the_event_loop_on_sqlite_and_in_a_worker_thread_on_postgresql(
    scratch_url: str, trips: list[str], read: str, answer_cache_mb: int
) -> None:
    """SQLite answers a short read in-process, on the loop; on PostgreSQL the read and the
    session's close each go to a worker thread. A zone read or a zone's occupancy asked again
    under the same data version is a kept answer when answers are kept, and goes nowhere."""
    migrate.upgrade(scratch_url)
    app = create_app(Settings(database_url=scratch_url, answer_cache_mb=answer_cache_mb))
    try:
        with TestClient(app) as client:
            client.headers.update(bearer(make_key(scratch_url, "editor")))
            zone = create_zone(client)
            project = create_project(client, zone["id"])
            record = client.post(
                f"/api/v1/zones/{zone['id']}/clearance",
                json={"recorded_on": "2024-05-01", "cleared_ha": 1},
            )
            assert record.status_code == 201, record.text
            del client.headers["Authorization"]  # a key's look-up is a trip of its own
            template, work = SHORT_READS[read]
            path = template.format(
                zone=zone["id"], project=project["id"], record=record.json()["id"]
            )
            trips.clear()
            answer = client.get(path)
            assert answer.status_code == 200, answer.text
            made = list(trips)
            trips.clear()
            again = client.get(path)
            assert again.content == answer.content
            kept = answer_cache_mb > 0 and read in KEPT_READS
            assert trips == ([] if kept else made), trips
    finally:
        app.state.engine.dispose()
    assert made == ([] if backend() == "sqlite" else [work, "close"]), made


def test_a_short_read_on_sqlite_lets_the_loop_turn_before_it_reads(scratch_url: str) -> None:
    """Requests that arrive together are all taken in before any of their reads is made, so
    the loop's turns stay short and a new connection is not kept waiting behind them."""
    migrate.upgrade(scratch_url)
    engine = make_engine(scratch_url)
    made: list[str] = []

    async def request(name: str) -> str:
        with new_session(make_read_sessionmaker(engine), guarded=True) as session:
            made.append(f"{name} taken in")
            return await short_read(session, lambda _: made.append(f"{name} read") or name)

    async def together() -> list[str]:
        return list(await asyncio.gather(request("a"), request("b")))

    try:
        assert asyncio.run(together()) == ["a", "b"]
    finally:
        engine.dispose()
    if backend() == "sqlite":
        assert made == ["a taken in", "b taken in", "a read", "b read"]
    else:  # each read goes to a worker thread: both are taken in first all the same
        assert made[:2] == ["a taken in", "b taken in"]
        assert sorted(made[2:]) == ["a read", "b read"]

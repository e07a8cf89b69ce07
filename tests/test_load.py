"""A burst of writes against a real multi-worker server: every request is answered (201, or
409/503 with Retry-After when the service sheds load on purpose), none is dropped, none waits
past 15 s, and the rows stored are exactly the 201s. bench/load.py runs the full-size burst
(300 requests, 100 in flight, 1/2/4 workers) and prints the figures."""

import asyncio
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from sqlalchemy import func, select

from app.kit import migrate
from app.kit.db import make_engine, make_sessionmaker
from app.models import Project
from bench.load import burst
from tests.factories import zone_body
from tests.live_server import make_key, running_server

pytestmark = pytest.mark.server

WORKERS = 2
REQUESTS = 120
IN_FLIGHT = 40


@pytest.fixture
def served(scratch_url: str, tmp_path: Path) -> Iterator[tuple[str, dict[str, str], int]]:
    migrate.upgrade(scratch_url)
    headers = {"Authorization": f"Bearer {make_key(scratch_url, 'editor')}"}
    with running_server(scratch_url, workers=WORKERS, log_path=tmp_path / "server.log") as base:
        zone = httpx.post(
            f"{base}/api/v1/zones",
            json=zone_body(total_area_ha=1000, industrial_land_ha=900),
            headers=headers,
            timeout=30,
        )
        assert zone.status_code == 201, zone.text
        yield base, headers, zone.json()["id"]


def _stored(url: str) -> int:
    engine = make_engine(url)
    try:
        with make_sessionmaker(engine)() as session:
            return session.scalar(select(func.count()).select_from(Project)) or 0
    finally:
        engine.dispose()


@pytest.mark.parametrize("keyed", [False, True], ids=["no key", "Idempotency-Key"])
def test_a_write_burst_is_answered_in_full(served, scratch_url, keyed):
    base, headers, zone_id = served
    before = _stored(scratch_url)
    result = asyncio.run(burst(base, headers, zone_id, REQUESTS, IN_FLIGHT, keyed))

    assert dict(result.failures) == {}, result.line()  # no dropped connection, no timeout
    assert set(result.statuses) <= {201, 409, 503}, result.line()
    assert sum(result.statuses.values()) == REQUESTS
    assert result.missing_retry_after == 0, result.line()
    assert result.slowest_s < 15, result.line()
    assert result.statuses[201] > 0, result.line()
    assert _stored(scratch_url) - before == result.statuses[201]

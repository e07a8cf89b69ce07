"""Schemathesis fuzzing of the whole HTTP API, in process, on a database of its own.

Every test phase Schemathesis 4 has runs here, with every check enabled:

- examples, coverage and fuzzing: `test_api`, one subtest per API operation (the phases are
  the modes of the Hypothesis test Schemathesis builds for each operation);
- stateful: `TestStateful`, sequences of calls chained through the links Schemathesis infers
  between operations (create a zone, then read, patch, delete it, add projects to it, ...).

The checks (`checks.enabled = true` turns on all of them): not_a_server_error,
status_code_conformance, content_type_conformance, response_headers_conformance,
response_schema_conformance, negative_data_rejection, positive_data_acceptance,
missing_required_header, unsupported_method, allow_header_conformance, use_after_free,
ensure_resource_availability, ignored_auth.

The database is a scratch one (SQLite file, or a fresh PostgreSQL database when
TEST_DATABASE_URL is set), migrated and loaded with the demo data so that generated ids hit
real rows. Requests carry an admin key when the service has API keys.

Knobs: FUZZ_MAX_EXAMPLES (Hypothesis examples per operation and phase, and stateful scenarios;
default 25, which keeps the module around a minute on 2 cores) and FUZZ_SEED (default fixed, so
a run is reproducible; set another to explore). Deselect with `-m "not fuzz"`.

For a report of every failure at once (this test stops at the first failure of each
operation), run the CLI against a live server, e.g.
`schemathesis run http://127.0.0.1:8000/openapi.json --phases examples,coverage,fuzzing,stateful
--checks all --continue-on-failure -n 100`.
"""

import os
import subprocess
import sys
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

schemathesis = pytest.importorskip("schemathesis", minversion="4.0")
hypothesis = pytest.importorskip("hypothesis")

from app import migrate  # noqa: E402 - after the optional imports above
from app.db import make_engine  # noqa: E402
from app.main import create_app  # noqa: E402
from app.settings import Settings  # noqa: E402
from tests.databases import scratch_database  # noqa: E402

pytestmark = pytest.mark.fuzz

ROOT = Path(__file__).resolve().parents[1]
MAX_EXAMPLES = int(os.environ.get("FUZZ_MAX_EXAMPLES", "25"))
SEED = int(os.environ.get("FUZZ_SEED", "20240624"))

CONFIG = schemathesis.Config.from_dict(
    {
        "seed": SEED,
        "phases": {
            "examples": {"enabled": True},
            "coverage": {"enabled": True},
            "fuzzing": {"enabled": True},
            "stateful": {"enabled": True},
        },
        "checks": {"enabled": True},
        "generation": {
            "mode": "all",  # valid and invalid requests
            "max-examples": MAX_EXAMPLES,
            "database": "none",  # no .hypothesis/ directory in the work tree
        },
    }
)


def fuzz_settings(database_url: str) -> Settings:
    """The service's settings for the fuzz run: defaults, on the given database."""
    return Settings(database_url=database_url)


class Target:
    """The ASGI application under test.

    The schema has to be loaded when this module is imported (that is when pytest
    parametrizes `test_api`), before any fixture can make the database; so Schemathesis talks
    to this stand-in, which serves the OpenAPI document from an application that never
    touches its database until `fuzz_database` binds the real one. It also counts responses,
    so `test_fuzz_reached_the_api` can tell a real run from one that only met 401s.
    """

    def __init__(self) -> None:
        self.app: Any = create_app(fuzz_settings("sqlite://"))
        self.key: str | None = None
        self.statuses: Counter[tuple[str, int]] = Counter()

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def counting_send(message: Any) -> None:
            if message["type"] == "http.response.start":
                self.statuses[(scope["method"], message["status"] // 100 * 100)] += 1
            await send(message)

        await self.app(scope, receive, counting_send)


TARGET = Target()
schema = schemathesis.openapi.from_asgi("/openapi.json", TARGET, config=CONFIG)


@schema.auth(refresh_interval=None)
class AdminKey:
    """`Authorization: Bearer <admin key>` on every request, once the service has API keys."""

    def get(self, case: Any, ctx: Any) -> str | None:
        return TARGET.key

    def set(self, case: Any, data: str | None, ctx: Any) -> None:
        if data is not None:
            case.headers = case.headers or {}
            case.headers["Authorization"] = f"Bearer {data}"


def occupancy(database_url: str, *args: str) -> str:
    """Run the `occupancy` command line on the fuzz database; returns its output."""
    env = os.environ | {"OCCUPANCY_DATABASE_URL": database_url, "OCCUPANCY_LOG_LEVEL": "warning"}
    done = subprocess.run(
        [sys.executable, "-m", "app.cli", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    if done.returncode != 0:
        raise RuntimeError(f"occupancy {' '.join(args)} failed:\n{done.stdout}{done.stderr}")
    return done.stdout


def admin_key(database_url: str) -> str | None:
    """A new admin key, or None when this version of the service has no `keys` command."""
    try:
        output = occupancy(database_url, "keys", "create", "--name", "fuzz", "--role", "admin")
    except RuntimeError as exc:
        if "invalid choice: 'keys'" in str(exc):
            return None
        raise
    return output.strip().splitlines()[-1].strip()


@pytest.fixture(scope="module", autouse=True)
def fuzz_database(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A database of the fuzz run's own with the demo data, bound to TARGET for the module."""
    with scratch_database(tmp_path_factory.mktemp("fuzz")) as url:
        migrate.upgrade(url)
        occupancy(url, "demo")
        settings = fuzz_settings(url)
        engine = make_engine(url, sqlite_busy_timeout_ms=settings.sqlite_busy_timeout_ms)
        placeholder = TARGET.app
        TARGET.app = create_app(settings, engine)
        TARGET.key = admin_key(url)
        try:
            yield url
        finally:
            TARGET.app, TARGET.key = placeholder, None
            engine.dispose()


@schema.parametrize()
def test_api(case: Any) -> None:
    """Examples, coverage and fuzzing phases of one operation, with every check."""
    case.call_and_validate()


TestStateful = schema.as_state_machine().TestCase
TestStateful.settings = hypothesis.settings(
    max_examples=MAX_EXAMPLES,
    stateful_step_count=6,
    deadline=None,
    database=None,
    derandomize=True,
    suppress_health_check=list(hypothesis.HealthCheck),
)


def test_fuzz_reached_the_api() -> None:
    """The run above really exercised the service: writes got through (not only 401/403/422)."""
    if not TARGET.statuses:
        pytest.skip("runs after the fuzz tests of this module; nothing was fuzzed")
    created = sum(n for (method, status), n in TARGET.statuses.items() if method == "POST" and status == 200)
    assert created > 0, f"no POST succeeded; responses by (method, status class): {TARGET.statuses}"

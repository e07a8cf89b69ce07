"""Faults a real deployment meets: client retries that reuse Idempotency-Keys while the first
attempt still runs, and a server killed (SIGKILL) in the middle of a write load.

Both run against `occupancy serve` with several worker processes on a scratch database.
"""

import random
import threading
import time
import uuid
from collections import Counter, defaultdict
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from pathlib import Path

import httpx
import pytest
from sqlalchemy import create_engine, text

from app.kit import migrate
from tests.databases import backend
from tests.factories import project_body, zone_body
from tests.live_server import ServerProcess, make_key, running_server, start_server

pytestmark = pytest.mark.server

KEY_NAME = "fault-editor"
REPLAYED = "idempotent-replayed"


def _problem_type(response: httpx.Response) -> str:
    return response.json().get("type", "")


def _is_capacity_refusal(response: httpx.Response) -> bool:
    return response.status_code == 409 and _problem_type(response).endswith("/capacity-exceeded")


def _is_key_in_use(response: httpx.Response) -> bool:
    return response.status_code == 409 and _problem_type(response).endswith("/idempotency-key")


def _replayed(response: httpx.Response) -> bool:
    return response.headers.get(REPLAYED) == "true"


def _zone(base: str, auth: dict[str, str], **overrides) -> dict:
    response = httpx.post(
        f"{base}/api/v1/zones", json=zone_body(**overrides), headers=auth, timeout=30
    )
    assert response.status_code == 201, response.text
    return response.json()


def _zone_projects(base: str, auth: dict[str, str], zone_id: int) -> list[dict]:
    response = httpx.get(
        f"{base}/api/v1/projects",
        params={"zone_id": zone_id, "limit": 500},
        headers=auth,
        timeout=30,
    )
    assert response.status_code == 200, response.text
    page = response.json()
    assert page["total"] == len(page["items"])
    return page["items"]


# --- 1. retries reusing Idempotency-Keys, racing their first attempt ------------------------


def test_retried_registrations_with_idempotency_keys_lease_exactly_the_capacity(
    scratch_url: str, tmp_path: Path
):
    migrate.upgrade(scratch_url)
    auth = {"Authorization": f"Bearer {make_key(scratch_url, 'editor', KEY_NAME)}"}
    # Several writers at once in each worker: copies of one request must be able to race
    # each other (on SQLite a worker lets one writer at a time through by default, which
    # makes the race this test is about rare).
    concurrent = {"OCCUPANCY_WRITE_SLOTS": "8"}
    with running_server(
        scratch_url, workers=3, log_path=tmp_path / "server.log", env=concurrent
    ) as base:
        zone = _zone(base, auth, total_area_ha=20, industrial_land_ha=10, service_land_ha=0)
        registrations = {
            f"retry-{i}-{uuid.uuid4().hex}": project_body(
                zone["id"], leased_ha=0.5, lease_start="2024-01-01"
            )
            for i in range(40)
        }
        # Every registration 2 or 3 times, the copies side by side so that they reach the
        # pool's threads together; later copies wait 0-60 ms, so some race the first attempt
        # and some arrive once it has finished.
        rng = random.Random(20240101)
        sends = [
            (key, copy, rng.uniform(0, 0.06) if copy else 0.0)
            for i, key in enumerate(registrations)
            for copy in range(2 + i % 2)
        ]

        with httpx.Client(base_url=base, headers=auth, timeout=60) as http:

            def send(item: tuple[str, int, float]) -> httpx.Response:
                key, _copy, delay = item
                time.sleep(delay)
                return http.post(
                    "/api/v1/projects", json=registrations[key], headers={"Idempotency-Key": key}
                )

            with ThreadPoolExecutor(16) as pool:
                responses = list(pool.map(send, sends))
            # One more copy of every registration once the burst is over: whether a racing
            # copy found the first attempt running or finished depends on this machine's
            # speed, but a retry after it finished is always a replay.
            late = [(key, -1, 0.0) for key in registrations]
            sends += late
            responses += [send(item) for item in late]

            by_key: dict[str, list[httpx.Response]] = defaultdict(list)
            for (key, _copy, _delay), response in zip(sends, responses, strict=True):
                by_key[key].append(response)

            # No 5xx, nothing but 201 / 409 capacity / 409 key-in-use.
            for response in responses:
                assert response.status_code in (201, 409), (response.status_code, response.text)
                if response.status_code == 409:
                    assert _is_capacity_refusal(response) or _is_key_in_use(response), response.text
                if _is_key_in_use(response):
                    assert not _replayed(response)

            originals: dict[str, httpx.Response] = {}
            for key, answers in by_key.items():
                first = [r for r in answers if not _replayed(r) and not _is_key_in_use(r)]
                # Exactly one attempt per key ran; every other one was replayed or refused.
                assert len(first) == 1, (key, [(r.status_code, r.headers, r.text) for r in answers])
                original = originals[key] = first[0]
                for replay in (r for r in answers if _replayed(r)):
                    assert replay.status_code == original.status_code
                    assert replay.json() == original.json()
                ids = {r.json()["id"] for r in answers if r.status_code == 201}
                assert len(ids) <= 1, (key, ids)

            kinds = Counter(
                "in-use" if _is_key_in_use(r) else "replay" if _replayed(r) else "first"
                for r in responses
            )
            print(f"\n{len(responses)} sends: {dict(kinds)}")
            assert kinds["in-use"] > 0, kinds  # copies raced a first attempt still running
            assert kinds["replay"] >= len(late), kinds  # and every late retry was replayed
            assert all(_replayed(by_key[key][-1]) for key, *_ in late)
            outcomes = Counter(
                "created" if r.status_code == 201 else "refused" for r in originals.values()
            )
            assert outcomes == {"created": 20, "refused": 20}, outcomes
            for refusal in (r for r in originals.values() if r.status_code == 409):
                assert _is_capacity_refusal(refusal)
                assert refusal.json()["available_ha"] == 0
            created_ids = {r.json()["id"] for r in responses if r.status_code == 201}
            assert len(created_ids) == 20
            stored = _zone_projects(base, auth, zone["id"])
            assert {p["id"] for p in stored} == created_ids
            assert sum(Decimal(str(p["leased_ha"])) for p in stored) == Decimal(10)
            for key, original in originals.items():
                if original.status_code == 201:
                    stored_one = next(p for p in stored if p["id"] == original.json()["id"])
                    assert stored_one["name"] == registrations[key]["name"]

            # After the storm, one more retry of every key gets the stored outcome back.
            for key, body in registrations.items():
                again = http.post("/api/v1/projects", json=body, headers={"Idempotency-Key": key})
                original = originals[key]
                assert _replayed(again), (key, again.status_code, again.text)
                assert again.status_code == original.status_code, again.text
                assert again.json() == original.json()
                if again.status_code == 201:
                    assert again.headers["location"] == f"/api/v1/projects/{again.json()['id']}"
                else:
                    assert _is_capacity_refusal(again)

        zone_after = httpx.get(f"{base}/api/v1/zones/{zone['id']}", headers=auth, timeout=30).json()
        assert Decimal(str(zone_after["leased_industrial_ha"])) == Decimal(10)
        assert zone_after["available_ha"] == 0


# --- 2. SIGKILL of the whole server in the middle of a write load ---------------------------

LAND_HA = Decimal(30)
LEASE_HA = Decimal("0.37")
LEASE_START = "2024-01-01"
CLIENTS = 8
KILL_AFTER_ACKS = 15
# The store treats an in_progress claim older than 60 s as abandoned; allow for that and a margin.
RETRY_WINDOW_S = 75


@dataclass
class Load:
    acked: dict[str, dict]  # key -> the 2xx response body (the acknowledged project)
    refused: dict[str, dict]  # key -> a 409 capacity refusal
    in_flight: dict[str, dict]  # key -> request body; sent, connection lost, outcome unknown
    never_sent: dict[str, dict]  # key -> request body; connection refused (server gone)
    unexpected: list[tuple[str, int, str]]
    bodies: dict[str, dict]


def _leases_in_effect_sql(database_url: str, zone_id: int, day: date) -> tuple[Decimal, Decimal]:
    """(sum of industrial leases in effect on `day`, industrial land), straight from the tables.

    Areas are stored as whole square metres (hectares x 10^4)."""
    engine = create_engine(database_url)
    try:
        with engine.connect() as connection:
            leased = connection.execute(
                text(
                    "SELECT COALESCE(SUM(leased_ha), 0) FROM projects"
                    " WHERE zone_id = :zone AND land_use = 'industrial' AND lease_start <= :day"
                    " AND (lease_end IS NULL OR lease_end > :day)"
                    " AND (terminated_on IS NULL OR terminated_on > :day)"
                ),
                {"zone": zone_id, "day": day},
            ).scalar_one()
            land = connection.execute(
                text(
                    "SELECT industrial_land_ha FROM zone_states WHERE zone_id = :zone"
                    " AND (valid_from IS NULL OR valid_from <= :day)"
                    " AND (valid_to IS NULL OR valid_to > :day)"
                ),
                {"zone": zone_id, "day": day},
            ).scalar_one()
    finally:
        engine.dispose()
    return Decimal(int(leased)).scaleb(-4), Decimal(int(land)).scaleb(-4)


def _stored_by_name(database_url: str, zone_id: int) -> dict[str, list[tuple[int, Decimal, str]]]:
    engine = create_engine(database_url)
    try:
        with engine.connect() as connection:
            rows = connection.execute(
                text("SELECT id, name, leased_ha, investor FROM projects WHERE zone_id = :zone"),
                {"zone": zone_id},
            ).all()
    finally:
        engine.dispose()
    stored: dict[str, list[tuple[int, Decimal, str]]] = defaultdict(list)
    for project_id, name, leased, investor in rows:
        stored[name].append((project_id, Decimal(int(leased)).scaleb(-4), investor))
    return stored


def _idempotency_states(database_url: str, keys: list[str]) -> dict[str, str]:
    engine = create_engine(database_url)
    try:
        with engine.connect() as connection:
            rows = connection.execute(
                text("SELECT key, state FROM idempotency_records WHERE caller = :caller"),
                {"caller": KEY_NAME},
            ).all()
    finally:
        engine.dispose()
    states = dict(rows)
    return {key: states.get(key, "absent") for key in keys}


def _run_load_and_kill(server: ServerProcess, auth: dict[str, str], zone_id: int) -> Load:
    load = Load({}, {}, {}, {}, [], {})
    lock = threading.Lock()
    stop = threading.Event()

    def client() -> None:
        with httpx.Client(base_url=server.base, headers=auth, timeout=30) as http:
            while not stop.is_set():
                key = f"kill-{uuid.uuid4().hex}"
                body = project_body(
                    zone_id, leased_ha=float(LEASE_HA), lease_start=LEASE_START, name=f"fault {key}"
                )
                with lock:
                    load.bodies[key] = body
                try:
                    response = http.post(
                        "/api/v1/projects", json=body, headers={"Idempotency-Key": key}
                    )
                except httpx.ConnectError:
                    with lock:
                        load.never_sent[key] = body
                    return
                except httpx.TransportError:
                    with lock:
                        load.in_flight[key] = body
                    return
                with lock:
                    if response.status_code == 201:
                        load.acked[key] = response.json()
                    elif _is_capacity_refusal(response):
                        load.refused[key] = response.json()
                    else:
                        load.unexpected.append((key, response.status_code, response.text))

    threads = [threading.Thread(target=client) for _ in range(CLIENTS)]
    for thread in threads:
        thread.start()
    deadline = time.monotonic() + 30
    while len(load.acked) < KILL_AFTER_ACKS and time.monotonic() < deadline:
        time.sleep(0.005)
    server.kill_group()
    stop.set()
    for thread in threads:
        thread.join(timeout=30)
    assert not any(thread.is_alive() for thread in threads)
    assert not server.group_alive(), "a worker survived SIGKILL of the process group"
    return load


@pytest.mark.skipif(backend() != "postgresql", reason="needs TEST_DATABASE_URL on PostgreSQL")
def test_sigkill_mid_load_loses_no_acknowledged_write_and_keeps_capacity(
    scratch_url: str, tmp_path: Path
):
    started = time.monotonic()
    migrate.upgrade(scratch_url)
    auth = {"Authorization": f"Bearer {make_key(scratch_url, 'editor', KEY_NAME)}"}
    first = start_server(scratch_url, workers=2, log_path=tmp_path / "server-1.log")
    try:
        zone = _zone(
            first.base, auth, total_area_ha=40, industrial_land_ha=float(LAND_HA), service_land_ha=0
        )
        load = _run_load_and_kill(first, auth, zone["id"])
    finally:
        first.stop()
    killed_at = time.monotonic()

    assert not load.unexpected, load.unexpected
    assert len(load.acked) >= KILL_AFTER_ACKS, "the load never got going"
    assert not load.refused, "the zone filled before the kill; the kill came too late"
    assert load.in_flight, "no request was in flight at the kill"

    # What survived the kill, before any retry: every acknowledged write, exactly as
    # acknowledged, plus perhaps some in-flight ones; nothing else, and no key twice.
    stored = _stored_by_name(scratch_url, zone["id"])
    for key, project in load.acked.items():
        assert stored.get(f"fault {key}") == [
            (project["id"], LEASE_HA, load.bodies[key]["investor"])
        ], key
        assert Decimal(str(project["leased_ha"])) == LEASE_HA
    keys_stored = {name.removeprefix("fault ") for name in stored}
    assert keys_stored <= set(load.acked) | set(load.in_flight), keys_stored - set(load.acked)
    assert not keys_stored & set(load.never_sent)
    committed_unacked = keys_stored & set(load.in_flight)
    leased, land = _leases_in_effect_sql(scratch_url, zone["id"], date.today())
    assert leased <= land
    states_at_restart = _idempotency_states(scratch_url, list(load.in_flight))

    second = start_server(scratch_url, workers=2, log_path=tmp_path / "server-2.log")
    try:
        with httpx.Client(base_url=second.base, headers=auth, timeout=30) as http:
            # Retry every in-flight write with its own key until it has a final answer.
            answers: dict[str, httpx.Response] = {}
            waited_for: dict[str, float] = {}
            pending = dict(load.in_flight)
            retry_started = time.monotonic()
            while pending and time.monotonic() - killed_at < RETRY_WINDOW_S:
                for key, body in list(pending.items()):
                    response = http.post(
                        "/api/v1/projects", json=body, headers={"Idempotency-Key": key}
                    )
                    assert response.status_code < 500, response.text
                    if _is_key_in_use(response):
                        continue
                    answers[key] = response
                    waited_for[key] = time.monotonic() - retry_started
                    del pending[key]
                if pending:
                    time.sleep(1)
            assert not pending, (
                f"retries still refused as in progress {RETRY_WINDOW_S} s after the kill",
                {key: states_at_restart[key] for key in pending},
            )

            for key, response in answers.items():
                if key in committed_unacked:
                    # The write had committed; the retry replays it.
                    ((project_id, _area, _investor),) = stored[f"fault {key}"]
                    assert response.status_code == 201, response.text
                    assert _replayed(response)
                    assert response.json()["id"] == project_id
                else:
                    # The write was lost with the server; the retry runs it afresh.
                    assert not _replayed(response), response.text
                    assert response.status_code == 201 or _is_capacity_refusal(response)
            # And once more: now every in-flight key replays its final answer.
            for key, body in load.in_flight.items():
                again = http.post("/api/v1/projects", json=body, headers={"Idempotency-Key": key})
                assert _replayed(again), again.text
                assert again.status_code == answers[key].status_code
                assert again.json() == answers[key].json()

            # No key maps to two projects; every project belongs to an acked or retried key.
            after = _stored_by_name(scratch_url, zone["id"])
            assert all(len(projects) == 1 for projects in after.values()), after
            expected = set(load.acked) | {k for k, r in answers.items() if r.status_code == 201}
            assert {name.removeprefix("fault ") for name in after} == expected
            for key in expected:
                ((project_id, area, _investor),) = after[f"fault {key}"]
                answer = load.acked.get(key) or answers[key].json()
                assert answer["id"] == project_id
                assert area == LEASE_HA

            # The zone the killed transactions had locked still takes writes, up to its land.
            def register(_: int) -> int:
                return http.post(
                    "/api/v1/projects",
                    json=project_body(
                        zone["id"], leased_ha=float(LEASE_HA), lease_start=LEASE_START
                    ),
                ).status_code

            with ThreadPoolExecutor(8) as pool:
                statuses = Counter(pool.map(register, range(90)))
            assert set(statuses) <= {201, 409}, statuses
            assert statuses[409] > 0

            leased, land = _leases_in_effect_sql(scratch_url, zone["id"], date.today())
            assert land == LAND_HA
            assert leased <= land
            assert land - leased < LEASE_HA  # filled: the refusals were right
            zone_now = http.get(f"/api/v1/zones/{zone['id']}").json()
            assert Decimal(str(zone_now["leased_industrial_ha"])) == leased
            assert Decimal(str(zone_now["available_ha"])) == land - leased
            assert Decimal(str(zone_now["available_ha"])) >= 0
    finally:
        second.stop()

    print(
        f"\nSIGKILL run: {len(load.acked)} acknowledged, {len(load.in_flight)} in flight "
        f"({len(committed_unacked)} committed unacknowledged), {len(load.never_sent)} never sent; "
        f"idempotency records of in-flight keys at restart: {Counter(states_at_restart.values())}; "
        f"retry answers after {sorted(round(s, 1) for s in waited_for.values())} s; "
        f"total {time.monotonic() - started:.1f} s"
    )


# --- 3. a slow first attempt outlives the 60 s abandonment limit -----------------------------


@pytest.mark.skipif(backend() != "postgresql", reason="needs TEST_DATABASE_URL on PostgreSQL")
def test_a_retry_after_60_s_of_a_still_running_first_attempt_does_not_write_twice(
    scratch_url: str, tmp_path: Path
):
    """The first attempt waits more than 60 s for the zone's row lock (held here by another
    transaction, as a long writer would); its client gives up and retries with the same key.

    By default a writer gives up on a row lock after 10 s (503); the server here waits longer,
    so that the first attempt is still running when its claim may be taken over (60 s)."""
    migrate.upgrade(scratch_url)
    auth = {"Authorization": f"Bearer {make_key(scratch_url, 'editor', KEY_NAME)}"}
    patient = {"OCCUPANCY_PG_LOCK_TIMEOUT_MS": "150000", "OCCUPANCY_QUEUE_TIMEOUT_S": "120"}
    server = start_server(scratch_url, workers=2, log_path=tmp_path / "server.log", env=patient)
    engine = create_engine(scratch_url)
    try:
        zone = _zone(server.base, auth, total_area_ha=20, industrial_land_ha=10, service_land_ha=0)
        key = f"slow-{uuid.uuid4().hex}"
        body = project_body(zone["id"], leased_ha=1, lease_start=LEASE_START, name=f"fault {key}")
        headers = auth | {"Idempotency-Key": key}
        answers: dict[str, httpx.Response] = {}

        def attempt(name: str) -> None:
            answers[name] = httpx.post(
                f"{server.base}/api/v1/projects", json=body, headers=headers, timeout=150
            )

        def lock_waiters() -> int:
            with engine.connect() as connection:
                return connection.execute(
                    text(
                        "SELECT count(*) FROM pg_stat_activity"
                        " WHERE datname = current_database() AND wait_event_type = 'Lock'"
                    )
                ).scalar_one()

        def wait_for_lock_waiters(count: int) -> None:
            deadline = time.monotonic() + 10
            while lock_waiters() < count:
                assert time.monotonic() < deadline, "the request never queued for the zone lock"
                time.sleep(0.05)

        with engine.connect() as blocker, blocker.begin() as holding:
            blocker.execute(
                text("SELECT id FROM zones WHERE id = :zone FOR UPDATE"), {"zone": zone["id"]}
            )
            first = threading.Thread(target=attempt, args=("first",))
            first.start()
            wait_for_lock_waiters(1)
            claimed = time.monotonic()
            early = httpx.post(
                f"{server.base}/api/v1/projects", json=body, headers=headers, timeout=10
            )
            assert _is_key_in_use(early), early.text  # the contract's 409 while it runs
            time.sleep(max(0.0, claimed + 61 - time.monotonic()))
            second = threading.Thread(target=attempt, args=("second",))
            second.start()
            second.join(timeout=3)
            if not second.is_alive():  # refused at once: the claim was not taken over
                assert _is_key_in_use(answers["second"]), answers["second"].text
            else:
                wait_for_lock_waiters(2)
            holding.rollback()
        first.join(timeout=60)
        second.join(timeout=60)

        stored = _stored_by_name(scratch_url, zone["id"]).get(f"fault {key}", [])
        ids = {r.json()["id"] for r in answers.values() if r.status_code == 201}
        later = httpx.post(f"{server.base}/api/v1/projects", json=body, headers=headers, timeout=30)
        summary = {
            n: (r.status_code, r.headers.get(REPLAYED), r.text[:60]) for n, r in answers.items()
        }
        assert len(stored) == 1, f"one key, {len(stored)} projects {stored}; answers {summary}"
        assert ids == {stored[0][0]}, ids
        assert later.status_code == 201 and later.json()["id"] == stored[0][0]
    finally:
        engine.dispose()
        server.stop()

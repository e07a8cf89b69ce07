"""The capacity invariant under concurrent requests to a real multi-process server."""

from collections import Counter
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from decimal import Decimal
from pathlib import Path

import httpx
import pytest

from app.kit import migrate
from tests.factories import project_body, zone_body
from tests.live_server import make_key, running_server

pytestmark = pytest.mark.server

WORKERS = 3
THREADS = 16


@pytest.fixture
def server(scratch_url: str, tmp_path: Path) -> Iterator[httpx.Client]:
    """A client (with an editor key) of a real server with several worker processes."""
    migrate.upgrade(scratch_url)
    auth = {"Authorization": f"Bearer {make_key(scratch_url, 'editor')}"}
    with running_server(scratch_url, workers=WORKERS, log_path=tmp_path / "server.log") as base:
        with httpx.Client(base_url=base, timeout=60, headers=auth) as http:
            yield http


def _post_many(http: httpx.Client, path: str, bodies: list[dict]) -> list[httpx.Response]:
    with ThreadPoolExecutor(THREADS) as pool:
        return list(pool.map(lambda body: http.post(path, json=body), bodies))


def _zone(http: httpx.Client, **overrides) -> dict:
    response = http.post("/api/v1/zones", json=zone_body(**overrides))
    assert response.status_code == 201, response.text
    return response.json()


def _all_projects(http: httpx.Client, zone_id: int) -> list[dict]:
    response = http.get("/api/v1/projects", params={"zone_id": zone_id, "limit": 500})
    assert response.status_code == 200
    return response.json()["items"]


def test_parallel_registrations_lease_exactly_the_capacity(server: httpx.Client):
    zone = _zone(server, total_area_ha=20, industrial_land_ha=10, service_land_ha=0)
    bodies = [project_body(zone["id"], leased_ha=0.5, lease_start="2024-01-01") for _ in range(60)]
    responses = _post_many(server, "/api/v1/projects", bodies)

    statuses = Counter(r.status_code for r in responses)
    assert statuses == {201: 20, 409: 40}, statuses
    for refused in (r for r in responses if r.status_code == 409):
        assert refused.json()["type"].endswith("/capacity-exceeded")
        assert refused.json()["available_ha"] == 0
    stored = _all_projects(server, zone["id"])
    assert len(stored) == 20
    assert sum(Decimal(str(p["leased_ha"])) for p in stored) == Decimal(10)
    after = server.get(f"/api/v1/zones/{zone['id']}").json()
    assert after["available_ha"] == 0


def test_parallel_registrations_of_uneven_sizes_never_overfill(server: httpx.Client):
    zone = _zone(server, total_area_ha=10, industrial_land_ha=7.5, service_land_ha=0)
    sizes = [Decimal("0.37") + Decimal(i % 7) / 10 for i in range(48)]
    bodies = [
        project_body(zone["id"], leased_ha=float(size), lease_start="2023-05-01") for size in sizes
    ]
    responses = _post_many(server, "/api/v1/projects", bodies)

    assert all(r.status_code in (201, 409) for r in responses), [r.text for r in responses]
    accepted = sum(
        (size for size, r in zip(sizes, responses, strict=True) if r.status_code == 201),
        Decimal(0),
    )
    stored = sum(Decimal(str(p["leased_ha"])) for p in _all_projects(server, zone["id"]))
    assert stored == accepted
    assert accepted <= Decimal("7.5")
    # Every refusal was right: the smallest request no longer fitted when the last one landed.
    assert Decimal("7.5") - accepted < max(
        size for size, r in zip(sizes, responses, strict=True) if r.status_code == 409
    )


def test_registrations_racing_a_land_cut_keep_the_invariant(server: httpx.Client):
    zone = _zone(server, total_area_ha=50, industrial_land_ha=20, service_land_ha=0)
    registrations = [
        (
            "POST",
            "/api/v1/projects",
            project_body(zone["id"], leased_ha=1, lease_start="2022-01-01"),
        )
        for _ in range(24)
    ]
    cuts = [
        ("PATCH", f"/api/v1/zones/{zone['id']}", {"industrial_land_ha": land})
        for land in (18, 15, 12, 9)
    ]
    requests = registrations[:6] + cuts[:2] + registrations[6:14] + cuts[2:] + registrations[14:]
    with ThreadPoolExecutor(THREADS) as pool:
        responses = list(
            pool.map(lambda req: server.request(req[0], req[1], json=req[2]), requests)
        )

    assert all(r.status_code < 500 for r in responses), [r.text for r in responses]
    final = server.get(f"/api/v1/zones/{zone['id']}").json()
    stored = sum(Decimal(str(p["leased_ha"])) for p in _all_projects(server, zone["id"]))
    assert stored == Decimal(str(final["leased_industrial_ha"]))
    assert stored <= Decimal(str(final["industrial_land_ha"]))
    assert final["available_ha"] >= 0


def test_registrations_racing_back_dated_land_cuts_keep_the_invariant_on_every_date(
    server: httpx.Client,
):
    """Revisions from a past date (§8) lock the zone like lease writes: whatever the order,
    on no date do the leases hold more than the land in effect then."""
    zone = _zone(server, total_area_ha=50, industrial_land_ha=20, service_land_ha=0)
    registrations = [
        (
            "POST",
            "/api/v1/projects",
            project_body(zone["id"], leased_ha=1, lease_start="2022-01-01"),
        )
        for _ in range(24)
    ]
    cuts = [
        (
            "PATCH",
            f"/api/v1/zones/{zone['id']}",
            {"industrial_land_ha": land, "effective_from": since},
        )
        for land, since in (
            (18, "2022-06-01"),
            (15, "2023-01-01"),
            (12, "2022-03-01"),
            (9, "2024-01-01"),
        )
    ]
    requests = registrations[:6] + cuts[:2] + registrations[6:14] + cuts[2:] + registrations[14:]
    with ThreadPoolExecutor(THREADS) as pool:
        responses = list(
            pool.map(lambda req: server.request(req[0], req[1], json=req[2]), requests)
        )

    assert all(r.status_code < 500 for r in responses), [r.text for r in responses]
    refused = [r.json() for r in responses if r.status_code == 409]
    assert all(body["type"].endswith("/capacity-exceeded") for body in refused), refused
    history = server.get(f"/api/v1/zones/{zone['id']}/history").json()["items"]
    days = {"2022-01-01", *(item["effective_from"] for item in history if item["effective_from"])}
    stored = sum(Decimal(str(p["leased_ha"])) for p in _all_projects(server, zone["id"]))
    for day in sorted(days):
        shown = server.get(f"/api/v1/zones/{zone['id']}", params={"as_of": day}).json()
        leased = Decimal(str(shown["leased_industrial_ha"]))
        assert leased <= Decimal(str(shown["industrial_land_ha"])), (day, shown)
        if day >= "2022-01-01":
            assert leased == stored  # every lease is open-ended from 2022-01-01


def test_imports_racing_registrations_keep_the_invariant_all_or_nothing(server: httpx.Client):
    """Spreadsheet imports lock every zone they touch like a registration does: whatever the
    interleaving, the zone never holds more than its land, and each import is written whole
    or not at all."""
    zone = _zone(
        server, code="KCN-RACE", total_area_ha=20, industrial_land_ha=10, service_land_ha=0
    )
    header = "zone_code,project_code,name,investor,investor_country,leased_ha,lease_start"

    def sheet(n: int) -> bytes:
        rows = [
            f"KCN-RACE,IMP-{n}-{k},Nhà máy {n}-{k},Công ty {n},VN,1,2024-01-01" for k in range(3)
        ]
        return "\n".join([header, *rows]).encode()

    requests: list[tuple[str, bytes | dict]] = []
    for n in range(8):
        requests.append(("api", project_body(zone["id"], leased_ha=1, lease_start="2024-01-01")))
        if n % 2 == 0:
            requests.append(("import", sheet(n)))

    def send(request: tuple[str, bytes | dict]) -> tuple[str, httpx.Response]:
        kind, body = request
        if isinstance(body, dict):
            return kind, server.post("/api/v1/projects", json=body)
        response = server.post(
            "/api/v1/imports",
            params={"entity": "projects"},
            content=body,
            headers={"Content-Type": "text/csv"},
        )
        return kind, response

    with ThreadPoolExecutor(THREADS) as pool:
        results = list(pool.map(send, requests))

    assert all(r.status_code < 500 for _, r in results), [r.text for _, r in results]
    imported = [r for kind, r in results if kind == "import" and r.status_code == 201]
    refused = [r.json() for kind, r in results if kind == "import" and r.status_code != 201]
    assert all(body["type"].endswith("/invalid-rows") for body in refused), refused
    assert all(e["column"] == "leased_ha" for body in refused for e in body["errors"]), refused
    registered = [r for kind, r in results if kind == "api" and r.status_code == 201]
    assert all(r.status_code in (201, 409) for kind, r in results if kind == "api")
    stored = _all_projects(server, zone["id"])
    assert len(stored) == 3 * len(imported) + len(registered)
    assert sum(Decimal(str(p["leased_ha"])) for p in stored) <= Decimal(10)
    from_imports = Counter(p["project_code"].rsplit("-", 1)[0] for p in stored if p["project_code"])
    assert all(count == 3 for count in from_imports.values()), from_imports

"""A report's rows, written to JSON, are remembered in each worker by the row each is written
from (app.kit.written_rows): a row equal to the one remembered is sent as it was written,
any other is written afresh and replaces it, within a byte budget. The occupancy and
clearance reports with their rows remembered are byte for byte the reports written afresh,
after writes, on other dates and under filters."""

import sys
from collections.abc import Iterator
from typing import Any

import orjson
import pytest
from fastapi.testclient import TestClient

from app.kit.settings import Settings
from app.kit.written_rows import WrittenRows, entry_size
from app.main import create_app
from app.reports import service
from tests.factories import create_project, create_zone

HEAD = b'{"day":"2024-06-30",'


class Writer:
    """Makes rows (key, name, figure) as JSON objects that start with HEAD's key, and
    counts the rows it was asked to make."""

    def __init__(self, rows: list[tuple[Any, ...]]) -> None:
        self.rows = rows
        self.written: list[tuple[Any, ...]] = []

    def __call__(self, positions: list[int]) -> list[dict[str, Any]]:
        made = []
        for position in positions:
            key, name, figure = self.rows[position]
            self.written.append(self.rows[position])
            made.append({"day": "2024-06-30", "id": key, "name": name, "n": figure})
        return made


def part(memo: WrittenRows, rows: list[tuple[Any, ...]]) -> tuple[list[Any], list[Any]]:
    """The part as JSON values, and the rows written for it."""
    writer = Writer(rows)
    return orjson.loads(memo.part(rows, HEAD, writer)), writer.written


def fresh(rows: list[tuple[Any, ...]]) -> list[Any]:
    return [{"day": "2024-06-30", "id": k, "name": name, "n": n} for k, name, n in rows]


ROWS = [(1, "Khu A", 10), (2, "Cụm B", 0), (3, 'Khu "C"', 123456789)]


def test_rows_not_remembered_are_written_and_a_part_asked_again_writes_none():
    memo = WrittenRows(1_048_576)
    first, written = part(memo, ROWS)
    assert first == fresh(ROWS) and written == ROWS
    assert len(memo) == 3 and memo.size > 0
    again, written = part(memo, ROWS)
    assert again == first and written == []


def test_a_row_that_changed_in_any_value_is_written_afresh_and_replaces_the_one_remembered():
    memo = WrittenRows(1_048_576)
    part(memo, ROWS)
    changed = [ROWS[0], (2, "Cụm B", 1), (3, 'Khu "D"', 123456789)]
    answer, written = part(memo, changed)
    assert answer == fresh(changed) and written == changed[1:]
    back, written = part(memo, ROWS)
    assert back == fresh(ROWS) and written == ROWS[1:]
    assert len(memo) == 3


def test_rows_of_one_part_may_be_asked_in_another_order_or_in_part():
    memo = WrittenRows(1_048_576)
    part(memo, ROWS)
    some = [ROWS[2], ROWS[0]]
    answer, written = part(memo, some)
    assert answer == fresh(some) and written == []


def test_with_no_budget_nothing_is_remembered_and_every_row_is_written_every_time():
    memo = WrittenRows(0)
    assert memo.ignores([1]) and not WrittenRows(1_048_576).ignores([1])
    for _ in range(2):
        answer, written = part(memo, ROWS)
        assert answer == fresh(ROWS) and written == ROWS
    assert len(memo) == 0 and memo.size == 0


def test_once_the_budget_is_spent_rows_not_remembered_are_written_every_time():
    one = WrittenRows(1_048_576)
    part(one, ROWS[:1])
    memo = WrittenRows(one.size)  # room for the first row only
    part(memo, ROWS)
    assert len(memo) == 1 and memo.size <= memo.max_bytes
    answer, written = part(memo, ROWS)
    assert answer == fresh(ROWS) and written == ROWS[1:]
    # The one remembered is still replaced when it changes (same size or smaller).
    changed = [(1, "Khu Z", 10)]
    answer, written = part(memo, changed)
    assert answer == fresh(changed) and written == changed
    assert part(memo, changed)[1] == []
    # A part of rows none of which is remembered is written in one go, not taken apart row
    # by row to be remembered (a row that does not start with the head is not looked at).
    others = [(4, "Khu E", 4), (5, "Khu F", 5)]
    assert memo.ignores([4, 5]) and not memo.ignores([4, 1])
    answer, written = part(memo, others)
    assert answer == fresh(others) and written == others
    whole = memo.part(others, HEAD, lambda positions: [{"id": n} for n in positions])
    assert orjson.loads(whole) == [{"id": 0}, {"id": 1}]
    assert len(memo) == 1


def test_a_new_budget_drops_what_is_remembered():
    memo = WrittenRows(1_048_576)
    part(memo, ROWS)
    memo.resize(2_097_152)
    assert len(memo) == 0 and memo.size == 0 and memo.max_bytes == 2_097_152
    assert part(memo, ROWS)[1] == ROWS


def test_a_written_row_that_does_not_start_with_the_head_is_refused_and_not_remembered():
    memo = WrittenRows(1_048_576)
    with pytest.raises(ValueError, match="does not start with"):
        memo.part(ROWS, HEAD, lambda positions: [{"id": 1} for _ in positions])
    assert len(memo) == 0


# The occupancy report ---------------------------------------------------------------------

OCCUPANCY = "/api/v1/reports/occupancy"


@pytest.fixture
def settings(database_url: str) -> Settings:
    """No answer kept whole (app.kit.answers): every report is computed from its statement."""
    return Settings(database_url=database_url, answer_cache_mb=0)


@pytest.fixture
def zones_written(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[int]]:
    """How many zones each occupancy report wrote afresh (service._zones_json's rows)."""
    counts: list[int] = []
    make = service._zones_json

    def counted(rows: list[Any], *rest: Any, **named: Any) -> list[dict[str, Any]]:
        counts.append(len(rows))
        return make(rows, *rest, **named)

    monkeypatch.setattr(service, "_zones_json", counted)
    yield counts


def report(client: TestClient, path: str = OCCUPANCY, **params: Any) -> bytes:
    response = client.get(path, params=params)
    assert response.status_code == 200, response.text
    return response.content


def afresh(
    client: TestClient, monkeypatch: pytest.MonkeyPatch, path: str = OCCUPANCY, **params: Any
) -> bytes:
    """The report with no row remembered: every zone written."""
    with monkeypatch.context() as patched:
        patched.setattr(service, "ZONE_ROWS", WrittenRows(0))
        patched.setattr(service, "CLEARANCE_ROWS", WrittenRows(0))
        return report(client, path, **params)


def test_a_report_with_its_rows_remembered_is_the_report_written_afresh(
    client: TestClient, monkeypatch: pytest.MonkeyPatch, zones_written: list[int]
):
    zones = [
        create_zone(client, kind=kind, industrial_land_ha=land, service_land_ha=2.5)
        for kind, land in (("park", 70.1234), ("cluster", 40), ("park", 9))
    ]
    for zone, leased in zip(zones, (10.0001, 40, 0.5), strict=True):
        create_project(client, zone["id"], leased_ha=leased, lease_start="2024-01-01")
    first = report(client, as_of="2024-06-30")
    assert sum(zones_written) == 3 and len(service.ZONE_ROWS) == 3
    zones_written.clear()
    assert report(client, as_of="2024-06-30") == first
    assert sum(zones_written) == 0
    assert afresh(client, monkeypatch, as_of="2024-06-30") == first

    # A lease registered since: its zone alone is written afresh, and the answer shows it.
    create_project(client, zones[2]["id"], leased_ha=3, lease_start="2024-03-01")
    zones_written.clear()
    after = report(client, as_of="2024-06-30")
    assert zones_written == [1]
    assert after != first and after == afresh(client, monkeypatch, as_of="2024-06-30")
    row = next(z for z in orjson.loads(after)["zones"] if z["id"] == zones[2]["id"])
    assert row["leased_industrial_ha"] == 3.5 and row["active_projects"] == 2

    # Another date, the same figures: every row remembered, each under the new date.
    zones_written.clear()
    later = report(client, as_of="2024-12-31")
    assert sum(zones_written) == 0
    assert later == afresh(client, monkeypatch, as_of="2024-12-31")
    assert {z["as_of"] for z in orjson.loads(later)["zones"]} == {"2024-12-31"}

    # A filter reads the same rows: remembered, and the answer the filter's own.
    zones_written.clear()
    parks = report(client, as_of="2024-12-31", kind="park")
    assert sum(zones_written) == 0
    assert parks == afresh(client, monkeypatch, as_of="2024-12-31", kind="park")
    assert [z["kind"] for z in orjson.loads(parks)["zones"]] == ["park", "park"]

    # A date before the leases: other figures, every row written afresh and remembered
    # instead (one row per zone), so that the later date's rows are written again after it.
    zones_written.clear()
    earlier = report(client, as_of="2023-12-31")
    assert sum(zones_written) == 3 and len(service.ZONE_ROWS) == 3
    assert earlier == afresh(client, monkeypatch, as_of="2023-12-31")
    assert {z["as_of"] for z in orjson.loads(earlier)["zones"]} == {"2023-12-31"}
    assert all(z["leased_industrial_ha"] == 0 for z in orjson.loads(earlier)["zones"])
    zones_written.clear()
    assert report(client, as_of="2024-12-31") == later
    assert sum(zones_written) == 3


def test_a_zone_renamed_is_written_afresh(
    client: TestClient, monkeypatch: pytest.MonkeyPatch, zones_written: list[int]
):
    zone = create_zone(client)
    report(client)
    response = client.patch(f"/api/v1/zones/{zone['id']}", json={"name": "Khu mới"})
    assert response.status_code == 200, response.text
    zones_written.clear()
    renamed = report(client)
    assert zones_written == [1]
    assert [z["name"] for z in orjson.loads(renamed)["zones"]] == ["Khu mới"]
    assert renamed == afresh(client, monkeypatch)


def test_the_budget_is_the_settings_and_with_none_the_report_is_the_same(
    database_url: str, client: TestClient, zones_written: list[int]
):
    create_zone(client)
    remembered = report(client, as_of="2024-06-30")
    create_app(Settings(database_url=database_url, row_cache_mb=0), client.app.state.engine)
    assert service.ZONE_ROWS.max_bytes == service.CLEARANCE_ROWS.max_bytes == 0
    assert len(service.ZONE_ROWS) == 0
    zones_written.clear()
    for _ in range(2):
        assert report(client, as_of="2024-06-30") == remembered
    assert zones_written == [1, 1]
    create_app(Settings(database_url=database_url), client.app.state.engine)
    # The two reports share the budget evenly.
    assert service.ZONE_ROWS.max_bytes == service.CLEARANCE_ROWS.max_bytes == 4 * 1_048_576


@pytest.mark.parametrize(
    "name",
    ["K", "Khu công nghiệp Đồng Văn IV mở rộng, giai đoạn hai, phía đông quốc lộ 1A" * 2],
    ids=["short", "long"],
)
def test_an_entry_is_counted_at_no_less_than_it_takes(client: TestClient, name: str):
    create_zone(client, name=name, province="Bà Rịa - Vũng Tàu", industrial_land_ha=70.1234)
    report(client)
    entries = service.ZONE_ROWS._entries  # what the budget counts, entry by entry
    assert len(entries) == 1
    for key, (row, written, counted) in entries.items():
        taken = (
            sys.getsizeof(row)
            + sum(map(sys.getsizeof, row))
            + sys.getsizeof(written)
            + sys.getsizeof((row, written, counted))
            + sys.getsizeof(key)
            + 24  # the dictionary's slot
        )
        assert counted == entry_size(written) >= taken
    assert service.ZONE_ROWS.size == sum(counted for _, _, counted in entries.values())


# The clearance report -------------------------------------------------------------------

CLEARANCE = "/api/v1/reports/clearance"


@pytest.fixture
def clearance_written(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[int]]:
    """How many zones each clearance report wrote afresh (service._clearance_json's rows)."""
    counts: list[int] = []
    make = service._clearance_json

    def counted(part: Any, *rest: Any) -> list[dict[str, Any]]:
        counts.append(len(part))
        return make(part, *rest)

    monkeypatch.setattr(service, "_clearance_json", counted)
    yield counts


def record(client: TestClient, zone_id: int, recorded_on: str, cleared_ha: float) -> None:
    response = client.post(
        f"/api/v1/zones/{zone_id}/clearance",
        json={"recorded_on": recorded_on, "cleared_ha": cleared_ha, "households_total": 12},
    )
    assert response.status_code == 201, response.text


def test_a_clearance_report_with_its_rows_remembered_is_the_report_written_afresh(
    client: TestClient, monkeypatch: pytest.MonkeyPatch, clearance_written: list[int]
):
    zones = [create_zone(client, clearance_required_ha=required) for required in (40, 20.0002, 0)]
    record(client, zones[0]["id"], "2024-01-10", 7.5)
    record(client, zones[1]["id"], "2023-03-01", 20.0002)
    first = report(client, CLEARANCE, as_of="2024-06-30")
    assert sum(clearance_written) == 3 and len(service.CLEARANCE_ROWS) == 3
    clearance_written.clear()
    assert report(client, CLEARANCE, as_of="2024-06-30") == first
    assert sum(clearance_written) == 0
    assert afresh(client, monkeypatch, CLEARANCE, as_of="2024-06-30") == first

    # A record since: its zone alone is written afresh.
    record(client, zones[0]["id"], "2024-05-01", 10)
    clearance_written.clear()
    after = report(client, CLEARANCE, as_of="2024-06-30")
    assert clearance_written == [1]
    assert after == afresh(client, monkeypatch, CLEARANCE, as_of="2024-06-30")
    row = next(z for z in orjson.loads(after)["zones"] if z["id"] == zones[0]["id"])
    assert row["cleared_ha"] == 10 and row["last_recorded_on"] == "2024-05-01"
    assert row["status"] == "in_progress" and row["stalled"] is False

    # Later, the same record has stalled (180 days without progress): the zone is written
    # afresh with it, the others are remembered.
    clearance_written.clear()
    later = report(client, CLEARANCE, as_of="2025-06-30")
    assert clearance_written == [1]
    assert later == afresh(client, monkeypatch, CLEARANCE, as_of="2025-06-30")
    row = next(z for z in orjson.loads(later)["zones"] if z["id"] == zones[0]["id"])
    assert row["stalled"] is True
    assert orjson.loads(later)["totals"]["stalled"] == 1

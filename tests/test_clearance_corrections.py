"""HTTP tests of correcting clearance records (docs/api.md §4): `PATCH` and `DELETE
/api/v1/zones/{zone_id}/clearance/{record_id}`, the rules re-checked against the zone's other
records, If-Match, roles and the audit trail; and the migration that gives records an
`updated_at`.

Every refusal also checks that nothing changed: the zone's records, the zone, the record's
ETag and the audit trail.
"""

from collections.abc import Iterator
from datetime import date, timedelta
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import text
from sqlalchemy.exc import IntegrityError

from app.kit import migrate
from app.kit.db import make_engine
from tests.conftest import bearer
from tests.factories import assert_problem, create_zone, error_fields
from tests.test_clearance_api import (
    RECORD_FIELDS,
    add_record,
    block_of,
    clearance_row,
    clearance_url,
    get_zone,
    iso,
    post_record,
    records,
    state,
)

AUDIT = "/api/v1/audit"


# ---------------------------------------------------------------------------- helpers


def record_url(zone_id: Any, record_id: Any) -> str:
    return f"{clearance_url(zone_id)}/{record_id}"


def patch(client: TestClient, zone_id: Any, record_id: Any, body: Any, **headers: str):
    return client.patch(record_url(zone_id, record_id), json=body, headers=headers)


def delete(client: TestClient, zone_id: Any, record_id: Any, **headers: str):
    return client.delete(record_url(zone_id, record_id), headers=headers)


def read(client: TestClient, zone_id: int, record_id: int) -> tuple[dict[str, Any], str]:
    """The record and its ETag."""
    response = client.get(record_url(zone_id, record_id))
    assert response.status_code == 200, response.text
    return response.json(), response.headers["etag"]


def etag_of(client: TestClient, zone_id: int, record_id: int) -> str:
    return read(client, zone_id, record_id)[1]


def audit_events(client: TestClient, **params: Any) -> list[dict[str, Any]]:
    response = client.get(AUDIT, params={"limit": 500, **params})
    assert response.status_code == 200, response.text
    page = response.json()
    assert page["total"] == len(page["items"]), "more events than one page"
    return page["items"]


def audit_total(client: TestClient) -> int:
    response = client.get(AUDIT, params={"limit": 1})
    assert response.status_code == 200, response.text
    return response.json()["total"]


def snapshot(client: TestClient, zone_id: int) -> tuple[Any, ...]:
    """Everything a refused correction must leave as it was."""
    listed, zone = state(client, zone_id)
    tags = {r["id"]: etag_of(client, zone_id, r["id"]) for r in listed}
    return listed, zone, tags, audit_total(client)


def patched(client: TestClient, zone_id: int, record_id: int, body: dict[str, Any], **headers):
    """PATCH succeeds: 200 with the record as GET shows it, and the same ETag."""
    response = patch(client, zone_id, record_id, body, **headers)
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].startswith("application/json")
    shown = response.json()
    assert set(shown) == RECORD_FIELDS
    assert read(client, zone_id, record_id) == (shown, response.headers["etag"])
    return shown


def refuse(response: Any, before: tuple[Any, ...], client: TestClient, zone_id: int, status: int):
    """The correction is refused with `status` and leaves everything as it was."""
    problem = assert_problem(response, status)
    assert snapshot(client, zone_id) == before
    return problem


def refuse_patch(
    client: TestClient,
    zone_id: int,
    record_id: Any,
    body: Any,
    status: int,
    *fields: str,
    url_zone_id: Any = None,
    **headers: str,
) -> dict[str, Any]:
    """PATCH is refused with `status` (naming one of `fields` when given); nothing changes."""
    before = snapshot(client, zone_id)
    target_zone = zone_id if url_zone_id is None else url_zone_id
    problem = refuse(
        patch(client, target_zone, record_id, body, **headers), before, client, zone_id, status
    )
    if fields:
        assert set(fields) & set(error_fields(problem)), problem
        assert all(error["message"] for error in problem["errors"]), problem
    return problem


def refuse_delete(
    client: TestClient,
    zone_id: int,
    record_id: Any,
    status: int,
    url_zone_id: Any = None,
    **headers: str,
) -> dict[str, Any]:
    before = snapshot(client, zone_id)
    target_zone = zone_id if url_zone_id is None else url_zone_id
    return refuse(
        delete(client, target_zone, record_id, **headers), before, client, zone_id, status
    )


@pytest.fixture
def zone(client) -> dict[str, Any]:
    """An operating park of 100 ha of which 80 ha need clearing."""
    return create_zone(client, total_area_ha=100, clearance_required_ha=80)


@pytest.fixture
def three(client, zone) -> list[dict[str, Any]]:
    """Records of 10, 30 and 50 ha on the first of January, March and May 2023."""
    return [
        add_record(
            client,
            zone["id"],
            "2023-01-01",
            10,
            households_total=100,
            households_relocated=20,
            compensation_paid_vnd=1_000,
        ),
        add_record(
            client,
            zone["id"],
            "2023-03-01",
            30,
            households_total=100,
            households_relocated=40,
            compensation_paid_vnd=3_000,
        ),
        add_record(
            client,
            zone["id"],
            "2023-05-01",
            50,
            households_total=100,
            households_relocated=60,
            compensation_paid_vnd=5_000,
        ),
    ]


def role_client(app: FastAPI, key: str | None) -> TestClient:
    headers = bearer(key) if key else {}
    return TestClient(app, raise_server_exceptions=False, headers=headers)


@pytest.fixture
def editor(app, api_keys) -> Iterator[TestClient]:
    with role_client(app, api_keys["editor"]) as made:
        yield made


@pytest.fixture
def viewer(app, api_keys) -> Iterator[TestClient]:
    with role_client(app, api_keys["viewer"]) as made:
        yield made


# ---------------------------------------------------------------------------- PATCH: success


def test_a_typo_that_blocked_every_later_entry_is_corrected(client, zone):
    typo = add_record(client, zone["id"], "2023-01-01", 75, note="Đợt 1")  # meant 7.5
    refused = post_record(client, zone["id"], {"recorded_on": "2023-02-01", "cleared_ha": 10})
    assert_problem(refused, 422, field="cleared_ha")
    old_tag = etag_of(client, zone["id"], typo["id"])

    fixed = patched(client, zone["id"], typo["id"], {"cleared_ha": 7.5})
    assert fixed == typo | {"cleared_ha": 7.5}
    assert etag_of(client, zone["id"], typo["id"]) != old_tag

    later = add_record(client, zone["id"], "2023-02-01", 10)
    assert [(r["id"], r["cleared_ha"]) for r in records(client, zone["id"])] == [
        (typo["id"], 7.5),
        (later["id"], 10),
    ]


def test_patch_changes_only_the_fields_sent(client, zone, three):
    middle = three[1]
    fixed = patched(
        client, zone["id"], middle["id"], {"households_relocated": 45, "note": "  Sửa số hộ  "}
    )
    assert fixed == middle | {"households_relocated": 45, "note": "Sửa số hộ"}
    assert fixed["created_at"] == middle["created_at"]
    assert records(client, zone["id"]) == [three[0], fixed, three[2]]


def test_patch_every_writable_field_at_once(client, zone, three):
    body = {
        "recorded_on": "2023-04-01",
        "cleared_ha": 35.1234,
        "households_total": 120,
        "households_relocated": 50,
        "compensation_paid_vnd": 4_000,
        "note": "Dòng 1\nDòng 2",
    }
    fixed = patched(client, zone["id"], three[1]["id"], body)
    assert fixed == three[1] | body
    assert records(client, zone["id"]) == [three[0], fixed, three[2]]


def test_patch_may_set_optional_fields_to_null(client, zone, three):
    body = {
        "households_total": None,
        "households_relocated": None,
        "compensation_paid_vnd": None,
        "note": None,
    }
    fixed = patched(client, zone["id"], three[1]["id"], body)
    assert fixed == three[1] | body


def test_patch_moves_recorded_on_and_the_list_follows(client, zone):
    first = add_record(client, zone["id"], "2023-01-01", 10)
    second = add_record(client, zone["id"], "2023-06-01", 10)
    moved = patched(client, zone["id"], first["id"], {"recorded_on": "2023-09-01"})
    assert moved == first | {"recorded_on": "2023-09-01"}
    assert [(r["id"], r["recorded_on"]) for r in records(client, zone["id"])] == [
        (second["id"], "2023-06-01"),
        (moved["id"], "2023-09-01"),
    ]


def test_a_record_is_not_checked_against_its_old_self(client, zone):
    record = add_record(client, zone["id"], "2023-01-01", 50)
    # Same date: not a duplicate of itself.
    assert patched(client, zone["id"], record["id"], {"cleared_ha": 40})["cleared_ha"] == 40
    assert patched(client, zone["id"], record["id"], {"recorded_on": "2023-01-01"}) == record | {
        "cleared_ha": 40
    }
    # Later and smaller than it was: its old value is not an earlier record.
    moved = patched(
        client, zone["id"], record["id"], {"recorded_on": "2023-06-01", "cleared_ha": 5}
    )
    assert (moved["recorded_on"], moved["cleared_ha"]) == ("2023-06-01", 5)
    assert [r["id"] for r in records(client, zone["id"])] == [record["id"]]


@pytest.mark.parametrize("cleared_ha", [10, 20, 50])
def test_patch_within_the_neighbours_is_200(client, zone, three, cleared_ha):
    fixed = patched(client, zone["id"], three[1]["id"], {"cleared_ha": cleared_ha})
    assert [r["cleared_ha"] for r in records(client, zone["id"])] == [10, cleared_ha, 50]
    assert fixed["cleared_ha"] == cleared_ha


def test_patch_up_to_the_zones_required_area(client, zone, three):
    assert patched(client, zone["id"], three[2]["id"], {"cleared_ha": 80})["cleared_ha"] == 80


def test_an_empty_patch_keeps_the_values(client, zone, three):
    assert patched(client, zone["id"], three[0]["id"], {}) == three[0]


def test_patch_answers_a_new_etag_each_time(client, zone, three):
    record_id = three[0]["id"]
    tags = [etag_of(client, zone["id"], record_id)]
    for note in ("một", "hai"):
        response = patch(client, zone["id"], record_id, {"note": note})
        assert response.status_code == 200, response.text
        tags.append(response.headers["etag"])
    assert len(set(tags)) == 3
    assert etag_of(client, zone["id"], record_id) == tags[-1]


def test_an_editor_may_correct_and_delete(editor, client, zone, three):
    response = patch(editor, zone["id"], three[2]["id"], {"cleared_ha": 60})
    assert response.status_code == 200, response.text
    assert response.json()["cleared_ha"] == 60
    assert delete(editor, zone["id"], three[0]["id"]).status_code == 204
    assert [r["id"] for r in records(client, zone["id"])] == [three[1]["id"], three[2]["id"]]


# ---------------------------------------------------------------------------- DELETE: success


def test_delete_is_204_and_the_record_is_gone(client, zone, three):
    response = delete(client, zone["id"], three[1]["id"])
    assert response.status_code == 204, response.text
    assert response.content == b""
    assert_problem(client.get(record_url(zone["id"], three[1]["id"])), 404)
    assert records(client, zone["id"]) == [three[0], three[2]]
    # Deleting it twice: it is no longer there.
    refuse_delete(client, zone["id"], three[1]["id"], 404)


def test_deleting_a_wrong_record_frees_the_values_it_blocked(client, zone):
    add_record(client, zone["id"], "2023-01-01", 10)
    wrong = add_record(client, zone["id"], "2023-02-01", 70)  # meant for another zone
    assert_problem(
        post_record(client, zone["id"], {"recorded_on": "2023-03-01", "cleared_ha": 20}), 422
    )
    assert delete(client, zone["id"], wrong["id"]).status_code == 204
    add_record(client, zone["id"], "2023-03-01", 20)
    assert [r["cleared_ha"] for r in records(client, zone["id"])] == [10, 20]


def test_the_date_of_a_deleted_record_is_free_again(client, zone):
    record = add_record(client, zone["id"], "2023-01-01", 10)
    assert delete(client, zone["id"], record["id"]).status_code == 204
    again = add_record(client, zone["id"], "2023-01-01", 12)
    assert records(client, zone["id"]) == [again]


def test_a_zone_whose_records_are_all_deleted_may_be_deleted(client, zone):
    record = add_record(client, zone["id"], "2023-01-01", 10)
    assert_problem(client.delete(f"/api/v1/zones/{zone['id']}"), 409)
    assert delete(client, zone["id"], record["id"]).status_code == 204
    assert client.delete(f"/api/v1/zones/{zone['id']}").status_code == 204


# ---------------------------------------------------------------------------- what reads show


def test_the_zone_block_and_the_report_follow_a_correction(client, zone):
    first_day = iso(date.today() - timedelta(days=60))
    last_day = iso(date.today() - timedelta(days=30))
    add_record(client, zone["id"], first_day, 10)
    typo = add_record(client, zone["id"], last_day, 80)  # meant 40
    today = iso(date.today())
    assert get_zone(client, zone["id"])["clearance"]["status"] == "completed"
    assert clearance_row(client, zone["id"], today)["cleared_ha"] == 80

    patched(client, zone["id"], typo["id"], {"cleared_ha": 40})
    expected = {
        "required_ha": 80,
        "cleared_ha": 40,
        "clearance_rate": 0.5,
        "status": "in_progress",
        "last_recorded_on": last_day,
        "last_progress_on": last_day,
        "stalled": False,
    }
    assert block_of(get_zone(client, zone["id"])["clearance"]) == expected
    assert block_of(clearance_row(client, zone["id"], today)) == expected

    assert delete(client, zone["id"], typo["id"]).status_code == 204
    after_delete = expected | {
        "cleared_ha": 10,
        "clearance_rate": 0.125,
        "last_recorded_on": first_day,
        "last_progress_on": first_day,
    }
    assert block_of(get_zone(client, zone["id"])["clearance"]) == after_delete
    assert block_of(clearance_row(client, zone["id"], today)) == after_delete


def test_the_report_on_past_dates_follows_a_moved_record(client, zone):
    record = add_record(client, zone["id"], "2023-01-01", 20, households_total=50)
    assert clearance_row(client, zone["id"], "2023-03-31")["cleared_ha"] == 20
    patched(client, zone["id"], record["id"], {"recorded_on": "2023-06-01"})
    before_move = clearance_row(client, zone["id"], "2023-03-31")
    assert (before_move["cleared_ha"], before_move["status"], before_move["last_recorded_on"]) == (
        0,
        "not_started",
        None,
    )
    after_move = clearance_row(client, zone["id"], "2023-06-30")
    assert (after_move["cleared_ha"], after_move["last_recorded_on"]) == (20, "2023-06-01")


# ---------------------------------------------------------------------------- If-Match


def test_patch_with_a_stale_tag_is_412_and_changes_nothing(client, zone, three):
    record_id = three[0]["id"]
    stale = etag_of(client, zone["id"], record_id)
    patched(client, zone["id"], record_id, {"note": "sửa lần 1"})
    current = etag_of(client, zone["id"], record_id)
    problem = refuse_patch(
        client, zone["id"], record_id, {"note": "sửa lần 2"}, 412, **{"If-Match": stale}
    )
    assert problem["type"].endswith("/precondition-failed")
    assert problem["current_etag"] == current
    assert read(client, zone["id"], record_id)[0]["note"] == "sửa lần 1"


def test_delete_with_a_stale_tag_is_412_and_changes_nothing(client, zone, three):
    record_id = three[0]["id"]
    stale = etag_of(client, zone["id"], record_id)
    patched(client, zone["id"], record_id, {"note": "sửa"})
    problem = refuse_delete(client, zone["id"], record_id, 412, **{"If-Match": stale})
    assert problem["current_etag"] == etag_of(client, zone["id"], record_id)


def test_a_made_up_tag_is_412(client, zone, three):
    refuse_patch(
        client, zone["id"], three[0]["id"], {"cleared_ha": 5}, 412, **{"If-Match": '"nope"'}
    )
    refuse_delete(client, zone["id"], three[0]["id"], 412, **{"If-Match": '"nope"'})


def test_the_tag_of_another_record_is_412(client, zone, three):
    other = etag_of(client, zone["id"], three[1]["id"])
    refuse_patch(client, zone["id"], three[0]["id"], {"cleared_ha": 5}, 412, **{"If-Match": other})


def test_the_current_tag_is_accepted(client, zone, three):
    record_id = three[0]["id"]
    current = etag_of(client, zone["id"], record_id)
    fixed = patched(client, zone["id"], record_id, {"cleared_ha": 5}, **{"If-Match": current})
    assert fixed["cleared_ha"] == 5
    # The tag the PATCH answered is the current one in turn.
    tag = etag_of(client, zone["id"], record_id)
    assert tag != current
    assert delete(client, zone["id"], record_id, **{"If-Match": tag}).status_code == 204
    assert [r["id"] for r in records(client, zone["id"])] == [three[1]["id"], three[2]["id"]]


def test_a_list_of_tags_naming_the_current_one_is_accepted(client, zone, three):
    current = etag_of(client, zone["id"], three[0]["id"])
    fixed = patched(
        client, zone["id"], three[0]["id"], {"note": "x"}, **{"If-Match": f'"old", {current}'}
    )
    assert fixed["note"] == "x"


def test_star_matches_any_version(client, zone, three):
    patched(client, zone["id"], three[0]["id"], {"note": "x"})
    fixed = patched(client, zone["id"], three[0]["id"], {"cleared_ha": 5}, **{"If-Match": "*"})
    assert fixed["cleared_ha"] == 5
    assert delete(client, zone["id"], three[0]["id"], **{"If-Match": "*"}).status_code == 204
    assert_problem(client.get(record_url(zone["id"], three[0]["id"])), 404)


def test_a_zone_change_does_not_stale_its_records(client, zone, three):
    tag = etag_of(client, zone["id"], three[0]["id"])
    response = client.patch(f"/api/v1/zones/{zone['id']}", json={"developer": "Viglacera"})
    assert response.status_code == 200, response.text
    assert etag_of(client, zone["id"], three[0]["id"]) == tag
    patched(client, zone["id"], three[0]["id"], {"note": "x"}, **{"If-Match": tag})


# ---------------------------------------------------------------------------- 404


@pytest.mark.parametrize("method", ["PATCH", "DELETE"])
def test_unknown_record_is_404(client, zone, three, method):
    if method == "PATCH":
        problem = refuse_patch(client, zone["id"], 999_999, {"cleared_ha": 5}, 404)
    else:
        problem = refuse_delete(client, zone["id"], 999_999, 404)
    assert "999999" in problem["detail"]


@pytest.mark.parametrize("method", ["PATCH", "DELETE"])
def test_record_through_another_zone_is_404(client, zone, three, method):
    other = create_zone(client, total_area_ha=100, clearance_required_ha=100)
    record_id = three[0]["id"]
    if method == "PATCH":
        refuse_patch(client, zone["id"], record_id, {"cleared_ha": 5}, 404, url_zone_id=other["id"])
    else:
        refuse_delete(client, zone["id"], record_id, 404, url_zone_id=other["id"])
    assert records(client, other["id"]) == []
    assert read(client, zone["id"], record_id)[0] == three[0]


@pytest.mark.parametrize("method", ["PATCH", "DELETE"])
def test_record_of_unknown_zone_is_404(client, zone, three, method):
    record_id = three[0]["id"]
    if method == "PATCH":
        problem = refuse_patch(
            client, zone["id"], record_id, {"cleared_ha": 5}, 404, url_zone_id=999_999
        )
    else:
        problem = refuse_delete(client, zone["id"], record_id, 404, url_zone_id=999_999)
    assert "zone 999999" in problem["detail"]


@pytest.mark.parametrize("bad_id", ["abc", "0", "-3", "1.5"])
def test_bad_record_id_is_422(client, zone, three, bad_id):
    refuse_patch(client, zone["id"], bad_id, {"cleared_ha": 5}, 422)
    refuse_delete(client, zone["id"], bad_id, 422)


# ---------------------------------------------------------------------------- 409


def test_moving_onto_another_records_date_is_409(client, zone, three):
    problem = refuse_patch(client, zone["id"], three[0]["id"], {"recorded_on": "2023-03-01"}, 409)
    assert problem["type"].endswith("/duplicate")
    assert "2023-03-01" in problem["detail"]


def test_moving_onto_another_records_date_with_fitting_figures_is_409(client, zone, three):
    # The figures would fit between the neighbours; the date is still taken.
    body = {
        "recorded_on": "2023-03-01",
        "cleared_ha": 30,
        "households_relocated": 40,
        "compensation_paid_vnd": 3_000,
    }
    refuse_patch(client, zone["id"], three[0]["id"], body, 409)


def test_moving_onto_a_date_taken_in_another_zone_is_allowed(client, zone, three):
    other = create_zone(client)
    add_record(client, other["id"], "2023-02-01", 1)
    moved = patched(client, zone["id"], three[0]["id"], {"recorded_on": "2023-02-01"})
    assert moved["recorded_on"] == "2023-02-01"


# ---------------------------------------------------------------------------- 422: the rules


@pytest.mark.parametrize("cleared_ha", [9.9999, 0])
def test_patch_below_an_earlier_record_is_422(client, zone, three, cleared_ha):
    refuse_patch(client, zone["id"], three[1]["id"], {"cleared_ha": cleared_ha}, 422, "cleared_ha")


@pytest.mark.parametrize("cleared_ha", [50.0001, 80])
def test_patch_above_a_later_record_is_422(client, zone, three, cleared_ha):
    refuse_patch(client, zone["id"], three[1]["id"], {"cleared_ha": cleared_ha}, 422, "cleared_ha")


def test_patch_above_the_zones_required_area_is_422(client, zone, three):
    problem = refuse_patch(
        client, zone["id"], three[2]["id"], {"cleared_ha": 80.0001}, 422, "cleared_ha"
    )
    assert "clearance_required_ha" in problem["detail"]


def test_patch_of_a_lone_record_above_the_required_area_is_422(client):
    zone = create_zone(client, total_area_ha=100, clearance_required_ha=30)
    record = add_record(client, zone["id"], "2023-01-01", 30)
    refuse_patch(client, zone["id"], record["id"], {"cleared_ha": 31}, 422, "cleared_ha")


@pytest.mark.parametrize(
    ("recorded_on", "why"),
    [("2022-12-01", "above a later"), ("2023-06-01", "below an earlier")],
)
def test_moving_a_record_past_its_neighbours_is_422(client, zone, three, recorded_on, why):
    # 30 ha before January's 10 ha, or after May's 50 ha.
    problem = refuse_patch(
        client, zone["id"], three[1]["id"], {"recorded_on": recorded_on}, 422, "cleared_ha"
    )
    assert why in problem["detail"]


@pytest.mark.parametrize(
    ("field", "low", "high"),
    [("households_relocated", 19, 61), ("compensation_paid_vnd", 999, 5_001)],
)
def test_every_cumulative_figure_is_checked_against_the_neighbours(
    client, zone, three, field, low, high
):
    refuse_patch(client, zone["id"], three[1]["id"], {field: low}, 422, field)
    refuse_patch(client, zone["id"], three[1]["id"], {field: high}, 422, field)
    assert patched(client, zone["id"], three[1]["id"], {field: low + 1})[field] == low + 1


def test_relocated_above_the_stored_total_is_422(client, zone, three):
    # The body alone is fine; merged with the stored total of 100 it is not.
    refuse_patch(
        client,
        zone["id"],
        three[2]["id"],
        {"households_relocated": 101},
        422,
        "households_relocated",
    )


def test_total_below_the_stored_relocated_is_422(client, zone, three):
    refuse_patch(
        client, zone["id"], three[1]["id"], {"households_total": 39}, 422, "households_relocated"
    )


def test_relocated_above_total_in_the_body_is_422(client, zone, three):
    body = {"households_total": 10, "households_relocated": 11}
    refuse_patch(client, zone["id"], three[0]["id"], body, 422, "households_relocated")


def test_relocated_may_reach_the_total(client, zone, three):
    fixed = patched(client, zone["id"], three[2]["id"], {"households_total": 60})
    assert (fixed["households_total"], fixed["households_relocated"]) == (60, 60)


@pytest.mark.parametrize("field", ["cleared_ha", "recorded_on"])
def test_null_for_a_required_field_is_422(client, zone, three, field):
    problem = refuse_patch(client, zone["id"], three[1]["id"], {field: None}, 422, field)
    assert "null" in problem["detail"]


@pytest.mark.parametrize(
    "extra",
    [
        {"unknown": 1},
        {"id": 5},
        {"zone_id": 1},
        {"created_at": "2023-01-01T00:00:00Z"},
        {"updated_at": "2023-01-01T00:00:00Z"},
    ],
    ids=lambda e: next(iter(e)),
)
def test_unknown_and_read_only_fields_are_422(client, zone, three, extra):
    refuse_patch(client, zone["id"], three[1]["id"], {"note": "x", **extra}, 422, next(iter(extra)))


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("cleared_ha", -1),
        ("cleared_ha", "30"),
        ("cleared_ha", 30.00001),
        ("households_total", 1.5),
        ("households_relocated", True),
        ("compensation_paid_vnd", -1),
        ("recorded_on", "2023-02-30"),
        ("recorded_on", "01-03-2023"),
        ("note", "a\x00b"),
        ("note", "ư" * 2001),
        ("note", "   "),
    ],
    ids=repr,
)
def test_bad_values_are_422(client, zone, three, field, value):
    refuse_patch(client, zone["id"], three[1]["id"], {field: value}, 422, field)


@pytest.mark.parametrize("body", [[], "x", 1, None], ids=repr)
def test_body_that_is_not_an_object_is_422(client, zone, three, body):
    refuse_patch(client, zone["id"], three[1]["id"], body, 422)


# ---------------------------------------------------------------------------- roles


def test_viewer_may_not_correct_or_delete(viewer, client, zone, three):
    record_id = three[1]["id"]
    before = snapshot(client, zone["id"])
    assert_problem(patch(viewer, zone["id"], record_id, {"cleared_ha": 20}), 403)
    assert_problem(delete(viewer, zone["id"], record_id), 403)
    assert snapshot(client, zone["id"]) == before
    # A viewer still reads the record.
    assert viewer.get(record_url(zone["id"], record_id)).json() == three[1]


def test_anonymous_may_not_correct_or_delete(anonymous, client, zone, three):
    before = snapshot(client, zone["id"])
    assert_problem(patch(anonymous, zone["id"], three[1]["id"], {"cleared_ha": 20}), 401)
    assert_problem(delete(anonymous, zone["id"], three[1]["id"]), 401)
    assert snapshot(client, zone["id"]) == before


# ---------------------------------------------------------------------------- audit


def test_a_correction_is_audited_with_before_and_after(editor, client, zone, three):
    record_id = three[1]["id"]
    fixed = patch(
        editor,
        zone["id"],
        record_id,
        {"cleared_ha": 35, "note": "Sửa"},
        **{"X-Request-ID": "fix-1"},
    )
    assert fixed.status_code == 200, fixed.text
    events = audit_events(client, entity="clearance_record", entity_id=record_id)
    assert [e["action"] for e in events] == ["create", "update"]
    event = events[-1]
    assert (event["actor"], event["action"], event["entity_id"], event["request_id"]) == (
        "test-editor",
        "update",
        record_id,
        "fix-1",
    )
    before, after = event["before"], event["after"]
    assert (before["cleared_ha"], before["note"]) == (30, None)
    assert (after["cleared_ha"], after["note"]) == (35, "Sửa")
    assert before["id"] == after["id"] == record_id
    assert before["zone_id"] == after["zone_id"] == zone["id"]
    assert before["created_at"] == after["created_at"]
    assert before["updated_at"] < after["updated_at"]
    differing = {key for key in before if before[key] != after[key]}
    assert differing == {"cleared_ha", "note", "updated_at"}


def test_a_deletion_is_audited_with_before(client, zone, three):
    record_id = three[0]["id"]
    assert delete(client, zone["id"], record_id, **{"X-Request-ID": "del-1"}).status_code == 204
    events = audit_events(client, entity="clearance_record", entity_id=record_id)
    assert [e["action"] for e in events] == ["create", "delete"]
    deleted = events[-1]
    assert (deleted["actor"], deleted["request_id"], deleted["after"]) == (
        "test-admin",
        "del-1",
        None,
    )
    assert deleted["before"]["id"] == record_id
    assert deleted["before"]["recorded_on"] == "2023-01-01"
    assert deleted["before"]["cleared_ha"] == 10
    assert deleted["before"]["households_relocated"] == 20


def test_each_correction_appends_exactly_one_event(client, zone, three):
    start = audit_total(client)
    patched(client, zone["id"], three[0]["id"], {"note": "x"})
    assert audit_total(client) == start + 1
    assert delete(client, zone["id"], three[0]["id"]).status_code == 204
    assert audit_total(client) == start + 2


# ---------------------------------------------------------------------------- the migration


def test_migration_gives_existing_records_their_creation_time(scratch_url):
    migrate.upgrade(scratch_url, "0005")
    engine = make_engine(scratch_url)  # foreign keys enforced on SQLite too
    try:
        with engine.begin() as connection:
            connection.execute(
                text(
                    "INSERT INTO zones (id, code, name, kind, province, status, total_area_ha, "
                    "industrial_land_ha, service_land_ha, clearance_required_ha, search_text, "
                    "created_at, updated_at) VALUES (1, 'KCN-M', 'M', 'park', 'Hòa Bình', "
                    "'operating', 1000000, 700000, 100000, 800000, 'm', :t, :t)"
                ),
                {"t": "2024-01-02 03:04:05+00:00"},
            )
            connection.execute(
                text(
                    "INSERT INTO clearance_records (id, zone_id, recorded_on, cleared_ha, "
                    "created_at) VALUES (1, 1, '2023-01-01', 100000, :t)"
                ),
                {"t": "2024-02-03 04:05:06+00:00"},
            )
        migrate.upgrade(scratch_url, "0006")
        with engine.connect() as connection:
            created, updated = connection.execute(
                text("SELECT created_at, updated_at FROM clearance_records WHERE id = 1")
            ).one()
            assert updated == created and updated is not None
        # NOT NULL, and the table's own constraints survived (SQLite rebuilds the table).
        for statement in (
            "INSERT INTO clearance_records (zone_id, recorded_on, cleared_ha, created_at) "
            "VALUES (1, '2023-02-01', 1, :t)",
            "INSERT INTO clearance_records (zone_id, recorded_on, cleared_ha, created_at, "
            "updated_at) VALUES (1, '2023-01-01', 1, :t, :t)",
            "INSERT INTO clearance_records (zone_id, recorded_on, cleared_ha, created_at, "
            "updated_at) VALUES (1, '2023-03-01', -1, :t, :t)",
            "INSERT INTO clearance_records (zone_id, recorded_on, cleared_ha, households_total, "
            "households_relocated, created_at, updated_at) VALUES (1, '2023-03-01', 1, 1, 2, :t, :t)",
            "INSERT INTO clearance_records (zone_id, recorded_on, cleared_ha, created_at, "
            "updated_at) VALUES (2, '2023-03-01', 1, :t, :t)",
        ):
            with pytest.raises(IntegrityError), engine.begin() as connection:
                connection.execute(text(statement), {"t": "2024-03-01 00:00:00+00:00"})
        migrate.downgrade(scratch_url, "0005")
        with engine.connect() as connection:
            columns = connection.execute(text("SELECT * FROM clearance_records")).keys()
            assert "updated_at" not in columns
            assert connection.execute(text("SELECT count(*) FROM clearance_records")).scalar() == 1
    finally:
        engine.dispose()

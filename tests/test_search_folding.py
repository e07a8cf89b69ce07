"""Search as people type (docs/api.md §2): `q` and `province` match in any case, with or
without accents, đ as d, in SQL on both databases; a zone read by its code."""

import unicodedata
from typing import Any

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from app.kit.text import like_pattern, search_fold, search_key
from app.models import ZoneState
from tests.factories import assert_problem, create_project, create_zone

ZONES = "/api/v1/zones"
PROJECTS = "/api/v1/projects"
OCCUPANCY = "/api/v1/reports/occupancy"
HISTORY = "/api/v1/reports/occupancy/history"
MERGE = "/api/v1/provinces/merge"


# The fold itself ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "typed",
    [
        "Cụm công nghiệp Đồng Tâm",
        "CỤM CÔNG NGHIỆP ĐỒNG TÂM",
        "cum cong nghiep dong tam",
        unicodedata.normalize("NFD", "Cụm công nghiệp Đồng Tâm"),
        "cụm công nghiệp đồng tâm",
    ],
)
def test_search_fold_takes_out_case_accents_and_the_stroke_of_d(typed: str) -> None:
    assert search_fold(typed) == "cum cong nghiep dong tam"


def test_search_fold_keeps_what_is_not_an_accent() -> None:
    assert search_fold("KCN-Quế Võ II") == "kcn-que vo ii"
    assert search_fold("100% vốn") == "100% von"
    assert search_fold("Ðông") == "dong"  # the Icelandic eth, typed for Đ by some keyboards


def test_the_stored_key_and_the_query_fold_alike() -> None:
    key = search_key("Khu công nghiệp Lương Sơn", "KCN-LS")
    assert key == "khu cong nghiep luong son\nkcn-ls"
    assert like_pattern("LƯƠNG SƠN") == "%luong son%"
    assert like_pattern("50%_đ\\") == "%50\\%\\_d\\\\%"


# Zones: q and province -------------------------------------------------------------------------


def codes(page: dict[str, Any]) -> list[str]:
    return [item["code"] for item in page["items"]]


def listed(client, **params: Any) -> list[str]:
    response = client.get(ZONES, params=params)
    assert response.status_code == 200, response.text
    return codes(response.json())


@pytest.mark.parametrize(
    "q", ["dong tam", "ĐỒNG TÂM", "Đồng Tâm", "đồng tâm", "DONG TAM", "ong ta"]
)
def test_q_finds_a_name_however_it_is_typed(client, q: str) -> None:
    create_zone(client, code="CCN-DT", kind="cluster", name="Cụm công nghiệp Đồng Tâm")
    create_zone(client, code="CCN-TT", kind="cluster", name="Cụm công nghiệp Thanh Hà")
    assert listed(client, q=q) == ["CCN-DT"]


def test_q_matches_the_code_too_and_nothing_that_is_not_there(client) -> None:
    create_zone(client, code="CCN-DT", kind="cluster", name="Cụm công nghiệp Đồng Tâm")
    assert listed(client, q="ccn-d") == ["CCN-DT"]
    assert listed(client, q="dong tamm") == []
    assert listed(client, q="dông tam x") == []


def test_q_as_the_issue_typed_it(client) -> None:
    create_zone(client, code="KCN-NM", name="Khu công nghiệp Người Mới")
    assert listed(client, q="nguoi moi") == ["KCN-NM"]


@pytest.mark.parametrize("province", ["hòa bình", "hoa binh", "HÒA BÌNH", "Hoà Bình", "HOA BINH"])
def test_province_matches_the_whole_name_however_it_is_typed(client, province: str) -> None:
    create_zone(client, code="KCN-HB", province="Hòa Bình")
    create_zone(client, code="KCN-PT", province="Phú Thọ")
    assert listed(client, province=province) == ["KCN-HB"]


def test_province_is_not_a_substring_search(client) -> None:
    create_zone(client, code="KCN-HB", province="Hòa Bình")
    assert listed(client, province="hoa") == []
    assert listed(client, province="binh") == []
    assert listed(client, province="hoa binh x") == []


def test_province_matches_every_spelling_of_one_name(client) -> None:
    """The old and the new tone placement (Hoà / Hòa) are one province to a search."""
    create_zone(client, code="KCN-A", province="Hòa Bình")
    create_zone(client, code="KCN-B", province="Hoà Bình")
    assert listed(client, province="Hòa Bình") == ["KCN-A", "KCN-B"]


def test_the_stored_province_key_follows_every_revision(client, session: Session) -> None:
    zone = create_zone(client, code="KCN-MV", province="Hòa Bình")
    response = client.patch(
        f"{ZONES}/{zone['id']}", json={"province": "Phú Thọ", "effective_from": "2025-07-01"}
    )
    assert response.status_code == 200, response.text
    keys = session.scalars(
        select(ZoneState.province_key)
        .where(ZoneState.zone_id == zone["id"])
        .order_by(ZoneState.valid_from.nulls_first())
    ).all()
    assert keys == ["hoa binh", "phu tho"]
    assert listed(client, province="phu tho", as_of="2025-07-01") == ["KCN-MV"]
    assert listed(client, province="hoa binh", as_of="2025-06-30") == ["KCN-MV"]
    assert listed(client, province="hoa binh", as_of="2025-07-01") == []


# Projects: q ----------------------------------------------------------------------------------


def test_project_q_folds_name_and_investor(client) -> None:
    zone = create_zone(client)
    made = create_project(
        client, zone["id"], name="Nhà máy Đại Đồng", investor="Công ty TNHH Điện Tử Hòa Phát"
    )
    create_project(client, zone["id"], name="Nhà máy khác", investor="Samsung")
    for q in ("dai dong", "ĐẠI ĐỒNG", "dien tu hoa phat", "HÒA PHÁT"):
        page = client.get(PROJECTS, params={"q": q}).json()
        assert [item["id"] for item in page["items"]] == [made["id"]], q
    assert client.get(PROJECTS, params={"q": "dai dongg"}).json()["items"] == []


# Reports: province, as of the date and under today's boundaries --------------------------------


@pytest.fixture
def moved(client) -> dict[str, Any]:
    """A park under Hòa Bình until 30 June 2025 and under Phú Thọ from 1 July 2025, and a
    park that stays in Sơn La."""
    zone = create_zone(client, code="KCN-MOVE", province="Hòa Bình", effective_from="2020-01-01")
    response = client.patch(
        f"{ZONES}/{zone['id']}", json={"province": "Phú Thọ", "effective_from": "2025-07-01"}
    )
    assert response.status_code == 200, response.text
    create_zone(client, code="KCN-STAY", province="Sơn La", effective_from="2020-01-01")
    return zone


def report_codes(client, url: str, **params: Any) -> list[str]:
    response = client.get(url, params=params)
    assert response.status_code == 200, response.text
    return [zone["code"] for zone in response.json()["zones"]]


@pytest.mark.parametrize("province", ["hoa binh", "HÒA BÌNH", "Hòa Bình"])
def test_report_province_folds_as_of_the_date(client, moved, province: str) -> None:
    assert report_codes(client, OCCUPANCY, as_of="2024-06-14", province=province) == ["KCN-MOVE"]
    assert report_codes(client, OCCUPANCY, as_of="2025-07-01", province=province) == []


@pytest.mark.parametrize("province", ["phu tho", "PHÚ THỌ"])
def test_report_province_folds_under_todays_boundaries(client, moved, province: str) -> None:
    params = {"as_of": "2024-06-14", "province": province, "boundaries": "current"}
    assert report_codes(client, OCCUPANCY, **params) == ["KCN-MOVE"]
    params["province"] = "hoa binh"
    assert report_codes(client, OCCUPANCY, **params) == []


def test_history_province_folds_at_each_point(client, moved) -> None:
    params = {"from": "2025-05-01", "to": "2025-08-31", "interval": "month"}
    for province in ("hoa binh", "Hòa Bình"):
        response = client.get(HISTORY, params=params | {"province": province})
        assert response.status_code == 200, response.text
        zones = [point["all"]["zones"] for point in response.json()["points"]]
        assert zones == [1, 1, 0, 0], province
    current = client.get(HISTORY, params=params | {"province": "phu tho", "boundaries": "current"})
    assert [p["all"]["zones"] for p in current.json()["points"]] == [1, 1, 1, 1]


# Province merge: sources match by the folded name ---------------------------------------------


def test_merge_gathers_every_spelling_of_a_source(client) -> None:
    a = create_zone(client, code="KCN-A", province="Hòa Bình", effective_from="2020-01-01")
    b = create_zone(client, code="KCN-B", province="Hoà Bình", effective_from="2020-01-01")
    create_zone(client, code="KCN-C", province="Sơn La", effective_from="2020-01-01")
    body = {"from": ["hoa binh"], "into": "Phú Thọ", "effective_from": "2025-07-01"}
    response = client.post(MERGE, json=body)
    assert response.status_code == 200, response.text
    result = response.json()
    assert sorted(zone["id"] for zone in result["moved"]) == [a["id"], b["id"]]
    assert sorted(zone["from_province"] for zone in result["moved"]) == ["Hoà Bình", "Hòa Bình"]
    assert result["by_province"] == {"hoa binh": 2}
    assert listed(client, province="Phú Thọ", as_of="2025-07-01") == ["KCN-A", "KCN-B"]


def test_merge_refuses_one_province_named_twice_in_two_spellings(client) -> None:
    body = {"from": ["Hòa Bình", "hoa binh"], "into": "Phú Thọ", "effective_from": "2025-07-01"}
    problem = assert_problem(client.post(MERGE, json=body), 422, field="from")
    assert problem["errors"][0]["message_vi"] == "Một tỉnh được nêu hai lần"


# By code ----------------------------------------------------------------------------------------


@pytest.mark.parametrize("typed", ["KCN-BC", "kcn-bc", "Kcn-Bc"])
def test_by_code_is_the_zone_read_by_id(client, typed: str) -> None:
    zone = create_zone(client, code="KCN-BC")
    by_id = client.get(f"{ZONES}/{zone['id']}")
    by_code = client.get(f"{ZONES}/by-code/{typed}")
    assert by_code.status_code == 200, by_code.text
    assert by_code.json() == by_id.json()
    assert by_code.headers["ETag"] == by_id.headers["ETag"]


def test_by_code_takes_as_of(client) -> None:
    zone = create_zone(client, code="KCN-AS", name="Tên cũ", effective_from="2020-01-01")
    response = client.patch(
        f"{ZONES}/{zone['id']}", json={"name": "Tên mới", "effective_from": "2024-01-01"}
    )
    assert response.status_code == 200, response.text
    old = client.get(f"{ZONES}/by-code/kcn-as", params={"as_of": "2023-12-31"}).json()
    new = client.get(f"{ZONES}/by-code/kcn-as", params={"as_of": "2024-01-01"}).json()
    assert (old["name"], new["name"]) == ("Tên cũ", "Tên mới")
    assert old == client.get(f"{ZONES}/{zone['id']}", params={"as_of": "2023-12-31"}).json()
    before = client.get(f"{ZONES}/by-code/kcn-as", params={"as_of": "2019-12-31"})
    problem = assert_problem(before, 404)
    assert "KCN-AS did not exist on 2019-12-31" in problem["detail"]
    assert "KCN-AS chưa tồn tại vào ngày 2019-12-31" in problem["detail_vi"]


def test_by_code_of_an_unknown_code_is_404(client) -> None:
    create_zone(client, code="KCN-BC")
    problem = assert_problem(client.get(f"{ZONES}/by-code/kcn-none"), 404)
    assert problem["detail"] == "no zone has the code KCN-NONE"
    assert problem["detail_vi"] == "Không có khu/cụm nào mang mã KCN-NONE"


@pytest.mark.parametrize("code", ["history", "occupancy"])
def test_by_code_comes_before_the_zone_id_routes(client, code: str) -> None:
    """/zones/by-code/history is a code, not the history of a zone "by-code"."""
    problem = assert_problem(client.get(f"{ZONES}/by-code/{code}"), 404)
    assert problem["detail"] == f"no zone has the code {code.upper()}"


@pytest.mark.parametrize("code", ["1abc", "a", "kcn_x", "x" * 41])
def test_by_code_refuses_what_cannot_be_a_code(client, code: str) -> None:
    assert_problem(client.get(f"{ZONES}/by-code/{code}"), 422, field="path.code")


def test_by_code_is_documented(client) -> None:
    operation = client.get("/openapi.json").json()["paths"]["/api/v1/zones/by-code/{code}"]["get"]
    assert operation["operationId"] == "getZoneByCode"
    assert "200" in operation["responses"] and "404" in operation["responses"]

"""HTTP tests of spreadsheet imports (docs/spreadsheets.md): `POST /api/v1/imports` for each
register, matched by natural key (created / updated / unchanged), dry runs, all or nothing
with every error listed by row and column, the capacity invariant across the file and the
stored data, import records, audit, Idempotency-Key, roles and body limits.

Every refusal also checks that nothing changed.
"""

from datetime import date
from typing import Any

import pytest
from fastapi.testclient import TestClient

from tests.conftest import bearer
from tests.factories import create_project, create_zone
from tests.test_sheet_reading import members, rezip, workbook

IMPORTS = "/api/v1/imports"
CSV = "text/csv"
ZONE_HEADER = "code,name,kind,province,status,total_area_ha,industrial_land_ha,service_land_ha"
PROJECT_HEADER = "id,zone_code,project_code,name,investor,investor_country,leased_ha,lease_start,lease_end,status"


def post_csv(
    client: TestClient, entity: str, text: str, *, dry_run: bool = False, **kw: Any
) -> Any:
    params = {"entity": entity, "dry_run": str(dry_run).lower()}
    headers = {"Content-Type": CSV} | kw.pop("headers", {})
    return client.post(IMPORTS, params=params, content=text.encode(), headers=headers, **kw)


def csv_text(header: str, *rows: str) -> str:
    return "\r\n".join([header, *rows]) + "\r\n"


def zones(client: TestClient) -> list[dict[str, Any]]:
    return client.get("/api/v1/zones", params={"limit": 500}).json()["items"]


def projects(client: TestClient) -> list[dict[str, Any]]:
    return client.get("/api/v1/projects", params={"limit": 500}).json()["items"]


def audit_count(client: TestClient) -> int:
    return int(client.get("/api/v1/audit", params={"limit": 1}).json()["total"])


def snapshot(client: TestClient) -> tuple[Any, ...]:
    imports = client.get(IMPORTS).json()["total"]
    return zones(client), projects(client), audit_count(client), imports


def refused(response: Any) -> list[dict[str, Any]]:
    assert response.status_code == 422, response.text
    body = response.json()
    assert body["type"].endswith("/invalid-rows")
    assert body["error_count"] == len(body["errors"])
    assert body["detail_vi"]
    for item in body["errors"]:
        assert set(item) == {"row", "column", "value", "message", "message_vi"}
        assert item["message"] and item["message_vi"]
    return body["errors"]


def where(errors: list[dict[str, Any]]) -> list[tuple[int, str]]:
    return [(e["row"], e["column"]) for e in errors]


# ------------------------------------------------------------------------------ zones


def test_zones_are_created_updated_and_left_unchanged_by_code(client: TestClient):
    create_zone(client, code="KCN-OLD", name="Khu cũ", total_area_ha=100, industrial_land_ha=60)
    create_zone(
        client,
        code="KCN-SAME",
        name="Khu giữ nguyên",
        total_area_ha=50,
        industrial_land_ha=30,
        service_land_ha=5,
        province="Phú Thọ",
        status="operating",
    )
    text = csv_text(
        ZONE_HEADER,
        "kcn-new,Khu công nghiệp Mới,Park,Phú Thọ,Operating,120,80.5,4",
        "KCN-OLD,Khu cũ mở rộng,park,Hòa Bình,operating,150,90,10",
        "KCN-SAME,Khu giữ nguyên,park,Phú Thọ,operating,50.00,30,5",
    )
    response = post_csv(client, "zones", text)
    assert response.status_code == 201, response.text
    result = response.json()
    assert result | {"id": None} == {
        "id": None,
        "entity": "zones",
        "dry_run": False,
        "rows": 3,
        "created": 1,
        "updated": 1,
        "unchanged": 1,
    }
    assert response.headers["Location"] == f"{IMPORTS}/{result['id']}"
    by_code = {z["code"]: z for z in zones(client)}
    assert by_code["KCN-NEW"]["name"] == "Khu công nghiệp Mới"
    assert by_code["KCN-NEW"]["industrial_land_ha"] == 80.5
    assert by_code["KCN-NEW"]["kind"] == "park"
    assert by_code["KCN-OLD"]["total_area_ha"] == 150
    assert by_code["KCN-OLD"]["name"] == "Khu cũ mở rộng"
    stored = client.get(f"{IMPORTS}/{result['id']}").json()
    assert stored["rows"] == 3 and stored["created"] == 1 and stored["entity"] == "zones"
    assert stored["imported_by"] == "test-admin"
    assert len(stored["sha256"]) == 64 and stored["size_bytes"] == len(text.encode())


def test_a_zone_revision_takes_effect_from_the_row_s_date(client: TestClient):
    zone = create_zone(
        client,
        code="KCN-REV",
        name="Khu",
        province="Phú Thọ",
        total_area_ha=100,
        industrial_land_ha=60,
        effective_from="2020-01-01",
    )
    text = csv_text(
        "code,name,kind,province,total_area_ha,industrial_land_ha,effective_from",
        "KCN-REV,Khu,park,Phú Thọ,100,70,2024-01-01",
    )
    assert post_csv(client, "zones", text).status_code == 201
    history = client.get(f"/api/v1/zones/{zone['id']}/history").json()["items"]
    assert history[-1]["effective_from"] == "2024-01-01"
    assert history[-1]["changes"] == {"industrial_land_ha": 70}
    before = client.get(f"/api/v1/zones/{zone['id']}", params={"as_of": "2023-12-31"}).json()
    assert before["industrial_land_ha"] == 60


def test_every_zone_error_is_listed_and_nothing_is_written(client: TestClient):
    create_zone(client, code="KCN-A", total_area_ha=100, industrial_land_ha=60)
    before = snapshot(client)
    text = csv_text(
        ZONE_HEADER,
        "KCN-OK,Khu tốt,park,Phú Thọ,operating,100,60,5",  # fine, but the file fails
        "KCN-B,Khu B,factory,Phú Thọ,operating,100,60,5",  # kind
        "KCN-C,Khu C,park,Phú Thọ,operating,50,60,5",  # land above total
        "KCN-OK,Khu tốt lần hai,park,Phú Thọ,operating,100,60,5",  # code twice
        "KCN-D,,park,Phú Thọ,operating,100,abc,5",  # name empty, area not a number
    )
    errors = refused(post_csv(client, "zones", text))
    assert (3, "kind") in where(errors)
    assert (5, "code") in where(errors)
    assert (6, "name") in where(errors)
    assert (6, "industrial_land_ha") in where(errors)
    assert any(e["row"] == 4 for e in errors)
    assert [e["row"] for e in errors] == sorted(e["row"] for e in errors)
    assert snapshot(client) == before


# --------------------------------------------------------------------------- projects


def test_projects_are_created_and_updated_by_id_or_project_code(client: TestClient):
    zone = create_zone(client, code="KCN-P", total_area_ha=100, industrial_land_ha=60)
    kept = create_project(
        client,
        zone["id"],
        project_code="IRC-1",
        leased_ha=10,
        name="Nhà máy 1",
        investor="Công ty 1",
        lease_start="2020-01-01",
    )
    by_id = create_project(
        client,
        zone["id"],
        leased_ha=5,
        name="Nhà máy 2",
        investor="Công ty 2",
        lease_start="2020-01-01",
    )
    text = csv_text(
        PROJECT_HEADER,
        ",kcn-p,IRC-1,Nhà máy 1,Công ty 1,vn,10,2020-01-01,,registered",  # unchanged by code
        f"{by_id['id']},KCN-P,,Nhà máy 2 mở rộng,Công ty 2,VN,7.5,2020-01-01,,operating",  # updated
        ",KCN-P,IRC-3,Nhà máy 3,Samsung,kr,12,2024-01-01,2074-01-01,",  # created
    )
    response = post_csv(client, "projects", text)
    assert response.status_code == 201, response.text
    assert {k: response.json()[k] for k in ("created", "updated", "unchanged")} == {
        "created": 1,
        "updated": 1,
        "unchanged": 1,
    }
    stored = {p["id"]: p for p in projects(client)}
    assert stored[by_id["id"]]["leased_ha"] == 7.5
    assert stored[by_id["id"]]["status"] == "operating"
    assert stored[kept["id"]]["updated_at"] == kept["updated_at"]
    new = next(p for p in stored.values() if p["project_code"] == "IRC-3")
    assert new["investor_country"] == "KR" and new["fdi"] is True and new["zone_code"] == "KCN-P"
    events = client.get("/api/v1/audit", params={"entity": "project", "limit": 10}).json()["items"]
    actions = sorted(e["action"] for e in events if e["entity_id"] in (new["id"], by_id["id"]))
    assert actions == ["create", "create", "update"]


def test_capacity_is_checked_across_the_file_and_the_stored_leases(client: TestClient):
    zone = create_zone(
        client, code="KCN-CAP", total_area_ha=100, industrial_land_ha=30, service_land_ha=0
    )
    create_project(client, zone["id"], leased_ha=10, lease_start="2020-01-01")
    before = snapshot(client)
    text = csv_text(
        PROJECT_HEADER,
        ",KCN-CAP,,Nhà máy A,Công ty A,VN,15,2021-01-01,,",  # fits: 25 of 30
        ",KCN-CAP,,Nhà máy B,Công ty B,VN,6,2022-01-01,,",  # 31 > 30 with the row above
        ",KCN-CAP,,Nhà máy C,Công ty C,VN,5,2019-01-01,2020-06-01,",  # fits before the others
    )
    errors = refused(post_csv(client, "projects", text))
    assert where(errors) == [(3, "leased_ha")]
    assert "KCN-CAP" in errors[0]["message"] and "5 ha" in errors[0]["message"]
    assert "KCN-CAP" in errors[0]["message_vi"]
    assert errors[0]["value"] == "6"
    assert snapshot(client) == before


def test_a_project_file_with_every_kind_of_row_error(client: TestClient):
    zone = create_zone(client, code="KCN-E", total_area_ha=100, industrial_land_ha=60)
    stored = create_project(client, zone["id"], project_code="IRC-TAKEN", leased_ha=1)
    other = create_zone(client, code="KCN-F", total_area_ha=100, industrial_land_ha=60)
    before = snapshot(client)
    text = csv_text(
        PROJECT_HEADER,
        ",KCN-NOPE,,Nhà máy,Công ty,VN,1,2020-01-01,,",  # 2 unknown zone
        "999999,KCN-E,,Nhà máy,Công ty,VN,1,2020-01-01,,",  # 3 unknown id
        ",KCN-E,DUP,Nhà máy,Công ty,VN,1,2020-01-01,,",  # 4 fine
        ",KCN-E,DUP,Nhà máy,Công ty,VN,1,2020-01-01,,",  # 5 project code twice
        ",KCN-E,,Nhà máy,Công ty,XX,1,2020-01-01,2019-01-01,",  # 6 country, end before start
        ",KCN-E,,Nhà máy,Công ty,VN,1,2020-01-01,,terminated",  # 7 terminated via sheet
        f"{stored['id']},KCN-F,IRC-TAKEN,Nhà máy,Công ty,VN,1,2020-01-01,,",  # 8 zone move
        ",KCN-E,,Nhà máy,Công ty,VN,0,2020-01-01,,",  # 9 area not > 0
    )
    errors = refused(post_csv(client, "projects", text))
    found = where(errors)
    assert (2, "zone_code") in found
    assert (3, "id") in found
    assert (5, "project_code") in found
    assert (6, "investor_country") in found
    assert (7, "status") in found
    assert (8, "zone_code") in found
    assert (9, "leased_ha") in found
    assert not any(e["row"] == 4 for e in errors)
    assert other["id"]
    assert snapshot(client) == before


def test_a_dry_run_checks_every_row_and_writes_nothing(client: TestClient):
    create_zone(client, code="KCN-DRY", total_area_ha=100, industrial_land_ha=60)
    before = snapshot(client)
    text = csv_text(PROJECT_HEADER, ",KCN-DRY,,Nhà máy,Công ty,VN,10,2020-01-01,,")
    response = post_csv(client, "projects", text, dry_run=True)
    assert response.status_code == 200, response.text
    assert response.json() == {
        "id": None,
        "entity": "projects",
        "dry_run": True,
        "rows": 1,
        "created": 1,
        "updated": 0,
        "unchanged": 0,
    }
    assert snapshot(client) == before
    bad = csv_text(PROJECT_HEADER, ",KCN-DRY,,Nhà máy,Công ty,VN,100,2020-01-01,,")
    assert where(refused(post_csv(client, "projects", bad, dry_run=True))) == [(2, "leased_ha")]
    assert snapshot(client) == before


# -------------------------------------------------------------------------- clearance


def test_clearance_rows_are_matched_by_zone_code_and_date(client: TestClient):
    zone = create_zone(client, code="KCN-GP", total_area_ha=100, industrial_land_ha=60)
    url = f"/api/v1/zones/{zone['id']}/clearance"
    assert client.post(url, json={"recorded_on": "2024-01-01", "cleared_ha": 10}).status_code == 201
    header = "zone_code,recorded_on,cleared_ha,households_total,households_relocated,note"
    text = csv_text(
        header,
        "KCN-GP,2024-01-01,12,,,Sửa số liệu",  # correction
        "KCN-GP,2024-06-14,40,100,60,Đợt 2",  # new
    )
    response = post_csv(client, "clearance", text)
    assert response.status_code == 201, response.text
    assert response.json()["created"] == 1 and response.json()["updated"] == 1
    records = client.get(url).json()["items"]
    assert [(r["recorded_on"], r["cleared_ha"]) for r in records] == [
        ("2024-01-01", 12),
        ("2024-06-14", 40),
    ]
    again = post_csv(client, "clearance", text)
    assert again.json()["unchanged"] == 2 and again.json()["created"] == 0


def test_clearance_that_goes_down_is_refused_at_its_row(client: TestClient):
    create_zone(client, code="KCN-GD", total_area_ha=100, industrial_land_ha=60)
    before = snapshot(client)
    text = csv_text(
        "zone_code,recorded_on,cleared_ha,households_total,households_relocated",
        "KCN-GD,2024-01-01,30,,",
        "KCN-GD,2024-06-14,20,,",  # below the earlier record of the file
        "KCN-GD,2024-12-14,40,10,20",  # relocated above total
        "KCN-GD,2024-01-01,31,,",  # same date twice
        "KCN-ZZ,2024-01-01,1,,",  # no such zone
    )
    errors = refused(post_csv(client, "clearance", text))
    found = where(errors)
    assert (3, "cleared_ha") in found
    assert any(row == 4 for row, _ in found)
    assert (5, "recorded_on") in found
    assert (6, "zone_code") in found
    assert snapshot(client) == before


# ------------------------------------------------------------------ access and requests


def test_imports_need_an_editor_and_a_known_register(app: Any, api_keys: dict[str, str]):
    text = csv_text(ZONE_HEADER, "KCN-X,Khu,park,Phú Thọ,operating,100,60,5")
    with TestClient(app, raise_server_exceptions=False) as anonymous:
        assert post_csv(anonymous, "zones", text).status_code == 401
    with TestClient(
        app, raise_server_exceptions=False, headers=bearer(api_keys["viewer"])
    ) as viewer:
        assert post_csv(viewer, "zones", text).status_code == 403
        assert viewer.get(IMPORTS).status_code == 200
    with TestClient(
        app, raise_server_exceptions=False, headers=bearer(api_keys["editor"])
    ) as editor:
        response = editor.post(
            IMPORTS,
            params={"entity": "leases"},
            content=text.encode(),
            headers={"Content-Type": CSV},
        )
        assert response.status_code == 422
        assert post_csv(editor, "zones", text).status_code == 201


def test_an_import_replays_under_its_idempotency_key(client: TestClient):
    text = csv_text(ZONE_HEADER, "KCN-IDEM,Khu,park,Phú Thọ,operating,100,60,5")
    headers = {"Idempotency-Key": "import-once"}
    first = post_csv(client, "zones", text, headers=headers)
    second = post_csv(client, "zones", text, headers=headers)
    assert first.status_code == second.status_code == 201
    assert second.headers["Idempotent-Replayed"] == "true"
    assert second.json() == first.json()
    assert client.get(IMPORTS).json()["total"] == 1
    other = post_csv(
        client, "zones", text + "KCN-IDEM2,Khu,park,Phú Thọ,operating,100,60,5\r\n", headers=headers
    )
    assert other.status_code == 422


def test_a_multipart_upload_is_read_from_its_file_part(client: TestClient):
    text = csv_text(ZONE_HEADER, "KCN-FORM,Khu,park,Phú Thọ,operating,100,60,5")
    response = client.post(
        IMPORTS,
        params={"entity": "zones"},
        files={"file": ("khu.csv", text.encode(), "text/csv")},
    )
    assert response.status_code == 201, response.text
    assert client.get(f"{IMPORTS}/{response.json()['id']}").json()["filename"] == "khu.csv"
    missing = client.post(
        IMPORTS, params={"entity": "zones"}, files={"other": ("khu.csv", text.encode(), "text/csv")}
    )
    assert missing.status_code == 422
    assert missing.json()["type"].endswith("/invalid-spreadsheet")


def test_bodies_up_to_ten_mebibytes_are_read_and_one_byte_more_is_413(client: TestClient):
    limit = 10 * 1024 * 1024
    head = (ZONE_HEADER + "\r\n").encode()
    over = head + b" " * (limit + 1 - len(head))
    response = client.post(
        IMPORTS, params={"entity": "zones"}, content=over, headers={"Content-Type": CSV}
    )
    assert response.status_code == 413
    assert response.headers["content-type"].startswith("application/problem+json")
    # A JSON write elsewhere keeps the 1 MiB limit.
    big = client.post(
        "/api/v1/zones",
        content=b" " * (1024 * 1024 + 1),
        headers={"Content-Type": "application/json"},
    )
    assert big.status_code == 413


def test_the_import_list_and_a_missing_import(client: TestClient):
    post_csv(client, "zones", csv_text(ZONE_HEADER, "KCN-L1,Khu,park,Phú Thọ,operating,100,60,5"))
    listed = client.get(IMPORTS, params={"entity": "zones"}).json()
    assert listed["total"] == 1 and listed["items"][0]["entity"] == "zones"
    assert client.get(IMPORTS, params={"entity": "projects"}).json()["total"] == 0
    missing = client.get(f"{IMPORTS}/999999")
    assert missing.status_code == 404


@pytest.mark.parametrize("entity", ["zones", "projects", "clearance"])
def test_an_empty_body_is_refused(client: TestClient, entity: str):
    response = client.post(
        IMPORTS, params={"entity": entity}, content=b"", headers={"Content-Type": CSV}
    )
    assert response.status_code == 422
    assert response.json()["type"].endswith("/invalid-spreadsheet")


# ------------------------------------------------------------- files as staff send them


XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def post_file(client: TestClient, entity: str, content: bytes, media_type: str) -> Any:
    return client.post(
        IMPORTS, params={"entity": entity}, content=content, headers={"Content-Type": media_type}
    )


def test_a_workbook_with_vietnamese_habits_imports(client: TestClient):
    create_zone(client, code="KCN-VN", total_area_ha=100, industrial_land_ha=60)
    content = workbook(
        [
            "zone_code",
            "name",
            "investor",
            "investor_country",
            "leased_ha",
            "lease_start",
            "land_use",
            "registered_capital",
            "capital_currency",
        ],
        [
            "kcn-vn",
            "Nhà máy A",
            "Công ty A",
            "vn",
            "12,5",
            "01/03/2024",
            "Industrial",
            "1.234,5",
            "usd",
        ],
        ["KCN-VN", "Nhà máy B", "Công ty B", "JP", 2.25, date(2024, 6, 14), None, None, None],
    )
    response = post_file(client, "projects", content, XLSX_TYPE)
    assert response.status_code == 201, response.text
    stored = sorted(projects(client), key=lambda p: p["name"])
    assert [(p["leased_ha"], p["lease_start"]) for p in stored] == [
        (12.5, "2024-03-01"),
        (2.25, "2024-06-14"),
    ]
    assert stored[0]["registered_capital"] == 1234.5 and stored[0]["capital_currency"] == "USD"
    assert stored[0]["investor_country"] == "VN" and stored[1]["land_use"] == "industrial"


def hostile_files() -> dict[str, tuple[bytes, str]]:
    good = workbook(["code", "name"], ["KCN-X", "Khu"])
    parts = members(good)
    sheet = parts["xl/worksheets/sheet1.xml"]
    bomb = sheet.replace(b"</sheetData>", b"</sheetData>" + b" " * (40 * 1024 * 1024))
    header = ZONE_HEADER + "\r\n"
    many = header + "".join(
        f"KCN-M{n},Khu,park,Phú Thọ,operating,100,60,5\r\n" for n in range(50_001)
    )
    return {
        "not a workbook": (b"%PDF-1.4 not a sheet", XLSX_TYPE),
        "zip bomb": (rezip({**parts, "xl/worksheets/sheet1.xml": bomb}, level=9), XLSX_TYPE),
        "macro workbook": (rezip({**parts, "xl/vbaProject.bin": b"\x00" * 64}), XLSX_TYPE),
        "other encoding": (
            (header + "KCN-X,Khu Đồng Tâm,park,Phú Thọ,operating,100,60,5\r\n")
            .encode("cp1258", errors="replace")
            .replace(b"?", b"\xd0"),
            CSV,
        ),
        "missing column": (b"code,name,kind\r\nKCN-X,Khu,park\r\n", CSV),
        "duplicated column": (
            (
                header.replace("name", "name,name")
                + "KCN-X,Khu,Khu,park,Phú Thọ,operating,100,60,5\r\n"
            ).encode(),
            CSV,
        ),
        "50,001 rows": (many.encode(), CSV),
        "formulas without values": (
            workbook(
                ZONE_HEADER.split(","),
                ["KCN-X", "Khu", "park", "Phú Thọ", "operating", "=50*2", 60, 5],
            ),
            XLSX_TYPE,
        ),
        "header only": ((header).encode(), CSV),
    }


@pytest.mark.parametrize("name", list(hostile_files()))
def test_a_hostile_file_is_refused_cleanly_and_writes_nothing(client: TestClient, name: str):
    content, media_type = hostile_files()[name]
    before = snapshot(client)
    response = post_file(client, "zones", content, media_type)
    assert response.status_code == 422, response.text
    body = response.json()
    assert body["type"].endswith("/invalid-spreadsheet"), body
    assert body["detail"] and body["detail_vi"]
    assert snapshot(client) == before


def test_an_export_imports_back_unchanged(client: TestClient):
    zone = create_zone(
        client,
        code="KCN-RT",
        name="=SUM(A1) khu",
        locality="Xã Đồng Tâm",
        total_area_ha=120.5,
        industrial_land_ha=80.25,
        latitude=21.3,
        longitude=105.5,
        established_on="2019-05-20",
    )
    create_project(
        client,
        zone["id"],
        project_code="+84-IRC",
        leased_ha=2.5,
        registered_capital=1500000.5,
        capital_currency="USD",
        sector="1410",
        lease_end="2070-01-01",
        employees=120,
    )
    gone = create_project(client, zone["id"], leased_ha=1)
    assert (
        client.post(
            f"/api/v1/projects/{gone['id']}/terminate",
            json={"terminated_on": "2024-01-01", "reason": "Rút vốn"},
        ).status_code
        == 200
    )
    url = f"/api/v1/zones/{zone['id']}/clearance"
    assert (
        client.post(
            url,
            json={
                "recorded_on": "2024-06-14",
                "cleared_ha": 40.5,
                "households_total": 10,
                "note": "-đợt 1",
            },
        ).status_code
        == 201
    )
    exports = {
        "zones": ("/api/v1/zones", {}),
        "projects": ("/api/v1/projects", {}),
        "clearance": (url, {}),
    }
    before = snapshot(client)
    for entity, (path, params) in exports.items():
        for fmt, media_type in (("xlsx", XLSX_TYPE), ("csv", CSV)):
            exported = client.get(path, params={**params, "format": fmt})
            assert exported.status_code == 200, exported.text
            response = post_file(client, entity, exported.content, media_type)
            assert response.status_code == 201, (entity, fmt, response.text)
            counts = response.json()
            assert counts["created"] == counts["updated"] == 0, (entity, fmt, counts)
            assert counts["unchanged"] == counts["rows"] > 0
    zones_after, projects_after, _, _ = snapshot(client)
    assert (zones_after, projects_after) == before[:2]


def test_an_imported_project_leaves_the_audit_event_an_api_create_leaves(client: TestClient):
    zone = create_zone(client, code="KCN-AU", total_area_ha=100, industrial_land_ha=60)
    body = {
        "name": "Nhà máy",
        "investor": "Công ty",
        "investor_country": "KR",
        "leased_ha": 2.5,
        "lease_start": "2024-01-01",
        "lease_end": "2074-01-01",
        "registered_capital": 1000.5,
        "capital_currency": "USD",
        "employees": 12,
    }
    by_api = create_project(client, zone["id"], **body, project_code="BY-API")
    text = csv_text(
        "zone_code,project_code,name,investor,investor_country,leased_ha,lease_start,lease_end,"
        "registered_capital,capital_currency,employees",
        "KCN-AU,BY-SHEET,Nhà máy,Công ty,KR,2.5,2024-01-01,2074-01-01,1000.5,USD,12",
    )
    assert post_csv(client, "projects", text).status_code == 201
    by_sheet = next(p for p in projects(client) if p["project_code"] == "BY-SHEET")
    events = client.get("/api/v1/audit", params={"entity": "project", "limit": 50}).json()["items"]
    after = {e["entity_id"]: e["after"] for e in events if e["action"] == "create"}
    differ = {"id", "project_code", "created_at", "updated_at"}
    api_after, sheet_after = after[by_api["id"]], after[by_sheet["id"]]
    assert api_after.keys() == sheet_after.keys()
    assert {k: v for k, v in api_after.items() if k not in differ} == {
        k: v for k, v in sheet_after.items() if k not in differ
    }
    assert sheet_after["id"] == by_sheet["id"] and sheet_after["project_code"] == "BY-SHEET"


def test_export_format_and_labels_language_in_any_case(client: TestClient):
    create_zone(client, code="KCN-CASE", total_area_ha=100, industrial_land_ha=60)
    upper = client.get("/api/v1/zones", params={"format": "XLSX"})
    assert upper.status_code == 200
    assert upper.headers["content-type"].startswith(XLSX_TYPE)
    csv_answer = client.get("/api/v1/zones", params={"format": "Csv"})
    assert csv_answer.status_code == 200 and csv_answer.text.lstrip("\ufeff").startswith("code,")
    report = client.get("/api/v1/reports/occupancy", params={"format": "xlsx", "lang": "EN"})
    assert report.status_code == 200
    refused = client.get("/api/v1/zones", params={"format": "pdf"})
    assert refused.status_code == 422

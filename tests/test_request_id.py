"""Every response carries X-Request-ID, the unexpected 500 included, and the 500 is logged
with that id so an operator can find it from what the caller reports."""

import logging

import pytest


def test_a_success_carries_the_callers_request_id(client):
    response = client.get("/api/v1/zones", headers={"X-Request-ID": "caller-42"})
    assert response.status_code == 200
    assert response.headers["x-request-id"] == "caller-42"


def test_a_malformed_request_id_is_replaced_by_a_fresh_one(client):
    response = client.get("/api/v1/zones", headers={"X-Request-ID": "no spaces allowed"})
    assert response.status_code == 200
    assert response.headers["x-request-id"] != "no spaces allowed"
    assert len(response.headers["x-request-id"]) == 32


@pytest.mark.parametrize("method", ["GET", "POST"])
def test_an_unexpected_failure_carries_and_logs_the_request_id(client, monkeypatch, caplog, method):
    from app.zones import service

    def explode(*_args, **_kwargs):
        raise RuntimeError("secret detail")

    monkeypatch.setattr(service, "list_zones" if method == "GET" else "create_zone", explode)
    body = {
        "code": "KCN-RID",
        "name": "Request id",
        "kind": "park",
        "province": "Hòa Bình",
        "total_area_ha": 10,
        "industrial_land_ha": 8,
    }
    with caplog.at_level(logging.ERROR, logger="app.errors"):
        response = client.request(
            method,
            "/api/v1/zones",
            headers={"X-Request-ID": "trace-500"},
            json=body if method == "POST" else None,
        )
    assert response.status_code == 500
    assert response.headers["content-type"].startswith("application/problem+json")
    assert response.headers["x-request-id"] == "trace-500"
    assert "secret detail" not in response.text
    logged = [r for r in caplog.records if getattr(r, "request_id", None) == "trace-500"]
    assert len(logged) == 1
    assert "trace-500" in logged[0].getMessage()
    assert logged[0].exc_info is not None


def test_a_404_and_a_405_carry_a_request_id(client):
    assert client.get("/nowhere").headers["x-request-id"]
    assert client.put("/api/v1/zones").headers["x-request-id"]

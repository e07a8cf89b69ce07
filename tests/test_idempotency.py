"""Idempotency-Key on POST: replay, refusal of another body, refusal while running."""

from datetime import timedelta

import pytest
from sqlalchemy import func, select, update

from app.kit.db import utcnow
from app.kit.idempotency import store
from app.models import AuditEvent, IdempotencyRecord, Project, Zone
from tests.conftest import bearer
from tests.factories import assert_problem, create_zone, project_body, zone_body

ZONES = "/api/v1/zones"


def count(session, model) -> int:
    return session.scalar(select(func.count()).select_from(model))


def test_retry_with_same_key_and_body_replays_the_first_response(client, session):
    body = zone_body()
    first = client.post(ZONES, json=body, headers={"Idempotency-Key": "k-1"})
    assert first.status_code == 201
    assert "idempotent-replayed" not in first.headers
    zones, events = count(session, Zone), count(session, AuditEvent)

    again = client.post(ZONES, json=body, headers={"Idempotency-Key": "k-1"})
    assert again.status_code == 201
    assert again.headers["idempotent-replayed"] == "true"
    assert again.json() == first.json()
    assert again.headers["location"] == first.headers["location"]
    assert again.headers["etag"] == first.headers["etag"]
    assert (count(session, Zone), count(session, AuditEvent)) == (zones, events)


def test_same_key_with_another_body_is_422_and_changes_nothing(client, session):
    assert (
        client.post(ZONES, json=zone_body(), headers={"Idempotency-Key": "k-2"}).status_code == 201
    )
    zones = count(session, Zone)
    refused = client.post(ZONES, json=zone_body(), headers={"Idempotency-Key": "k-2"})
    assert_problem(refused, 422)
    assert count(session, Zone) == zones


def test_same_key_while_the_first_is_running_is_409(client, session):
    body = zone_body()
    raw = client.build_request("POST", ZONES, json=body).read()
    # A claim made a moment ago by the same request, which has not finished yet.
    claimed = store.claim(
        session,
        caller="test-admin",
        key="k-3",
        fingerprint=store.request_hash("POST", ZONES, "", raw),
    )
    assert isinstance(claimed, store.Claimed)
    zones = count(session, Zone)
    assert_problem(client.post(ZONES, json=body, headers={"Idempotency-Key": "k-3"}), 409)
    assert count(session, Zone) == zones


def test_an_abandoned_claim_is_taken_over(client, session):
    body = zone_body()
    raw = client.build_request("POST", ZONES, json=body).read()
    store.claim(
        session,
        caller="test-admin",
        key="k-4",
        fingerprint=store.request_hash("POST", ZONES, "", raw),
    )
    session.execute(
        update(IdempotencyRecord)
        .where(IdempotencyRecord.key == "k-4")
        .values(claimed_at=utcnow() - store.ABANDONED_AFTER - timedelta(seconds=1))
    )
    response = client.post(ZONES, json=body, headers={"Idempotency-Key": "k-4"})
    assert response.status_code == 201
    assert "idempotent-replayed" not in response.headers


def test_a_refusal_is_replayed_too(client, session):
    zone = create_zone(client, total_area_ha=10, industrial_land_ha=1, service_land_ha=0)
    body = project_body(zone["id"], leased_ha=2)
    first = client.post("/api/v1/projects", json=body, headers={"Idempotency-Key": "k-5"})
    assert_problem(first, 409)
    again = client.post("/api/v1/projects", json=body, headers={"Idempotency-Key": "k-5"})
    assert again.status_code == 409
    assert again.headers["idempotent-replayed"] == "true"
    assert again.json() == first.json()
    assert count(session, Project) == 0


def test_keys_are_scoped_to_the_caller(client, app, api_keys, session):
    body = zone_body()
    assert client.post(ZONES, json=body, headers={"Idempotency-Key": "shared"}).status_code == 201
    from fastapi.testclient import TestClient

    with TestClient(app, headers=bearer(api_keys["editor"])) as editor:
        other = editor.post(ZONES, json=zone_body(), headers={"Idempotency-Key": "shared"})
    assert other.status_code == 201
    assert "idempotent-replayed" not in other.headers


@pytest.mark.parametrize("key", [b"", b"a b", "é".encode(), b"x" * 201])
def test_malformed_key_is_400(client, session, key):
    zones = count(session, Zone)
    assert_problem(client.post(ZONES, json=zone_body(), headers={"Idempotency-Key": key}), 400)
    assert count(session, Zone) == zones


def test_records_expire_after_24_hours(client, session):
    body = zone_body()
    assert client.post(ZONES, json=body, headers={"Idempotency-Key": "k-6"}).status_code == 201
    session.execute(
        update(IdempotencyRecord)
        .where(IdempotencyRecord.key == "k-6")
        .values(expires_at=utcnow() - timedelta(seconds=1))
    )
    # Expired: the key is free again, so the same body runs afresh (and its code is taken).
    again = client.post(ZONES, json=body, headers={"Idempotency-Key": "k-6"})
    assert_problem(again, 409)
    assert "idempotent-replayed" not in again.headers


def test_key_creation_replay_never_returns_the_secret(client):
    body = {"name": "replayed-key", "role": "viewer"}
    first = client.post("/api/v1/keys", json=body, headers={"Idempotency-Key": "k-7"})
    assert first.status_code == 201 and first.json()["key"].startswith("occ_")
    again = client.post("/api/v1/keys", json=body, headers={"Idempotency-Key": "k-7"})
    assert again.status_code == 201 and again.json()["key"] is None
    assert again.json()["id"] == first.json()["id"]

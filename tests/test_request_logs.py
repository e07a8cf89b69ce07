"""One access line per request (docs/api.md, Logs): time, level, request id, method, route
template, status, duration and the key's name, never a secret; the 500 included. The lines
are captured as records and written by the service's own formatters, JSON and text.
tests/test_metrics_live.py reads them from a real server's output."""

import json
import logging

import pytest

from app.cli import main
from app.kit import serve
from app.kit.logs import ACCESS_LOGGER, JsonFormatter, TextFormatter, logfmt
from app.kit.settings import get_settings
from tests.conftest import bearer
from tests.factories import assert_problem, zone_body

ZONES = "/api/v1/zones"
FIELDS = {"time", "level", "logger", "request_id", "method", "route", "path", "status"}
FIELDS |= {"duration_ms", "key"}


@pytest.fixture
def access_lines(caplog):
    """The access records of the test, as the JSON formatter writes them (parsed back)."""
    caplog.set_level(logging.INFO, logger=ACCESS_LOGGER)

    def lines() -> list[dict]:
        written = [
            JsonFormatter().format(record)
            for record in caplog.records
            if record.name == ACCESS_LOGGER
        ]
        assert all("\n" not in line for line in written)
        return [json.loads(line) for line in written]

    return lines


def test_each_request_is_one_json_line_with_every_field(client, api_keys, access_lines):
    ids = [f"req-{n}" for n in range(3)]
    created = client.post(ZONES, json=zone_body(), headers={"X-Request-ID": ids[0]})
    assert created.status_code == 201
    zone_id = created.json()["id"]
    assert client.get(f"{ZONES}/{zone_id}", headers={"X-Request-ID": ids[1]}).status_code == 200
    assert client.get("/nowhere", headers={"X-Request-ID": ids[2]}).status_code == 404

    lines = access_lines()
    assert [line["request_id"] for line in lines] == ids
    for line in lines:
        assert set(line) == FIELDS
        assert line["logger"] == ACCESS_LOGGER
        assert line["key"] == "test-admin"  # the key's name
        assert isinstance(line["duration_ms"], float) and line["duration_ms"] >= 0
        assert line["time"].endswith("Z")
    assert [(line["method"], line["route"], line["path"], line["status"]) for line in lines] == [
        ("POST", ZONES, ZONES, 201),
        ("GET", f"{ZONES}/{{zone_id}}", f"{ZONES}/{zone_id}", 200),
        ("GET", "unmatched", "/nowhere", 404),
    ]
    assert {line["level"] for line in lines} == {"info"}
    written = json.dumps(lines)
    for secret in api_keys.values():
        assert secret not in written
    assert "Bearer" not in written


def test_anonymous_and_refused_callers_have_no_key_name(anonymous, access_lines):
    bogus = "occ_000000000000_" + "s3cret" * 8
    assert anonymous.get(ZONES).status_code == 200
    assert_problem(anonymous.post(ZONES, json=zone_body(), headers=bearer(bogus)), 401)
    assert_problem(anonymous.post(ZONES, json=zone_body()), 401)

    lines = access_lines()
    assert [(line["status"], line["key"]) for line in lines] == [
        (200, None),
        (401, None),
        (401, None),
    ]
    assert bogus not in json.dumps(lines)


def test_a_viewer_refused_a_write_is_logged_with_its_name(client, api_keys, access_lines):
    viewer = bearer(api_keys["viewer"])
    assert_problem(client.post(ZONES, json=zone_body(), headers=viewer), 403)
    [line] = access_lines()
    assert (line["status"], line["key"], line["level"]) == (403, "test-viewer", "info")


def test_an_unexpected_failure_is_logged_as_a_500_with_its_request_id(
    client, monkeypatch, access_lines, caplog
):
    from app.zones import service

    def explode(*_args, **_kwargs):
        raise RuntimeError("secret detail")

    monkeypatch.setattr(service, "list_zones", explode)
    response = client.get(ZONES, headers={"X-Request-ID": "trace-500"})
    assert response.status_code == 500
    assert response.headers["x-request-id"] == "trace-500"

    [line] = access_lines()
    assert (line["request_id"], line["status"], line["level"]) == ("trace-500", 500, "error")
    # The error itself is logged too, with the same id, its traceback kept on one JSON line.
    [error] = [r for r in caplog.records if r.name == "app.errors"]
    written = json.loads(JsonFormatter().format(error))
    assert written["request_id"] == "trace-500"
    assert written["level"] == "error"
    assert "RuntimeError: secret detail" in written["exception"]


def test_a_busy_answer_is_a_warning(client, monkeypatch, access_lines):
    from sqlalchemy.exc import OperationalError

    from app.zones import service

    def busy(*_args, **_kwargs):
        raise OperationalError("BEGIN IMMEDIATE", {}, Exception("database is locked"))

    monkeypatch.setattr(service, "list_zones", busy)
    assert_problem(client.get(ZONES), 503)
    [line] = access_lines()
    assert (line["status"], line["level"]) == (503, "warning")


def test_the_text_line_keeps_one_request_on_one_line(anonymous, caplog):
    caplog.set_level(logging.INFO, logger=ACCESS_LOGGER)
    assert anonymous.get("/nowhere%0Akey=forged%20status=200").status_code == 404
    [record] = [r for r in caplog.records if r.name == ACCESS_LOGGER]
    line = TextFormatter().format(record)
    assert "\n" not in line
    assert " INFO app.access: request_id=" in line
    assert 'path="/nowhere\\nkey=forged status=200"' in line
    assert " route=unmatched " in line and " status=404 " in line and line.endswith(" key=-")


def test_logfmt_quotes_what_would_break_a_line():
    assert logfmt({"a": "plain", "b": None, "c": 2}) == "a=plain b=- c=2"
    assert logfmt({"a": 'x y"z'}) == 'a="x y\\"z"'
    assert logfmt({"a": "Hòa Bình"}) == 'a="Hòa Bình"'
    assert logfmt({"a": ""}) == 'a=""'


@pytest.mark.parametrize(
    ("variable", "value"),
    [("OCCUPANCY_LOG_FORMAT", "yaml"), ("OCCUPANCY_PUBLIC_METRICS", "perhaps")],
)
def test_the_command_line_refuses_a_bad_setting(monkeypatch, capsys, variable, value):
    monkeypatch.setenv(variable, value)
    monkeypatch.setattr(serve, "serve", lambda **_: pytest.fail("served despite a bad setting"))
    get_settings.cache_clear()
    try:
        assert main(["serve"]) == 2
    finally:
        get_settings.cache_clear()
    error = capsys.readouterr().err
    assert error.startswith("invalid configuration: ")
    assert variable in error

"""`occupancy serve`: flags, else PORT, HOST and WORKERS from the environment, else the documented
defaults (127.0.0.1, 8000, 1); a malformed value is refused by name and nothing is served.
`occupancy healthcheck`: exit 0 only when the local server's /readyz answers 200."""

import socket
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest

from app import cli
from app.kit import serve as serve_module

VARIABLES = ("HOST", "PORT", "WORKERS")


@pytest.fixture
def served(monkeypatch: pytest.MonkeyPatch) -> list[dict[str, Any]]:
    """Stands in for uvicorn: records what `occupancy serve` would have served."""
    calls: list[dict[str, Any]] = []
    monkeypatch.setattr(serve_module, "serve", lambda **options: calls.append(options))
    for variable in VARIABLES:
        monkeypatch.delenv(variable, raising=False)
    return calls


def _listening(calls: list[dict[str, Any]]) -> tuple[str, int, int]:
    assert len(calls) == 1, calls
    return calls[0]["host"], calls[0]["port"], calls[0]["workers"]


def test_without_flags_or_environment_it_serves_on_the_documented_defaults(served):
    assert cli.main(["serve"]) == 0
    assert _listening(served) == ("127.0.0.1", 8000, 1)


def test_the_environment_sets_host_port_and_workers(served, monkeypatch):
    monkeypatch.setenv("HOST", "0.0.0.0")
    monkeypatch.setenv("PORT", "8123")
    monkeypatch.setenv("WORKERS", "3")
    assert cli.main(["serve"]) == 0
    assert _listening(served) == ("0.0.0.0", 8123, 3)


def test_flags_win_over_the_environment(served, monkeypatch):
    monkeypatch.setenv("HOST", "0.0.0.0")
    monkeypatch.setenv("PORT", "8123")
    monkeypatch.setenv("WORKERS", "3")
    assert cli.main(["serve", "--host", "::1", "--port", "9001", "--workers", "2"]) == 0
    assert _listening(served) == ("::1", 9001, 2)


def test_each_variable_is_read_on_its_own(served, monkeypatch):
    monkeypatch.setenv("PORT", "8124")
    assert cli.main(["serve", "--workers", "2"]) == 0
    assert _listening(served) == ("127.0.0.1", 8124, 2)


def test_an_empty_variable_counts_as_unset(served, monkeypatch):
    for variable in VARIABLES:
        monkeypatch.setenv(variable, "")
    assert cli.main(["serve"]) == 0
    assert _listening(served) == ("127.0.0.1", 8000, 1)


def test_the_log_level_comes_from_the_settings(served, monkeypatch):
    monkeypatch.setenv("OCCUPANCY_LOG_LEVEL", "warning")
    cli.get_settings.cache_clear()
    try:
        assert cli.main(["serve"]) == 0
    finally:
        cli.get_settings.cache_clear()
    assert served[0]["log_level"] == "warning"


@pytest.mark.parametrize(
    ("variable", "value", "rule"),
    [
        ("PORT", "abc", "a whole number from 1 to 65535"),
        ("PORT", "0", "a whole number from 1 to 65535"),
        ("PORT", "65536", "a whole number from 1 to 65535"),
        ("PORT", "-1", "a whole number from 1 to 65535"),
        ("PORT", "80.0", "a whole number from 1 to 65535"),
        ("PORT", " 8000", "a whole number from 1 to 65535"),
        ("PORT", "８０００", "a whole number from 1 to 65535"),  # full-width digits
        ("WORKERS", "0", "a whole number from 1 to 64"),
        ("WORKERS", "65", "a whole number from 1 to 64"),
        ("WORKERS", "two", "a whole number from 1 to 64"),
        ("HOST", " ", "a host name or address"),
        ("HOST", "0.0.0.0 ", "a host name or address"),
        ("HOST", "local host", "a host name or address"),
        ("HOST", "a\tb", "a host name or address"),
    ],
)
def test_a_malformed_variable_is_refused_by_name_and_nothing_is_served(
    served, monkeypatch, capsys, variable, value, rule
):
    monkeypatch.setenv(variable, value)
    assert cli.main(["serve"]) == 2
    out, err = capsys.readouterr()
    assert f"{variable}={value!r}" in err and rule in err, err
    assert out == ""
    assert served == []


def test_a_flag_makes_a_malformed_variable_irrelevant(served, monkeypatch):
    monkeypatch.setenv("PORT", "abc")
    assert cli.main(["serve", "--port", "8125"]) == 0
    assert _listening(served)[1] == 8125


@pytest.mark.parametrize(
    ("flags", "rule"),
    [
        (["--port", "0"], "a whole number from 1 to 65535"),
        (["--port", "http"], "a whole number from 1 to 65535"),
        (["--workers", "0"], "a whole number from 1 to 64"),
        (["--host", ""], "a host name or address"),
    ],
)
def test_a_malformed_flag_is_refused_and_nothing_is_served(served, capsys, flags, rule):
    with pytest.raises(SystemExit) as exit_:
        cli.main(["serve", *flags])
    assert exit_.value.code == 2
    err = capsys.readouterr().err
    assert f"argument {flags[0]}: must be {rule}" in err, err
    assert served == []


@pytest.fixture
def readiness() -> Iterator[tuple[int, list[int]]]:
    """A stand-in server on a free loopback port answering /readyz with the status at the head
    of the list it yields (a problem body on failure); yields its port and that list."""
    status = [200]

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            body = b'{"status": "ready"}' if status[0] == 200 else b'{"detail": "schema behind"}'
            self.send_response(status[0] if self.path == "/readyz" else 404)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args: Any) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield server.server_address[1], status
    finally:
        server.shutdown()
        server.server_close()


def test_healthcheck_passes_when_readyz_answers_200_on_port(readiness, monkeypatch, capsys):
    port, _ = readiness
    monkeypatch.setenv("PORT", str(port))
    assert cli.main(["healthcheck"]) == 0
    assert f"ready: 200 from http://127.0.0.1:{port}/readyz" in capsys.readouterr().out


def test_healthcheck_fails_on_a_503_and_says_why(readiness, monkeypatch, capsys):
    port, status = readiness
    status[0] = 503
    monkeypatch.setenv("PORT", str(port))
    assert cli.main(["healthcheck"]) == 1
    out = capsys.readouterr().out
    assert out.startswith("not ready: 503") and "schema behind" in out, out


def test_healthcheck_takes_a_url(readiness, monkeypatch, capsys):
    port, _ = readiness
    monkeypatch.setenv("PORT", "1")  # the URL wins over PORT
    assert cli.main(["healthcheck", "--url", f"http://127.0.0.1:{port}/readyz"]) == 0
    assert cli.main(["healthcheck", "--url", f"http://127.0.0.1:{port}/elsewhere"]) == 1
    assert "not ready: 404" in capsys.readouterr().out


def test_healthcheck_fails_when_nothing_listens(monkeypatch, capsys):
    with socket.socket() as sock:  # a port that was free a moment ago, now closed again
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    monkeypatch.setenv("PORT", str(port))
    assert cli.main(["healthcheck"]) == 1
    assert capsys.readouterr().out.startswith("not ready:")


def test_healthcheck_refuses_a_malformed_port_by_name(monkeypatch, capsys):
    monkeypatch.setenv("PORT", "eighty")
    assert cli.main(["healthcheck"]) == 2
    assert "PORT='eighty': must be a whole number from 1 to 65535" in capsys.readouterr().err


@pytest.mark.parametrize("url", ["not a url", "ftp://127.0.0.1:1/readyz"])
def test_healthcheck_fails_on_a_url_it_cannot_fetch(url, capsys):
    assert cli.main(["healthcheck", "--url", url, "--timeout", "1"]) == 1
    assert capsys.readouterr().out.startswith("not ready:")

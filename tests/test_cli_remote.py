"""`occupancy report`, `occupancy file` and `occupancy keys list|revoke --server` against a
real server (tests/live_server.py), some through a proxy that fails on purpose
(tests/flaky_proxy.py): output, exit status, and retries that really happen."""

import io
import json
import os
import subprocess
import uuid
from collections.abc import Iterator
from dataclasses import dataclass

import httpx
import pytest
from openpyxl import load_workbook

from app import cli
from app.client.api import API_KEY_VARIABLE
from app.demo import load_demo
from app.kit import migrate
from app.kit.audit import set_context
from app.kit.db import bump_data_version, make_engine, make_sessionmaker, write_session
from tests.databases import scratch_database
from tests.flaky_proxy import STALL_S, flaky_proxy
from tests.live_server import VENV_BIN, free_port, make_key, running_server

pytestmark = pytest.mark.server

AS_OF = "2024-06-24"  # the demo's review date: every report has rows then
NO_SUCH_ID = 2**31 - 1


@dataclass(frozen=True)
class Live:
    base: str
    keys: dict[str, str]  # role → secret


@pytest.fixture(scope="module")
def live(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Live]:
    """One server for the module, over the demo data set, with a key of each role."""
    directory = tmp_path_factory.mktemp("remote")
    with scratch_database(directory) as url:
        migrate.upgrade(url)
        engine = make_engine(url)
        try:
            with write_session(make_sessionmaker(engine)) as session:
                set_context(session, actor="test", request_id=None)
                load_demo(session)
                bump_data_version(session)
                session.commit()
        finally:
            engine.dispose()
        keys = {role: make_key(url, role) for role in ("viewer", "editor", "admin")}
        with running_server(url, workers=1, log_path=directory / "server.log") as base:
            yield Live(base, keys)


@pytest.fixture
def use_key(monkeypatch: pytest.MonkeyPatch):
    """Set OCCUPANCY_API_KEY (or unset it, with None) for the command."""

    def use(secret: str | None) -> None:
        if secret is None:
            monkeypatch.delenv(API_KEY_VARIABLE, raising=False)
        else:
            monkeypatch.setenv(API_KEY_VARIABLE, secret)

    use(None)
    return use


def run(capsysbinary: pytest.CaptureFixture[bytes], *args: str) -> tuple[int, bytes, str]:
    """cli.main in this process: (exit status, stdout bytes, stderr text)."""
    try:
        code = cli.main(list(args))
    except SystemExit as exited:  # argparse refusals
        code = int(exited.code or 0)
    out, err = capsysbinary.readouterr()
    return code, out, err.decode()


def served(base: str, path: str, **params: str) -> httpx.Response:
    """What the service answers to the same request made directly."""
    return httpx.get(base + path, params=params, timeout=60)


def _plan_id(live: Live) -> int:
    plans = served(live.base, "/api/v1/plans").json()["items"]
    assert plans, "the demo data set has a plan"
    return int(plans[0]["id"])


def _filings(live: Live, note: str) -> list[dict]:
    response = httpx.get(
        live.base + "/api/v1/filings", params={"limit": 500}, headers=_auth(live, "viewer")
    )
    assert response.status_code == 200, response.text
    return [f for f in response.json()["items"] if f["note"] == note]


def _auth(live: Live, role: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {live.keys[role]}"}


# ------------------------------------------------------------------------------ report


@pytest.mark.parametrize(
    "name, params",
    [
        ("occupancy", {"as_of": AS_OF}),
        ("occupancy/history", {"from": "2024-01-01", "to": AS_OF, "interval": "quarter"}),
        ("clearance", {"period": "2024-H1", "scope": "all"}),
        ("investment", {"as_of": AS_OF, "kind": "park"}),
        ("summary", {"as_of": AS_OF, "boundaries": "current"}),
    ],
)
def test_report_to_stdout_is_what_the_service_serves(live, use_key, capsysbinary, name, params):
    options = [f"--{key.replace('_', '-')}={value}" for key, value in params.items()]
    code, out, err = run(capsysbinary, "report", name, "--server", live.base, *options)
    assert code == 0, err
    assert err == ""
    direct = served(live.base, f"/api/v1/reports/{name}", **params)
    assert direct.status_code == 200
    assert out == direct.content
    assert json.loads(out)  # a document with something in it


def test_the_plan_report_as_csv_to_stdout(live, use_key, capsysbinary):
    plan_id = _plan_id(live)
    code, out, err = run(
        capsysbinary, "report", "plan", "--plan", str(plan_id), "--as-of", AS_OF,
        "--format", "csv", "--server", live.base,
    )  # fmt: skip
    assert code == 0, err
    direct = served(live.base, f"/api/v1/plans/{plan_id}/report", as_of=AS_OF, format="csv")
    assert out == direct.content
    assert out.decode("utf-8-sig").splitlines()[0].startswith("indicator,")


@pytest.mark.parametrize("format", ["json", "csv", "xlsx", "geojson"])
def test_report_written_with_o(live, use_key, capsysbinary, tmp_path, format):
    target = tmp_path / f"occupancy.{format}"
    code, out, err = run(
        capsysbinary, "report", "occupancy", "--as-of", AS_OF, "--format", format,
        "-o", str(target), "--server", live.base,
    )  # fmt: skip
    assert code == 0, err
    assert out == b""  # the report went to the file only
    direct = served(live.base, "/api/v1/reports/occupancy", as_of=AS_OF, format=format)
    written = target.read_bytes()
    if format == "xlsx":  # a workbook carries the time it was made: compare what it holds
        assert _cells(written) == _cells(direct.content)
        assert all(_cells(written).values())
    else:
        assert written == direct.content
    assert f"{len(written):,} bytes" in err and str(target) in err
    assert sorted(p.name for p in tmp_path.iterdir()) == [target.name]  # no temporary left
    assert target.stat().st_mode & 0o777 == 0o666 & ~_umask()  # like any new file


def _cells(workbook: bytes) -> dict[str, list[tuple[object, ...]]]:
    book = load_workbook(io.BytesIO(workbook), read_only=True)
    return {sheet.title: list(sheet.iter_rows(values_only=True)) for sheet in book.worksheets}


def _umask() -> int:
    current = os.umask(0o022)
    os.umask(current)
    return current


def test_a_failed_report_leaves_the_output_file_as_it_was(live, use_key, capsysbinary, tmp_path):
    target = tmp_path / "plan.csv"
    target.write_bytes(b"last month's report")
    code, out, err = run(
        capsysbinary, "report", "plan", "--plan", str(NO_SUCH_ID), "-o", str(target),
        "--server", live.base,
    )  # fmt: skip
    assert code == 1
    assert target.read_bytes() == b"last month's report"
    assert [p.name for p in tmp_path.iterdir()] == ["plan.csv"]


def test_an_output_that_cannot_be_written_fails(live, use_key, capsysbinary, tmp_path):
    target = tmp_path / "missing-directory" / "occupancy.json"
    code, out, err = run(
        capsysbinary, "report", "occupancy", "-o", str(target), "--server", live.base
    )
    assert code == 1
    assert f"could not write {target}" in err
    assert not target.parent.exists()


# ------------------------------------------------------------------- refusals: exit status


def test_404_exits_1_with_the_problems_detail(live, use_key, capsysbinary):
    code, out, err = run(
        capsysbinary, "report", "plan", "--plan", str(NO_SUCH_ID), "--server", live.base
    )
    direct = served(live.base, f"/api/v1/plans/{NO_SUCH_ID}/report")
    assert direct.status_code == 404
    assert code == 1 and out == b""
    assert "404" in err and direct.json()["detail"] in err


@pytest.mark.parametrize(
    "args, path, params",
    [
        (["clearance", "--period", "2024-H3"], "/api/v1/reports/clearance", {"period": "2024-H3"}),
        (["occupancy/history", "--to", AS_OF], "/api/v1/reports/occupancy/history", {"to": AS_OF}),
        (["occupancy", "--province", "x" * 101], "/api/v1/reports/occupancy", {"province": "x" * 101}),
    ],
    ids=["bad-period", "history-without-from", "long-province"],
)  # fmt: skip
def test_422_exits_1_naming_each_field(live, use_key, capsysbinary, args, path, params):
    code, out, err = run(capsysbinary, "report", *args, "--server", live.base)
    direct = served(live.base, path, **params)
    assert direct.status_code == 422
    assert code == 1 and out == b""
    for error in direct.json()["errors"]:
        assert f"{error['field']}: {error['message']}" in err


def test_401_exits_1(live, use_key, capsysbinary):
    use_key("occ_000000000000_not-a-key")
    code, out, err = run(capsysbinary, "report", "occupancy", "--server", live.base)
    assert code == 1 and out == b""
    assert "401" in err


def test_filing_without_a_key_exits_1_and_says_the_key_is_missing(live, use_key, capsysbinary):
    note = uuid.uuid4().hex
    code, out, err = run(capsysbinary, "file", "occupancy", "--note", note, "--server", live.base)
    assert code == 1 and out == b""
    assert "401" in err and f"{API_KEY_VARIABLE} is not set" in err
    assert _filings(live, note) == []


def test_filing_with_a_viewer_key_exits_1(live, use_key, capsysbinary):
    use_key(live.keys["viewer"])
    note = uuid.uuid4().hex
    code, out, err = run(capsysbinary, "file", "summary", "--note", note, "--server", live.base)
    assert code == 1 and "403" in err
    assert _filings(live, note) == []


def test_an_unreachable_server_exits_3_after_its_retries(use_key, capsysbinary):
    nowhere = f"http://127.0.0.1:{free_port()}"  # nothing listens there
    code, out, err = run(capsysbinary, "report", "occupancy", "--server", nowhere, "--retries", "1")
    assert code == 3 and out == b""
    assert nowhere in err and "after 2 attempts" in err


@pytest.mark.parametrize(
    "args",
    [
        ["report", "occupancy", "--interval", "month"],  # not a parameter of that report
        ["report", "plan"],  # which plan?
        ["report", "occupancy", "--plan", "1"],
        ["report", "occupancy", "--as-of", "2024-02-30"],
        ["report", "occupancy", "--as-of", "24/06/2024"],
        ["report", "occupancy", "--as-of", AS_OF, "--period", "2024-H1"],
        ["report", "occupancy", "--format", "pdf"],
        ["report", "nonsense"],
        ["report", "occupancy", "--retries", "-1"],
        ["report", "occupancy", "--timeout", "0"],
        ["file", "plan", "--note", "which plan?"],
        ["file", "occupancy", "--from", "2024-01-01"],
    ],
)
def test_bad_command_lines_exit_2_and_send_nothing(live, use_key, capsysbinary, args):
    use_key(live.keys["editor"])
    with flaky_proxy(live.base, []) as (proxy_url, proxy):
        code, out, err = run(capsysbinary, *args, "--server", proxy_url)
    assert code == 2, err
    assert out == b"" and err
    assert proxy.seen == []


def test_xlsx_is_not_written_to_a_terminal(live, use_key, capsysbinary, monkeypatch):
    monkeypatch.setattr("sys.stdout.isatty", lambda: True)
    with flaky_proxy(live.base, []) as (proxy_url, proxy):
        code, out, err = run(capsysbinary, "report", "summary", "--format", "xlsx", "--server", proxy_url)  # fmt: skip
    assert code == 2 and "-o FILE" in err and out == b""
    assert proxy.seen == []


@pytest.mark.parametrize("url", ["ftp://example.org", "example.org", "http://"])
def test_a_server_that_is_no_http_url_exits_2(use_key, capsysbinary, url):
    code, out, err = run(capsysbinary, "report", "occupancy", "--server", url)
    assert code == 2 and "URL" in err


# ----------------------------------------------------------------------- retries, for real


def test_a_busy_answer_is_retried_and_the_report_arrives(live, use_key, capsysbinary):
    with flaky_proxy(live.base, ["busy"]) as (proxy_url, proxy):
        code, out, err = run(
            capsysbinary, "report", "occupancy", "--as-of", AS_OF, "--server", proxy_url
        )
    assert code == 0, err
    assert out == served(live.base, "/api/v1/reports/occupancy", as_of=AS_OF).content
    assert "503 Service busy; trying again in 0 s (attempt 2 of 4)" in err  # Retry-After: 0
    assert [(s.method, s.fault, s.status) for s in proxy.seen] == [
        ("GET", "busy", None),
        ("GET", None, 200),
    ]


def test_busy_to_the_last_retry_exits_1(live, use_key, capsysbinary):
    with flaky_proxy(live.base, ["busy"] * 5) as (proxy_url, proxy):
        code, out, err = run(
            capsysbinary, "report", "occupancy", "--retries", "2", "--server", proxy_url
        )
    assert code == 1 and "503" in err
    assert len(proxy.seen) == 3  # the first try and two retries


def test_a_lost_answer_is_retried_with_the_same_key_and_the_report_is_filed_once(
    live, use_key, capsysbinary
):
    """The first POST reaches the server and files the report, but its answer is lost; the
    retry carries the same Idempotency-Key, so the server replays the filing."""
    use_key(live.keys["editor"])
    note = f"half-year {uuid.uuid4().hex}"
    with flaky_proxy(live.base, ["lose"]) as (proxy_url, proxy):
        code, out, err = run(
            capsysbinary, "file", "occupancy", "--period", "2024-H1", "--note", note,
            "--server", proxy_url,
        )  # fmt: skip
    assert code == 0, err
    assert "RemoteProtocolError" in err and "(attempt 2 of 4)" in err
    first, retry = proxy.seen
    assert (first.method, first.fault, first.status, first.replayed) == ("POST", "lose", 201, False)
    assert (retry.method, retry.fault, retry.status, retry.replayed) == ("POST", None, 201, True)
    assert first.idempotency_key and first.idempotency_key == retry.idempotency_key
    filings = _filings(live, note)
    assert len(filings) == 1
    record = json.loads(out)
    assert record == filings[0]
    assert (record["report"], record["params"]) == ("occupancy", {"period": "2024-H1"})
    assert f"filing {record['id']} was made by an earlier attempt" in err


def test_an_answer_slower_than_the_timeout_is_retried_with_the_same_key(
    live, use_key, capsysbinary
):
    """The server files the report but its answer comes later than the client waits
    (--timeout): the client gives up on that attempt, tries again with the same key, and the
    server replays the filing."""
    use_key(live.keys["editor"])
    note = f"slow {uuid.uuid4().hex}"
    with flaky_proxy(live.base, ["stall"]) as (proxy_url, proxy):
        code, out, err = run(
            capsysbinary, "file", "investment", "--as-of", AS_OF, "--note", note,
            "--timeout", str(STALL_S / 5), "--server", proxy_url,
        )  # fmt: skip
    assert code == 0, err
    assert "ReadTimeout" in err and "(attempt 2 of 4)" in err
    first, retry = proxy.seen[:2]
    assert (first.fault, first.status, first.replayed) == ("stall", 201, False)
    assert retry.replayed and retry.idempotency_key == first.idempotency_key
    filings = _filings(live, note)
    assert len(filings) == 1 and json.loads(out)["id"] == filings[0]["id"]


def test_a_refusal_is_not_retried(live, use_key, capsysbinary):
    use_key(live.keys["editor"])
    with flaky_proxy(live.base, []) as (proxy_url, proxy):
        code, out, err = run(
            capsysbinary, "file", "clearance", "--period", "2024-H3", "--server", proxy_url
        )
    assert code == 1 and "422" in err
    assert [(s.method, s.status) for s in proxy.seen] == [("POST", 422)]


def test_a_lost_answer_every_time_exits_3_and_names_the_key_to_send_again(
    live, use_key, capsysbinary
):
    """When no answer ever comes, the filing may have been made: sending the same key again
    finds out without filing twice."""
    use_key(live.keys["editor"])
    note = f"annual {uuid.uuid4().hex}"
    with flaky_proxy(live.base, ["lose", "lose"]) as (proxy_url, proxy):
        code, out, err = run(
            capsysbinary, "file", "summary", "--period", "2024", "--note", note,
            "--retries", "1", "--server", proxy_url,
        )  # fmt: skip
    assert code == 3 and out == b""
    key = proxy.seen[0].idempotency_key
    assert key and f"--idempotency-key {key}" in err
    assert [s.replayed for s in proxy.seen] == [False, True]
    code, out, err = run(
        capsysbinary, "file", "summary", "--period", "2024", "--note", note,
        "--idempotency-key", key, "--server", live.base,
    )  # fmt: skip
    assert code == 0, err
    assert len(_filings(live, note)) == 1
    assert json.loads(out)["id"] == _filings(live, note)[0]["id"]


def test_filing_prints_the_record_of_what_was_filed(live, use_key, capsysbinary, tmp_path):
    use_key(live.keys["editor"])
    note = f"Báo cáo 6 tháng {uuid.uuid4().hex}"
    target = tmp_path / "filing.json"
    code, out, err = run(
        capsysbinary, "file", "plan", "--plan", str(_plan_id(live)), "--as-of", AS_OF,
        "--note", note, "-o", str(target), "--server", live.base,
    )  # fmt: skip
    assert code == 0, err
    record = json.loads(target.read_bytes())
    assert record == _filings(live, note)[0]
    assert record["filed_by"] == "live-editor" and record["note"] == note
    stored = httpx.get(f"{live.base}/api/v1/filings/{record['id']}", timeout=60)
    assert stored.headers["etag"] == f'"{record["sha256"]}"'


# ---------------------------------------------------------------- the installed command


def test_the_installed_command_exits_with_the_status_it_says(live):
    command = str(VENV_BIN / "occupancy")
    env = {k: v for k, v in os.environ.items() if k != API_KEY_VARIABLE}

    def occupancy(*args: str) -> subprocess.CompletedProcess[bytes]:
        return subprocess.run([command, *args], env=env, capture_output=True, timeout=120)

    done = occupancy(
        "report", "summary", "--as-of", AS_OF, "--format", "csv", "--server", live.base
    )
    assert done.returncode == 0, done.stderr
    direct = served(live.base, "/api/v1/reports/summary", as_of=AS_OF, format="csv")
    assert done.stdout == direct.content
    refused = occupancy("report", "plan", "--plan", str(NO_SUCH_ID), "--server", live.base)
    assert refused.returncode == 1 and b"404" in refused.stderr
    nowhere = f"http://127.0.0.1:{free_port()}"
    unreachable = occupancy("report", "occupancy", "--retries", "0", "--server", nowhere)
    assert unreachable.returncode == 3 and unreachable.stdout == b""


def test_a_reader_that_goes_away_is_a_failure_without_a_traceback(live):
    env = {k: v for k, v in os.environ.items() if k != API_KEY_VARIABLE}
    command = [str(VENV_BIN / "occupancy"), "report", "occupancy", "--server", live.base]
    process = subprocess.Popen(command, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    assert process.stdout is not None and process.stderr is not None
    process.stdout.close()  # like `| head` having read enough
    err = process.stderr.read().decode()
    assert process.wait(timeout=120) == 1
    assert "the output was closed" in err and "Traceback" not in err


# --------------------------------------------------------------------- keys, over the API


@pytest.fixture(scope="module")
def keys_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, str]]:
    """A server of its own, with one admin key: (base, its secret). The tests revoke only keys
    they make, and never make another admin key."""
    directory = tmp_path_factory.mktemp("keys")
    with scratch_database(directory) as url:
        migrate.upgrade(url)
        admin = make_key(url, "admin", name="the-admin")
        with running_server(url, workers=1, log_path=directory / "server.log") as base:
            yield base, admin


def _keys(base: str, admin: str) -> list[dict]:
    response = httpx.get(
        f"{base}/api/v1/keys", headers={"Authorization": f"Bearer {admin}"}, timeout=60
    )
    assert response.status_code == 200, response.text
    return response.json()["items"]


def _new_key(base: str, admin: str, name: str) -> dict:
    response = httpx.post(
        f"{base}/api/v1/keys",
        json={"name": name, "role": "editor"},
        headers={"Authorization": f"Bearer {admin}"},
        timeout=60,
    )
    assert response.status_code == 201, response.text
    return response.json()


def test_keys_list_over_the_api_shows_every_key_and_no_secret(keys_server, use_key, capsysbinary):
    base, admin = keys_server
    made = _new_key(base, admin, f"Sở Công Thương {uuid.uuid4().hex[:6]}")
    use_key(admin)
    code, out, err = run(capsysbinary, "keys", "list", "--server", base)
    assert code == 0, err
    lines = out.decode().splitlines()
    assert lines[0].split() == ["id", "name", "role", "prefix", "created", "revoked"]
    listed = _keys(base, admin)
    assert made["name"] in [k["name"] for k in listed]
    for key, line in zip(listed, lines[1:], strict=True):
        assert line.startswith(f"{key['id']} ") and key["name"] in line and key["role"] in line
        assert key["prefix"] in line
        assert line.endswith("-") == (key["revoked_at"] is None)
    assert admin.split("_", 2)[2] not in out.decode()
    assert made["key"].split("_", 2)[2] not in out.decode()


def test_keys_list_over_the_api_needs_an_admin_key(keys_server, use_key, capsysbinary):
    base, admin = keys_server
    code, out, err = run(capsysbinary, "keys", "list", "--server", base)
    assert code == 1 and "401" in err and out == b""
    use_key(_new_key(base, admin, f"editor {uuid.uuid4().hex[:6]}")["key"])
    code, out, err = run(capsysbinary, "keys", "list", "--server", base)
    assert code == 1 and "403" in err and out == b""


def test_keys_revoke_over_the_api_by_name_and_by_id(keys_server, use_key, capsysbinary):
    base, admin = keys_server
    by_name = _new_key(base, admin, f"Sở Công Thương {uuid.uuid4().hex[:6]}")
    by_id = _new_key(base, admin, f"by id {uuid.uuid4().hex[:6]}")
    use_key(admin)
    code, out, err = run(
        capsysbinary, "keys", "revoke", "--name", by_name["name"], "--server", base
    )
    assert code == 0, err
    code, out2, err = run(capsysbinary, "keys", "revoke", str(by_id["id"]), "--server", base)
    assert code == 0, err
    listed = {k["id"]: k for k in _keys(base, admin)}
    for made, printed in ((by_name, out), (by_id, out2)):
        assert listed[made["id"]]["revoked_at"] is not None
        assert printed.decode().splitlines()[1].startswith(f"{made['id']} ")
        assert not printed.decode().rstrip().endswith("-")
    code, out, err = run(capsysbinary, "keys", "revoke", str(by_id["id"]), "--server", base)
    assert code == 1 and "409" in err  # already revoked


def test_keys_revoke_over_the_api_refuses_the_last_admin_key(keys_server, use_key, capsysbinary):
    base, admin = keys_server
    use_key(admin)
    own = {k["name"]: k for k in _keys(base, admin)}["the-admin"]
    direct = httpx.post(
        f"{base}/api/v1/keys/{own['id']}/revoke",
        headers={"Authorization": f"Bearer {admin}"},
        timeout=60,
    )
    assert direct.status_code == 409
    code, out, err = run(capsysbinary, "keys", "revoke", str(own["id"]), "--server", base)
    assert code == 1 and out == b""
    assert "409" in err and direct.json()["detail"] in err
    code, out, err = run(capsysbinary, "keys", "revoke", "--name", "the-admin", "--server", base)
    assert code == 1 and direct.json()["detail"] in err
    assert {k["name"]: k for k in _keys(base, admin)}["the-admin"]["revoked_at"] is None


def test_keys_revoke_over_the_api_of_an_unknown_key(keys_server, use_key, capsysbinary):
    base, admin = keys_server
    use_key(admin)
    before = _keys(base, admin)
    code, out, err = run(capsysbinary, "keys", "revoke", "--name", "nobody", "--server", base)
    assert code == 1 and "no key is named 'nobody'" in err
    code, out, err = run(capsysbinary, "keys", "revoke", str(NO_SUCH_ID), "--server", base)
    assert code == 1 and "404" in err
    assert _keys(base, admin) == before

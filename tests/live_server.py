"""Start the real service (`occupancy serve`) in a subprocess, on a free loopback port."""

import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path

import httpx

from app.access.keys import create_key
from app.kit.db import make_engine, make_sessionmaker

VENV_BIN = Path(sys.executable).parent


def make_key(database_url: str, role: str, name: str | None = None) -> str:
    """A new API key in that database; returns its secret."""
    engine = make_engine(database_url)
    try:
        with make_sessionmaker(engine)() as session:
            _, secret = create_key(session, name=name or f"live-{role}", role=role)
            session.commit()
    finally:
        engine.dispose()
    return secret


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@contextmanager
def running_server(
    database_url: str, *, workers: int, log_path: Path, env: dict[str, str] | None = None
) -> Iterator[str]:
    """A ready server for the duration of the block; yields its base URL."""
    server = start_server(database_url, workers=workers, log_path=log_path, env=env)
    try:
        yield server.base
    finally:
        server.stop()


class ServerProcess:
    """A server started in its own session (process group), so that the supervisor and the
    worker processes uvicorn spawns can be killed together, the way a crashed host loses them."""

    def __init__(self, process: subprocess.Popen, base: str, log_path: Path) -> None:
        self.process = process
        self.base = base
        self.log_path = log_path

    def kill_group(self, sig: int = signal.SIGKILL) -> None:
        """Send `sig` to every process of the server (supervisor and workers) at once."""
        try:
            os.killpg(self.process.pid, sig)
        except ProcessLookupError:
            pass
        self.process.wait(timeout=15)
        if sig == signal.SIGKILL:  # the workers are dead once the kernel has torn them down
            deadline = time.monotonic() + 15
            while self.group_alive() and time.monotonic() < deadline:
                time.sleep(0.01)

    def group_alive(self) -> bool:
        """Whether a process of the group still runs (zombies, which an init that does not
        reap may leave behind, do not count)."""
        try:
            os.killpg(self.process.pid, 0)
        except ProcessLookupError:
            return False
        proc = Path("/proc")
        if not proc.is_dir():
            return True
        for stat in proc.glob("[0-9]*/stat"):
            try:
                fields = stat.read_text().rsplit(")", 1)[1].split()
            except (OSError, IndexError):
                continue
            state, pgid = fields[0], int(fields[2])
            if pgid == self.process.pid and state not in ("Z", "X"):
                return True
        return False

    def stop(self) -> None:
        """Graceful stop (SIGTERM to the supervisor), then SIGKILL whatever is left."""
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                pass
        if self.group_alive():
            self.kill_group()


def start_server(
    database_url: str, *, workers: int, log_path: Path, env: dict[str, str] | None = None
) -> ServerProcess:
    """Like `running_server`, but in a new session and handed back to the caller, who must
    `stop()` (or `kill_group()`) it."""
    port = free_port()
    env = (
        os.environ
        | {
            "OCCUPANCY_DATABASE_URL": database_url,
            "OCCUPANCY_LOG_LEVEL": "warning",
            # The server's temporary files (its workers' metrics directory) go beside its log,
            # in the test's own directory, even when a test kills the server before it can
            # clean up.
            "TMPDIR": str(log_path.parent),
        }
        | (env or {})
    )
    command = [
        str(VENV_BIN / "occupancy"),
        "serve",
        "--host",
        "127.0.0.1",
        "--port",
        str(port),
        "--workers",
        str(workers),
    ]
    return launch(command, env=env, base=f"http://127.0.0.1:{port}", log_path=log_path)


def launch(
    command: list[str],
    *,
    env: Mapping[str, str],
    base: str,
    log_path: Path,
    cwd: Path | None = None,
) -> ServerProcess:
    """Run `command` in a new session and hand it back once `base`/readyz answers 200; the
    caller must `stop()` (or `kill_group()`) it."""
    with open(log_path, "wb") as log:
        process = subprocess.Popen(
            command,
            env=dict(env),
            cwd=cwd,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    server = ServerProcess(process, base, log_path)
    try:
        deadline = time.monotonic() + 30
        while True:
            if process.poll() is not None:
                raise RuntimeError(f"server exited: {log_path.read_text()}")
            try:
                if httpx.get(f"{server.base}/readyz", timeout=1).status_code == 200:
                    return server
            except httpx.TransportError:
                pass
            if time.monotonic() > deadline:
                raise RuntimeError(f"server did not become ready: {log_path.read_text()}")
            time.sleep(0.1)
    except BaseException:
        server.stop()
        raise

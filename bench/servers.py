"""Scratch databases and real servers for the benchmarks: public tools only (the service's own
`occupancy serve`, httpx)."""

import os
import socket
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url


@contextmanager
def fresh_database(postgres: str | None, workdir: Path) -> Iterator[str]:
    if postgres is None:
        yield f"sqlite:///{workdir / f'bench-{uuid.uuid4().hex[:6]}.db'}"
        return
    name = f"occupancy_bench_{uuid.uuid4().hex[:8]}"
    admin = create_engine(postgres, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield make_url(postgres).set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


# The service's own command, from the environment that runs the benchmark.
OCCUPANCY = str(Path(sys.executable).parent / "occupancy")


# The process behind each running server's base URL (with one worker, the worker itself).
PIDS: dict[str, int] = {}


def peak_memory_mb(base: str) -> float:
    """The most resident memory the server process has used so far (VmHWM), in MB."""
    status = Path(f"/proc/{PIDS[base]}/status").read_text()
    kilobytes = next(
        int(line.split()[1]) for line in status.splitlines() if line.startswith("VmHWM")
    )
    return kilobytes / 1024


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


@contextmanager
def server(url: str, workers: int, log: Path, env: dict[str, str] | None = None) -> Iterator[str]:
    port = free_port()
    env = (
        os.environ | {"OCCUPANCY_DATABASE_URL": url, "OCCUPANCY_LOG_LEVEL": "warning"} | (env or {})
    )
    command = [
        OCCUPANCY,
        "serve",
        "--port",
        str(port),
        "--workers",
        str(workers),
    ]
    with open(log, "wb") as out:
        process = subprocess.Popen(command, env=env, stdout=out, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(300):
            if process.poll() is not None:
                raise RuntimeError(f"server exited: {log.read_text()}")
            try:
                if httpx.get(f"{base}/readyz", timeout=1).status_code == 200:
                    break
            except httpx.TransportError:
                time.sleep(0.1)
        else:
            raise RuntimeError(log.read_text())
        PIDS[base] = process.pid
        yield base
    finally:
        PIDS.pop(base, None)
        process.terminate()
        process.wait(timeout=30)

"""Start the real service (`occupancy serve`) in a subprocess, on a free loopback port."""

import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx

from app.access.keys import create_key
from app.db import make_engine, make_sessionmaker

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


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@contextmanager
def running_server(database_url: str, *, workers: int, log_path: Path) -> Iterator[str]:
    port = _free_port()
    env = os.environ | {"OCCUPANCY_DATABASE_URL": database_url, "OCCUPANCY_LOG_LEVEL": "warning"}
    command = [
        str(VENV_BIN / "occupancy"), "serve",
        "--host", "127.0.0.1", "--port", str(port), "--workers", str(workers),
    ]
    with open(log_path, "wb") as log:
        process = subprocess.Popen(command, env=env, stdout=log, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 30
        while True:
            if process.poll() is not None:
                raise RuntimeError(f"server exited: {log_path.read_text()}")
            try:
                if httpx.get(f"{base}/readyz", timeout=1).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            if time.monotonic() > deadline:
                raise RuntimeError(f"server did not become ready: {log_path.read_text()}")
            time.sleep(0.1)
        yield base
    finally:
        process.terminate()
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()

"""Running the service under uvicorn, one process or several.

Logging is the service's own (app.kit.logs: one access line per request, text or JSON;
uvicorn's access log off). With several workers the supervisor gives them a fresh directory
for their metric files (app.kit.metrics.multiprocess_dir), forgets the live gauges of a worker
that dies, and removes the directory when it stops; one worker keeps its metrics in memory.
"""

import os
import socket

import uvicorn
from uvicorn.supervisors import Multiprocess

from app.kit.logs import LogFormat, server_log_config
from app.kit.metrics import MULTIPROCESS_DIR, forget_dead_workers, multiprocess_dir


class NoDelayConfig(uvicorn.Config):
    """uvicorn's own listening socket, with TCP_NODELAY set on it (accepted connections
    inherit it on Linux). With several workers uvicorn hands them a socket on which asyncio
    does not set it, and each keep-alive answer then waits for the client's delayed ACK
    (about 40 ms)."""

    def bind_socket(self) -> socket.socket:
        sock = super().bind_socket()
        if sock.family in (socket.AF_INET, socket.AF_INET6):
            sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        return sock


class Supervisor(Multiprocess):
    """uvicorn's supervisor of worker processes, which also drops the live gauges (requests in
    flight, pool use) of a worker that died or was replaced, so they count running workers
    only. (Counters and histograms keep what a dead worker counted.)"""

    def __init__(self, config: uvicorn.Config, sockets: list[socket.socket], metrics: str) -> None:
        super().__init__(config, sockets)
        self.metrics = metrics

    def keep_subprocess_alive(self) -> None:
        super().keep_subprocess_alive()
        live = {process.pid for process in self.processes if process.pid is not None}
        forget_dead_workers(self.metrics, live)


def serve(
    *,
    host: str,
    port: int,
    workers: int,
    log_level: str,
    log_format: LogFormat = "text",
    app: str = "app.asgi:app",
) -> None:
    """Serve `app` (an import string) the way `occupancy serve` does."""
    config = NoDelayConfig(
        app,
        host=host,
        port=port,
        workers=workers,
        log_level=log_level,
        log_config=server_log_config(log_format, log_level),
        access_log=False,
        proxy_headers=False,
        # Named, not "auto": a missing compiled package fails at start instead of falling
        # back to h11 and asyncio's own loop unnoticed (the two together cost about a
        # millisecond more per request on a small answer).
        http="httptools",
        loop="uvloop",
    )
    if config.workers > 1:
        # Set before any worker starts (and so before any imports prometheus_client).
        with multiprocess_dir() as metrics:
            Supervisor(config, sockets=[config.bind_socket()], metrics=metrics).run()
    else:
        # One process: metrics in memory, whatever the environment says.
        os.environ.pop(MULTIPROCESS_DIR, None)
        uvicorn.Server(config).run()

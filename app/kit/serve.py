"""Running the service under uvicorn, one process or several."""

import socket

import uvicorn
from uvicorn.supervisors import Multiprocess


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


def serve(*, host: str, port: int, workers: int, log_level: str, app: str = "app.asgi:app") -> None:
    """Serve `app` (an import string) the way `occupancy serve` does."""
    config = NoDelayConfig(
        app,
        host=host,
        port=port,
        workers=workers,
        log_level=log_level,
        proxy_headers=False,
    )
    if config.workers > 1:
        Multiprocess(config, sockets=[config.bind_socket()]).run()
    else:
        uvicorn.Server(config).run()

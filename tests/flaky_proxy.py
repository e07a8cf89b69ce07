"""A tiny HTTP proxy in front of a real server that fails on purpose, as networks and busy
gateways do: it answers 503 without asking the server, or asks the server and then loses its
answer (the connection closes with no response) or holds it back longer than a client waits.
Every request it sees is recorded."""

import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Literal

import httpx

# "busy": 503 with Retry-After: 0, the server never asked. "lose": the server answers, the
# client never hears it. "stall": the server answers, the proxy sits on the answer for
# STALL_S seconds before passing it on (a client with a shorter timeout has given up by then).
# None: passed through.
Fault = Literal["busy", "lose", "stall"] | None
STALL_S = 5.0
HOP_BY_HOP = {
    "connection",
    "keep-alive",
    "transfer-encoding",
    "content-length",
    "content-encoding",
    "host",
}


@dataclass(frozen=True, slots=True)
class Seen:
    method: str
    path: str
    idempotency_key: str | None
    fault: Fault
    status: int | None  # the server's answer; None when it was not asked
    replayed: bool  # the server's answer said Idempotent-Replayed: true


class FlakyProxy:
    def __init__(self, upstream: str, faults: list[Fault]) -> None:
        self.upstream = upstream
        self.faults = list(faults)
        self.seen: list[Seen] = []
        self._lock = threading.Lock()

    def next_fault(self) -> Fault:
        with self._lock:
            return self.faults.pop(0) if self.faults else None

    def record(self, seen: Seen) -> None:
        with self._lock:
            self.seen.append(seen)


@contextmanager
def flaky_proxy(upstream: str, faults: list[Fault]) -> Iterator[tuple[str, FlakyProxy]]:
    """A proxy on a free loopback port for the duration of the block: yields its base URL and
    the proxy (its `seen` requests)."""
    proxy = FlakyProxy(upstream, faults)
    forward = httpx.Client(base_url=upstream, timeout=60)

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, format: str, *args: object) -> None:  # quiet
            pass

        def _handle(self) -> None:
            fault = proxy.next_fault()
            length = int(self.headers.get("Content-Length") or 0)
            body = self.rfile.read(length) if length else b""
            key = self.headers.get("Idempotency-Key")
            if fault == "busy":
                proxy.record(Seen(self.command, self.path, key, fault, None, False))
                payload = b'{"type":"/problems/busy","title":"Service busy","status":503}'
                self.send_response(503)
                self.send_header("Content-Type", "application/problem+json")
                self.send_header("Retry-After", "0")
                self.send_header("Content-Length", str(len(payload)))
                self.end_headers()
                self.wfile.write(payload)
                return
            headers = {k: v for k, v in self.headers.items() if k.lower() not in HOP_BY_HOP}
            answer = forward.request(self.command, self.path, headers=headers, content=body)
            replayed = answer.headers.get("idempotent-replayed") == "true"
            proxy.record(Seen(self.command, self.path, key, fault, answer.status_code, replayed))
            if fault == "lose":
                self.close_connection = True  # hang up without a word
                return
            if fault == "stall":
                time.sleep(STALL_S)
            try:
                self.send_response(answer.status_code)
                for name, value in answer.headers.multi_items():
                    if name.lower() not in HOP_BY_HOP and name.lower() not in ("date", "server"):
                        self.send_header(name, value)
                self.send_header("Content-Length", str(len(answer.content)))
                self.end_headers()
                self.wfile.write(answer.content)
            except OSError:  # the client stopped waiting (after a stall)
                self.close_connection = True

        do_GET = do_POST = _handle

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}", proxy
    finally:
        server.shutdown()
        server.server_close()
        thread.join()
        forward.close()

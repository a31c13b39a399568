"""A provider's registry as a real HTTP server on 127.0.0.1 (a free port), in a thread, that can be told to
misbehave: answer slowly (past the client's timeout), answer 500, answer garbage, or answer JSON that is not
an object. It counts the requests it gets.

    with RegistryServer({"140524...": {"data": {"xm": "王芳"}}}) as server:
        server.url("/persons/{subject}")
        server.behaviour = "slow" | "error" | "garbage" | "array" | "ok"
        server.hits
"""

from __future__ import annotations

import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import unquote


class RegistryServer:
    def __init__(
        self, people: dict[str, Any], *, links: dict[str, list[str]] | None = None, slow_seconds: float = 1.0
    ) -> None:
        self.people = people
        self.links = links or {}
        self.slow_seconds = slow_seconds
        self.behaviour = "ok"
        self.hits = 0
        self._release = threading.Event()
        self._server: ThreadingHTTPServer | None = None

    def url(self, path: str) -> str:
        assert self._server is not None
        return f"http://127.0.0.1:{self._server.server_address[1]}{path}"

    def __enter__(self) -> RegistryServer:
        outer = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args: Any) -> None:
                pass

            def do_GET(self) -> None:  # noqa: N802 - http.server's name
                outer.hits += 1
                behaviour = outer.behaviour
                if behaviour == "slow":
                    outer._release.wait(outer.slow_seconds)
                    behaviour = "ok"
                if behaviour == "error":
                    return self._send(500, b'{"error": "internal"}')
                if behaviour == "garbage":
                    return self._send(200, b"<html>\x00\xff not json")
                if behaviour == "array":
                    return self._send(200, b"[1, 2, 3]")
                parts = [unquote(p) for p in self.path.strip("/").split("/")]
                if parts[0] == "persons" and len(parts) == 2 and parts[1] in outer.people:
                    return self._send(200, json.dumps(outer.people[parts[1]], ensure_ascii=False).encode())
                if parts[0] == "links" and len(parts) == 3:
                    return self._send(200, json.dumps(outer.links.get(f"{parts[1]}:{parts[2]}", [])).encode())
                return self._send(404, b'{"error": "not found"}')

            def _send(self, status: int, body: bytes) -> None:
                try:
                    self.send_response(status)
                    self.send_header("Content-Type", "application/json")
                    self.send_header("Content-Length", str(len(body)))
                    self.end_headers()
                    self.wfile.write(body)
                except (BrokenPipeError, ConnectionResetError):
                    pass  # the client gave up (a timeout): that is the point of the test

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._server.daemon_threads = True
        threading.Thread(
            target=self._server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        ).start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._release.set()
        assert self._server is not None
        self._server.shutdown()
        self._server.server_close()
        time.sleep(0)

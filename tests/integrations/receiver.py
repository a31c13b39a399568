"""A reference receiver: what a department system does with our webhook, as a real HTTP server.

It listens on 127.0.0.1 (a free port) in a thread, verifies every request's signature with `signing.verify`
(answering 401 when it fails), and records each message once by its Idempotency-Key: a redelivery is answered
200 again but counted as a duplicate, never recorded twice. It can be told to misbehave for the next requests:
answer 500, hang without answering, answer bytes that are not HTTP, or redirect.

    with Receiver(secret="…") as receiver:
        receiver.url               # http://127.0.0.1:PORT/hook
        receiver.misbehave("error", times=1)
        receiver.messages          # {idempotency key: envelope}
        receiver.attempts          # every request, in order
"""

from __future__ import annotations

import json
import threading
import time
from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from yijianshi.integrations import signing

BEHAVIOURS = ("ok", "error", "hang", "garbage", "redirect")


@dataclass
class Attempt:
    key: str
    verified: bool
    answered: str  # "200", "401", "500", "hang", "garbage", "302"
    headers: dict[str, str]
    body: bytes


@dataclass
class Receiver:
    secret: str
    tolerance: int = 300
    delay: float = 0.0  # seconds each accepted request takes (to make concurrent deliverers overlap)
    attempts: list[Attempt] = field(default_factory=list)
    messages: dict[str, dict[str, Any]] = field(default_factory=dict)
    duplicates: Counter[str] = field(default_factory=Counter)
    got_message: threading.Event = field(default_factory=threading.Event)

    def __post_init__(self) -> None:
        self._lock = threading.Lock()
        self._plan: list[str] = []
        self._release = threading.Event()
        self._server: ThreadingHTTPServer | None = None

    # --- control ------------------------------------------------------------------------------------------
    def misbehave(self, behaviour: str, times: int = 1) -> None:
        assert behaviour in BEHAVIOURS
        with self._lock:
            self._plan.extend([behaviour] * times)

    @property
    def url(self) -> str:
        assert self._server is not None
        host, port = self._server.server_address[:2]
        return f"http://{host!s}:{port}/hook"

    def start(self) -> Receiver:
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def do_POST(self) -> None:  # noqa: N802 - http.server's name
                receiver._handle(self)

            def log_message(self, format: str, *args: Any) -> None:
                pass

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._server.daemon_threads = True
        threading.Thread(target=self._server.serve_forever, name="receiver", daemon=True).start()
        return self

    def stop(self) -> None:
        self._release.set()  # let hanging handlers go
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()

    def __enter__(self) -> Receiver:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    # --- the department system ------------------------------------------------------------------------------
    def _next_behaviour(self) -> str:
        with self._lock:
            return self._plan.pop(0) if self._plan else "ok"

    def _handle(self, request: BaseHTTPRequestHandler) -> None:
        length = int(request.headers.get("Content-Length") or 0)
        body = request.rfile.read(length)
        headers = {k: v for k, v in request.headers.items()}
        key = request.headers.get("Idempotency-Key", "")
        behaviour = self._next_behaviour()
        if behaviour == "hang":
            self._record(Attempt(key, False, "hang", headers, body))
            self._release.wait(30)
            request.close_connection = True
            return
        if behaviour == "garbage":
            self._record(Attempt(key, False, "garbage", headers, body))
            request.wfile.write(b"THIS IS NOT HTTP\r\n\x00\xff\r\n\r\n")
            request.close_connection = True
            return
        if behaviour == "redirect":
            self._record(Attempt(key, False, "302", headers, body))
            self._answer(request, 302, {"moved": True}, extra={"Location": self.url + "/elsewhere"})
            return
        if behaviour == "error":
            self._record(Attempt(key, False, "500", headers, body))
            self._answer(request, 500, {"error": "internal"})
            return
        verified = signing.verify(
            self.secret,
            request.headers.get("X-Yijianshi-Timestamp", ""),
            body,
            request.headers.get("X-Yijianshi-Signature", ""),
            now=datetime.now(UTC),  # the receiver's own clock, not the sender's
            tolerance=self.tolerance,
        )
        if not verified:
            self._record(Attempt(key, False, "401", headers, body))
            self._answer(request, 401, {"error": "bad signature"})
            return
        envelope = json.loads(body)
        if envelope.get("idempotency_key") != key:
            self._record(Attempt(key, True, "400", headers, body))
            self._answer(request, 400, {"error": "key mismatch"})
            return
        if self.delay:
            time.sleep(self.delay)
        with self._lock:
            self.attempts.append(Attempt(key, True, "200", headers, body))
            duplicate = key in self.messages
            if duplicate:
                self.duplicates[key] += 1
            else:
                self.messages[key] = envelope
        self._answer(request, 200, {"received": key, "duplicate": duplicate})
        self.got_message.set()

    def _record(self, attempt: Attempt) -> None:
        with self._lock:
            self.attempts.append(attempt)

    @staticmethod
    def _answer(
        request: BaseHTTPRequestHandler,
        status: int,
        data: dict[str, Any],
        extra: dict[str, str] | None = None,
    ) -> None:
        payload = json.dumps(data).encode()
        request.send_response(status)
        request.send_header("Content-Type", "application/json")
        request.send_header("Content-Length", str(len(payload)))
        for name, value in (extra or {}).items():
            request.send_header(name, value)
        request.end_headers()
        request.wfile.write(payload)

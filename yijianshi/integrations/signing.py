"""Webhook signatures: HMAC-SHA256 over "{timestamp}.{body}" with the department's secret.

A department system verifies every push with `verify` (or its own port of it, docs/integrations.md): the
signature proves the body came from us and was not altered; the timestamp, which is signed too, lets the
receiver refuse a replay older than `tolerance` seconds. The comparison is constant-time.
"""

from __future__ import annotations

import hashlib
import hmac
from datetime import datetime

from yijianshi.core import clock

PREFIX = "sha256="


def _as_bytes(value: bytes | str) -> bytes:
    return value if isinstance(value, bytes) else value.encode("utf-8")


def sign(secret: str, timestamp: int | str, body: bytes | str) -> str:
    """The value of the X-Yijianshi-Signature header: "sha256=" + hex HMAC-SHA256(secret, f"{timestamp}.{body}")."""
    message = f"{timestamp}.".encode("ascii") + _as_bytes(body)
    return PREFIX + hmac.new(_as_bytes(secret), message, hashlib.sha256).hexdigest()


def verify(
    secret: str,
    timestamp: int | str,
    body: bytes | str,
    signature: str,
    now: datetime | None = None,
    tolerance: int = 300,
) -> bool:
    """True when `signature` signs `timestamp` and `body` with `secret` and the timestamp is within `tolerance`
    seconds of `now` (either way). Never raises on malformed input: it answers False."""
    if not secret or not signature:
        return False
    text = str(timestamp).strip()
    try:
        stamp = int(text)
    except ValueError:
        return False
    current = (now or clock.now()).timestamp()
    if abs(current - stamp) > tolerance:
        return False
    expected = sign(secret, text, body)
    return hmac.compare_digest(expected.encode("ascii"), signature.strip().encode("utf-8", "replace"))

"""Rate limits per client address for the public faces that cost work and tell something: verification
(docs/security.md, finding 7).

Anyone may verify a licence or a document, on a page (/licences/verify/<code>, /verify/<code>) or through the
API (/api/licences/verify/…). Each verification reads the database and checks an SM2 signature: unthrottled,
the pages could be used to load the service, or to try codes (they are 128 random bits, so they are not
enumerable as the sequential numbers they replaced were: docs/security.md 8). Every face shares one budget per client address, `YIJIANSHI_VERIFY_RATE` ("60/min": a
count per second, minute, hour or day), counted in fixed windows in the Django cache (shared through Redis, per
process while Redis is down: accounts/services.py `with_counters`). Signed-in callers are counted too.

The address is the peer address (`client_ip`, REMOTE_ADDR), never X-Forwarded-For: DRF's own throttles take
that header as the client when `NUM_PROXIES` is unset, so anyone could reset their budget by sending a new one.
Past the budget the API answers 429 `throttled` with Retry-After; the pages answer 429 in the site's frame.
"""

from __future__ import annotations

import hashlib
import time
from collections.abc import Callable
from functools import wraps
from typing import Any

from django.conf import settings
from django.core.cache import BaseCache
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from rest_framework.throttling import BaseThrottle

from .services import client_ip, with_counters

_UNITS = {
    "s": 1,
    "sec": 1,
    "second": 1,
    "m": 60,
    "min": 60,
    "minute": 60,
    "h": 3600,
    "hour": 3600,
    "d": 86400,
    "day": 86400,
}


def rate(text: str) -> tuple[int, int]:
    """'60/min' -> (60, 60): requests per window of seconds."""
    count, _, unit = text.partition("/")
    return int(count), _UNITS[unit.strip().lower()]


def verification_wait(request: HttpRequest) -> int | None:
    """Count this verification against the caller's address; the seconds to wait when it is past the budget,
    else None."""
    allowed, window = rate(settings.YIJIANSHI_VERIFY_RATE)
    now = time.time()
    start = int(now // window) * window
    address = hashlib.sha256(client_ip(request).encode()).hexdigest()[:32]
    key = f"verify:{address}:{window}:{start}"

    def count(counters: BaseCache) -> int:
        if counters.add(key, 1, window + 1):
            return 1
        try:
            return int(counters.incr(key))
        except ValueError:  # expired between add and incr
            counters.add(key, 1, window + 1)
            return 1

    if with_counters(count) <= allowed:
        return None
    return max(1, int(start + window - now + 0.999))


class VerifyThrottle(BaseThrottle):
    """The API faces of verification (licences/views.py)."""

    def __init__(self) -> None:
        self.wait_seconds: int | None = None

    def allow_request(self, request: Any, view: Any) -> bool:
        self.wait_seconds = verification_wait(request._request)
        return self.wait_seconds is None

    def wait(self) -> float | None:
        return self.wait_seconds


def verification_limited(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """The page faces of verification: past the budget, 429 in the site's frame with Retry-After."""

    @wraps(view)
    def limited(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        wait = verification_wait(request)
        if wait is None:
            return view(request, *args, **kwargs)
        response = render(request, "accounts/too_many_requests.html", {"wait": wait}, status=429)
        response["Retry-After"] = str(wait)
        return response

    return limited

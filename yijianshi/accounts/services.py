"""Sign-in rate limiting: a password may be guessed at most `MAX_FAILURES` times per account, and
`MAX_FAILURES_PER_IP` times per client address, within `WINDOW_SECONDS`; after that the sign-in page and the API
token endpoint answer 429 until the window ends. Counters live in the Django cache (LocMem in one process,
Redis when REDIS_URL is set, so that every web process shares them). A successful sign-in clears the account's
counter, not the address's.

When the shared cache cannot be reached (Redis down), sign-in goes on and stays limited: each web process counts
in its own memory for the next 30 s (core/outage.py), then tries the shared cache again. During an outage an
attacker gets at most the limit per process; failing every sign-in instead (a 500) would lock every citizen out.
"""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from typing import TypeVar

from django.conf import settings
from django.contrib.auth.base_user import AbstractBaseUser
from django.core.cache import BaseCache, cache
from django.core.cache.backends.locmem import LocMemCache
from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone
from redis.exceptions import RedisError

from yijianshi.core.errors import DomainError
from yijianshi.core.outage import Quiet

from .models import ApiToken, token_digest

MAX_FAILURES = int(getattr(settings, "SIGNIN_MAX_FAILURES", 5))
MAX_FAILURES_PER_IP = int(getattr(settings, "SIGNIN_MAX_FAILURES_PER_IP", 20))
WINDOW_SECONDS = int(getattr(settings, "SIGNIN_WINDOW_SECONDS", 15 * 60))


T = TypeVar("T")

_shared = Quiet("the shared cache (sign-in counters)")
_counters_local = LocMemCache("yijianshi-signin-local", {})  # this process's counters while the shared one is down


class TooManyAttempts(DomainError):
    status = 429


def with_counters(fn: Callable[[BaseCache], T]) -> T:
    """`fn` on the shared cache; when that fails or failed a moment ago, on this process's own counters."""
    if not _shared.down():
        try:
            return fn(cache)
        except (RedisError, OSError):
            _shared.failed("unreachable; sign-in failures are counted per process meanwhile")
    return fn(_counters_local)


@dataclass(frozen=True)
class SigninKeys:
    username: str
    ip: str


def _key(kind: str, value: str) -> str:
    return f"signin-fail:{kind}:{hashlib.sha256(value.strip().lower().encode()).hexdigest()[:32]}"


def client_ip(request: HttpRequest) -> str:
    """The peer address. Forwarded headers are not trusted: a proxy in front must set REMOTE_ADDR."""
    return str(request.META.get("REMOTE_ADDR") or "unknown")


def signin_keys(*, username: str, ip: str) -> SigninKeys:
    return SigninKeys(username=_key("user", username), ip=_key("ip", ip))


def signin_attempt_check(*, username: str, ip: str) -> None:
    """Raise TooManyAttempts (429) when the account or the address has used up its failures."""
    keys = signin_keys(username=username, ip=ip)
    counts = with_counters(lambda counters: counters.get_many([keys.username, keys.ip]))
    if counts.get(keys.username, 0) >= MAX_FAILURES or counts.get(keys.ip, 0) >= MAX_FAILURES_PER_IP:
        minutes = WINDOW_SECONDS // 60
        raise TooManyAttempts(
            "too_many_signin_attempts",
            f"登录失败次数过多，请 {minutes} 分钟后再试",
            f"Too many failed sign-in attempts; try again in {minutes} minutes",
            field="username")


def signin_attempt_record(*, username: str, ip: str, succeeded: bool) -> None:
    """Count a failure against the account and the address (the window starts at the first failure); a
    success clears the account's count."""
    keys = signin_keys(username=username, ip=ip)

    def record(counters: BaseCache) -> None:
        if succeeded:
            counters.delete(keys.username)
            return
        for key in (keys.username, keys.ip):
            if not counters.add(key, 1, WINDOW_SECONDS):
                try:
                    counters.incr(key)
                except ValueError:  # expired between add and incr
                    counters.add(key, 1, WINDOW_SECONDS)

    with_counters(record)


# --- API tokens ---------------------------------------------------------------------------------------------

TOKENS_PER_USER = 10  # a user's newest tokens (one per device or script); signing in again past that drops the oldest


def api_token_issue(*, user: AbstractBaseUser) -> str:
    """A new API token for `user`, returned once: only its digest is stored (models.ApiToken). The user's expired
    tokens are deleted, and their oldest past `TOKENS_PER_USER`. Each sign-in gives a new token; the earlier
    ones stay good until they expire."""
    raw = secrets.token_hex(20)
    expired = timezone.now() - timedelta(seconds=float(settings.YIJIANSHI_TOKEN_SECONDS))
    with transaction.atomic():
        ApiToken.objects.filter(user_id=user.pk, created__lte=expired).delete()
        ApiToken.objects.create(user_id=user.pk, digest=token_digest(raw), prefix=raw[:8])
        kept = ApiToken.objects.filter(user_id=user.pk).order_by("-created", "-pk").values_list("pk", flat=True)
        ApiToken.objects.filter(user_id=user.pk).exclude(pk__in=list(kept[:TOKENS_PER_USER])).delete()
    return raw

"""Finding 7 (issue 17, lows): the public verification pages (/verify/<code>, /licences/verify/<code>)
were not rate limited, and the licence verification API counted only anonymous callers, by an address taken from
X-Forwarded-For (a header anyone can set). Every face of verification now shares one budget per client address
(REMOTE_ADDR), `YIJIANSHI_VERIFY_RATE` (accounts/limits.py): past it, the pages answer 429 in the site's frame and
the API the structured `throttled` body, both with Retry-After."""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib.auth.models import User
from django.test import Client

pytestmark = pytest.mark.django_db
N = 3
FACES = [
    ("GET", "/verify/Cq3lI0cS9mKx2bQpR7tZuA"),
    ("GET", "/licences/verify/Cq3lI0cS9mKx2bQpR7tZuA"),
    ("GET", "/api/licences/verify/Cq3lI0cS9mKx2bQpR7tZuA/"),
    ("POST", "/api/licences/verify/"),
]


@pytest.fixture(autouse=True)
def low_rate(settings: Any) -> None:
    settings.YIJIANSHI_VERIFY_RATE = f"{N}/min"


def ask(client: Client, method: str, path: str, **extra: Any) -> Any:
    if method == "POST":
        return client.post(path, {"code": "Cq3lI0cS9mKx2bQpR7tZuA"}, content_type="application/json", **extra)
    return client.get(path, **extra)


@pytest.mark.parametrize(("method", "path"), FACES)
def test_the_n_plus_first_request_within_the_window_is_429(method: str, path: str, db: Any) -> None:
    client = Client(REMOTE_ADDR="203.0.113.5")
    for _ in range(N):
        assert ask(client, method, path).status_code != 429
    refused = ask(client, method, path)
    assert refused.status_code == 429 and int(refused["Retry-After"]) > 0
    if path.startswith("/api/"):
        body = refused.json()
        assert body["code"] == "throttled" and body["message"]["zh-hans"] and body["message"]["en"]
    else:
        page = refused.content.decode()
        assert "<html" in page and "请求过于频繁" in page and "Too many requests" in page
        assert 'href="/"' in page  # the site's frame: its header links home
    # another address has its own budget
    assert ask(Client(REMOTE_ADDR="203.0.113.6"), method, path).status_code != 429


def test_the_faces_share_one_budget_and_forwarded_headers_do_not_reset_it(db: Any) -> None:
    client = Client(REMOTE_ADDR="203.0.113.7")
    for i, (method, path) in enumerate(FACES[:N]):
        assert ask(client, method, path, HTTP_X_FORWARDED_FOR=f"10.9.9.{i}").status_code != 429
    for method, path in FACES:
        assert ask(client, method, path, HTTP_X_FORWARDED_FOR="10.9.9.99").status_code == 429, path


def test_signed_in_callers_are_counted_too(newborn: None) -> None:
    client = Client(REMOTE_ADDR="203.0.113.8")
    client.force_login(User.objects.get(username="mother"))
    statuses = [client.get("/api/licences/verify/NOT-A-LICENCE/").status_code for _ in range(N + 1)]
    assert statuses[-1] == 429 and 429 not in statuses[:-1], statuses

"""Clients signed in as a user, and what every API answer is checked for."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib.auth.models import User
from django.test import Client
from rest_framework.test import APIClient

ApiClients = Callable[[str], APIClient]  # the `as_user` fixture: username -> API client
WebClients = Callable[[str], Client]  # the `signed_in` fixture: username -> signed-in page client


def api_client(user: str | User | None) -> APIClient:
    """An API client authenticated as `user` (a username or a user); anonymous for None or "anonymous"."""
    client = APIClient()
    if isinstance(user, str):
        user = None if user == "anonymous" else User.objects.get(username=user)
    if user is not None:
        client.force_authenticate(user)
    return client


def web_client(username: str) -> Client:
    """A page client with a session of `username` (no password, no second factor)."""
    client = Client()
    client.force_login(User.objects.get(username=username))
    return client


def results(body: Any) -> list[dict[str, Any]]:
    """The rows of a list answer, paginated or not."""
    return body["results"] if isinstance(body, dict) else body


def structured(body: Any) -> bool:
    """The structured bilingual error body of yijianshi/api/errors.py:
    {"code": str, "message": {"zh-hans": str, "en": str}, "field"?: str}."""
    return (
        isinstance(body, dict)
        and isinstance(body.get("code"), str)
        and body["code"] != ""
        and isinstance(body.get("message"), dict)
        and isinstance(body["message"].get("zh-hans"), str)
        and isinstance(body["message"].get("en"), str)
        and (body.get("field") is None or isinstance(body["field"], str))
    )

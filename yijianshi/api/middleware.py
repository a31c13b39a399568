"""Refuse NUL in a request's path, query or headers before any view looks anything up with it
(docs/adr/0007-hostile-input-limits.md): PostgreSQL refuses NUL in every text it is asked to store *or compare*,
so `/api/applications/%00/`, `?status=%00` or a session cookie holding one would be a 500 at the first query.

The path: 404 (no object has such a name; under /api/ the structured `not_found`, as for a route that matches
nothing). A query parameter or a header: 400 `invalid_characters` naming it. Outside /api/: Django's own pages.
"""

from __future__ import annotations

from collections.abc import Callable

from django.core.exceptions import SuspiciousOperation
from django.http import Http404, HttpRequest, HttpResponse
from django.views import defaults

from yijianshi.core.text import shown

from .errors import error_response, page_not_found


def _offending(request: HttpRequest) -> str | None:
    """The name of the first query parameter or header holding NUL."""
    for key, values in request.GET.lists():
        if "\x00" in key or any("\x00" in v for v in values):
            return shown(key)
    for key, value in request.META.items():
        if key.startswith("HTTP_") and isinstance(value, str) and "\x00" in value:
            return key[5:].replace("_", "-").title()
    return None


class NulRefusalMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if "\x00" in request.path:
            return page_not_found(request, Http404())
        name = _offending(request)
        if name is None:
            return self.get_response(request)
        if not request.path.startswith("/api/"):
            return defaults.bad_request(request, SuspiciousOperation(f"NUL in {name}"))
        return error_response(
            "invalid_characters",
            f"“{name}”含有空字符（U+0000）",
            f"'{name}' contains NUL (U+0000)",
            field=name,
        )

"""The portal's middleware.

- Language: Chinese (zh-hans) unless the user chose English (the language button sets a cookie). The browser's
  Accept-Language is not followed: a Chinese government service speaks Chinese first.
- Private answers and error answers are never stored by a cache (`PrivateAnswersMiddleware`)."""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.utils import translation
from django.utils.cache import add_never_cache_headers


class ChosenLanguageMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME, "")
        language = chosen if chosen in dict(settings.LANGUAGES) else settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = language
        response = self.get_response(request)
        response.headers.setdefault("Content-Language", language)
        return response


PRIVATE_PREFIXES = ("/me/", "/workbench/", "/accounts/", "/admin/", "/api/")
PUBLIC_API_PREFIXES = ("/api/bundles/", "/api/schema/", "/api/docs/", "/api/licences/keys/")


class PrivateAnswersMiddleware:
    """`Cache-Control: no-store` (with `private`, docs/security.md finding 4) on what a shared cache or the back
    button of a shared counter PC must not keep: every answer of the personal pages (/me/), the workbench, the
    sign-in pages, the admin and the API — except the public catalogue, the API schema and the licence keys
    asked for anonymously — and every page served to a signed-in user (its frame names them; a guide shows
    their own waivers). Nor is an error answer (4xx, 5xx): it belongs to the request that caused it, so the
    browser's Back asks again and shows the page as it is now, not a stale error (issue 18 point 1). A page that
    set its own `no-store` keeps its header; public pages seen anonymously stay cacheable."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if "no-store" not in response.get("Cache-Control", "") and (
            response.status_code >= 400 or _private(request)
        ):
            add_never_cache_headers(response)
        return response


def _private(request: HttpRequest) -> bool:
    path = request.path
    user = getattr(request, "user", None)  # after the view: DRF has put its authenticated user here too
    signed_in = bool(user is not None and user.is_authenticated)
    if path.startswith(PUBLIC_API_PREFIXES):
        return signed_in
    return path.startswith(PRIVATE_PREFIXES) or signed_in

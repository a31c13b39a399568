"""Every error the API gives has one structured, bilingual body (standing rule 3):

    {"code": "…", "field": "…", "message": {"zh-hans": "…", "en": "…"}, "errors": [...]}

A `DomainError` keeps its status (400, 404, 409 …); DRF's own errors (validation, authentication, permission,
throttling, parse errors) are translated into the same shape, and so is a body past Django's size limits (413,
`request_too_large`; docs/adr/0007-hostile-input-limits.md).

An error nobody handled reaches Django's 500 handler (`server_error`), which Django has already logged with its
traceback. When it is the database that could not be reached or did not answer (a restart, a fail-over, a lock
timeout: `OperationalError`, `InterfaceError`), the answer is 503 with `Retry-After`: nothing of the request was
saved (its transaction was rolled back) and the same request, with the same Idempotency-Key, may be sent again
(bench/faults.py restarts PostgreSQL during a run). Anything else is a bug: 500, under /api/ with the
structured body.
"""

from __future__ import annotations

import re
import sys
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, RequestDataTooBig, TooManyFieldsSent, TooManyFilesSent
from django.db import InterfaceError, OperationalError
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.views import defaults
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_handler

from yijianshi.core.errors import DomainError

_DRF_MESSAGES: dict[str, tuple[str, str]] = {
    "not_authenticated": ("未登录或凭证无效", "Authentication credentials were not provided or are invalid"),
    "authentication_failed": ("身份认证失败", "Authentication failed"),
    "token_expired": ("登录凭证已过期，请重新登录", "The token has expired; sign in again"),
    "permission_denied": ("无权执行此操作", "You do not have permission to do this"),
    "not_found": ("对象不存在", "Not found"),
    "method_not_allowed": ("不支持该请求方法", "Method not allowed"),
    "throttled": ("请求过于频繁，请稍后再试", "Too many requests; try again later"),
    "parse_error": ("请求内容无法解析", "The request body could not be parsed"),
    "unsupported_media_type": ("不支持的内容类型", "Unsupported media type"),
    "not_acceptable": ("无法提供所请求的格式", "Cannot provide the requested format"),
}


def _body(
    code: str, zh: str, en: str, field: str | None = None, errors: list[dict[str, Any]] | None = None
) -> dict[str, Any]:
    body: dict[str, Any] = {"code": code, "message": {"zh-hans": zh, "en": en}}
    if field:
        body["field"] = field
    if errors:
        body["errors"] = errors
    return body


def _flatten(detail: Any, prefix: str = "") -> list[dict[str, Any]]:
    """DRF validation details -> [{field, code, message}] with bilingual messages."""
    out: list[dict[str, Any]] = []
    if isinstance(detail, dict):
        for key, value in detail.items():
            name = f"{prefix}.{key}" if prefix else str(key)
            out.extend(_flatten(value, "" if key == "non_field_errors" else name))
    elif isinstance(detail, list):
        for i, value in enumerate(detail):
            out.extend(_flatten(value, prefix if not isinstance(value, (dict, list)) else f"{prefix}[{i}]"))
    else:
        code = str(getattr(detail, "code", "invalid") or "invalid")
        zh, en = _bilingual(code, str(detail))
        out.append(_body(code, zh, en, prefix or None))
    return out


# DRF words a validation message in the active language (Chinese unless the user chose English): that text goes on
# its own side, and the other side gets the message for the code, with the limit the text names.
_VALIDATION: dict[str, tuple[str, str]] = {
    "required": ("此字段为必填项", "This field is required"),
    "null": ("此字段不能为空", "This field may not be null"),
    "blank": ("此字段不能为空白", "This field may not be blank"),
    "invalid": ("格式无效", "The value is not valid"),
    "max_length": ("内容过长", "Too long"),
    "min_length": ("内容过短", "Too short"),
    "invalid_choice": ("不是有效的选项", "Not one of the choices"),
    "does_not_exist": ("所引用的对象不存在", "The object referred to does not exist"),
    "incorrect_type": ("类型不正确", "Of the wrong type"),
    "max_value": ("数值过大", "Too large"),
    "min_value": ("数值过小", "Too small"),
    "max_digits": ("位数过多", "Too many digits"),
    "date": ("日期格式无效", "Not a valid date"),
    "datetime": ("日期时间格式无效", "Not a valid date and time"),
    "not_a_list": ("应为列表", "A list is expected"),
    "not_a_dict": ("应为对象", "An object is expected"),
    "empty": ("不能为空", "May not be empty"),
    "null_characters_not_allowed": ("不能含有空字符", "May not contain NUL"),
    "surrogate_characters_not_allowed": ("不能含有孤立代理项字符", "May not contain lone surrogates"),
    "invalid_characters": (
        "不能含有控制字符或文字方向控制字符",
        "May not contain control or text-direction characters",
    ),
    "invisible_characters": (
        "姓名不能含有零宽或不可见的格式字符",
        "A name may not contain zero-width or invisible formatting characters",
    ),
}
_LIMITED = {
    "max_length": ("最多", "at most"),
    "min_length": ("至少", "at least"),
    "max_value": ("最大", "at most"),
    "min_value": ("最小", "at least"),
    "max_digits": ("最多", "at most"),
}
_CJK = re.compile(r"[\u3000-\u303f\u4e00-\u9fff\uff00-\uffef]")


def _bilingual(code: str, text: str) -> tuple[str, str]:
    zh, en = _VALIDATION.get(code, ("输入有误", "Invalid input"))
    limit = re.search(r"\d+", text) if code in _LIMITED else None
    if limit:
        zh, en = f"{zh}（{_LIMITED[code][0]} {limit.group()}）", f"{en} ({_LIMITED[code][1]} {limit.group()})"
    return (text, en) if _CJK.search(text) else (zh, text)


def exception_handler(exc: Exception, context: dict[str, Any]) -> Response | None:
    if isinstance(exc, DomainError):
        return Response(exc.as_dict(), status=exc.status)
    if isinstance(exc, RequestDataTooBig):  # raised by Django when the view first reads the body
        mib = f"{settings.DATA_UPLOAD_MAX_MEMORY_SIZE / (1024 * 1024):g}"
        return Response(
            _body(
                "request_too_large",
                f"请求内容超过 {mib} MB 上限，未处理",
                f"The request body is larger than the {mib} MiB limit; nothing was done",
            ),
            status=status.HTTP_413_REQUEST_ENTITY_TOO_LARGE,
        )
    if isinstance(exc, (TooManyFieldsSent, TooManyFilesSent)):
        return Response(
            _body(
                "request_too_large",
                "请求包含的字段或文件过多，未处理",
                "The request has too many fields or files; nothing was done",
            ),
            status=status.HTTP_400_BAD_REQUEST,
        )
    if isinstance(exc, Http404):
        exc = exceptions.NotFound()
    elif isinstance(exc, PermissionDenied):
        exc = exceptions.PermissionDenied()
    response = drf_handler(exc, context)
    if response is None:
        return None
    if isinstance(exc, exceptions.ValidationError):
        errors = _flatten(exc.detail)
        first = errors[0] if errors else _body("invalid", "输入有误", "Invalid input")
        response.data = _body(
            "invalid_input",
            "请求内容有误：" + first["message"]["zh-hans"],
            "Invalid input: " + first["message"]["en"],
            first.get("field"),
            errors,
        )
        response.status_code = status.HTTP_400_BAD_REQUEST
        return response
    code = exc.default_code if isinstance(exc, exceptions.APIException) else "error"
    specific = getattr(
        getattr(exc, "detail", None), "code", None
    )  # e.g. token_expired, raised with its own code
    if specific in _DRF_MESSAGES:
        code = specific
    zh, en = _DRF_MESSAGES.get(str(code), ("请求有误", str(getattr(exc, "detail", "Bad request"))))
    response.data = _body(str(code), zh, en)
    return response


def error_response(
    code: str, zh: str, en: str, *, field: str | None = None, status: int = 400
) -> JsonResponse:
    """The structured body outside DRF (Django's handlers, middleware)."""
    return JsonResponse(_body(code, zh, en, field), status=status, json_dumps_params={"ensure_ascii": False})


def page_not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    """Django's 404 handler (the URL matched no route, e.g. `/api/item-cases/9.5/` where an id is a number):
    under /api/ the same structured body as an object that does not exist — a client cannot tell a bad route
    from a missing or hidden object; elsewhere Django's own page."""
    if request.path.startswith("/api/"):
        zh, en = _DRF_MESSAGES["not_found"]
        return error_response("not_found", zh, en, status=404)
    return defaults.page_not_found(request, exception or Http404())


RETRY_AFTER_SECONDS = 5
_UNAVAILABLE = (
    "服务暂时不可用（数据库无响应），本次请求未保存任何内容，请稍后重试",
    "The service is briefly unavailable (the database did not answer); nothing of this request was "
    "saved: try again shortly",
)


def server_error(request: HttpRequest) -> HttpResponse:
    """Django's 500 handler (module docstring): 503 + Retry-After when the database was unavailable."""
    if isinstance(sys.exc_info()[1], OperationalError | InterfaceError):
        zh, en = _UNAVAILABLE
        if request.path.startswith("/api/"):
            response: HttpResponse = error_response("database_unavailable", zh, en, status=503)
        else:
            response = HttpResponse(
                f'<!doctype html><html lang="zh-hans"><title>503</title><p>{zh}</p>'
                f'<p lang="en">{en}</p></html>',
                status=503,
                content_type="text/html; charset=utf-8",
            )
        response["Retry-After"] = str(RETRY_AFTER_SECONDS)
        return response
    if request.path.startswith("/api/"):
        return error_response(
            "server_error",
            "服务器内部错误，已记录，请稍后重试",
            "Internal server error; it was logged: try again later",
            status=500,
        )
    return defaults.server_error(request)

"""The JSON parser of the API (settings.REST_FRAMEWORK): DRF's, refusing at the edge what no field of ours can
take, before any serializer, service or database sees it (docs/adr/0007-hostile-input-limits.md):

- a string or key anywhere in the body holding NUL or a lone surrogate (yijianshi/core/text.py) →
  400 `invalid_characters` naming the value's path (`form.child.name`, `problems.1`), as DRF names fields;
- a number past the range of a float (`1e999`, which Python decodes as infinity: no JSON can carry it back
  out, no jsonb column can store it) → 400 `invalid_number` naming its path;
- nesting deeper than `MAX_DEPTH` (no request of ours nests past 5; Python's decoder overflows its stack near
  1,000, which DRF would let through as a 500) → 400 `too_deep` naming where.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import IO, Any

from rest_framework import parsers

from yijianshi.core.errors import DomainError
from yijianshi.core.text import shown, unstorable

MAX_DEPTH = 32


def _path(parent: str, key: object) -> str:
    name = shown(str(key))
    return f"{parent}.{name}" if parent else name


def _too_deep(path: str) -> DomainError:
    return DomainError(
        "too_deep",
        f"请求内容嵌套超过 {MAX_DEPTH} 层",
        f"The body nests deeper than {MAX_DEPTH} levels",
        field=path or None,
    )


def _check(data: Any) -> None:
    stack: list[tuple[str, Any, int]] = [("", data, 0)]
    while stack:
        path, value, depth = stack.pop()
        if isinstance(value, str):
            if unstorable(value):
                raise DomainError(
                    "invalid_characters",
                    "含有无法保存的字符（空字符或孤立代理项）",
                    "contains a character that cannot be stored (NUL or a lone surrogate)",
                    field=path or None,
                )
            continue
        if isinstance(value, float) and not math.isfinite(value):
            raise DomainError(
                "invalid_number",
                "数值超出范围",
                "The number is out of range (not finite)",
                field=path or None,
            )
        if not isinstance(value, (Mapping, list)):
            continue
        if depth >= MAX_DEPTH:
            raise _too_deep(path)
        if isinstance(value, Mapping):
            for key, item in value.items():
                if unstorable(key):
                    raise DomainError(
                        "invalid_characters",
                        "字段名含有无法保存的字符（空字符或孤立代理项）",
                        "A key contains a character that cannot be stored (NUL or a lone surrogate)",
                        field=_path(path, key),
                    )
                stack.append((_path(path, key), item, depth + 1))
        else:
            stack.extend((_path(path, i), item, depth + 1) for i, item in enumerate(value))


class JSONParser(parsers.JSONParser):
    def parse(
        self, stream: IO[Any], media_type: str | None = None, parser_context: Mapping[str, Any] | None = None
    ) -> Any:
        try:
            data = super().parse(stream, media_type, parser_context)
        except RecursionError:  # the decoder's own stack, on a body like [[[[…]]]]
            raise _too_deep("") from None
        _check(data)
        return data

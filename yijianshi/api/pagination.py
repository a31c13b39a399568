"""The pagination of every API list (settings.REST_FRAMEWORK): DRF's limit and offset, bounded.

`?limit=9223372036854775808` used to reach the database as LIMIT 2^63 (SQLite and PostgreSQL refuse it: a 500 on
every list). Now (docs/security.md, finding 1):

- `limit` is a whole number from 1; past `MAX_LIMIT` it is cut to `MAX_LIMIT` (the `next` link says so);
- `offset` is a whole number from 0; past `MAX_OFFSET` (beyond any list of ours) it is taken as `MAX_OFFSET`, an
  empty page;
- anything else (a negative or zero limit, a fraction, words, digits of another script) is 400
  `invalid_page_parameter` naming the parameter, in the structured bilingual body. Empty means absent.
"""

from __future__ import annotations

from rest_framework.pagination import LimitOffsetPagination
from rest_framework.request import Request

from yijianshi.core.errors import DomainError

MAX_LIMIT = 200
MAX_OFFSET = 10**12
_DIGITS = 13  # more digits than MAX_OFFSET has: no need to read the number


def _whole(request: Request, name: str, *, least: int, most: int) -> int | None:
    """The parameter `name` as a whole number in [least, most] (cut to `most`); None when absent or empty."""
    text = request.query_params.get(name)
    if text is None or text == "":
        return None
    if not (text.isascii() and text.isdigit()) or (len(text) < _DIGITS and int(text) < least):
        raise DomainError(
            "invalid_page_parameter",
            f"分页参数“{name}”应为不小于 {least} 的整数",
            f"The paging parameter '{name}' must be a whole number of at least {least}",
            field=name,
        )
    return most if len(text) >= _DIGITS else min(int(text), most)


class Pagination(LimitOffsetPagination):
    max_limit = MAX_LIMIT

    def get_limit(self, request: Request) -> int | None:
        limit = _whole(request, self.limit_query_param, least=1, most=MAX_LIMIT)
        return self.default_limit if limit is None else limit

    def get_offset(self, request: Request) -> int:
        return _whole(request, self.offset_query_param, least=0, most=MAX_OFFSET) or 0

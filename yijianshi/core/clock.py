"""The injectable clock (STYLE.md, time): aware UTC datetimes everywhere, shown in Asia/Shanghai.

Deadline logic is tested by moving time (`frozen(...)`), never by sleeping.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

SHANGHAI = ZoneInfo("Asia/Shanghai")
_frozen: list[datetime] = []


def now() -> datetime:
    """The current time, aware, in UTC."""
    return _frozen[-1] if _frozen else datetime.now(UTC)


def local(moment: datetime) -> datetime:
    return moment.astimezone(SHANGHAI)


@contextmanager
def frozen(moment: datetime) -> Iterator[None]:
    """Within the block, `now()` returns `moment` (which must be aware)."""
    if moment.tzinfo is None:
        raise ValueError("frozen() needs an aware datetime")
    _frozen.append(moment.astimezone(UTC))
    try:
        yield
    finally:
        _frozen.pop()

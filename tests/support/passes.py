"""Which tests the second database pass of `make test` runs."""

from __future__ import annotations

import pytest

# Rule 8: what does not touch the database runs once, not on both. `make test` runs the suite on SQLite, then
# on PostgreSQL with YIJIANSHI_SECOND_DATABASE_PASS=1: that pass leaves out the tests that use no database (no
# `db`-family fixture, no django_db mark) and those marked `one_database` (they do use it, but what they check
# does not depend on the engine: text of every guide, search ranking over the whole catalogue). A run of its
# own on PostgreSQL (DATABASE_URL=… pytest) still runs everything.
DB_FIXTURES = frozenset(
    {"db", "transactional_db", "live_server", "django_db_reset_sequences", "django_db_serialized_rollback"}
)


def needs_the_engine(item: pytest.Item) -> bool:
    if item.get_closest_marker("postgres") is not None:
        return True  # runs on PostgreSQL only (through its own connections or processes)
    if item.get_closest_marker("one_database") is not None:
        return False
    uses = set(getattr(item, "fixturenames", ()))
    return item.get_closest_marker("django_db") is not None or bool(uses & DB_FIXTURES)

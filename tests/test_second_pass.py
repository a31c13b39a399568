"""make test's PostgreSQL pass leaves out what does not depend on the engine (rule 8; tests/conftest.py)."""

from __future__ import annotations

from dataclasses import dataclass, field

import pytest

from tests.support.passes import needs_the_engine


@dataclass
class Item:
    fixturenames: list[str]
    marks: set[str] = field(default_factory=set)

    def get_closest_marker(self, name: str) -> object | None:
        return name if name in self.marks else None


@pytest.mark.parametrize(
    ("item", "runs_twice"),
    [
        (Item(["settings", "tmp_path", "django_db_setup"]), False),  # the session's database is not a use
        (Item(["db", "settings"]), True),
        (Item(["transactional_db"]), True),
        (Item([], {"django_db"}), True),
        (Item(["db"], {"one_database"}), False),
        (Item(["tmp_path"], {"postgres"}), True),  # PostgreSQL only: never left out of its pass
    ],
)
def test_which_tests_the_second_database_pass_runs(item: Item, runs_twice: bool) -> None:
    assert needs_the_engine(item) is runs_twice  # type: ignore[arg-type]

"""Tests of the access ledger (yijianshi/ledger): the chain, appends, verification, concurrency, admin."""

from __future__ import annotations

import threading
from collections.abc import Callable
from datetime import date
from typing import Any

from django.db import connection

from yijianshi.core.actor import Actor
from yijianshi.core.identifiers import make_resident_id
from yijianshi.ledger.models import LedgerEntry
from yijianshi.ledger.services import Purpose, ledger_append

MOTHER = make_resident_id("140524", date(1994, 5, 17), 122)
FATHER = make_resident_id("140524", date(1992, 11, 3), 131)
TABLE = LedgerEntry._meta.db_table
# the apps a transactional test of the ledger touches: only their tables are emptied after it (much faster)
LEDGER_APPS = ["django.contrib.contenttypes", "django.contrib.auth", "yijianshi.ledger"]


def append(**overrides: Any) -> LedgerEntry:
    """One read of the population register about the mother for application YJS-1, by a system task."""
    arguments: dict[str, Any] = {
        "actor": Actor.system(),
        "subject_id": MOTHER,
        "source": "population",
        "purpose": Purpose(kind="prefill", reference="YJS-20260302-0001"),
        "fields": ["person.name", "person.id_number"],
        "mode": "query",
        "outcome": "ok",
    }
    arguments.update(overrides)
    return ledger_append(**arguments)


def raw(sql: str, params: list[Any] | tuple[Any, ...] = ()) -> int:
    """Run SQL straight on the table, bypassing the service (what an intruder with database access does)."""
    with connection.cursor() as cursor:
        cursor.execute(sql.replace("{table}", TABLE), params)
        return cursor.rowcount


def seqs() -> list[int]:
    return list(LedgerEntry.objects.order_by("seq").values_list("seq", flat=True))


def run_writers(writer: Callable[[int], None], writers: int) -> list[BaseException]:
    """Run `writer(n)` for n in range(writers) in threads started together; each closes its connection at
    the end. Returns what they raised."""
    start = threading.Barrier(writers, timeout=30)
    errors: list[BaseException] = []

    def run(n: int) -> None:
        try:
            start.wait()
            writer(n)
        except BaseException as exc:  # reported to the caller
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(n,)) for n in range(writers)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    return errors

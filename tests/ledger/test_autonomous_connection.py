"""The connection a row is written through inside a caller's transaction on PostgreSQL (services.py, "Which
transaction …"): the thread's own, kept between appends as Django keeps its own connections, so a submission
does not fork a PostgreSQL backend each time; reopened when the server has dropped it; closed after each
append when the default database's connections are not kept (CONN_MAX_AGE 0). Observed from the server's
side, in pg_stat_activity. SQLite writes these rows in the caller's transaction (no second connection)."""

from __future__ import annotations

import threading
from typing import Any

import pytest
from django.db import connection, transaction

from yijianshi.ledger.models import LedgerEntry
from yijianshi.ledger.services import ledger_batch, ledger_connection_close, ledger_verify

from . import LEDGER_APPS, append

pytestmark = pytest.mark.django_db(transaction=True, available_apps=LEDGER_APPS)


@pytest.fixture(autouse=True)
def _postgres_only() -> None:
    if connection.vendor != "postgresql":
        pytest.skip(
            "SQLite writes a ledger row inside a caller's transaction in that transaction: there is no "
            "second connection to keep (the PostgreSQL run executes these)"
        )


def others() -> set[int]:
    """The backends connected to this database other than the default connection's."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()"
        )
        return {pid for (pid,) in cursor.fetchall()}


def others_when_settled(than: set[int], *, timeout: float = 10.0) -> set[int]:
    """others() beyond `than`, once that is empty or `timeout` has passed: a backend leaves pg_stat_activity
    shortly after its client closed it (or it was terminated), later on a loaded machine."""
    import time

    deadline = time.monotonic() + timeout
    while (left := others() - than) and time.monotonic() < deadline:
        time.sleep(0.05)
    return left


def append_in_transaction(subject: str) -> None:
    with transaction.atomic():
        append(subject_id=subject)


def test_appends_in_callers_transactions_share_one_kept_connection() -> None:
    ledger_connection_close()
    before = others()
    append_in_transaction("first")
    kept = others() - before
    assert len(kept) == 1  # the row went through a second backend, still connected after the append
    for n in range(3):
        append_in_transaction(f"again {n}")
    assert others() - before == kept  # the same backend each time: no new connection
    assert LedgerEntry.objects.count() == 4
    assert ledger_verify().ok
    ledger_connection_close()
    assert not others_when_settled(before)


def test_a_connection_the_server_dropped_is_reopened_and_the_append_succeeds() -> None:
    ledger_connection_close()
    before = others()
    append_in_transaction("before the drop")
    (kept,) = others() - before
    with connection.cursor() as cursor:  # what a PostgreSQL restart or an idle timeout does to it
        cursor.execute("SELECT pg_terminate_backend(%s)", [kept])
    append_in_transaction("after the drop")

    assert not others_when_settled(others() - {kept})  # the terminated backend has gone
    now = others() - before
    assert len(now) == 1 and kept not in now  # a fresh backend
    assert list(LedgerEntry.objects.order_by("seq").values_list("subject_id", flat=True)) == [
        "before the drop",
        "after the drop",
    ]
    assert ledger_verify().ok
    ledger_connection_close()


def test_without_persistent_connections_the_second_connection_is_closed_after_each_append() -> None:
    before = others()
    seen: list[set[int]] = []
    errors: list[BaseException] = []
    max_age = connection.settings_dict["CONN_MAX_AGE"]

    main = others() | before  # others() runs on the main thread's connection: add that one
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        main.add(cursor.fetchone()[0])

    def writer() -> None:  # a thread of its own: its connection is made from the settings of now
        try:
            append_in_transaction("not kept")
            seen.append(others_when_settled(main))  # others() leaves out this thread's own default connection
        except BaseException as exc:  # reported below
            errors.append(exc)
        finally:
            connection.close()

    connection.settings_dict["CONN_MAX_AGE"] = 0
    try:
        thread = threading.Thread(target=writer)
        thread.start()
        thread.join(timeout=60)
    finally:
        connection.settings_dict["CONN_MAX_AGE"] = max_age
    assert not errors, errors
    assert seen == [set()]  # measured inside the thread, before its end could close anything
    assert LedgerEntry.objects.filter(subject_id="not kept").count() == 1


def test_a_threads_kept_connection_is_closed_when_the_thread_ends() -> None:
    """A thread that appended inside its transactions and then ended leaves no backend behind (a web server's
    thread pool shrinking, a worker thread finishing)."""
    import time

    main = others()
    with connection.cursor() as cursor:  # others() in the thread sees the main thread's connection too
        cursor.execute("SELECT pg_backend_pid()")
        main.add(cursor.fetchone()[0])
    opened: list[set[int]] = []
    errors: list[BaseException] = []

    def writer() -> None:
        try:
            append_in_transaction("from a thread")
            opened.append(others())  # this thread's default connection and its kept ledger connection
        except BaseException as exc:  # reported below
            errors.append(exc)
        finally:
            connection.close()

    thread = threading.Thread(target=writer)
    thread.start()
    thread.join(timeout=60)
    assert not errors, errors
    assert (
        len(opened[0] - main) == 1
    )  # the kept one (others() leaves out the thread's own default connection)
    deadline = time.monotonic() + 10
    while others() - main and time.monotonic() < deadline:  # a closed backend leaves pg_stat_activity shortly
        time.sleep(0.05)
    assert not others() - main


def sent_by(trace: str) -> list[tuple[str, str]]:
    """(message type, content) of what the client sent, from a libpq trace (PQtrace, regress mode)."""
    return [
        (fields[2], fields[3].strip() if len(fields) > 3 else "")
        for fields in (line.split("\t") for line in trace.splitlines())
        if fields[0] == "F"
    ]


def test_a_batch_in_a_callers_transaction_is_two_round_trips_on_the_kept_connection(tmp_path: Any) -> None:
    """BEGIN with the lock and the head, then the INSERT with the COMMIT: nothing else goes to the server (the
    driver's own BEGIN and COMMIT were two more round trips, the second with the lock held). Seen by libpq's
    own trace of the thread's kept connection."""
    from psycopg import pq

    from yijianshi.ledger import services

    append_in_transaction("first")  # the thread's connection is open and kept
    pgconn = services._autonomous().connection.pgconn
    trace = tmp_path / "libpq.trace"
    with open(trace, "w") as out:
        pgconn.trace(out.fileno())
        pgconn.set_trace_flags(pq.Trace.SUPPRESS_TIMESTAMPS | pq.Trace.REGRESS_MODE)
        try:
            with transaction.atomic(), ledger_batch():
                append(subject_id="a", source="population")
                append(subject_id="a", source="marriage")
        finally:
            pgconn.untrace()
    sent = sent_by(trace.read_text())
    assert [kind for kind, _ in sent] == ["Query", "Query"], sent
    assert sent[0][1].startswith('"BEGIN; ') and "pg_advisory_xact_lock" in sent[0][1], sent
    assert "INSERT INTO" in sent[1][1] and sent[1][1].endswith('; COMMIT"'), sent
    assert pgconn.transaction_status == pq.TransactionStatus.IDLE
    assert list(LedgerEntry.objects.order_by("seq").values_list("seq", "subject_id")) == [
        (1, "first"),
        (2, "a"),
        (3, "a"),
    ]
    assert ledger_verify().ok


def test_an_append_that_fails_leaves_the_kept_connection_idle_for_the_next(monkeypatch: Any) -> None:
    """The lock not taken in time: the append raises, its transaction is rolled back on the kept connection (not
    left open, holding nothing, for the next append to fail in), and the next append is written."""
    from django.db import OperationalError
    from psycopg import pq

    from yijianshi.ledger import services

    append_in_transaction("first")
    monkeypatch.setattr(services, "AUTONOMOUS_LOCK_TIMEOUT", "100ms")
    with pytest.raises(OperationalError), transaction.atomic():
        with connection.cursor() as cursor:  # the caller holds the ledger's lock: the append cannot take it
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [services.LOCK_KEY])
        append(subject_id="not written")
    kept = services._autonomous().connection
    assert kept is not None, "the kept connection had to be closed: it was left in the failed transaction"
    assert kept.pgconn.transaction_status == pq.TransactionStatus.IDLE
    append_in_transaction("after")
    assert list(LedgerEntry.objects.order_by("seq").values_list("subject_id", flat=True)) == [
        "first",
        "after",
    ]
    assert ledger_verify().ok

"""`ledger_batch`: the rows of several reads made for one purpose are written together when the block ends —
one lock, one commit — chained in the order they were appended; a refusal is still written at once; the rows
are written even when the block fails; concurrent batches keep one valid, gapless chain with each batch's rows
side by side. These need real commits, hence transaction=True."""

from __future__ import annotations

from contextlib import nullcontext

import pytest
from django.db import connection, transaction

from yijianshi.core.errors import DomainError
from yijianshi.ledger.models import LedgerEntry
from yijianshi.ledger.services import Purpose, ledger_batch, ledger_verify

from . import FATHER, LEDGER_APPS, MOTHER, append, run_writers, seqs

pytestmark = pytest.mark.django_db(transaction=True, available_apps=LEDGER_APPS)


def rows() -> list[tuple[int, str, str, str]]:
    return list(LedgerEntry.objects.order_by("seq").values_list("seq", "subject_id", "source", "outcome"))


def test_the_rows_are_written_together_when_the_block_ends_in_the_order_appended() -> None:
    with ledger_batch():
        first = append(source="population")
        second = append(source="marriage", subject_id=FATHER)
        third = append(source="birth", outcome="error", detail="timeout: 5 s")
        assert LedgerEntry.objects.count() == 0  # nothing yet: the reads' values have not left the block
        assert first.seq is None

    assert rows() == [
        (1, MOTHER, "population", "ok"),
        (2, FATHER, "marriage", "ok"),
        (3, MOTHER, "birth", "error"),
    ]
    assert (first.seq, second.seq, third.seq) == (1, 2, 3)  # the entries returned earlier got their place
    assert third.prev_hash == second.hash and second.prev_hash == first.hash
    assert LedgerEntry.objects.get(seq=2).hash == second.hash
    result = ledger_verify()
    assert result.ok and result.rows == 3


def test_a_refusal_inside_a_batch_is_written_at_once_after_what_was_read_before_it() -> None:
    with pytest.raises(DomainError, match="purpose_required"), ledger_batch():
        append(source="population")
        try:
            append(source="marriage", purpose=None)
        finally:
            assert rows() == [(1, MOTHER, "population", "ok"), (2, MOTHER, "marriage", "refused")]

    append(source="household")  # after the block: one chain
    assert [r[2:] for r in rows()] == [("population", "ok"), ("marriage", "refused"), ("household", "ok")]
    assert ledger_verify().ok


def test_the_rows_are_written_when_the_block_fails() -> None:
    with pytest.raises(RuntimeError, match="the caller failed"), ledger_batch():
        append(source="population")
        append(source="marriage")
        raise RuntimeError("the caller failed after reading")

    assert [r[2] for r in rows()] == ["population", "marriage"]  # the reads happened
    assert ledger_verify().ok


def test_nested_blocks_write_once_when_the_outer_one_ends() -> None:
    with ledger_batch():
        append(source="population")
        with ledger_batch():
            append(source="marriage")
        assert LedgerEntry.objects.count() == 0
    assert seqs() == [1, 2]


def test_inside_a_callers_transaction_that_rolls_back() -> None:
    """PostgreSQL: written through the ledger's own connection, so the rows outlive the caller's rollback.
    SQLite (embedded default): written in the caller's transaction, so they share its fate."""
    with transaction.atomic():
        with ledger_batch():
            append(source="population")
            append(source="marriage")
        transaction.set_rollback(True)

    assert seqs() == ([1, 2] if connection.vendor == "postgresql" else [])
    assert ledger_verify().ok


def test_concurrent_batches_keep_one_gapless_chain_with_each_batch_side_by_side() -> None:
    writers, batches, size = 4, 5, 3

    def writer(n: int) -> None:
        for b in range(batches):
            purpose = Purpose(kind="application", reference=f"T{n}-{b}")
            with (
                transaction.atomic() if n % 2 else nullcontext(),
                ledger_batch(),
            ):  # odd: inside a transaction
                for _ in range(size):
                    append(purpose=purpose, subject_id=f"T{n}")

    errors = run_writers(writer, writers)
    assert not errors, errors
    total = writers * batches * size
    assert seqs() == list(range(1, total + 1))
    references = list(LedgerEntry.objects.order_by("seq").values_list("purpose_reference", flat=True))
    for i in range(0, total, size):  # each batch's rows are consecutive
        assert len(set(references[i : i + size])) == 1, references[i : i + size]
    result = ledger_verify()
    assert result.ok and result.rows == total


def test_an_append_takes_the_lock_and_reads_the_head_in_one_statement_then_inserts() -> None:
    """Two round trips per batch on the appending connection (besides the transaction's own BEGIN and
    COMMIT): the lock and the head together (PostgreSQL sends them as one simple query; SQLite's write lock
    comes with its BEGIN IMMEDIATE), then one INSERT for all of the batch's rows."""
    from django.test.utils import CaptureQueriesContext

    append(source="population")  # the chain has a head to read
    with CaptureQueriesContext(connection) as done, ledger_batch():
        append(source="marriage")
        append(source="birth")
    sql = [
        q["sql"]
        for q in done.captured_queries
        if not q["sql"].startswith(("BEGIN", "COMMIT", "SAVEPOINT", "RELEASE"))
    ]
    assert len(sql) == 2, sql
    assert "ORDER BY seq DESC LIMIT 1" in sql[0], sql
    assert ("pg_advisory_xact_lock" in sql[0]) == (connection.vendor == "postgresql"), sql
    assert sql[1].startswith(f'INSERT INTO "{LedgerEntry._meta.db_table}"'), sql
    assert seqs() == [1, 2, 3] and ledger_verify().ok

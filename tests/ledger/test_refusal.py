"""Which transaction a ledger row is written in (services.py, "Which transaction …"): a refusal is committed
before it is raised and survives the caller's rollback; a read inside a caller's transaction does not keep the
ledger locked until the caller commits. These need real commits, hence transaction=True.

PostgreSQL writes the row through a connection of its own; SQLite (one writer at a time, held by the caller)
writes it in the caller's transaction, so there it shares the caller's fate — both behaviours are asserted,
each on its database."""

from __future__ import annotations

import threading

import pytest
from django.contrib.auth.models import User
from django.db import connection, transaction

from tests.support.factories import UserFactory
from yijianshi.core.errors import DomainError
from yijianshi.ledger.models import LedgerEntry
from yijianshi.ledger.services import ledger_verify

from . import LEDGER_APPS, append

pytestmark = pytest.mark.django_db(transaction=True, available_apps=LEDGER_APPS)


def postgres() -> bool:
    return connection.vendor == "postgresql"


def test_a_refusal_is_committed_before_it_is_raised_and_survives_the_callers_rollback() -> None:
    # outside any transaction: committed before the error reaches the caller
    with pytest.raises(DomainError, match="purpose_required"):
        append(purpose=None, subject_id="outside")
    assert not connection.in_atomic_block
    assert list(LedgerEntry.objects.values_list("subject_id", "outcome")) == [("outside", "refused")]

    # inside the caller's transaction, which our error rolls back
    with pytest.raises(DomainError, match="purpose_required"), transaction.atomic():
        UserFactory(username="someone")  # the caller's own work …
        append(purpose=None, subject_id="inside")  # … fails here and is rolled back

    assert not User.objects.filter(username="someone").exists()
    inside = list(LedgerEntry.objects.filter(subject_id="inside").values_list("seq", "outcome"))
    assert inside == ([(2, "refused")] if postgres() else [])
    assert ledger_verify().ok


def test_a_read_inside_a_callers_transaction_stays_on_record_when_the_caller_rolls_back() -> None:
    with transaction.atomic():
        entry = append()
        transaction.set_rollback(True)  # e.g. the application failed later on

    assert LedgerEntry.objects.filter(pk=entry.pk).exists() is postgres()
    if postgres():
        entry.refresh_from_db()  # the returned row is usable through the default connection
        assert entry.seq == 1


def test_a_caller_in_a_long_transaction_does_not_hold_the_ledger_up() -> None:
    """A reads shared data inside its transaction and then keeps it open (as if it called a slow source);
    B appends meanwhile. On PostgreSQL B is done while A is still open; on SQLite B waits for A's commit."""
    a_appended, b_done = threading.Event(), threading.Event()
    b_done_while_a_open: list[bool] = []
    errors: list[BaseException] = []

    def a() -> None:
        try:
            with transaction.atomic():
                append(subject_id="A")
                a_appended.set()
                b_done_while_a_open.append(b_done.wait(timeout=15 if postgres() else 1))
        except BaseException as exc:  # reported below
            errors.append(exc)
        finally:
            connection.close()

    def b() -> None:
        try:
            a_appended.wait(timeout=15)
            append(subject_id="B")
            b_done.set()
        except BaseException as exc:
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=a), threading.Thread(target=b)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)

    assert not errors, errors
    assert b_done_while_a_open == [postgres()]
    assert list(LedgerEntry.objects.order_by("seq").values_list("subject_id", flat=True)) == ["A", "B"]
    assert ledger_verify().ok

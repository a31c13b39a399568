"""Concurrent writers keep the chain whole: 4 threads (half of them inside transactions of their own, which on
PostgreSQL takes the autonomous-connection path) and 4 processes (as several web workers do) append at once;
the chain verifies and the seq is gapless. The processes are forked, as a pre-forking server (gunicorn) makes
its workers, so the test pays no second start-up of Django. The console command, run in a process of its own,
exits 0 on a whole chain and 1 naming the first bad row."""

from __future__ import annotations

import os
import signal
import sys
import time
import traceback
from collections import Counter
from collections.abc import Callable
from pathlib import Path

import pytest
from django.db import connections, transaction

from yijianshi.__main__ import main
from yijianshi.ledger.models import LedgerEntry
from yijianshi.ledger.services import Purpose, ledger_verify

from . import LEDGER_APPS, append, raw, run_writers, seqs

pytestmark = pytest.mark.django_db(transaction=True, available_apps=LEDGER_APPS)

WRITERS = 4
PER_WRITER = 15


def test_four_threads_appending_at_once_leave_a_valid_gapless_chain() -> None:
    def writer(n: int) -> None:
        for i in range(PER_WRITER):
            purpose = Purpose(kind="application", reference=f"T{n}-{i}")
            if n % 2:
                with transaction.atomic():  # a caller with a transaction of its own
                    append(purpose=purpose, subject_id=f"T{n}")
            else:
                append(purpose=purpose, subject_id=f"T{n}")

    errors = run_writers(writer, WRITERS)
    assert not errors, errors
    assert seqs() == list(range(1, WRITERS * PER_WRITER + 1))
    assert Counter(LedgerEntry.objects.values_list("subject_id", flat=True)) == {
        f"T{n}": PER_WRITER for n in range(WRITERS)
    }
    result = ledger_verify()
    assert result.ok and result.rows == WRITERS * PER_WRITER


def forked(work: Callable[[], int], output: Path | None = None) -> int:
    """Run `work` in a child process made with fork() (as a pre-forking web server makes its workers: no
    second start-up of Python and Django) and return the child's pid; the child's exit status is what `work`
    returns (1 if it raised). The parent's connections are closed first: a child must never share a socket."""
    connections.close_all()
    sys.stdout.flush()
    sys.stderr.flush()
    pid = os.fork()
    if pid:
        return pid
    status = 1
    try:
        if output is not None:
            sys.stdout = sys.stderr = open(output, "w", encoding="utf-8")  # noqa: SIM115 - the child exits
        status = work()
    except BaseException:
        traceback.print_exc()
    finally:
        try:
            connections.close_all()
            sys.stdout.flush()
            sys.stderr.flush()
        finally:
            os._exit(status)  # never run the parent's pytest teardown in the child


def exit_status(pid: int, timeout: float = 120) -> int:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        done, status = os.waitpid(pid, os.WNOHANG)
        if done:
            return os.waitstatus_to_exitcode(status)
        time.sleep(0.01)
    os.kill(pid, signal.SIGKILL)
    os.waitpid(pid, 0)
    raise AssertionError(f"process {pid} did not finish within {timeout} s")


def test_four_processes_appending_at_once_leave_a_valid_chain_and_the_command_says_so(tmp_path: Path) -> None:
    go_read, go_write = os.pipe()

    def writer(n: int) -> int:
        os.close(go_write)
        os.read(go_read, 1)  # wait until every writer is up
        for i in range(PER_WRITER):
            append(purpose=Purpose(kind="application", reference=f"P{n}-{i}"), subject_id=f"P{n}")
        return 0

    pids = [forked(lambda n=n: writer(n)) for n in range(WRITERS)]
    os.close(go_read)
    os.write(go_write, b"g" * WRITERS)
    os.close(go_write)
    assert [exit_status(pid) for pid in pids] == [0] * WRITERS

    assert seqs() == list(range(1, WRITERS * PER_WRITER + 1))
    assert Counter(LedgerEntry.objects.values_list("subject_id", flat=True)) == {
        f"P{n}": PER_WRITER for n in range(WRITERS)
    }
    result = ledger_verify()
    assert result.ok and result.rows == WRITERS * PER_WRITER

    # the console command, in a process of its own: exit 0 on the whole chain, 1 naming the bad row
    def console() -> int:  # what the `yijianshi` entry point runs (yijianshi/__main__.py)
        try:
            main(["ledger", "verify"])
        except SystemExit as exc:
            return int(exc.code or 0)
        return 0

    whole, broken = tmp_path / "whole.txt", tmp_path / "broken.txt"
    assert exit_status(forked(console, whole)) == 0
    assert whole.read_text().startswith(f"ok: {WRITERS * PER_WRITER} rows, head #{WRITERS * PER_WRITER} ")

    raw("UPDATE {table} SET detail = %s WHERE seq = %s", ["nothing to see here", 17])
    assert exit_status(forked(console, broken)) == 1
    assert "ledger broken at row #17: altered (hash_mismatch)" in broken.read_text()

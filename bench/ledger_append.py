"""Benchmark of the access ledger's appends on PostgreSQL (issue 4: "ledger appends per second on PostgreSQL
with 4 concurrent writers").

Cases, each with 1 and with 4 concurrent writers (processes forked after Django is set up, as a pre-forking
web server makes its workers; `--threads` for threads instead):
  baseline   plain INSERTs of the same row through the same ORM, one transaction each, with no lock, no read
             of the head and no hashing — the floor any append pays;
  ledger     `ledger_append` as the data hub calls it outside a transaction: advisory lock, head read, SM3
             over the canonical row, INSERT, commit;
  ledger-tx  `ledger_append` inside the caller's own transaction: the row goes through a second connection
             of its own (services.py), kept per thread, so this pays one connection set-up per writer.
Reported per case: appends per second over the whole run (first start to last end, all writers), the median
and p99 latency of one append, and the throughput relative to the baseline with as many writers. After each
ledger case the chain is verified (gapless, every hash) — a benchmark that broke the chain would say so.

The database (default postgres://postgres@127.0.0.1:5432/yijianshi_bench_ledger, or --url) is created and
migrated if missing and its ledger table emptied between cases; never point this at a database you keep.

    .venv/bin/python bench/ledger_append.py [--appends 1000] [--tx-appends 200] [--threads] [--url URL]
"""

from __future__ import annotations

import argparse
import multiprocessing
import os
import statistics
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/yijianshi_bench_ledger"


def ensure_database(url: str) -> None:
    import psycopg

    parts = urlsplit(url)
    name = parts.path.lstrip("/")
    admin_url = urlunsplit(parts._replace(scheme="postgresql", path="/postgres"))
    with psycopg.connect(admin_url, autocommit=True) as conn:
        if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
            conn.execute(f'CREATE DATABASE "{name}"')


def p99(samples: list[float]) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, int(round(0.99 * (len(ordered) - 1))))]


# --- the operations -----------------------------------------------------------------------------------------


def make_op(case: str, writer: int) -> Callable[[int], object]:
    from django.db import transaction

    from yijianshi.core import clock
    from yijianshi.core.actor import Actor
    from yijianshi.ledger.models import LedgerEntry
    from yijianshi.ledger.services import Purpose, ledger_append

    subject = f"11010519900101{writer:03d}X"
    fields = ["person.name", "person.id_number", "person.birth_date", "household.address"]

    def append(i: int) -> object:
        return ledger_append(
            actor=Actor.system(),
            subject_id=subject,
            source="population",
            purpose=Purpose(kind="prefill", reference=f"YJS-20260302-{writer:02d}{i:05d}"),
            fields=fields,
            mode="query",
            outcome="ok",
        )

    if case == "ledger":
        return append
    if case == "ledger-tx":

        def in_callers_transaction(i: int) -> object:
            with transaction.atomic():
                return append(i)

        return in_callers_transaction

    def baseline(i: int) -> object:
        with transaction.atomic():
            return LedgerEntry.objects.create(
                seq=writer * 10_000_000 + i + 1,
                at=clock.now(),
                actor_id=None,
                actor_name="",
                actor_role="system",
                subject_id=subject,
                source="population",
                purpose_kind="prefill",
                purpose_reference=f"YJS-20260302-{writer:02d}{i:05d}",
                fields=sorted(fields),
                mode="query",
                outcome="ok",
                detail="",
                prev_hash="",
                hash="",
            )

    return baseline


def run_writer(case: str, writer: int, count: int, start: Any, results: Any) -> None:
    from django.db import connection

    op = make_op(case, writer)
    connection.ensure_connection()  # connected before the clock starts
    start.wait()
    samples = []
    began = time.perf_counter()
    for i in range(count):
        t0 = time.perf_counter()
        op(i)
        samples.append((time.perf_counter() - t0) * 1000)
    ended = time.perf_counter()
    connection.close()
    results.put((began, ended, samples))


def run_case(case: str, writers: int, total: int, threads: bool) -> tuple[float, list[float]]:
    from django.db import connections

    per_writer = total // writers
    connections.close_all()  # a forked child must never share the parent's socket
    if threads:
        start: Any = threading.Barrier(writers)
        import queue

        results: Any = queue.Queue()
        workers: list[Any] = [
            threading.Thread(target=run_writer, args=(case, w, per_writer, start, results))
            for w in range(writers)
        ]
    else:
        ctx = multiprocessing.get_context("fork")
        start = ctx.Barrier(writers)
        results = ctx.Queue()
        workers = [
            ctx.Process(target=run_writer, args=(case, w, per_writer, start, results)) for w in range(writers)
        ]
    for w in workers:
        w.start()
    outcomes = [results.get(timeout=600) for _ in workers]
    for w in workers:
        w.join()
    began, ended = min(o[0] for o in outcomes), max(o[1] for o in outcomes)
    samples = [s for o in outcomes for s in o[2]]
    return len(samples) / (ended - began), samples


def empty_ledger() -> None:
    from django.db import connection

    from yijianshi.ledger.models import LedgerEntry

    with connection.cursor() as cursor:
        cursor.execute(f"TRUNCATE {LedgerEntry._meta.db_table}")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--url", default=os.environ.get("BENCH_DATABASE_URL", DEFAULT_URL))
    parser.add_argument("--appends", type=int, default=1000, help="appends per case (all writers together)")
    parser.add_argument("--tx-appends", type=int, default=200, help="appends for the ledger-tx cases")
    parser.add_argument("--threads", action="store_true", help="threads instead of forked processes")
    args = parser.parse_args()
    if not args.url.startswith(("postgres://", "postgresql://")):
        sys.exit("this benchmark measures PostgreSQL: --url postgres://…")

    ensure_database(args.url)
    os.environ.update(
        DATABASE_URL=args.url,
        DJANGO_SETTINGS_MODULE="yijianshi.settings",
        YIJIANSHI_DATA_DIR=tempfile.mkdtemp(prefix="bench-ledger-"),
        YIJIANSHI_LOG_LEVEL="WARNING",
    )
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    from yijianshi.ledger import chain
    from yijianshi.ledger.services import ledger_verify

    call_command("migrate", verbosity=0)
    with connection.cursor() as cursor:
        cursor.execute("SHOW server_version")
        version = cursor.fetchone()[0]
        cursor.execute("SHOW synchronous_commit")
        sync = cursor.fetchone()[0]
    print(
        f"PostgreSQL {version} (synchronous_commit={sync}), python {sys.version.split()[0]}, "
        f"{os.cpu_count()} CPUs, SM3 by {chain.sm3_hex.__name__.strip('_').replace('sm3_', '')}, "
        f"writers as {'threads' if args.threads else 'forked processes'}"
    )
    print(
        f"{'case':<10} {'writers':>7} {'appends':>8} {'appends/s':>10} {'median ms':>10} {'p99 ms':>8} "
        f"{'vs baseline':>12}"
    )
    baseline_rate: dict[int, float] = {}
    for case in ("baseline", "ledger", "ledger-tx"):
        for writers in (1, 4):
            total = args.tx_appends if case == "ledger-tx" else args.appends
            empty_ledger()
            rate, samples = run_case(case, writers, total, args.threads)
            if case == "baseline":
                baseline_rate[writers] = rate
            else:
                result = ledger_verify()
                assert result.ok and result.rows == len(samples), result
            ratio = rate / baseline_rate[writers]
            print(
                f"{case:<10} {writers:>7} {len(samples):>8} {rate:>10.0f} {statistics.median(samples):>10.2f} "
                f"{p99(samples):>8.2f} {ratio:>11.2f}x",
                flush=True,
            )
    empty_ledger()


if __name__ == "__main__":
    main()

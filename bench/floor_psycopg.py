"""The floor under a submission: the rows one HTTP submission wrote, copied with plain psycopg, one transaction
per application, with no framework, no validation, no prefill reads, no ledger connection of its own.

Templates are the rows of the newest submitted application in the database (as `bench/http_submit.py` leaves
it): the application row, its history rows (`cases_caseevent`) and the access-ledger rows whose purpose
reference is its number. Each copy gets a fresh number and Idempotency-Key; the ledger rows are appended as
the ledger does it (advisory lock, head read, hash over the previous hash and the row, insert) but with
hashlib's SHA-256, in the same transaction as the application, last, under one lock held to the commit. What the floor leaves out is exactly what our
layers add: HTTP, authentication, DRF parsing, bundle computation, form validation, source reads, SM3,
separate ledger transactions and the response.

    from bench.floor_psycopg import floor_run
    floor_run("postgres://postgres@127.0.0.1:5432/yijianshi_perf", applications=1000, writers=8)

or `.venv/bin/python bench/floor_psycopg.py --database-url URL [--applications 1000] [--writers 8]`. The copies
are written into that database (use the benchmark's own; they are ordinary rows with numbers starting "FLR").
"""

from __future__ import annotations

import argparse
import hashlib
import json
import multiprocessing
import statistics
import time
import uuid
from typing import Any

LEDGER_LOCK = 0x594A535F4C454447  # the ledger's advisory lock key (yijianshi/ledger/services.py LOCK_KEY)


def _dsn(url: str) -> str:
    return url.replace("postgres://", "postgresql://", 1)


def _columns(conn: Any, table: str) -> list[str]:
    rows = conn.execute(
        "SELECT column_name FROM information_schema.columns WHERE table_name = %s AND "
        "column_name <> 'id' ORDER BY ordinal_position",
        [table],
    ).fetchall()
    return [r[0] for r in rows]


def templates(url: str) -> dict[str, Any]:
    import psycopg

    with psycopg.connect(_dsn(url), autocommit=True) as conn:
        app = conn.execute(
            "SELECT row_to_json(a) FROM cases_application a WHERE number LIKE 'YJS%%' "
            "AND status = 'submitted' ORDER BY id DESC LIMIT 1"
        ).fetchone()
        if app is None:
            raise SystemExit("floor: no application to copy; submit one first")
        app_row = app[0]
        events = [
            r[0]
            for r in conn.execute(
                "SELECT row_to_json(e) FROM cases_caseevent e WHERE application_id = %s ORDER BY id",
                [app_row["id"]],
            ).fetchall()
        ]
        ledger = [
            r[0]
            for r in conn.execute(
                "SELECT row_to_json(l) FROM ledger_ledgerentry l WHERE purpose_reference = %s ORDER BY seq",
                [app_row["number"]],
            ).fetchall()
        ]
        cols = {t: _columns(conn, t) for t in ("cases_application", "cases_caseevent", "ledger_ledgerentry")}
    return {"application": app_row, "events": events, "ledger": ledger, "columns": cols}


def _insert(table: str, cols: list[str]) -> str:
    names = ", ".join(f'"{c}"' for c in cols)
    return (
        f"INSERT INTO {table} ({names}) SELECT {names} FROM json_populate_record(NULL::{table}, %s::json) "
        "RETURNING id"
    )


def _write_one(conn: Any, t: dict[str, Any], i: int, tag: str) -> None:
    cols = t["columns"]
    number = f"FLR{tag}{i:08d}"
    with conn.transaction():
        app = dict(t["application"], number=number, idempotency_key=uuid.uuid4().hex)
        app_id = conn.execute(
            _insert("cases_application", cols["cases_application"]), [json.dumps(app, ensure_ascii=False)]
        ).fetchone()[0]
        for event in t["events"]:
            conn.execute(
                _insert("cases_caseevent", cols["cases_caseevent"]),
                [json.dumps(dict(event, application_id=app_id), ensure_ascii=False)],
            )
        # the ledger rows last, under one lock held until the commit (a chain needs its predecessor committed)
        conn.execute("SELECT pg_advisory_xact_lock(%s)", [LEDGER_LOCK])
        head = conn.execute("SELECT seq, hash FROM ledger_ledgerentry ORDER BY seq DESC LIMIT 1").fetchone()
        seq, prev = (head[0], head[1]) if head else (0, "0" * 64)
        for row in t["ledger"]:
            seq += 1
            body = dict(row, seq=seq, prev_hash=prev, purpose_reference=number)
            body.pop("hash", None)
            prev = hashlib.sha256(
                (prev + json.dumps(body, sort_keys=True, ensure_ascii=False)).encode()
            ).hexdigest()
            conn.execute(
                _insert("ledger_ledgerentry", cols["ledger_ledgerentry"]),
                [json.dumps(dict(body, hash=prev), ensure_ascii=False)],
            )


def _writer(url: str, t: dict[str, Any], count: int, tag: str, out: Any) -> None:
    import psycopg

    samples = []
    with psycopg.connect(_dsn(url)) as conn:
        start = time.perf_counter()
        for i in range(count):
            t0 = time.perf_counter()
            _write_one(conn, t, i, tag)
            samples.append((time.perf_counter() - t0) * 1000)
        out.put((start, time.perf_counter(), samples))


def floor_run(
    url: str, *, applications: int = 1000, writers: int = 8, template: dict[str, Any] | None = None
) -> dict[str, Any]:
    """Write `applications` copies with `writers` concurrent processes; applications/s, median, p99.
    `template`: rows taken earlier by `templates(url)` (default: the newest application now)."""
    t = template or templates(url)
    ctx = multiprocessing.get_context("fork")
    out = ctx.Queue()
    per = max(1, applications // writers)
    run = uuid.uuid4().hex[:6]
    procs = [ctx.Process(target=_writer, args=(url, t, per, f"{run}{w:02d}", out)) for w in range(writers)]
    for p in procs:
        p.start()
    parts = [out.get() for _ in procs]
    for p in procs:
        p.join()
    samples = sorted(s for _, _, ss in parts for s in ss)
    span = max(e for _, e, _ in parts) - min(s for s, _, _ in parts)
    return {
        "applications": len(samples),
        "per_s": len(samples) / span,
        "median_ms": statistics.median(samples),
        "p99_ms": samples[min(len(samples) - 1, int(round(0.99 * (len(samples) - 1))))],
        "rows_per_application": 1 + len(t["events"]) + len(t["ledger"]),
    }


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--database-url", default="postgres://postgres@127.0.0.1:5432/yijianshi_perf")
    parser.add_argument("--applications", type=int, default=1000)
    parser.add_argument("--writers", type=int, default=8)
    args = parser.parse_args()
    r = floor_run(args.database_url, applications=args.applications, writers=args.writers)
    print(
        f"floor: {r['applications']} applications ({r['rows_per_application']} rows each), {r['per_s']:.1f}/s, "
        f"median {r['median_ms']:.2f} ms, p99 {r['p99_ms']:.2f} ms"
    )


if __name__ == "__main__":
    main()

"""Cost as the data grows (issue 6, point 2): the same submission, an applicant's "my applications" page and a
department's queue, timed with 10 thousand and with 1 million applications already in PostgreSQL.

What it starts:
  - a fresh PostgreSQL database postgres://postgres@127.0.0.1:5432/yijianshi_scale (always that one; it is
    DROPPED and re-created unless --reuse), prepared as bench/http_submit.py prepares its own (`yijianshi
    demo`: migrate, catalogue, demo accounts, 3,000 seeded persons in the data hub; then applicant accounts
    with API tokens for distinct seeded mothers), with the production settings for DATABASE_URL (DEBUG off,
    CONN_MAX_AGE 60, tasks in-process, notices to a file);
  - no server: requests go through DRF's APIClient in this process (the whole Django stack — middleware, token
    authentication, the view, the serializer, the JSON renderer — without a socket), with token credentials.

For each size of `--sizes` (default 10000,1000000), the database is grown to that many seeded applications by
bench/seed_bulk.py (the difference only: older history is added, the open work of the newest weeks stays the
same), then `VACUUM (ANALYZE)` on the tables written (what autovacuum does to a bulk-loaded table sooner or
later; done here so it does not run during the measurement), then the cases are timed, interleaved (each
round one request of each list, every fourth round a submission) so that they all see the same machine:
  submit        POST /api/applications/ (140524-09: prefill from 5 sources, validation, history, ledger rows),
                a distinct applicant and a fresh Idempotency-Key each time (`--repeat-submit`, default 50);
  my apps       GET /api/applications/ as `seed-heavy`, who owns 60 of the seeded applications (page 1: 50);
  dept queue    GET /api/item-cases/ as officer_health (卫生健康部门, about 15 % of all item cases);
  dept open     GET /api/item-cases/?status=accepted as officer_health (the cases awaiting a decision);
each list `--repeat` times (default 200). Queries per request are counted on every database connection,
the ledger's own included. The table gives median, p99 and queries per request, and the ratio of the largest
size's median to the smallest's. At the largest size the list queries (the COUNT of the paginator and the
page) are run again under EXPLAIN (ANALYZE, BUFFERS); sequential scans and sorts or aggregates over many rows
are reported, with the plans. The database is about 11 GB at a million applications (~4 minutes to seed).

    .venv/bin/python bench/scaling.py [--sizes 10000,1000000] [--repeat 200] [--repeat-submit 50]
        [--reuse] [--plans-file /tmp/yjs-scaling-plans.txt]
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import time
import uuid
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.http_submit import BUNDLE, pct, prepare, recreate_database, server_env  # noqa: E402
from bench.seed_bulk import HEAVY, SEED_DIGEST, TABLES, seed  # noqa: E402

URL = "postgres://postgres@127.0.0.1:5432/yijianshi_scale"  # the only database this script touches
OFFICER = "officer_health"
LIMIT = 1.3
MANY_ROWS = 1000  # a sort or an aggregate over more rows than this, at the largest size, is reported


def _dsn() -> str:
    return URL.replace("postgres://", "postgresql://", 1)


class Counter:
    """Counts the statements of every Django connection (the default one and the ledger's autonomous ones),
    and can record them (sql, params) for EXPLAIN."""

    def __init__(self) -> None:
        self.n = 0
        self.record: list[tuple[str, str, Any]] | None = None

    def __call__(self, execute: Any, sql: str, params: Any, many: bool, context: dict[str, Any]) -> Any:
        self.n += 1
        if self.record is not None:
            self.record.append((context["connection"].alias, sql, params))
        return execute(sql, params, many, context)

    def install(self) -> None:
        from django.db import connections
        from django.db.backends.signals import connection_created

        def attach(sender: Any, connection: Any, **kwargs: Any) -> None:
            if self not in connection.execute_wrappers:
                connection.execute_wrappers.append(self)

        connection_created.connect(attach, weak=False)
        for conn in connections.all():
            if self not in conn.execute_wrappers:
                conn.execute_wrappers.append(self)


def seeded_count() -> int:
    import psycopg

    with psycopg.connect(_dsn(), autocommit=True) as conn:
        row = conn.execute(
            "SELECT count(*) FROM cases_application WHERE request_digest = %s", [SEED_DIGEST]
        ).fetchone()
        return int(row[0]) if row else 0


def vacuum_analyze() -> float:
    import psycopg

    t0 = time.perf_counter()
    with psycopg.connect(_dsn(), autocommit=True) as conn:
        for table in TABLES:
            conn.execute(f"VACUUM (ANALYZE) {table}")
    return time.perf_counter() - t0


def tokens(prepared: dict[str, Any] | None) -> dict[str, Any]:
    """Tokens of the heavy applicant, the officer, and the applicants who submit (distinct seeded mothers)."""
    from django.contrib.auth.models import User

    from yijianshi.accounts.models import Profile
    from yijianshi.accounts.services import api_token_issue

    heavy = api_token_issue(user=User.objects.get(username=HEAVY))
    officer = api_token_issue(user=User.objects.get(username=OFFICER))
    if prepared is not None:
        applicants = prepared["applicants"]
    else:  # --reuse: the accounts bench/http_submit.py's prepare() made (bench-00000 …)
        applicants = []
        for p in (
            Profile.objects.filter(user__username__startswith="bench-")
            .select_related("user")
            .order_by("user__username")
        ):
            applicants.append({"token": api_token_issue(user=p.user), "id": p.id_number, "name": p.name})
    return {"heavy": heavy, "officer": officer, "applicants": applicants}


def client(token: str) -> Any:
    from rest_framework.test import APIClient

    c = APIClient()
    c.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    return c


def measure(
    size: int,
    toks: dict[str, Any],
    submit_body: Any,
    counter: Counter,
    repeat: int,
    repeat_submit: int,
    next_applicant: list[int],
) -> dict[str, dict[str, Any]]:
    """Time the cases round by round (one of each list per round, a submission every few rounds)."""
    heavy, officer = client(toks["heavy"]), client(toks["officer"])
    applicants = toks["applicants"]
    lists = {
        "my apps": (heavy, "/api/applications/", None),
        "dept queue": (officer, "/api/item-cases/", None),
        "dept open": (officer, "/api/item-cases/", {"status": "accepted"}),
    }
    samples: dict[str, list[float]] = {k: [] for k in ("submit", *lists)}
    queries: dict[str, list[int]] = {k: [] for k in samples}
    shape: dict[str, Any] = {}

    def submit() -> tuple[float, int]:
        a = applicants[next_applicant[0] % len(applicants)]
        next_applicant[0] += 1
        body = submit_body(a)
        c = client(a["token"])
        counter.n = 0
        t0 = time.perf_counter()
        r = c.post("/api/applications/", body, format="json", HTTP_IDEMPOTENCY_KEY=uuid.uuid4().hex)
        dt = (time.perf_counter() - t0) * 1000
        if r.status_code != 201:
            raise SystemExit(f"submit: HTTP {r.status_code}: {r.content[:300]!r}")
        return dt, counter.n

    for name, (c, path, params) in lists.items():  # warm-up, and what a page looks like
        for _ in range(3):
            r = c.get(path, params)
        if r.status_code != 200:
            raise SystemExit(f"{name}: HTTP {r.status_code}: {r.content[:300]!r}")
        body = r.json()
        shape[name] = {
            "count": body.get("count"),
            "results": len(body.get("results", [])),
            "paginated": {"count", "next", "previous", "results"} <= set(body),
        }
    for _ in range(3):
        submit()
    every = max(1, repeat // max(1, repeat_submit))
    for rnd in range(max(repeat, repeat_submit * every)):
        if rnd < repeat:
            for name, (c, path, params) in lists.items():
                counter.n = 0
                t0 = time.perf_counter()
                r = c.get(path, params)
                samples[name].append((time.perf_counter() - t0) * 1000)
                queries[name].append(counter.n)
                if r.status_code != 200:
                    raise SystemExit(f"{name}: HTTP {r.status_code}")
        if rnd % every == 0 and len(samples["submit"]) < repeat_submit:
            dt, n = submit()
            samples["submit"].append(dt)
            queries["submit"].append(n)
    out = {}
    for name, lat in samples.items():
        q = queries[name]
        out[name] = {
            "size": size,
            "n": len(lat),
            "median": statistics.median(lat),
            "p99": pct(lat, 0.99),
            "queries": (min(q), max(q)),
            **shape.get(name, {}),
        }
    return out


# --- EXPLAIN -----------------------------------------------------------------------------------------------


def _walk(node: dict[str, Any], depth: int = 0) -> Any:
    yield node, depth
    for child in node.get("Plans", []):
        yield from _walk(child, depth + 1)


def _hits(top: dict[str, Any]) -> list[str]:
    """What in one plan grows with the data: sequential scans, sorts and aggregates fed by many rows."""
    hits = []
    for node, _depth in _walk(top["Plan"]):
        kind = node["Node Type"]
        rows = node.get("Actual Rows", 0) * node.get("Actual Loops", 1)
        if kind == "Seq Scan" and rows > MANY_ROWS:  # not the 61 bundles of a hash join
            hits.append(f"sequential scan on {node.get('Relation Name')} ({rows:,} rows)")
        if kind in ("Sort", "Incremental Sort", "Aggregate"):
            child = node.get("Plans", [{}])[0]
            fed = child.get("Actual Rows", 0) * child.get("Actual Loops", 1)
            if fed > MANY_ROWS:
                method = f" ({node['Sort Method']})" if node.get("Sort Method") else ""
                keys = f" by {', '.join(node['Sort Key'])}" if node.get("Sort Key") else ""
                why = (
                    " — no index yields this order under this filter, so every matching row is read and "
                    "sorted before the LIMIT"
                    if "Sort" in kind
                    else " — the paginator's COUNT(*) visits every matching row"
                )
                what = "sort" if "Sort" in kind else "aggregate"
                hits.append(f"{what}{method} over {fed:,} rows{keys}{why}")
        if kind in ("Index Scan", "Index Only Scan", "Bitmap Index Scan") and rows > MANY_ROWS:
            hits.append(f"{kind.lower()} of {node.get('Index Name')} returns {rows:,} rows")
    return hits


def explain(toks: dict[str, Any], counter: Counter) -> tuple[list[str], list[str]]:
    """EXPLAIN (ANALYZE, BUFFERS) of the statements on cases tables that each list request runs; returns the
    findings (one line each) and the plans (text)."""
    from django.db import connection

    findings: list[str] = []
    plans: list[str] = []
    cases = (
        ("my apps", toks["heavy"], "/api/applications/", None),
        ("dept queue", toks["officer"], "/api/item-cases/", None),
        ("dept open", toks["officer"], "/api/item-cases/", {"status": "accepted"}),
    )
    for name, token, path, params in cases:
        counter.record = []
        client(token).get(path, params)
        recorded, counter.record = counter.record, None
        for _alias, sql, sql_params in recorded:
            if "cases_application" not in sql and "cases_itemcase" not in sql:
                continue
            kind = "COUNT" if sql.lstrip().upper().startswith("SELECT COUNT") else "page"
            with connection.cursor() as cur:
                cur.execute("EXPLAIN (ANALYZE, BUFFERS, FORMAT JSON) " + sql, sql_params)
                plan = cur.fetchone()[0]
                cur.execute("EXPLAIN (ANALYZE, BUFFERS) " + sql, sql_params)
                text = "\n".join(r[0] for r in cur.fetchall())
            top = (plan if isinstance(plan, list) else json.loads(plan))[0]
            label = f"{name} / {kind}"
            ms = top["Execution Time"]
            plans.append(f"--- {label} ({ms:.1f} ms)\n{sql}\nparameters: {sql_params}\n{text}\n")
            hits = "; ".join(_hits(top)) or "no sequential scan, no sort or aggregate over many rows"
            blocks = (top["Plan"].get("Shared Hit Blocks", 0), top["Plan"].get("Shared Read Blocks", 0))
            findings.append(
                f"{label}: {ms:.1f} ms, shared hit {blocks[0]:,} / read {blocks[1]:,} blocks; " + hits
            )
    return findings, plans


# --- main --------------------------------------------------------------------------------------------------


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--sizes", default="10000,1000000")
    parser.add_argument("--repeat", type=int, default=200, help="requests per list case and size")
    parser.add_argument("--repeat-submit", type=int, default=50, help="submissions per size")
    parser.add_argument(
        "--reuse",
        action="store_true",
        help="keep the database as it is (seeded earlier by this script) and only grow it",
    )
    parser.add_argument("--plans-file", default="/tmp/yjs-scaling-plans.txt")
    args = parser.parse_args()
    sizes = sorted(int(s.replace("_", "")) for s in args.sizes.split(",") if s.strip())

    os.environ.update(server_env(URL, "inprocess"))
    os.environ["YIJIANSHI_NOTIFY_FILE"] = "/tmp/yjs-scaling-notifications.jsonl"
    started = time.time()
    timings: dict[str, float] = {}
    prepared = None
    t0 = time.perf_counter()
    if args.reuse:
        import django

        django.setup()
    else:
        recreate_database(URL)
        prepared = prepare(URL, applicants=(args.repeat_submit + 3) * len(sizes))
    timings["prepare"] = time.perf_counter() - t0
    from django.db import connections

    from yijianshi.cases.samples import sample_form

    counter = Counter()
    counter.install()
    results: dict[str, list[dict[str, Any]]] = {}
    seeds: list[dict[str, Any]] = []
    toks: dict[str, Any] = {}
    next_applicant = [0]
    submit_form: list[Any] = []

    def submit_body(a: dict[str, Any]) -> dict[str, Any]:
        form, needed = submit_form
        return {
            "bundle": BUNDLE,
            "materials": needed,
            "answers": {},
            "form": sample_form(form, overrides={"mother.id_number": a["id"], "mother.name": a["name"]}),
        }

    for size in sizes:
        have = seeded_count()
        if size > have:
            connections.close_all()
            info = seed(URL, size - have)
            info["vacuum_s"] = vacuum_analyze()
            print(f"VACUUM (ANALYZE) of {', '.join(TABLES)}: {info['vacuum_s']:.1f} s", flush=True)
            seeds.append({"size": size, **info})
        if not toks:
            toks = tokens(prepared)
            guide = client(toks["officer"]).get(f"/api/bundles/{BUNDLE}/").json()
            submit_form[:] = [
                guide["form"],
                [m["code"] for m in guide["materials"] if m["required"] and not m["waiver"]],
            ]
        t1 = time.perf_counter()
        for name, row in measure(
            size, toks, submit_body, counter, args.repeat, args.repeat_submit, next_applicant
        ).items():
            results.setdefault(name, []).append(row)
        timings[f"measure {size:,}"] = time.perf_counter() - t1
        print(
            f"measured {size:,} in {timings[f'measure {size:,}']:.1f} s; load average {os.getloadavg()}",
            flush=True,
        )

    findings, plans = explain(toks, counter)
    Path(args.plans_file).write_text("\n".join(plans))

    import psycopg

    with psycopg.connect(_dsn(), autocommit=True) as conn:
        db_bytes = conn.execute("SELECT pg_database_size(current_database())").fetchone()[0]
        rows = {
            t: conn.execute(f"SELECT reltuples::bigint FROM pg_class WHERE relname = '{t}'").fetchone()[0]
            for t in TABLES
        }

    labels = {
        "submit": "submit (POST /api/applications/)",
        "my apps": "my applications (GET /api/applications/)",
        "dept queue": f"department queue (GET /api/item-cases/, {OFFICER})",
        "dept open": "department queue, ?status=accepted",
    }
    print(
        f"\nCost as the data grows — started {time.ctime(started)}; in-process APIClient, PostgreSQL "
        f"yijianshi_scale ({db_bytes / 2**30:.1f} GiB at the end; rows ≈ "
        + ", ".join(f"{t} {n:,}" for t, n in rows.items())
        + f"); load average now {os.getloadavg()}\n"
    )
    for s in seeds:
        print(
            f"seeded to {s['size']:,}: +{s['appended']:,} applications in {s['rows_seconds']:.1f} s "
            f"({s['per_second']:,.0f}/s), VACUUM ANALYZE {s['vacuum_s']:.1f} s; rows added: "
            + ", ".join(f"{t} {s['after'][t] - s['before'][t]:,}" for t in TABLES)
        )
    print()
    print(
        "| case | applications | requests | median ms | p99 ms | queries / request | rows (count / page) "
        "| median ÷ smallest size's |"
    )
    print("| --- | ---: | ---: | ---: | ---: | ---: | --- | ---: |")
    over = []
    for name, rows_ in results.items():
        base = rows_[0]["median"]
        for r in rows_:
            ratio = r["median"] / base if base else float("nan")
            q = r["queries"]
            qs = f"{q[0]}" if q[0] == q[1] else f"{q[0]}–{q[1]}"
            shape = f"{r['count']:,} / {r['results']}" if r.get("count") is not None else "—"
            print(
                f"| {labels[name]} | {r['size']:,} | {r['n']} | {r['median']:.1f} | {r['p99']:.1f} | "
                f"{qs} | {shape} | {ratio:.2f}× |"
            )
            if r is rows_[-1] and len(rows_) > 1 and ratio > LIMIT:
                over.append(f"{labels[name]}: {ratio:.2f}× (> {LIMIT}×)")
    print(f"\nEXPLAIN (ANALYZE, BUFFERS) at {sizes[-1]:,} (plans in {args.plans_file}):")
    for f in findings:
        print(f"  - {f}")
    print("\nover the limit: " + ("; ".join(over) if over else f"none (every ratio within {LIMIT}×)"))
    print(
        "\ntimings: "
        + ", ".join(f"{k} {v:.1f} s" for k, v in timings.items())
        + "".join(f", seed to {s['size']:,} {s['seconds']:.1f} s" for s in seeds)
        + f"; {time.time() - started:.0f} s in all"
    )
    connections.close_all()


if __name__ == "__main__":
    main()

"""Where a submission's time goes (issue 6, point 1): `POST /api/applications/` for the newborn bundle, in this
process through DRF's APIClient (the whole Django stack — middleware, token authentication, the view, the
services, the JSON renderer — without a socket), against PostgreSQL, one distinct seeded mother each time.

It prints, per submission, the median and p99 wall time, the CPU time of this process (what a web worker
spends: PostgreSQL's own CPU is not in it), and the number of SQL statements on every connection (the
ledger's own included), with a baseline measured in the same run: a token-authenticated `GET /api/me/consents/`
(the cost of the stack with nearly nothing behind it). With --profile FILE it also writes a pyinstrument
call tree (text) of the measured submissions.

What it starts: a fresh database postgres://postgres@127.0.0.1:5432/yijianshi_profile (DROPPED and re-created,
always that one), prepared as bench/http_submit.py prepares its own (`yijianshi demo`, applicant accounts).

    .venv/bin/python bench/profile_submit.py [--submissions 200] [--warmup 20] [--profile /tmp/submit.txt]
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
import uuid
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.http_submit import BUNDLE, pct, prepare, recreate_database  # noqa: E402
from bench.scaling import Counter  # noqa: E402 - counts the statements of every connection

URL = "postgres://postgres@127.0.0.1:5432/yijianshi_profile"


def measure(name: str, calls: list[Any], counter: Counter) -> dict[str, Any]:
    wall, cpu, queries = [], [], []
    for call in calls:
        n0, c0, t0 = counter.n, time.process_time(), time.perf_counter()
        call()
        wall.append((time.perf_counter() - t0) * 1000)
        cpu.append((time.process_time() - c0) * 1000)
        queries.append(counter.n - n0)
    return {
        "case": name,
        "n": len(calls),
        "median": statistics.median(wall),
        "p99": pct(wall, 0.99),
        "cpu": statistics.median(cpu),
        "cpu_p99": pct(cpu, 0.99),
        "queries": statistics.median(queries),
    }


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--submissions", type=int, default=200)
    parser.add_argument("--warmup", type=int, default=20)
    parser.add_argument("--profile", default="", help="write a pyinstrument text profile here")
    parser.add_argument("--show-sql", action="store_true", help="print the statements of one more submission")
    args = parser.parse_args()

    recreate_database(URL)
    os.environ.update(
        YIJIANSHI_NOTIFY_CHANNELS="file",
        YIJIANSHI_NOTIFY_FILE="/tmp/yjs-profile-notifications.jsonl",
        YIJIANSHI_LOG_LEVEL="ERROR",
        YIJIANSHI_TASKS="inprocess",
    )
    prepared = prepare(URL, args.submissions + args.warmup)
    from rest_framework.test import APIClient

    from yijianshi.cases.samples import sample_form

    applicants = prepared["applicants"]
    counter = Counter()
    counter.install()

    def client(token: str) -> APIClient:
        c = APIClient()
        c.credentials(HTTP_AUTHORIZATION=f"Token {token}")
        return c

    guide = client(applicants[0]["token"]).get(f"/api/bundles/{BUNDLE}/").json()
    needed = [m["code"] for m in guide["materials"] if m["required"] and not m["waiver"]]

    def submit(a: dict[str, Any]) -> Any:
        body = {
            "bundle": BUNDLE,
            "materials": needed,
            "answers": {},
            "form": sample_form(
                guide["form"], overrides={"mother.id_number": a["id"], "mother.name": a["name"]}
            ),
        }
        c = client(a["token"])

        def call() -> None:
            r = c.post("/api/applications/", body, format="json", HTTP_IDEMPOTENCY_KEY=uuid.uuid4().hex)
            if r.status_code != 201:
                raise SystemExit(f"submit: HTTP {r.status_code}: {r.content[:300]!r}")

        return call

    def me(a: dict[str, Any]) -> Any:
        c = client(a["token"])

        def call() -> None:
            r = c.get("/api/me/consents/")
            if r.status_code != 200:
                raise SystemExit(f"me: HTTP {r.status_code}: {r.content[:300]!r}")

        return call

    warm, timed = applicants[: args.warmup], applicants[args.warmup :]
    measure("warm-up", [submit(a) for a in warm] + [me(a) for a in warm], counter)
    rows = [
        measure(
            "baseline: GET /api/me/consents/ (token auth, one small list)", [me(a) for a in timed], counter
        )
    ]
    profiler = None
    if args.profile:
        from pyinstrument import Profiler

        profiler = Profiler(interval=0.0005)
        profiler.start()
    rows.append(measure(f"POST /api/applications/ ({BUNDLE})", [submit(a) for a in timed], counter))
    if profiler is not None:
        profiler.stop()
        Path(args.profile).write_text(profiler.output_text(unicode=True, color=False, show_all=False))
    if args.show_sql:
        counter.record = []
        submit(timed[-1])()  # the last applicant once more, with a fresh Idempotency-Key: a new application
        for n, (alias, sql, _params) in enumerate(counter.record, 1):
            print(f"{n:3d} {alias:18} {sql[:160]}")
        counter.record = None
    base = rows[0]
    print(
        f"\nin-process, PostgreSQL, {len(timed)} submissions, {time.ctime()}, load average {os.getloadavg()}\n"
    )
    print("| case | n | median ms | p99 ms | CPU median ms | CPU p99 ms | queries | CPU vs baseline |")
    print("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |")
    for r in rows:
        print(
            f"| {r['case']} | {r['n']} | {r['median']:.2f} | {r['p99']:.2f} | {r['cpu']:.2f} | "
            f"{r['cpu_p99']:.2f} | {r['queries']:.0f} | {r['cpu'] / base['cpu']:.1f}× |"
        )
    if args.profile:
        print(f"\nprofile: {args.profile}")


if __name__ == "__main__":
    main()

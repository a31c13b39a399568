"""Past one machine (issue 6, point 7): the production shape with two web processes and two Celery workers on
loopback against one PostgreSQL and one Redis, showing that the outbox and the deadline sweep never do a piece
of work twice. Documented in docs/scale-out.md.

    .venv/bin/python bench/scale_out.py [--submissions 1000] [--clients 8] [--applicants 200]
        [--database-url postgres://postgres@127.0.0.1:5432/yijianshi_scale_out] [--web-threads 4] [--concurrency 2]

What it starts (all on loopback; everything it starts it stops, even on failure):
  - a fresh PostgreSQL database (DROPPED and re-created: never point it at one you keep), prepared as
    bench/http_submit.py does (`yijianshi demo`, applicant accounts with API tokens);
  - two independent gunicorn instances, each with its own master (one worker, `--web-threads` threads), on
    127.0.0.1:8401 and 127.0.0.1:8402 — two web processes as a load balancer would see them; they share
    nothing but PostgreSQL and Redis (broker and cache: redis://127.0.0.1:6379/12, flushed first);
  - two Celery workers (`celery worker -n scale-a@…` and `-n scale-b@…`, `--concurrency` each) and ONE beat;
  - a department system: tests/integrations/receiver.py's real HTTP server (a free port on 127.0.0.1), which
    checks each request's signature and records each message once by its Idempotency-Key, counting repeats.
    Every department of the newborn bundle 140524-09 pushes to it by webhook.

Phases:
  submit  `--clients` threads send N submissions, each request to the next web port in turn (round robin, as a
          load balancer does; bench/faults.py's client: every 25th submission invalid on purpose, every 10th
          replayed once with its Idempotency-Key — the replay lands on the other web process);
  intake  the clerk takes in every submission (each intake writes one outbox message per item case, and
          queues the delivery task), round robin again, while both workers drain the outbox. At the start the
          applications' intake deadlines are moved into the past, and every `--sweep-interval` s the acceptance
          deadlines of the item cases created so far are moved a minute into the past (moving the deadlines,
          not the clock: the workers run on the real clock) and two `cases.sweep_deadlines` tasks are sent at
          once (what `celery call cases.sweep_deadlines` does), so that sweeps run at the same moment on both
          workers while they deliver — until every item case is escalated to the first level (the department
          head);
  escalate the acceptance deadlines are moved ten days back, and pairs of sweeps are sent until every item case
          is escalated to the second level (the supervising bureau); then the outbox is drained.

Checks (a table; exit status 1 if one fails): every outbox message reached the department system exactly once
(distinct keys = messages, no repeated request) and was claimed once (attempts = 1); no item case has two
escalation events of one level nor two overdue events, no application two overdue events, and the sweeps'
own counts add up to the events in the history; every 2xx submission exists exactly once with its item cases
(bench/faults.py's checks); both web processes answered and both workers delivered and swept; sweeps on the
two workers overlapped in time and skipped rows the other held (SKIP LOCKED); deliveries on the two workers
overlapped in time; the sign-in lockout is shared by the two web processes (Redis cache).
"""

from __future__ import annotations

import argparse
import ast
import json
import os
import re
import secrets
import signal
import subprocess
import sys
import threading
import time
from collections import Counter, defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.faults import Client, Tally, check, drain, intake_one, submit_one, wait_until_answering  # noqa: E402
from bench.http_submit import guide_body, prepare, recreate_database, stop  # noqa: E402

DEFAULT_DB = "postgres://postgres@127.0.0.1:5432/yijianshi_scale_out"
WEB_PORTS = (8401, 8402)
WORKERS = ("scale-a", "scale-b")
BROKER = "redis://127.0.0.1:6379/12"
BUNDLE = "140524-09"
SWEEP_TASK = "cases.sweep_deadlines"
NOTICES = Path(
    "/tmp/yjs-scale-out-notifications.jsonl"
)  # the workers send the applicants' notices to this file
DELIVER_TASK = "integrations.deliver_outbox"


def server_env(url: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in ("YIJIANSHI_FAULT", "YIJIANSHI_OUTBOX_RUNNER")}
    env.update(
        DATABASE_URL=url,
        DJANGO_SETTINGS_MODULE="yijianshi.settings",
        YIJIANSHI_TASKS="celery",
        CELERY_BROKER_URL=BROKER,
        REDIS_URL=BROKER,
        YIJIANSHI_NOTIFY_CHANNELS="file",
        YIJIANSHI_LOG_LEVEL="WARNING",
        YIJIANSHI_NOTIFY_FILE=str(NOTICES),
        PYTHONPATH=str(ROOT),
        YIJIANSHI_PUBLIC_URL=f"http://127.0.0.1:{WEB_PORTS[0]}",
    )
    return env


def psql(url: str) -> Any:
    import psycopg

    return psycopg.connect(url.replace("postgres://", "postgresql://", 1), autocommit=True)


# --- the deployment ------------------------------------------------------------------------------------------


class Deployment:
    """Two gunicorn instances, two Celery workers, one beat; each in its own process group, logging to workdir."""

    def __init__(self, url: str, workdir: Path, web_threads: int, concurrency: int) -> None:
        self.url, self.workdir = url, workdir
        self.web_threads, self.concurrency = web_threads, concurrency
        self.webs: list[subprocess.Popen[bytes]] = []
        self.workers: list[subprocess.Popen[bytes]] = []
        self.beat: subprocess.Popen[bytes] | None = None

    def _spawn(self, cmd: list[str], log: str) -> subprocess.Popen[bytes]:
        out = open(self.workdir / log, "wb")  # noqa: SIM115 - the child keeps it open
        return subprocess.Popen(
            cmd, env=server_env(self.url), cwd=ROOT, stdout=out, stderr=out, start_new_session=True
        )

    def start(self) -> None:
        for port in WEB_PORTS:
            self.webs.append(
                self._spawn(
                    [
                        str(ROOT / ".venv/bin/gunicorn"),
                        "yijianshi.wsgi",
                        "-b",
                        f"127.0.0.1:{port}",
                        "-w",
                        "1",
                        "--threads",
                        str(self.web_threads),
                        "--log-level",
                        "warning",
                        "--timeout",
                        "60",
                        "--graceful-timeout",
                        "10",
                    ],
                    f"web-{port}.log",
                )
            )
        for name in WORKERS:
            self.workers.append(
                self._spawn(
                    [
                        str(ROOT / ".venv/bin/celery"),
                        "-A",
                        "yijianshi",
                        "worker",
                        "-n",
                        f"{name}@%h",
                        "-c",
                        str(self.concurrency),
                        "--loglevel",
                        "INFO",
                        "--without-gossip",
                        "--without-mingle",
                        "--without-heartbeat",
                    ],
                    f"{name}.log",
                )
            )
        self.beat = self._spawn(
            [
                str(ROOT / ".venv/bin/celery"),
                "-A",
                "yijianshi",
                "beat",
                "--loglevel",
                "INFO",
                "-s",
                str(self.workdir / "beat-schedule"),
            ],
            "beat.log",
        )
        for port in WEB_PORTS:
            wait_until_answering(port, self.workdir / f"web-{port}.log")

    def stop(self) -> None:
        stop(self.beat)
        for worker in self.workers:  # a warm shutdown of the master lets running tasks finish
            if worker.poll() is None:
                os.kill(worker.pid, signal.SIGTERM)
        for worker in self.workers:
            try:
                worker.wait(60)
            except subprocess.TimeoutExpired:
                pass
            stop(worker)  # the rest of its process group, if anything is left
        for web in self.webs:
            stop(web)


# --- moving deadlines, sending sweeps -----------------------------------------------------------------------


def overdue_intakes(url: str) -> int:
    """Every application not taken in yet is due for intake a minute ago."""
    with psql(url) as conn:
        return conn.execute(
            "UPDATE cases_application SET intake_deadline = now() - interval '1 minute' "
            "WHERE status = 'submitted'"
        ).rowcount


def overdue_cases(url: str, age: str) -> int:
    """Item cases waiting for acceptance are due `age` ago (only those whose deadline is later than that)."""
    with psql(url) as conn:
        return conn.execute(
            f"UPDATE cases_itemcase SET accept_deadline = now() - interval '{age}' "  # noqa: S608
            f"WHERE status = 'pending_acceptance' AND accept_deadline > now() - interval '{age}'"
        ).rowcount


def below_level(url: str, level: int) -> int:
    with psql(url) as conn:
        row = conn.execute(
            "SELECT count(*) FROM cases_itemcase WHERE status = 'pending_acceptance' "
            "AND escalation_level < %s",
            [level],
        ).fetchone()
        return int(row[0]) if row else 0


@dataclass
class Sweeps:
    """Sends bursts of the sweep task (what `celery call cases.sweep_deadlines` does) every `interval` s, and
    runs `tick` (moving deadlines) before each burst, until stopped."""

    burst: int
    interval: float
    tick: Callable[[], object] | None = None
    sent: int = 0

    def __post_init__(self) -> None:
        self.stop_event = threading.Event()
        self.thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        from yijianshi.celery import app

        while not self.stop_event.is_set():
            if self.tick is not None:
                self.tick()
            for _ in range(self.burst):
                app.send_task(SWEEP_TASK)
                self.sent += 1
            self.stop_event.wait(self.interval)

    def __enter__(self) -> Sweeps:
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop_event.set()
        self.thread.join()


def queue_length() -> int:
    import redis

    return int(redis.Redis.from_url(BROKER).llen("celery"))


def wait_for_queue(timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while queue_length() and time.monotonic() < deadline:
        time.sleep(0.5)


# --- what each process did ----------------------------------------------------------------------------------

TASK_DONE = re.compile(
    r"^\[(?P<at>\d{4}-\d\d-\d\d \d\d:\d\d:\d\d,\d{3}): INFO/[^\]]+\] Task (?P<name>[\w.]+)"
    r"\[[\w-]+\] succeeded in (?P<runtime>[\d.e-]+)s: (?P<result>.*)$"
)


@dataclass
class TaskRun:
    worker: str
    name: str
    start: float
    end: float
    result: dict[str, int]


def task_runs(workdir: Path) -> list[TaskRun]:
    """The tasks each worker finished, from its log (Celery logs each result at INFO)."""
    runs = []
    for worker in WORKERS:
        for line in (workdir / f"{worker}.log").read_text(errors="replace").splitlines():
            m = TASK_DONE.match(line)
            if not m:
                continue
            end = datetime.strptime(m["at"], "%Y-%m-%d %H:%M:%S,%f").timestamp()
            result = ast.literal_eval(m["result"]) if m["result"].startswith("{") else {}
            runs.append(TaskRun(worker, m["name"], end - float(m["runtime"]), end, result))
    return runs


def overlapping(runs: list[TaskRun]) -> int:
    """How many of `runs` ran, at least in part, at the same moment as one of them on the other worker."""
    return sum(
        1 for a in runs if any(b.worker != a.worker and a.start < b.end and b.start < a.end for b in runs)
    )


# --- the sign-in lockout, seen through both web processes ---------------------------------------------------


def lockout_shared(username: str) -> list[int]:
    """Five wrong passwords for `username`, alternating web processes, then the right one on each: with the
    counters in Redis both answer 429 (with a per-process cache, a process that saw fewer failures would not)."""
    import http.client

    statuses = []
    for n in range(7):
        conn = http.client.HTTPConnection("127.0.0.1", WEB_PORTS[n % 2], timeout=60)
        password = "yijianshi-demo" if n >= 5 else f"wrong-{n}"  # noqa: S105 - the demo password
        conn.request(
            "POST",
            "/api/auth/token/",
            body=json.dumps({"username": username, "password": password}),
            headers={"Content-Type": "application/json"},
        )
        statuses.append(conn.getresponse().status)
        conn.close()
    return statuses


# --- the checks ----------------------------------------------------------------------------------------------


def verify(
    *,
    tally: Tally,
    run_id: str,
    receiver: Any,
    runs: list[TaskRun],
    answered: Counter[int],
    lockout: list[int],
    sweeps_sent: int,
) -> tuple[list[tuple[str, Any, Any, bool]], dict[str, Any]]:
    """Rows (check, count, expected, passed) and the per-process figures."""
    from django.db import close_old_connections
    from django.db.models import Count

    from yijianshi.cases.models import CaseEvent, EventType, ItemCase
    from yijianshi.integrations.models import OutboxMessage, OutboxStatus

    close_old_connections()
    counts, failures = check(tally, run_id, receiver)
    rows: list[tuple[str, Any, Any, bool]] = []

    def row(name: str, count: Any, expected: Any, passed: bool | None = None) -> None:
        rows.append((name, count, expected, count == expected if passed is None else passed))

    row("submissions answered 2xx", counts["2xx (created or replayed)"], len(tally.ok) + len(tally.gave_up))
    row(
        "… of them stored exactly once, with all their item cases (bench/faults.py checks)",
        len(failures),
        0,
        not failures,
    )
    row(
        "replays of a key on the other web process answered with the original",
        tally.replays,
        f"{tally.replays} (mismatches: {len(tally.replay_mismatch)})",
        not tally.replay_mismatch,
    )
    row("applications taken in", len(tally.received), len(tally.ok))
    messages = OutboxMessage.objects.count()
    cases = counts["item cases"]
    row("outbox messages (one per item case)", messages, cases)
    row(
        "outbox messages delivered",
        OutboxMessage.objects.filter(status=OutboxStatus.DELIVERED).count(),
        messages,
    )
    row("department system: distinct Idempotency-Keys", len(receiver.messages), messages)
    requests = Counter(a.key for a in receiver.attempts)
    row("department system: requests (each key once)", sum(requests.values()), messages)
    row("department system: duplicates", sum(receiver.duplicates.values()), 0)
    row(
        "messages claimed more than once (attempts ≠ 1)", OutboxMessage.objects.exclude(attempts=1).count(), 0
    )

    def doubled(type_: str, by: tuple[str, ...], item_cases: bool = True) -> int:
        events = CaseEvent.objects.filter(type=type_, item_case__isnull=not item_cases)
        return events.values(*by).annotate(n=Count("pk")).filter(n__gt=1).count()

    escalations = CaseEvent.objects.filter(type=EventType.ESCALATED).count()
    overdue_events = CaseEvent.objects.filter(type=EventType.OVERDUE).count()
    row(
        "item cases escalated to level 2 (all of them)",
        ItemCase.objects.filter(escalation_level=2).count(),
        cases,
    )
    row("escalation events (two levels per item case)", escalations, 2 * cases)
    row(
        "item cases with two escalation events of one level",
        doubled(EventType.ESCALATED, ("item_case", "data__level")),
        0,
    )
    row("item cases with two overdue events", doubled(EventType.OVERDUE, ("item_case",)), 0)
    row(
        "applications with two overdue-at-intake events",
        doubled(EventType.OVERDUE, ("application",), False),
        0,
    )
    sweeps = [r for r in runs if r.name == SWEEP_TASK]
    reported = Counter[str]()
    for r in sweeps:
        reported.update(r.result)
    row(
        "escalations the sweeps reported (worker logs) = escalation events",
        reported["escalated"],
        escalations,
    )
    row("overdue marks the sweeps reported = overdue events", reported["overdue"], overdue_events)
    row(
        "sweeps run (sent by this script, plus the beat's)",
        len(sweeps),
        f"≥ {sweeps_sent}",
        len(sweeps) >= sweeps_sent,
    )
    row(
        "sweeps that overlapped a sweep on the other worker",
        overlapping(sweeps),
        "> 0",
        overlapping(sweeps) > 0,
    )
    row(
        "rows a sweep skipped: another transaction held them (the other sweep, an intake)",
        reported["skipped"],
        "> 0",
        reported["skipped"] > 0,
    )
    deliveries = [r for r in runs if r.name == DELIVER_TASK and r.result.get("delivered")]
    row(
        "delivery runs that overlapped one on the other worker (both delivering)",
        overlapping(deliveries),
        "> 0",
        overlapping(deliveries) > 0,
    )
    row(
        "sign-in lockout shared by both web processes (5 failures, then the right password on each)",
        " ".join(map(str, lockout)),
        "400×5 429 429",
        lockout[5:] == [429, 429],
    )

    per_process: dict[str, Any] = {}
    for port in sorted(answered):
        per_process[f"web 127.0.0.1:{port}"] = {"requests answered": answered[port]}
    by_worker: dict[str, Counter[str]] = defaultdict(
        lambda: Counter(
            dict.fromkeys(
                [
                    "delivery tasks",
                    "messages delivered",
                    "sweeps",
                    "escalations",
                    "overdue marked",
                    "rows skipped",
                ],
                0,
            )
        )
    )
    for r in runs:
        c = by_worker[r.worker]
        if r.name == DELIVER_TASK:
            c["delivery tasks"] += 1
            c["messages delivered"] += r.result.get("delivered", 0)
        elif r.name == SWEEP_TASK:
            c["sweeps"] += 1
            c["escalations"] += r.result.get("escalated", 0)
            c["overdue marked"] += r.result.get("overdue", 0)
            c["rows skipped"] += r.result.get("skipped", 0)
    for worker in WORKERS:
        per_process[f"worker {worker}"] = dict(by_worker[worker])
    delivered_by_workers = sum(c["messages delivered"] for c in by_worker.values())
    row("messages delivered, as the workers' logs count them", delivered_by_workers, messages)
    notices = Counter(
        (n.get("reference"), n.get("event"))
        for n in map(json.loads, NOTICES.read_text(encoding="utf-8").splitlines())
    )
    row(
        "notices to applicants (sent by the workers; submitted and received for each)",
        sum(notices.values()),
        2 * len(tally.ok),
    )
    row("notices sent twice (same application, same event)", sum(1 for n in notices.values() if n > 1), 0)
    for worker in WORKERS:
        c = by_worker[worker]
        row(
            f"worker {worker}: delivered and swept",
            f"{c['messages delivered']} / {c['sweeps']}",
            "> 0 / > 0",
            c["messages delivered"] > 0 and c["sweeps"] > 0,
        )
    for port in WEB_PORTS:
        row(f"web 127.0.0.1:{port}: requests answered", answered[port], "> 0", answered[port] > 0)
    return rows, per_process


def print_table(
    rows: list[tuple[str, Any, Any, bool]], per_process: dict[str, Any], head: dict[str, Any]
) -> None:
    print("\n" + ", ".join(f"{k}: {v}" for k, v in head.items()) + "\n")
    print("| check | count | expected | |")
    print("| --- | ---: | ---: | --- |")
    for name, count, expected, passed in rows:
        print(f"| {name} | {count} | {expected} | {'ok' if passed else 'FAILED'} |")
    print("\n| process | what it did |")
    print("| --- | --- |")
    for name, did in per_process.items():
        print(f"| {name} | {', '.join(f'{k} {v}' for k, v in did.items()) or 'nothing'} |")


# --- the run -------------------------------------------------------------------------------------------------


def in_threads(
    jobs: list[Any], clients: int, work: Callable[[Client, Any], None], answered: Counter[int]
) -> None:
    """`clients` threads, each with its own round-robin client, share out `jobs`."""
    lock = threading.Lock()

    def loop(share: list[Any]) -> None:
        client = Client(WEB_PORTS)
        for job in share:
            work(client, job)
        with lock:
            answered.update(client.answered)

    threads = [threading.Thread(target=loop, args=(jobs[c::clients],)) for c in range(clients)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()


def run(args: argparse.Namespace) -> int:
    workdir = Path(args.workdir)
    workdir.mkdir(parents=True, exist_ok=True)
    t0 = time.monotonic()
    started = time.strftime("%Y-%m-%d %H:%M:%S %Z")
    import redis

    redis.Redis.from_url(BROKER).flushdb()  # db 12 is this script's own: no task left from an earlier run
    NOTICES.unlink(missing_ok=True)
    os.environ["CELERY_BROKER_URL"] = BROKER
    recreate_database(args.database_url)
    prepared = prepare(args.database_url, args.applicants)  # also sets up Django here, on that database
    from tests.integrations.receiver import Receiver
    from yijianshi.catalog.models import Department
    from yijianshi.integrations.models import DepartmentIntegration, IntegrationMode

    secret = secrets.token_hex(16)
    receiver = Receiver(secret=secret).start()
    departments = Department.objects.filter(handled_bundle_items__version__bundle__code=BUNDLE).distinct()
    for dept in departments:
        DepartmentIntegration.objects.update_or_create(
            department=dept,
            defaults={"mode": IntegrationMode.WEBHOOK, "url": receiver.url, "secret": secret, "active": True},
        )
    deployment = Deployment(args.database_url, workdir, args.web_threads, args.concurrency)
    tally, progress, answered = Tally(), Counter[str](), Counter[int]()
    run_id = f"scale-{secrets.token_hex(4)}"
    times: dict[str, float] = {"set-up": time.monotonic() - t0}
    sweeps_sent = 0
    try:
        deployment.start()
        form_template, needed = guide_body(
            f"http://127.0.0.1:{WEB_PORTS[0]}", prepared["applicants"][0]["token"]
        )
        t = time.monotonic()
        numbers: list[str] = []

        def submit(client: Client, i: int) -> None:
            number = submit_one(client, i, prepared, run_id, form_template, needed, tally, progress)
            if number is not None:
                numbers.append(number)

        in_threads(list(range(args.submissions)), args.clients, submit, answered)
        times["submit"] = time.monotonic() - t

        t = time.monotonic()
        overdue_intakes(args.database_url)
        clerk = prepared["staff"]["clerk"]
        with Sweeps(
            burst=2, interval=args.sweep_interval, tick=lambda: overdue_cases(args.database_url, "1 minute")
        ) as sweeps:
            in_threads(
                sorted(numbers),
                args.clients,
                lambda client, n: intake_one(client, n, clerk, tally, needed),
                answered,
            )
            times["intake"] = time.monotonic() - t
            t = time.monotonic()
            deadline = t + args.escalate_timeout
            while below_level(args.database_url, 1) and time.monotonic() < deadline:
                time.sleep(1)  # the last item cases taken in are escalated to the first level too
        sweeps_sent += sweeps.sent
        times["then level 1 for all"] = time.monotonic() - t

        t = time.monotonic()
        overdue_cases(args.database_url, "10 days")
        deadline = time.monotonic() + args.escalate_timeout
        with Sweeps(burst=2, interval=args.sweep_interval) as sweeps:
            while below_level(args.database_url, 2) and time.monotonic() < deadline:
                time.sleep(1)
        sweeps_sent += sweeps.sent
        wait_for_queue(60)
        outbox = drain(args.drain_timeout)
        deadline = time.monotonic() + 60
        while (
            sum(r.name == SWEEP_TASK for r in task_runs(workdir)) < sweeps_sent
            and time.monotonic() < deadline
        ):
            time.sleep(1)  # every sweep sent has run (a worker may still hold one it took from the queue)
        times["level 2 for all, drain"] = time.monotonic() - t
        time.sleep(1)  # a delivery answered at the last moment is recorded
        lockout = lockout_shared("auditor")
    finally:
        deployment.stop()
        receiver.stop()
    times["total"] = time.monotonic() - t0
    rows, per_process = verify(
        tally=tally,
        run_id=run_id,
        receiver=receiver,
        runs=task_runs(workdir),
        answered=answered,
        lockout=lockout,
        sweeps_sent=sweeps_sent,
    )
    head = {
        "started": started,
        "submissions": args.submissions,
        "clients": args.clients,
        "web": f"2 × gunicorn (1 worker, {args.web_threads} threads)",
        "workers": f"2 × celery (concurrency {args.concurrency}), 1 beat",
        "outbox at the end": outbox,
        **{f"{k} s": round(v, 1) for k, v in times.items()},
    }
    print_table(rows, per_process, head)
    failed = [r for r in rows if not r[3]]
    if failed:
        print(
            "\nFAILED:\n  "
            + "\n  ".join(f"{name}: {count} (expected {expected})" for name, count, expected, _ in failed)
        )
        return 1
    print("\nOK: every check passed")
    return 0


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--database-url", default=DEFAULT_DB)
    parser.add_argument("--submissions", type=int, default=1000)
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--applicants", type=int, default=200)
    parser.add_argument("--web-threads", type=int, default=4)
    parser.add_argument("--concurrency", type=int, default=2, help="pool processes of each Celery worker")
    parser.add_argument(
        "--sweep-interval", type=float, default=3.0, help="seconds between two bursts of two sweep tasks"
    )
    parser.add_argument("--escalate-timeout", type=float, default=180.0)
    parser.add_argument("--drain-timeout", type=float, default=180.0)
    parser.add_argument("--workdir", default="/tmp/yjs-scale-out")
    args = parser.parse_args()
    raise SystemExit(run(args))


if __name__ == "__main__":
    main()

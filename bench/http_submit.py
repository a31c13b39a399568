"""Throughput and latency of submitting newborn-bundle applications over HTTP to the production shape (issue 6,
point 1), with the floor (the same rows written by plain psycopg) measured in the same run.

What it starts (unless --url names a running server):
  - a fresh PostgreSQL database (default postgres://postgres@127.0.0.1:5432/yijianshi_perf — it is DROPPED and
    re-created; never point this at a database you keep), prepared by `yijianshi demo` (migrate, catalogue,
    demo accounts, 3,000 seeded persons in the data hub), then `--applicants` applicant accounts with API
    tokens created in bulk for distinct seeded mothers (each with a birth record, so prefill reads 5 sources);
  - gunicorn serving yijianshi.wsgi on 127.0.0.1:8201 (`--workers`, `--worker-class sync|gthread`, `--threads`);
  - with Redis up: TASKS_MODE=celery and one Celery worker (broker redis://127.0.0.1:6379/9) draining the
    outbox and sending notices; without Redis: the in-process runner (the table says which);
  - a webhook receiver on 127.0.0.1:8209 (a real local HTTP server, deduplicating on Idempotency-Key) that the
    health and public-security departments push to; the other departments work in the workbench.

Phases, each reported as a row of the table (clients run in a separate process, `--clients` threads with
http.client keep-alive connections on loopback):
  submit     POST /api/applications/ (140524-09, prefill + validation + history + ledger rows), one distinct
             applicant and a fresh Idempotency-Key per request; `--warmup` s, then `--duration` s measured;
  intake     POST /api/applications/{n}/intake/ by the clerk for every submitted application (item cases,
             receipt PDF, history, outbox) — with the worker stopped, so the outbox fills up;
  drain      the worker is started and the outbox's pending messages are timed until none is left
             (webhook pushes to the receiver, workbench messages recorded);
  accept / approve   officers (health, hrss, medical security) accept then approve their item cases;
  ceiling    before the submissions, `--ceiling` s each of near-empty requests to the same server with the same
             clients: GET /healthz (Django, one COUNT) and GET /api/me/consents/ (DRF, token, 4 statements) —
             what the stack costs with (almost) nothing behind it;
  floor      bench/floor_psycopg.py: the rows one submission wrote (application, history, ledger rows),
             copied by plain psycopg in one transaction per application, with as many concurrent writers
             as clients — and the ratio of our throughput to it;
  CPU        during the measured submissions, the CPU time of each component (web processes, Celery worker,
             PostgreSQL's processes, Redis, clients; bench/cpu_split.py, from /proc) per submission.

    .venv/bin/python bench/http_submit.py [--workers 3] [--worker-class sync|gthread] [--threads 4]
        [--clients 8] [--warmup 5] [--duration 30] [--applicants 400] [--database-url URL] [--url URL]
"""

from __future__ import annotations

import argparse
import http.client
import json
import multiprocessing
import os
import queue
import secrets
import signal
import socket
import statistics
import subprocess
import sys
import threading
import time
import uuid
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
DEFAULT_DB = "postgres://postgres@127.0.0.1:5432/yijianshi_perf"
PORT = 8201
RECEIVER_PORT = 8209
BROKER = "redis://127.0.0.1:6379/9"
BUNDLE = "140524-09"
TARGET_PER_S = 200  # issue 6 point 1: submissions per second, with p99 under 200 ms, on 2 cores
WEBHOOK_DEPARTMENTS = ("health", "public_security")
OFFICER_WORK = (
    ("officer_health", ("birth_medical_certificate", "vaccination_certificate")),
    ("officer_hrss", ("newborn_social_security_card",)),
    ("officer_medical", ("newborn_medical_insurance_enrolment",)),
)
OFFICER_WORK_ALL = (*OFFICER_WORK, ("officer_police", ("household_birth_registration",)))
CEILINGS = (
    ("ceiling: GET /healthz (Django, no authentication, one COUNT)", "/healthz"),
    ("ceiling: GET /api/me/consents/ (DRF, token authentication, 4 statements)", "/api/me/consents/"),
)


def pct(samples: list[float], q: float) -> float:
    if not samples:
        return float("nan")
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, int(round(q * (len(ordered) - 1))))]


# --- the database ------------------------------------------------------------------------------------------


def recreate_database(url: str) -> None:
    import psycopg

    parts = urlsplit(url)
    name = parts.path.lstrip("/")
    admin = urlunsplit(parts._replace(scheme="postgresql", path="/postgres"))
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = %s", [name])
        conn.execute(f'DROP DATABASE IF EXISTS "{name}"')
        conn.execute(f'CREATE DATABASE "{name}"')


def server_env(url: str, tasks: str) -> dict[str, str]:
    env = dict(os.environ)
    env.update(
        DATABASE_URL=url,
        DJANGO_SETTINGS_MODULE="yijianshi.settings",
        YIJIANSHI_TASKS=tasks,
        CELERY_BROKER_URL=BROKER,
        YIJIANSHI_NOTIFY_CHANNELS="file",
        YIJIANSHI_LOG_LEVEL="ERROR",
        YIJIANSHI_NOTIFY_FILE="/tmp/yjs-perf-notifications.jsonl",
        YIJIANSHI_PUBLIC_URL=f"http://127.0.0.1:{PORT}",
    )
    return env


def prepare(url: str, applicants: int) -> dict[str, Any]:
    """`yijianshi demo`, then applicant accounts with tokens for distinct seeded mothers (bulk), and webhook
    integrations for WEBHOOK_DEPARTMENTS. Returns what the clients need."""
    t0 = time.perf_counter()
    subprocess.run(
        [str(ROOT / ".venv/bin/yijianshi"), "demo"],
        env=server_env(url, "inprocess"),
        check=True,
        stdout=subprocess.DEVNULL,
    )
    demo_s = time.perf_counter() - t0
    os.environ["DATABASE_URL"] = url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "yijianshi.settings")
    import django

    django.setup()
    from django.contrib.auth.hashers import make_password
    from django.contrib.auth.models import User
    from django.db import transaction

    from yijianshi.accounts.models import ApiToken, PartyType, Profile, Role, token_digest
    from yijianshi.accounts.services import api_token_issue
    from yijianshi.catalog.models import Department
    from yijianshi.datahub.models import SourceLink, SourceRecord
    from yijianshi.integrations.models import DepartmentIntegration, IntegrationMode

    t0 = time.perf_counter()
    mothers = list(
        SourceLink.objects.filter(source__code="birth", role="mother")
        .order_by("party_id")
        .values_list("party_id", flat=True)
        .distinct()[:applicants]
    )
    names = dict(
        SourceRecord.objects.filter(source__code="population", subject_id__in=mothers).values_list(
            "subject_id", "data__person.name"
        )
    )
    people = [(pid, names.get(pid) or "张三") for pid in mothers]
    unusable = make_password(None)
    with transaction.atomic():
        users = User.objects.bulk_create(
            [User(username=f"bench-{i:05d}", password=unusable) for i in range(len(people))]
        )
        Profile.objects.bulk_create(
            [
                Profile(
                    user=u,
                    role=Role.APPLICANT,
                    name=name,
                    id_number=pid,
                    party_type=PartyType.PERSON,
                    phone="13800138000",
                )
                for u, (pid, name) in zip(users, people, strict=True)
            ]
        )
        tokens = [secrets.token_hex(20) for _ in users]  # kept here only: the database holds their digests
        ApiToken.objects.bulk_create(
            [
                ApiToken(user=u, digest=token_digest(t), prefix=t[:8])
                for u, t in zip(users, tokens, strict=True)
            ]
        )
        staff = {
            u.username: api_token_issue(user=u)
            for u in User.objects.filter(username__in=["clerk", *(o for o, _ in OFFICER_WORK_ALL)])
        }
        for dept in Department.objects.filter(region__code="140524", code__in=WEBHOOK_DEPARTMENTS):
            DepartmentIntegration.objects.update_or_create(
                department=dept,
                defaults={
                    "mode": IntegrationMode.WEBHOOK,
                    "url": f"http://127.0.0.1:{RECEIVER_PORT}/hook/{dept.code}",
                    "secret": secrets.token_hex(16),
                    "active": True,
                },
            )
    setup_s = time.perf_counter() - t0
    from django.db import connections

    connections.close_all()
    return {
        "applicants": [
            {"token": t, "id": pid, "name": name} for t, (pid, name) in zip(tokens, people, strict=True)
        ],
        "staff": staff,
        "demo_s": demo_s,
        "accounts_s": setup_s,
    }


# --- the processes -----------------------------------------------------------------------------------------


def redis_up() -> bool:
    try:
        with socket.create_connection(("127.0.0.1", 6379), timeout=0.5) as s:
            s.sendall(b"PING\r\n")
            return s.recv(16).startswith(b"+PONG")
    except OSError:
        return False


def start_gunicorn(url: str, tasks: str, args: argparse.Namespace) -> subprocess.Popen[bytes]:
    cmd = [
        str(ROOT / ".venv/bin/gunicorn"),
        "yijianshi.wsgi",
        "-b",
        f"127.0.0.1:{PORT}",
        "-w",
        str(args.workers),
        "--worker-class",
        args.worker_class,
        "--log-level",
        "warning",
        "--timeout",
        "60",
        "--backlog",
        "2048",
    ]
    if args.worker_class == "gthread":
        cmd += ["--threads", str(args.threads)]
    proc = subprocess.Popen(cmd, env=server_env(url, tasks), cwd=ROOT, start_new_session=True)
    deadline = time.time() + 60
    while time.time() < deadline:
        try:
            conn = http.client.HTTPConnection("127.0.0.1", PORT, timeout=5)
            conn.request("GET", f"/api/bundles/{BUNDLE}/")
            if conn.getresponse().status < 500:
                return proc
        except OSError:
            time.sleep(0.3)
    raise SystemExit("gunicorn did not answer within 60 s")


def start_worker(url: str) -> subprocess.Popen[bytes]:
    cmd = [
        str(ROOT / ".venv/bin/celery"),
        "-A",
        "yijianshi",
        "worker",
        "-c",
        "1",
        "--loglevel",
        "WARNING",
        "-n",
        "perf-bench@%h",
        "--without-gossip",
        "--without-mingle",
        "--without-heartbeat",
    ]
    return subprocess.Popen(cmd, env=server_env(url, "celery"), cwd=ROOT, start_new_session=True)


def stop(proc: subprocess.Popen[bytes] | None) -> None:
    if proc is None or proc.poll() is not None:
        return
    os.killpg(proc.pid, signal.SIGTERM)
    try:
        proc.wait(20)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait()


class Receiver(BaseHTTPRequestHandler):
    """A department's system: answers 200 at once, counts distinct Idempotency-Keys (and duplicates)."""

    keys: set[str] = set()
    duplicates = 0
    lock = threading.Lock()

    def do_POST(self) -> None:  # noqa: N802 - http.server's naming
        self.rfile.read(int(self.headers.get("Content-Length") or 0))
        key = self.headers.get("Idempotency-Key") or ""
        with Receiver.lock:
            if key in Receiver.keys:
                Receiver.duplicates += 1
            Receiver.keys.add(key)
        self.send_response(200)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def log_message(self, *args: Any) -> None:
        pass


# --- the clients (a separate process) ----------------------------------------------------------------------


def _request(
    conn: http.client.HTTPConnection,
    method: str,
    path: str,
    token: str,
    body: Any = None,
    headers: dict[str, str] | None = None,
) -> tuple[int, bytes]:
    data = json.dumps(body, ensure_ascii=False).encode() if body is not None else None
    h = {"Authorization": f"Token {token}", "Content-Type": "application/json", **(headers or {})}
    for attempt in (1, 2):
        try:
            conn.request(method, path, body=data, headers=h)
            response = conn.getresponse()
            return response.status, response.read()
        except (http.client.RemoteDisconnected, ConnectionResetError, BrokenPipeError):
            conn.close()  # a sync worker closes after each response; reconnect once
            if attempt == 2:
                raise
    raise AssertionError("unreachable")


def _run_jobs(
    base: str, jobs: list[tuple[str, str, str, Any]], clients: int, warmup: float, duration: float, out: Any
) -> None:
    """Send each job (method, path, token, body) once, `clients` at a time; record (start, latency, status)."""
    host = urlsplit(base)
    work: queue.Queue[tuple[str, str, str, Any]] = queue.Queue()
    for job in jobs:
        work.put(job)
    results: list[tuple[float, float, int, str]] = []
    lock = threading.Lock()
    t_start = time.perf_counter()
    stop_at = t_start + warmup + duration if duration else float("inf")

    def client() -> None:
        conn = http.client.HTTPConnection(host.hostname, host.port, timeout=60)
        local = []
        while time.perf_counter() < stop_at:
            try:
                method, path, token, body = work.get_nowait()
            except queue.Empty:
                break
            headers = (
                {"Idempotency-Key": uuid.uuid4().hex}
                if method == "POST" and path.endswith("/api/applications/")
                else None
            )
            t0 = time.perf_counter()
            try:
                status, content = _request(conn, method, path, token, body, headers)
            except OSError as exc:
                status, content = 599, str(exc).encode()
            t1 = time.perf_counter()
            detail = content[:300].decode(errors="replace") if status >= 300 else ""
            local.append((t0 - t_start, (t1 - t0) * 1000, status, detail))
        with lock:
            results.extend(local)

    threads = [threading.Thread(target=client) for _ in range(clients)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    out.put(results)


def run_phase(
    base: str, jobs: list[tuple[str, str, str, Any]], clients: int, warmup: float = 0, duration: float = 0
) -> list[tuple[float, float, int, str]]:
    ctx = multiprocessing.get_context("spawn")
    out = ctx.Queue()
    proc = ctx.Process(target=_run_jobs, args=(base, jobs, clients, warmup, duration, out))
    proc.start()
    results = out.get()
    proc.join()
    return results


def summarise(name: str, results: list[tuple[float, float, int, str]], warmup: float = 0) -> dict[str, Any]:
    measured = [r for r in results if r[0] >= warmup]
    ok = [r for r in measured if 200 <= r[2] < 300]
    errors: dict[int, int] = {}
    for r in measured:
        if not 200 <= r[2] < 300:
            errors[r[2]] = errors.get(r[2], 0) + 1
    span = (max(r[0] + r[1] / 1000 for r in measured) - min(r[0] for r in measured)) if measured else 0
    lat = [r[1] for r in ok]
    sample_error = next((r[3] for r in measured if r[2] >= 300), "")
    return {
        "phase": name,
        "requests": len(measured),
        "ok": len(ok),
        "errors": errors,
        "span_s": span,
        "per_s": len(ok) / span if span else 0.0,
        "median_ms": statistics.median(lat) if lat else float("nan"),
        "p99_ms": pct(lat, 0.99),
        "sample_error": sample_error,
    }


# --- main --------------------------------------------------------------------------------------------------


def guide_body(base: str, token: str) -> tuple[list[dict[str, Any]], list[str]]:
    conn = http.client.HTTPConnection(urlsplit(base).hostname, urlsplit(base).port, timeout=30)
    status, content = _request(conn, "GET", f"/api/bundles/{BUNDLE}/", token)
    if status != 200:
        raise SystemExit(f"guide: HTTP {status}: {content[:300]!r}")
    guide = json.loads(content)
    needed = [m["code"] for m in guide["materials"] if m["required"] and not m["waiver"]]
    return guide["form"], needed


def pending_outbox(url: str) -> int:
    import psycopg

    with psycopg.connect(url.replace("postgres://", "postgresql://", 1), autocommit=True) as conn:
        row = conn.execute(
            "SELECT count(*) FROM integrations_outboxmessage WHERE status = 'pending'"
        ).fetchone()
        return int(row[0]) if row else 0


def submitted_numbers(url: str) -> list[str]:
    import psycopg

    with psycopg.connect(url.replace("postgres://", "postgresql://", 1), autocommit=True) as conn:
        return [
            r[0]
            for r in conn.execute(
                "SELECT number FROM cases_application WHERE status = 'submitted' ORDER BY id"
            ).fetchall()
        ]


def print_table(rows: list[dict[str, Any]], header: str) -> None:
    print(f"\n{header}\n")
    print("| phase | requests | ok | errors | per second | median ms | p99 ms |")
    print("| --- | ---: | ---: | --- | ---: | ---: | ---: |")
    for r in rows:
        errors = ", ".join(f"{k}×{v}" for k, v in sorted(r["errors"].items())) or "0"
        print(
            f"| {r['phase']} | {r['requests']} | {r['ok']} | {errors} | {r['per_s']:.1f} | "
            f"{r['median_ms']:.1f} | {r['p99_ms']:.1f} |"
        )
    for r in rows:
        if r.get("sample_error"):
            print(f"  first error in {r['phase']}: {r['sample_error']}")


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--database-url", default=DEFAULT_DB)
    parser.add_argument("--url", default="", help="a running server (skips set-up; needs --tokens)")
    parser.add_argument("--tokens", default="", help="with --url: a JSON file written by an earlier run")
    parser.add_argument("--workers", type=int, default=3)
    parser.add_argument("--worker-class", choices=["sync", "gthread"], default="sync")
    parser.add_argument("--threads", type=int, default=4)
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--warmup", type=float, default=5)
    parser.add_argument("--duration", type=float, default=30)
    parser.add_argument("--applicants", type=int, default=400)
    parser.add_argument("--intake", type=int, default=300, help="how many submissions the clerk takes in")
    parser.add_argument("--no-floor", action="store_true")
    parser.add_argument(
        "--ceiling",
        type=float,
        default=10,
        help="seconds for each ceiling phase (near-empty requests to the same server); 0: none",
    )
    args = parser.parse_args()

    url = args.database_url
    server = worker = None
    receiver = ThreadingHTTPServer(("127.0.0.1", RECEIVER_PORT), Receiver)
    threading.Thread(target=receiver.serve_forever, daemon=True).start()
    rows: list[dict[str, Any]] = []
    tasks = "celery" if redis_up() else "inprocess"
    try:
        if args.url:
            base = args.url.rstrip("/")
            prepared = json.loads(Path(args.tokens).read_text())
        else:
            recreate_database(url)
            prepared = prepare(url, args.applicants)
            Path("/tmp/yjs-perf-tokens.json").write_text(json.dumps(prepared))
            server = start_gunicorn(url, tasks, args)
            if tasks == "celery":
                worker = start_worker(url)
            base = f"http://127.0.0.1:{PORT}"
        applicants = prepared["applicants"]
        form, needed = guide_body(base, applicants[0]["token"])
        from yijianshi.cases.samples import sample_form

        if (
            args.ceiling
        ):  # what the same server, clients and machine do with (almost) nothing behind a request
            for name, path in CEILINGS:
                jobs = [("GET", path, applicants[i % len(applicants)]["token"], None) for i in range(200_000)]
                rows.append(summarise(name, run_phase(base, jobs, args.clients, 2, args.ceiling), 2))

        jobs = []
        rounds = 1 + int(5000 / max(1, len(applicants)))
        for _ in range(rounds):  # each applicant submits again in the next round: distinct keys, new rows
            for a in applicants:
                body = {
                    "bundle": BUNDLE,
                    "materials": needed,
                    "form": sample_form(
                        form, overrides={"mother.id_number": a["id"], "mother.name": a["name"]}
                    ),
                    "answers": {},
                }
                jobs.append(("POST", "/api/applications/", a["token"], body))
        t_run = time.time()
        cpu: dict[str, Any] = {}
        if not args.url and args.duration > 4:  # where the cores go while the submissions are measured
            roots = {"web (gunicorn)": server.pid, "clients": os.getpid()} | (
                {"task worker (Celery)": worker.pid} if worker is not None else {}
            )
            threading.Thread(
                target=cpu_window, args=(cpu, roots, args.warmup + 1, args.duration - 2), daemon=True
            ).start()
        results = run_phase(base, jobs, args.clients, args.warmup, args.duration)
        submit = summarise("submit (POST /api/applications/)", results, args.warmup)
        rows.append(submit)
        from bench.floor_psycopg import floor_run, templates

        floor_template = templates(url)  # the rows of a submission, before intake adds to its history

        if not args.url:
            stop(worker)  # the outbox fills up during intake; the drain is then timed on its own
            worker = None
        numbers = submitted_numbers(url)[: args.intake]
        clerk = prepared["staff"]["clerk"]
        rows.append(
            summarise(
                "intake by the clerk (item cases, receipt PDF, outbox)",
                run_phase(
                    base,
                    [  # the applicants listed the materials without files: the clerk confirms them checked
                        ("POST", f"/api/applications/{n}/intake/", clerk, {"confirmed": needed})
                        for n in numbers
                    ],
                    args.clients,
                ),
            )
        )
        pending = pending_outbox(url)
        t0 = time.perf_counter()
        if not args.url and tasks == "celery":
            worker = start_worker(url)
            subprocess.run(
                [str(ROOT / ".venv/bin/celery"), "-A", "yijianshi", "call", "integrations.deliver_outbox"],
                env=server_env(url, tasks),
                cwd=ROOT,
                stdout=subprocess.DEVNULL,
                check=False,
            )
        while pending_outbox(url) and time.perf_counter() - t0 < 600:
            time.sleep(0.2)
        drain_s = time.perf_counter() - t0
        left = pending_outbox(url)
        rows.append(
            {
                "phase": f"drain the outbox: {pending} messages ({len(Receiver.keys)} distinct webhook "
                f"pushes, {Receiver.duplicates} duplicates; {left} left)",
                "requests": pending,
                "ok": pending - left,
                "errors": {},
                "span_s": drain_s,
                "per_s": (pending - left) / drain_s if drain_s else 0,
                "median_ms": float("nan"),
                "p99_ms": float("nan"),
            }
        )

        # accept everything, then approve in the order the prerequisites allow: the hospital's two items, the
        # household registration (police), then social security and medical insurance
        waves = {
            "accept": [OFFICER_WORK_ALL],
            "approve": [
                OFFICER_WORK[:1],
                (("officer_police", ("household_birth_registration",)),),
                OFFICER_WORK[1:],
            ],
        }
        for action, plan in waves.items():
            results = []
            for wave in plan:
                jobs = []
                for case_id, ref, version in case_ids(url, numbers):
                    for officer, refs in wave:
                        if ref in refs:
                            body: dict[str, Any] = {"action": action, "expected_version": version}
                            jobs.append(
                                (
                                    "POST",
                                    f"/api/item-cases/{case_id}/transitions/",
                                    prepared["staff"][officer],
                                    body,
                                )
                            )
                offset = max((r[0] + r[1] / 1000 for r in results), default=0.0)
                results += [(r[0] + offset, *r[1:]) for r in run_phase(base, jobs, args.clients)]
            rows.append(summarise(f"officers: {action} (item-case transitions)", results))

        print_table(
            rows,
            f"HTTP, {BUNDLE}, gunicorn {args.workers} × {args.worker_class}"
            + (f" ({args.threads} threads)" if args.worker_class == "gthread" else "")
            + f", {args.clients} client threads, tasks: {tasks}; started {time.ctime(t_run)}; "
            f"load average before: {os.getloadavg()}",
        )
        if cpu.get("spent"):
            print_cpu(cpu, submit["per_s"])
        if not args.no_floor:
            floor = floor_run(
                url, applications=max(400, submit["ok"]), writers=args.clients, template=floor_template
            )
            print(
                "\nfloor: the rows of one submission (application, history, ledger) written by plain psycopg, "
                "one transaction each, as many writers as clients\n"
            )
            print("| case | applications | per second | median ms | p99 ms | ours / floor |")
            print("| --- | ---: | ---: | ---: | ---: | ---: |")
            print(
                f"| ours (HTTP submit) | {submit['ok']} | {submit['per_s']:.1f} | {submit['median_ms']:.1f} | "
                f"{submit['p99_ms']:.1f} | |"
            )
            print(
                f"| floor ({floor['rows_per_application']} rows each) | {floor['applications']} | "
                f"{floor['per_s']:.1f} | {floor['median_ms']:.1f} | {floor['p99_ms']:.1f} | "
                f"{submit['per_s'] / floor['per_s']:.3f} |"
            )
            print(
                f"\nissue 6's target, {TARGET_PER_S} submissions/s, is {TARGET_PER_S / floor['per_s']:.2f} × this floor: "
                "what a submission adds to the floor's writes (HTTP, authentication, validation, prefill reads, "
                "SM3, the answer) would have to fit in the rest (docs/adr/0008-submission-throughput.md)"
            )
    finally:
        stop(worker)
        stop(server)
        receiver.shutdown()


def cpu_window(out: dict[str, Any], roots: dict[str, int], start_after: float, length: float) -> None:
    """CPU seconds per component (bench/cpu_split.py) from `start_after` s for `length` s; into `out`."""
    from bench.cpu_split import snapshot, split

    time.sleep(start_after)
    t0 = time.perf_counter()
    before = snapshot()
    t1 = time.perf_counter()
    time.sleep(length)
    t2 = time.perf_counter()
    after = snapshot()
    t3 = time.perf_counter()  # the window runs from the middle of one snapshot to the middle of the other
    out["spent"], out["seconds"] = split(before, after, roots), (t2 + t3) / 2 - (t0 + t1) / 2


def print_cpu(cpu: dict[str, Any], per_s: float) -> None:
    seconds, spent = cpu["seconds"], cpu["spent"]
    cores = os.cpu_count() or 1
    print(
        f"\nwhere the CPU went while submitting ({seconds:.0f} s inside the measured window, {cores} cores; "
        f"{per_s:.1f} submissions/s)\n"
    )
    print("| component | share of one core | CPU ms per submission |")
    print("| --- | ---: | ---: |")
    for name, s in sorted(spent.items(), key=lambda kv: -kv[1]):
        print(f"| {name} | {100 * s / seconds:.1f} % | {1000 * s / (per_s * seconds):.2f} |")
    total = sum(spent.values())
    print(
        f"| all | {100 * total / seconds:.1f} % of {100 * cores} % | {1000 * total / (per_s * seconds):.2f} |"
    )


def case_ids(url: str, numbers: list[str]) -> list[tuple[int, str, int]]:
    import psycopg

    with psycopg.connect(url.replace("postgres://", "postgresql://", 1), autocommit=True) as conn:
        return [
            (r[0], r[1], r[2])
            for r in conn.execute(
                "SELECT c.id, c.ref, c.version FROM cases_itemcase c JOIN cases_application a ON a.id = c.application_id "
                "WHERE a.number = ANY(%s) ORDER BY c.id",
                [numbers],
            ).fetchall()
        ]


if __name__ == "__main__":
    main()

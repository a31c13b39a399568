"""The in-process runner (TASKS_MODE="inprocess", the embedded default: nothing else to run).

One daemon thread per process runs the periodic jobs of the registry (core/jobs.py) when they are due — the
jobs Celery beat sends in the scale-out shape (yijianshi/celery.py): the outbox delivery every 10 s, the
deadline sweep every minute, the licences' daily run at 08:30 Beijing time. A part may also ask for one of its
jobs at once with `wake(name)`: the outbox wakes its delivery when a transaction that wrote messages commits.
The thread looks every POLL_SECONDS; a job that fails is logged and tried again after a backoff, without
holding up the others. Several processes (e.g. two gunicorn workers) each run one thread; the jobs are safe to
run concurrently (core/jobs.py).

The thread starts only in a process that serves the web application: from `CoreConfig.ready()` when the
process is a web server, and lazily on the first wake-up after that in a process forked later (gunicorn with
--preload). Tests and management commands do not start it (tests run a `JobRunner` of their own; messages
written by a command are delivered by the next server). The environment variable YIJIANSHI_OUTBOX_RUNNER (or
the setting OUTBOX_RUNNER) overrides the detection: "on", "off" or "auto".
"""

from __future__ import annotations

import logging
import os
import sys
import threading
from collections.abc import Collection
from datetime import datetime, timedelta

from django.conf import settings
from django.db import close_old_connections, connection
from django.utils.module_loading import import_string

from yijianshi.core import clock
from yijianshi.core.jobs import Job, JobRegistry
from yijianshi.core.jobs import registry as default_registry

logger = logging.getLogger(__name__)

POLL_SECONDS = 5.0
MAX_BACKOFF_STEPS = 12  # a failing job is tried again after 5, 10, 20, 40, then 60 s
ENV = "YIJIANSHI_OUTBOX_RUNNER"

_lock = threading.Lock()
_event = threading.Event()
_stop = threading.Event()
_woken: set[str] = set()
_thread: threading.Thread | None = None
_pid: int | None = None
_serving = False


class JobRunner:
    """Runs the jobs of a registry that are due, in this process, remembering when each last started."""

    def __init__(self, jobs: JobRegistry = default_registry) -> None:
        self.jobs = jobs
        self._last: dict[str, datetime] = {}
        self._failures: dict[str, int] = {}
        self._retry_at: dict[str, datetime] = {}

    def due(self, *, now: datetime, woken: Collection[str] = ()) -> list[Job]:
        """The jobs to run at `now`: those woken, and those their schedule says are due unless a failure's
        backoff has not yet passed. The registry is read each time: a part may register after the start."""
        return [
            job
            for job in self.jobs
            if job.name in woken
            or (
                job.schedule.due(now=now, last=self._last.get(job.name))
                and now >= self._retry_at.get(job.name, now)
            )
        ]

    def run_due(self, *, woken: Collection[str] = ()) -> dict[str, bool]:
        """Run each job due now, one after the other; returns which ran and whether each succeeded. Never raises:
        a job that fails is logged with its traceback and tried again after a backoff."""
        now = clock.now()
        ran: dict[str, bool] = {}
        for job in self.due(now=now, woken=woken):
            try:
                import_string(job.task)()
            except Exception:  # a database outage or a bug in one job: log it, go on with the others
                failures = self._failures.get(job.name, 0) + 1
                self._failures[job.name] = failures
                backoff = POLL_SECONDS * min(2 ** (failures - 1), MAX_BACKOFF_STEPS)
                self._retry_at[job.name] = now + timedelta(seconds=backoff)
                logger.exception(
                    "runner: job %s failed (%d in a row); trying again in %.0f s", job.name, failures, backoff
                )
                ran[job.name] = False
            else:
                self._last[job.name] = now
                self._failures.pop(job.name, None)
                self._retry_at.pop(job.name, None)
                ran[job.name] = True
        return ran


# --- the thread ---------------------------------------------------------------------------------------------


def is_web_server_process(argv: list[str] | None = None) -> bool:
    """Is this process serving the web application? runserver (its serving child, not the autoreloader's
    watcher) or a WSGI/ASGI server."""
    args = sys.argv if argv is None else argv
    if "runserver" in args:
        return os.environ.get("RUN_MAIN") == "true" or "--noreload" in args
    program = os.path.basename(args[0]) if args else ""
    return program in {"gunicorn", "uwsgi", "uvicorn", "daphne", "hypercorn", "waitress-serve"} or any(
        name in sys.modules for name in ("gunicorn.arbiter", "uwsgi")
    )


def mode() -> str:
    value = os.environ.get(ENV) or str(getattr(settings, "OUTBOX_RUNNER", "auto"))
    value = value.strip().lower()
    if value in {"1", "on", "true", "yes"}:
        return "on"
    if value in {"0", "off", "false", "no"}:
        return "off"
    return "auto"


def enabled() -> bool:
    if getattr(settings, "TASKS_MODE", "inprocess") != "inprocess":
        return False
    chosen = mode()
    return chosen == "on" or (chosen == "auto" and _serving)


def start_if_serving() -> None:
    """Called from CoreConfig.ready(): start the thread when this process is a web server."""
    global _serving
    if mode() == "auto" and is_web_server_process():
        _serving = True
    if enabled():
        ensure_started()


def ensure_started() -> None:
    global _thread, _pid
    with _lock:
        if _thread is not None and _thread.is_alive() and _pid == os.getpid():
            return
        _pid = os.getpid()
        _event.clear()
        _thread = threading.Thread(target=_loop, name="job-runner", daemon=True)
        _thread.start()
        logger.info("runner: in-process jobs started (pid %s)", _pid)


def wake(name: str) -> None:
    """Ask the runner to run the job `name` now (the outbox's delivery, after a commit). Does nothing where the
    runner is not enabled."""
    if not enabled():
        return
    ensure_started()
    with _lock:
        _woken.add(name)
    _event.set()


def stop(timeout: float = 10.0) -> None:
    """Stop this process's runner and wait for it (tests; an orderly shutdown). A job it was running when
    stopped is finished first; one it never got to runs in the next runner."""
    global _thread
    with _lock:
        thread, _thread = _thread, None
    if thread is None:
        return
    _stop.set()
    _event.set()
    thread.join(timeout)
    _stop.clear()


def _loop() -> None:
    runner = JobRunner()
    while not _stop.is_set():
        _event.wait(timeout=POLL_SECONDS)
        _event.clear()
        if _stop.is_set():
            break
        with _lock:
            woken = set(_woken)
            _woken.clear()
        close_old_connections()
        ran = runner.run_due(woken=woken)
        if not all(ran.values()):
            connection.close()  # after a database outage, the next round starts from a new connection
        close_old_connections()
    connection.close()

"""The in-process deliverer (TASKS_MODE="inprocess", the embedded default: nothing else to run).

One daemon thread per process calls `outbox_deliver_due` when woken — by `wake()`, which the outbox calls when
a transaction that wrote messages commits — and every POLL_SECONDS anyway, which picks up retries whose
backoff has passed and messages left behind by a process that died. Several processes (e.g. two gunicorn
workers) each run one thread; the outbox's claim makes that safe (outbox.py).

The thread starts only in a process that serves the web application: from `IntegrationsConfig.ready()` when
the process is a web server, and lazily on the first wake-up after that in a process forked later (gunicorn
with --preload). Tests and management commands do not start it (tests call `outbox_deliver_due` directly;
messages written by a command are delivered by the next server). The environment variable
YIJIANSHI_OUTBOX_RUNNER (or the setting OUTBOX_RUNNER) overrides the detection: "on", "off" or "auto".

The same thread runs what Celery beat runs in the scale-out shape: the deadline sweep every minute and the
licences' daily run (expiry and renewal reminders) once per Beijing calendar day.
"""

from __future__ import annotations

import logging
import os
import sys
import threading
import time
from datetime import date

from django.conf import settings
from django.db import close_old_connections, connection

logger = logging.getLogger(__name__)

POLL_SECONDS = 5.0
ENV = "YIJIANSHI_OUTBOX_RUNNER"
BATCH = 100
MAX_ROUNDS = 20  # batches in one wake-up before yielding to the next poll

_lock = threading.Lock()
_event = threading.Event()
_stop = threading.Event()
_thread: threading.Thread | None = None
_pid: int | None = None
_serving = False


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
    """Called from IntegrationsConfig.ready(): start the thread when this process is a web server."""
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
        _thread = threading.Thread(target=_loop, name="outbox-runner", daemon=True)
        _thread.start()
        logger.info("outbox: in-process deliverer started (pid %s)", _pid)


def wake() -> None:
    """Ask the deliverer to run now (after a commit). Does nothing where the runner is not enabled."""
    if not enabled():
        return
    ensure_started()
    _event.set()


def stop(timeout: float = 10.0) -> None:
    """Stop this process's deliverer and wait for it (tests; an orderly shutdown). A message it was sending
    when stopped is finished first; one it never got to is picked up by the next deliverer."""
    global _thread
    with _lock:
        thread, _thread = _thread, None
    if thread is None:
        return
    _stop.set()
    _event.set()
    thread.join(timeout)
    _stop.clear()


SWEEP_SECONDS = 60.0  # the case engine's deadline sweep (Celery beat runs it as cases.sweep_deadlines)


def _sweep_if_due(last: float) -> float:
    """Run the case engine's deadline sweep at most every SWEEP_SECONDS; returns when it last ran."""
    now = time.monotonic()
    if now - last < SWEEP_SECONDS:
        return last
    from yijianshi.cases.services import deadlines_sweep

    deadlines_sweep()
    return now


def _daily_if_due(last_day: date | None) -> date | None:
    """The licences' daily run (`licence expire`, `licence remind`; Celery beat runs it as licenses.daily) once
    per Beijing calendar day: at the first poll of a day, including right after the process starts. Returns the
    day it last ran. Several processes may each run it: it is idempotent (licenses.services.licences_daily)."""
    from yijianshi.core import clock

    today = clock.local(clock.now()).date()
    if last_day == today:
        return last_day
    from yijianshi.licenses.services import licences_daily

    licences_daily(today=today)
    return today


def _loop() -> None:
    from .outbox import outbox_deliver_due

    failures = 0
    last_sweep = 0.0
    last_daily: date | None = None
    while not _stop.is_set():
        _event.wait(timeout=POLL_SECONDS * min(2**failures, 12))
        _event.clear()
        if _stop.is_set():
            break
        close_old_connections()
        try:
            for _ in range(MAX_ROUNDS):
                counts = outbox_deliver_due(limit=BATCH)
                if sum(counts.values()) < BATCH:
                    break
            last_sweep = _sweep_if_due(last_sweep)
            last_daily = _daily_if_due(last_daily)
            failures = 0
        except Exception:  # a database outage: log, wait longer, go on
            failures += 1
            logger.exception("outbox: in-process delivery failed")
            connection.close()
        finally:
            close_old_connections()
    connection.close()

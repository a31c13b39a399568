"""Background work of the case engine, run by Celery (worker and beat, yijianshi/celery.py) in the scale-out
shape and in-process in the embedded default."""

from __future__ import annotations

import threading
from dataclasses import asdict
from typing import Any

from celery import shared_task
from django.conf import settings

from yijianshi.core import broker
from yijianshi.core.notify import Notice, notify

from .services import deadlines_sweep


@shared_task(name="cases.sweep_deadlines")
def sweep_deadlines() -> dict[str, int]:
    return deadlines_sweep()


@shared_task(name="cases.send_notice", acks_late=True)
def send_notice(data: dict[str, Any]) -> list[dict[str, Any]]:
    return [asdict(d) for d in notify(Notice(**data))]


def dispatch_notice(notice: Notice) -> None:
    """Send now (embedded default) or hand to a worker (TASKS_MODE=celery). Called after commit, so it must not
    fail: when the broker cannot take the notice (core/broker.py), this process sends it, from a thread of its
    own so that a slow gateway does not hold the response (`notify` never raises)."""
    if getattr(settings, "TASKS_MODE", "inprocess") != "celery":
        notify(notice)
        return
    data = asdict(notice)
    if not broker.publish(lambda: send_notice.apply_async((data,), retry=False), what=f"a notice ({notice.event})"):
        threading.Thread(target=notify, args=(notice,), name="notice-fallback", daemon=True).start()

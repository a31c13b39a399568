"""Background work of the case engine, run by Celery (worker and beat, yijianshi/celery.py) in the scale-out
shape and by the in-process runner (yijianshi/runner.py) in the embedded default. Its notices go out through
core (core/notices.py)."""

from __future__ import annotations

from celery import shared_task

from .services import deadlines_sweep


@shared_task(name="cases.sweep_deadlines")
def sweep_deadlines() -> dict[str, int]:
    return deadlines_sweep()

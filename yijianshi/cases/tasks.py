"""Periodic work of the case engine, run by Celery beat in the scale-out shape (yijianshi/celery.py) and by the
in-process runner in the embedded default."""

from __future__ import annotations

from celery import shared_task

from .services import deadlines_sweep


@shared_task(name="cases.sweep_deadlines")
def sweep_deadlines() -> dict[str, int]:
    return deadlines_sweep()

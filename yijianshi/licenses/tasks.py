"""Background work of the licences, run by Celery beat (yijianshi/celery.py) in the scale-out shape and by the
in-process runner (yijianshi/runner.py) in the embedded default: once a day, expiry and renewal reminders."""

from __future__ import annotations

from celery import shared_task

from .services import licences_daily


@shared_task(name="licenses.daily")
def licences_daily_task() -> dict[str, int]:
    return licences_daily()

"""Background work of the mandate register (Celery; TASKS_MODE="celery")."""

from __future__ import annotations

from celery import shared_task

from .services import mandate_expire


@shared_task(name="mandates.expire")
def expire_mandates() -> dict[str, int]:
    return mandate_expire()

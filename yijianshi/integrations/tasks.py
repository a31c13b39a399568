"""Celery tasks of the integrations (TASKS_MODE="celery"; yijianshi/celery.py schedules them)."""

from __future__ import annotations

from celery import shared_task

from .outbox import outbox_deliver_due

BATCH = 100
MAX_ROUNDS = 20


@shared_task(name="integrations.deliver_outbox", ignore_result=True)
def deliver_outbox(limit: int = BATCH) -> dict[str, int]:
    """Deliver due outbox messages, a batch at a time, until fewer than a full batch was due (or MAX_ROUNDS).

    Any number of workers may run it at once: the claim never gives a message to two of them (outbox.py)."""
    totals = {"delivered": 0, "retried": 0, "failed": 0}
    for _ in range(MAX_ROUNDS):
        counts = outbox_deliver_due(limit=limit)
        for key, value in counts.items():
            totals[key] += value
        if sum(counts.values()) < limit:
            break
    return totals

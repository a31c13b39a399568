"""Celery tasks of core (TASKS_MODE="celery"; found by the app's autodiscovery, yijianshi/celery.py)."""

from __future__ import annotations

from dataclasses import asdict
from typing import Any

from celery import shared_task

from .notify import Notice, notify


def _send(data: dict[str, Any]) -> list[dict[str, Any]]:
    """Send one notice (core/notices.py queued it after the commit); the deliveries, for the worker's log."""
    return [asdict(d) for d in notify(Notice(**data))]


send_notice = shared_task(name="core.send_notice", acks_late=True)(_send)

# Notices queued under the task's former name, before it moved here from the case engine, are still sent by a
# worker of this version. Remove once no deployment runs the release before it.
send_notice_queued_by_cases = shared_task(name="cases.send_notice", acks_late=True)(_send)

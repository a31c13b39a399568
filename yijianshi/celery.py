"""The Celery application (TASKS_MODE="celery": the scale-out shape, DESIGN.md §5).

    celery -A yijianshi worker --loglevel=INFO
    celery -A yijianshi beat --loglevel=INFO

Configuration comes from the Django settings whose names start with CELERY_ (broker, acks_late …). The beat
sends the periodic jobs each part registers (core/jobs.py) — the outbox delivery every 10 s (a safety net: a
commit also queues it at once), the deadline sweep every minute, the licences' daily run at 08:30 Beijing time
(CELERY_TIMEZONE) — the same list the in-process runner reads in the embedded default (yijianshi/runner.py).
`beat_schedule` is built when the app is finalized, after Django has started and every part has registered its
jobs. All jobs are safe to run concurrently on several workers.
"""

from __future__ import annotations

import os
from typing import Any

from celery import Celery
from celery.schedules import crontab
from django.utils.module_loading import import_string

from yijianshi.core.jobs import DailyAt, Every, JobRegistry, Schedule
from yijianshi.core.jobs import registry as default_registry

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "yijianshi.settings")

app = Celery("yijianshi")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


def beat_schedule(jobs: JobRegistry = default_registry) -> dict[str, dict[str, Any]]:
    """Celery beat's entries, one per registered job: its task by name, its schedule, and its expiry (a run that
    waited longer than that is superseded by the next)."""
    return {
        job.name: {
            "task": import_string(job.task).name,
            "schedule": _beat_schedule_of(job.schedule),
            "options": {"expires": job.expires},
        }
        for job in jobs
    }


def _beat_schedule_of(schedule: Schedule) -> float | crontab:
    if isinstance(schedule, Every):
        return schedule.seconds
    if isinstance(schedule, DailyAt):  # in CELERY_TIMEZONE, which is Asia/Shanghai
        return crontab(hour=schedule.hour, minute=schedule.minute)
    raise TypeError(f"no beat schedule for {schedule!r}")


@app.on_after_finalize.connect
def _schedule_the_jobs(sender: Celery, **kwargs: Any) -> None:
    sender.conf.beat_schedule = beat_schedule()

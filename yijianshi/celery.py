"""The Celery application (TASKS_MODE="celery": the scale-out shape, DESIGN.md §5).

    celery -A yijianshi worker --loglevel=INFO
    celery -A yijianshi beat --loglevel=INFO

Configuration comes from the Django settings whose names start with CELERY_ (broker, acks_late …). The beat
runs the outbox delivery every 10 s (a safety net: a commit also queues it at once) and the deadline sweep
every minute. Both tasks are safe to run concurrently on several workers.
"""

from __future__ import annotations

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "yijianshi.settings")

app = Celery("yijianshi")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()

app.conf.beat_schedule = {
    "deliver-outbox": {
        "task": "integrations.deliver_outbox",
        "schedule": 10.0,
        "options": {"expires": 10.0},  # a run that waited longer than its period is superseded by the next
    },
    "sweep-deadlines": {
        "task": "cases.sweep_deadlines",
        "schedule": 60.0,
        "options": {"expires": 60.0},
    },
}

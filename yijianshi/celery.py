"""The Celery application (TASKS_MODE="celery": the scale-out shape, DESIGN.md §5).

    celery -A yijianshi worker --loglevel=INFO
    celery -A yijianshi beat --loglevel=INFO

Configuration comes from the Django settings whose names start with CELERY_ (broker, acks_late …). The beat
runs the outbox delivery every 10 s (a safety net: a commit also queues it at once), the deadline sweep
every minute and the licences' daily run (expiry, renewal reminders — `licence expire` and `licence remind`)
at 08:30 Beijing time (CELERY_TIMEZONE). All are safe to run concurrently on several workers.
"""

from __future__ import annotations

import os

from celery import Celery
from celery.schedules import crontab

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
    "licences-daily": {  # licence expire + licence remind (无感续证), once a day
        "task": "licenses.daily",
        "schedule": crontab(hour=8, minute=30),
        "options": {"expires": 6 * 3600.0},
    },
}

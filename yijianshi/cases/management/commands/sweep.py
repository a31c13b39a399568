"""`yijianshi sweep`: mark what is overdue, escalate it, expire tolerated materials (once)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from yijianshi.cases.services import deadlines_sweep


class Command(BaseCommand):
    help = "Run the deadline sweep once (the runner or Celery beat runs it every minute)."

    def handle(self, *args: Any, **options: Any) -> None:
        self.stdout.write(str(deadlines_sweep()))

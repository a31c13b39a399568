"""`yijianshi uploads_sweep [--days N]`: remove uploads never submitted, N days (default 7) after upload."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from yijianshi.uploads.services import uploads_sweep


class Command(BaseCommand):
    help = "Remove abandoned uploads (never part of an application) older than --days (default 7)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--days", type=int, default=7)

    def handle(self, *args: Any, **options: Any) -> None:
        self.stdout.write(f"removed {uploads_sweep(older_than_days=options['days'])}")

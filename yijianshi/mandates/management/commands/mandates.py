"""`yijianshi mandates expire`: mark the mandates past their last day as expired (once);
`yijianshi mandates demo`: the demo's mandate (README, demo accounts)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser


class Command(BaseCommand):
    help = "The mandate register: expire (mark mandates past their last day), demo (the demo's mandate)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("action", choices=["expire", "demo"])

    def handle(self, *args: Any, **options: Any) -> None:
        if options["action"] == "expire":
            from yijianshi.mandates.services import mandate_expire

            self.stdout.write(str(mandate_expire()))
        else:
            from yijianshi.mandates.demo import seed_demo_mandates

            self.stdout.write(f"demo mandates: {', '.join(seed_demo_mandates()) or '-'}")

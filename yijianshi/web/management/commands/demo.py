"""`yijianshi demo`: migrate, load the catalogue shipped and create the demo accounts (README lists them).

It seeds every part (accounts, shared data, licences), so it lives with a face, above them all
(docs/architecture.md), not in catalog."""

from __future__ import annotations

from typing import Any

from django.core.management import call_command
from django.core.management.base import BaseCommand

from yijianshi.accounts.demo import DEMO_PASSWORD, create_demo_accounts


class Command(BaseCommand):
    help = "Prepare the embedded demo: migrate, load every catalogue pack, create demo accounts."

    def handle(self, *args: Any, **options: Any) -> None:
        call_command("migrate", interactive=False, verbosity=0)
        call_command("catalog", "load", stdout=self.stdout, stderr=self.stderr)
        from yijianshi.web.catalogue import synonyms_seed

        self.stdout.write(f"search synonyms added from synonyms.yaml: {synonyms_seed()}")
        accounts = create_demo_accounts()
        from yijianshi.datahub.demo import demo_data_seed
        from yijianshi.datahub.models import SourceRecord
        from yijianshi.licenses.demo import seed_demo_licences

        if not SourceRecord.objects.exists():
            summary = demo_data_seed()
            self.stdout.write(f"shared data: {summary}")
        self.stdout.write(f"demo licences: {len(seed_demo_licences())}")
        from yijianshi.mandates.demo import seed_demo_mandates
        from yijianshi.web.demo_cases import seed_overdue_cases

        self.stdout.write(f"demo overdue cases: {', '.join(seed_overdue_cases()) or '-'}")

        self.stdout.write(f"demo mandates: {', '.join(seed_demo_mandates()) or '-'}")
        officers = [u for u, role, _ in accounts if role == "officer"]
        self.stdout.write(
            f"demo accounts (password {DEMO_PASSWORD}): "
            + ", ".join(u for u, role, _ in accounts if role != "officer")
            + f"; {len(officers)} officers ({', '.join(officers[:6])}, officer_lc_*, officer_sy_*, officer_xx_*)"
        )
        self.stdout.write(
            self.style.SUCCESS("demo ready: http://127.0.0.1:8000/  (admin: /admin/, API: /api/docs/)")
        )

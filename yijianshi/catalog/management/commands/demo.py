"""`yijianshi demo`: migrate, load the catalogue shipped and create the demo accounts (README lists them)."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.models import User
from django.core.management import call_command
from django.core.management.base import BaseCommand

DEMO_ACCOUNTS = [
    # username, password, is_superuser, description
    ("admin", "yijianshi-admin", True, "系统管理员 administrator"),
]


class Command(BaseCommand):
    help = "Prepare the embedded demo: migrate, load every catalogue pack, create demo accounts."

    def handle(self, *args: Any, **options: Any) -> None:
        call_command("migrate", interactive=False, verbosity=0)
        call_command("catalog", "load", stdout=self.stdout, stderr=self.stderr)
        for username, password, superuser, description in DEMO_ACCOUNTS:
            user, created = User.objects.get_or_create(username=username)
            if created:
                user.set_password(password)
                user.is_staff = True
                user.is_superuser = superuser
                user.first_name = description
                user.save()
        self.stdout.write(self.style.SUCCESS("demo ready: sign in at http://127.0.0.1:8000/admin/ as admin / "
                                             "yijianshi-admin"))

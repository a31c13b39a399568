"""`yijianshi otp-code <username>`: the current code of a demo staff account's authenticator (the demo only).

The demo's staff accounts have a TOTP device named `demo` (accounts/demo.py) instead of a phone app: this prints
its code, to type into /accounts/otp/verify/ after the password. Devices a person set up with their own app are
never read, and the command refuses to run when YIJIANSHI_ENV is production."""

from __future__ import annotations

import os
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from yijianshi.accounts.otp import DEMO_DEVICE


class Command(BaseCommand):
    help = "Print the current TOTP code of a demo staff account (devices `yijianshi demo` made only)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("username")

    def handle(self, *args: Any, **options: Any) -> None:
        if os.environ.get("YIJIANSHI_ENV", "dev") == "production":
            raise CommandError("otp-code is for the local demo only")
        device = TOTPDevice.objects.filter(
            user__username=options["username"], name=DEMO_DEVICE, confirmed=True
        ).first()
        if device is None:
            raise CommandError(
                f"{options['username']} has no demo authenticator (only the accounts `yijianshi demo` "
                "creates have one)"
            )
        totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
        self.stdout.write(f"{totp.token():0{device.digits}d}")

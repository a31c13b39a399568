"""`yijianshi seal-verify <file.pdf>`: check the electronic seal of a document (issue 18 point 7).

Prints what was found (the seal's holder, its key, when it was sealed, the document number) and the verdict;
exits 0 when the seal is valid, 1 when it is not (unsealed, tampered, an unknown or revoked key), 2 on a file
that cannot be read."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from yijianshi.cases.seals import document_seal_check
from yijianshi.core import clock


class Command(BaseCommand):
    help = "Check the electronic seal of a sealed PDF document: exit 0 valid, 1 invalid."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", help="the PDF file")

    def handle(self, *args: Any, **options: Any) -> None:
        path = Path(options["file"])
        try:
            pdf = path.read_bytes()
        except OSError as exc:
            raise CommandError(f"cannot read {path}: {exc.strerror}", returncode=2) from None
        check = document_seal_check(pdf)
        if check.name:
            self.stdout.write(f"印章 Seal: {check.name} (key {check.key_id})")
        if check.sealed_at is not None:
            self.stdout.write(
                f"盖章时间 Sealed at: {clock.local(check.sealed_at):%Y-%m-%d %H:%M} (Beijing time)"
            )
        if check.number:
            self.stdout.write(f"文书编号 Document No.: {check.number}")
        if check.ok:
            self.stdout.write(f"valid: {check.zh} / {check.en}")
            return
        raise CommandError(f"{check.status}: {check.zh} / {check.en}", returncode=1)

"""`yijianshi licence keys|verify|export|remind|expire` — electronic licences from the command line.

yijianshi licence keys [--department REGION/CODE ...]   create missing SM2 keys (replace ones whose file is gone)
yijianshi licence verify FILE|IDENTIFIER [--today DATE]  print every check; exit 1 if any fails
yijianshi licence export IDENTIFIER [-o FILE]            write the offline document (what the QR code carries)
yijianshi licence remind [--days N] [--today DATE]       renewal reminders (无感续证), once per licence version
yijianshi licence expire [--today DATE]                  mark licences past their validity as expired
yijianshi licence revoke-key KEY_ID --reason TEXT         revoke a department's key (its licences and sealed
                                                         documents stop verifying; the next issue makes a new key)
"""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from yijianshi.catalog.models import Department
from yijianshi.core.actor import Actor
from yijianshi.core.errors import DomainError
from yijianshi.licenses import services
from yijianshi.licenses.identifiers import PREFIX
from yijianshi.licenses.selectors import licence_by_identifier, local_today


def _day(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise CommandError(f"not a date (YYYY-MM-DD): {text}") from None


class Command(BaseCommand):
    help = "Electronic licences (电子证照): signing keys, verification, offline documents, renewal reminders."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        keys = sub.add_parser("keys", help="create the SM2 key pairs issuing departments are missing")
        keys.add_argument(
            "--department",
            action="append",
            default=[],
            metavar="REGION/CODE",
            help="only this department (repeatable); default: every department that issues a type",
        )
        verify = sub.add_parser(
            "verify", help="verify a licence by identifier, or an offline document (JSON file)"
        )
        verify.add_argument("target", metavar="FILE|ID")
        verify.add_argument("--today", type=_day, default=None)
        export = sub.add_parser("export", help="write a licence's offline document (JSON)")
        export.add_argument("identifier")
        export.add_argument("-o", "--output", default="-")
        remind = sub.add_parser("remind", help="send renewal reminders")
        remind.add_argument("--days", type=int, default=None)
        remind.add_argument("--today", type=_day, default=None)
        expire = sub.add_parser("expire", help="mark licences past their validity as expired")
        expire.add_argument("--today", type=_day, default=None)
        revoke = sub.add_parser("revoke-key", help="revoke a department's signing key (it stops verifying)")
        revoke.add_argument("key_id")
        revoke.add_argument("--reason", required=True)

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            getattr(self, f"_{options['action'].replace('-', '_')}")(options)
        except DomainError as exc:
            raise CommandError(str(exc)) from None

    def _keys(self, options: dict[str, Any]) -> None:
        departments = None
        if options["department"]:
            departments = []
            for ref in options["department"]:
                region, _, code = ref.partition("/")
                dept = (
                    Department.objects.select_related("region").filter(region__code=region, code=code).first()
                )
                if dept is None:
                    raise CommandError(f"no department {ref} (REGION/CODE, e.g. 140524/public_security)")
                departments.append(dept)
        reports = services.signing_keys_ensure(departments=departments, actor=Actor.system())
        for r in reports:
            self.stdout.write(f"{r.action:8} {r.key_id}  {r.department}")
        made = sum(1 for r in reports if r.action != "kept")
        self.stdout.write(self.style.SUCCESS(f"{made} key(s) created, {len(reports) - made} kept"))

    def _verify(self, options: dict[str, Any]) -> None:
        target: str = options["target"]
        today = options["today"] or local_today()
        if target.strip().upper().startswith(PREFIX + "."):
            result = services.licence_verify(identifier=target, today=today)
        else:
            path = Path(target)
            try:
                document = json.loads(path.read_text(encoding="utf-8"))
            except FileNotFoundError:
                raise CommandError(
                    f"{target}: no such file, and not a licence identifier ({PREFIX}.…)"
                ) from None
            except (OSError, ValueError) as exc:
                raise CommandError(f"{target}: not a JSON document ({exc})") from None
            result = services.licence_verify(document=document, today=today)
        self.stdout.write(f"licence {result.identifier or '?'} (checked {today})")
        for check in result.checks:
            mark = self.style.SUCCESS("ok  ") if check.ok else self.style.ERROR("FAIL")
            self.stdout.write(f"  {mark} {check.name:10} {check.en} / {check.zh}")
        if not result.ok:
            raise CommandError("verification failed: " + ", ".join(result.codes))
        self.stdout.write(self.style.SUCCESS("verified: all checks passed"))

    def _export(self, options: dict[str, Any]) -> None:
        licence = licence_by_identifier(options["identifier"])
        if licence is None:
            raise CommandError(f"no licence {options['identifier']}")
        text = json.dumps(services.offline_document(licence), ensure_ascii=False, indent=2, sort_keys=True)
        if options["output"] == "-":
            self.stdout.write(text)
        else:
            Path(options["output"]).write_text(text + "\n", encoding="utf-8")
            self.stdout.write(f"wrote {options['output']}")

    def _remind(self, options: dict[str, Any]) -> None:
        sent = services.renewal_reminders(today=options["today"] or local_today(), days=options["days"])
        self.stdout.write(self.style.SUCCESS(f"{sent} renewal reminder(s) sent"))

    def _expire(self, options: dict[str, Any]) -> None:
        count = services.licences_expire(today=options["today"] or local_today(), actor=Actor.system())
        self.stdout.write(self.style.SUCCESS(f"{count} licence(s) marked expired"))

    def _revoke_key(self, options: dict[str, Any]) -> None:
        key = services.signing_key_revoke(
            key_id=options["key_id"], reason=options["reason"], actor=Actor.system()
        )
        self.stdout.write(
            self.style.WARNING(
                f"key {key.key_id} of {key.department} revoked: what it signed or sealed no longer verifies; "
                "the department's next licence or document gets a new key"
            )
        )

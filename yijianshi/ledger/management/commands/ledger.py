"""`yijianshi ledger verify [--anchor SEQ:HASH]`: walk the access ledger's hash chain (ledger/chain.py).

Exit 0 and `ok: N rows, head #N HASH` when the chain is whole (keep the head somewhere else and pass it as
`--anchor` later to detect a rewrite or truncation up to it); exit 1 naming the first row that was altered,
removed or inserted, and why.
"""

from __future__ import annotations

import re
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from yijianshi.ledger.services import ledger_verify

ANCHOR = re.compile(r"^#?(\d+):([0-9a-fA-F]{64})$")


class Command(BaseCommand):
    help = "Verify the access ledger (上链存证): walk the SM3 hash chain and name the first bad row."
    # an audit tool: it must answer even when another part of the configuration fails its checks (and the
    # system checks import every URL and view, which is most of this command's start-up time)
    requires_system_checks: list[str] = []

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        verify = sub.add_parser(
            "verify", help="walk the chain; exit 1 at the first altered, removed or inserted row"
        )
        verify.add_argument(
            "--anchor",
            metavar="SEQ:HASH",
            help="a head printed by an earlier run: that row must still be there with that hash",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        anchor = None
        if options.get("anchor"):
            match = ANCHOR.match(options["anchor"].strip())
            if not match:
                raise CommandError(
                    "--anchor must be SEQ:HASH (the seq and the 64 hex digits of an SM3 hash) / "
                    "锚点格式应为 序号:哈希"
                )
            anchor = (int(match.group(1)), match.group(2).lower())
        result = ledger_verify(anchor=anchor)
        if not result.ok:
            assert result.problem is not None
            problem = result.problem
            raise CommandError(
                f"ledger broken at row #{problem.seq}: {problem.kind} ({problem.reason}) — "
                f"{problem.en} / {problem.zh}"
            )
        self.stdout.write(
            self.style.SUCCESS(f"ok: {result.rows} rows, head #{result.head_seq} {result.head_hash}")
        )

"""`yijianshi datahub seed|load|status` — the shared data held locally, and the health of every source.

    yijianshi datahub seed [--persons 3000] [--enterprises 300] [--seed 1]   # synthetic demo records
    yijianshi datahub load SOURCE FILE [--replace]   # a provider's file: .jsonl (one record a line) or .csv
    yijianshi datahub status                         # connectors, configuration problems, breakers, last errors

A `.jsonl` line is ``{"subject_id": ..., "data": {vocabulary key: value}, "links": {role: id}, "effective_date":
"YYYY-MM-DD"}``. A `.csv` file has a ``subject_id`` column, optional ``effective_date`` and ``link:ROLE``
columns, and one column per vocabulary key.
"""

from __future__ import annotations

import csv
import json
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from yijianshi.core import clock
from yijianshi.core.actor import Actor
from yijianshi.core.errors import DomainError
from yijianshi.datahub.demo import demo_data_seed
from yijianshi.datahub.selectors import source_health
from yijianshi.datahub.services import source_records_load


def read_records(path: Path) -> list[dict[str, Any]]:
    """Records from a .jsonl or .csv file (see the module doc)."""
    if path.suffix.lower() == ".csv":
        out = []
        with path.open(newline="", encoding="utf-8-sig") as f:
            for row in csv.DictReader(f):
                links = {k.removeprefix("link:"): v for k, v in row.items() if k.startswith("link:") and v}
                data = {
                    k: v
                    for k, v in row.items()
                    if k not in ("subject_id", "effective_date") and not k.startswith("link:") and v != ""
                }
                out.append(
                    {
                        "subject_id": row.get("subject_id", ""),
                        "data": data,
                        "links": links,
                        "effective_date": row.get("effective_date") or None,
                    }
                )
        return out
    out = []
    with path.open(encoding="utf-8") as f:
        for n, line in enumerate(f, start=1):
            if not line.strip():
                continue
            try:
                record = json.loads(line)
            except json.JSONDecodeError as exc:
                raise CommandError(f"{path}:{n}: not JSON ({exc.msg})") from None
            if not isinstance(record, dict):
                raise CommandError(f"{path}:{n}: a record must be a JSON object")
            out.append(record)
    return out


class Command(BaseCommand):
    help = "Shared data: seed demo records, load a provider's file, show the sources' health."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        seed = sub.add_parser("seed", help="load synthetic, consistent demo records into the local sources")
        seed.add_argument("--persons", type=int, default=3000)
        seed.add_argument("--enterprises", type=int, default=300)
        seed.add_argument("--seed", type=int, default=1)
        load = sub.add_parser("load", help="load a provider's file into a local source")
        load.add_argument("source")
        load.add_argument("file")
        load.add_argument(
            "--replace", action="store_true", help="remove the source's records not in the file"
        )
        sub.add_parser("status", help="connectors, configuration problems, circuit breakers, last errors")

    def handle(self, *args: Any, **options: Any) -> None:
        action = options["action"]
        try:
            if action == "seed":
                summary = demo_data_seed(
                    persons=options["persons"], enterprises=options["enterprises"], seed=options["seed"]
                )
                per_source = ", ".join(f"{k} {v}" for k, v in sorted(summary.records.items()))
                self.stdout.write(
                    self.style.SUCCESS(
                        f"seeded {summary.persons} persons, {summary.enterprises} enterprises: {summary.total} records "
                        f"({per_source}), {summary.links} links in {summary.seconds:.1f}s"
                    )
                )
            elif action == "load":
                path = Path(options["file"])
                if not path.is_file():
                    raise CommandError(f"{path}: no such file")
                result = source_records_load(
                    source=options["source"],
                    records=read_records(path),
                    actor=Actor.system(),
                    batch=f"file:{path.name}"[:60],
                    replace=options["replace"],
                )
                self.stdout.write(
                    self.style.SUCCESS(
                        f"{result.source}: {result.created} new, {result.updated} updated, {result.deleted} removed"
                    )
                )
            else:
                self._status()
        except DomainError as exc:
            for d in exc.details:
                self.stderr.write(f"error: {d}")
            raise CommandError(str(exc.detail)) from None

    def _status(self) -> None:
        now = clock.now()
        for h in source_health():
            state = "ok"
            if not h.active:
                state = "off"
            elif h.open_until is not None and h.open_until > now:
                state = f"OPEN until {clock.local(h.open_until):%H:%M:%S}"
            elif h.failures:
                state = f"{h.failures} failure(s)"
            line = f"{h.code:<18} {h.mode:<6} {h.connector:<6} {h.records:>7} records  {state}"
            if h.last_error:
                line += (
                    f"  last error {clock.local(h.last_error_at):%Y-%m-%d %H:%M} {h.last_error}"
                    if h.last_error_at
                    else f"  last error {h.last_error}"
                )
            self.stdout.write(line)
            for problem in h.problems:
                self.stdout.write(f"{'':<18} ! {problem}")

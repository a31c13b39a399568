"""`yijianshi report bundles [--region CODE] [--format table|json|csv]`: the reform figures per bundle."""

from __future__ import annotations

import csv
import json
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from yijianshi.catalog.models import Region
from yijianshi.catalog.selectors import bundle_rows

COLUMNS = [
    "region", "code", "name", "items", "items_applicable", "fields_separate", "fields_merged", "fields_auto", "fields_auto_share",
    "materials_separate", "materials_required", "materials_reduction", "time_separate_days", "time_bundle_days",
    "time_reduction", "steps_separate", "steps_bundle", "steps_reduction", "visits_separate", "visits_bundle",
    "visits_reduction",
]


class Command(BaseCommand):
    help = "Reports. `report bundles`: the reform figures of every published bundle."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("what", choices=["bundles"])
        parser.add_argument("--region", help="official region code, e.g. 140524")
        parser.add_argument("--format", choices=["table", "json", "csv"], default="table")

    def handle(self, *args: Any, **options: Any) -> None:
        region = options.get("region")
        if region and not Region.objects.filter(code=region).exists():
            raise CommandError(f"unknown region code {region} / 未知区划代码 {region}")
        rows = [r.as_dict() for r in bundle_rows(region=region)]
        fmt = options["format"]
        if fmt == "json":
            self.stdout.write(json.dumps(rows, ensure_ascii=False, indent=2))
        elif fmt == "csv":
            writer = csv.DictWriter(self.stdout, fieldnames=COLUMNS, extrasaction="ignore", lineterminator="\n")
            writer.writeheader()
            writer.writerows(rows)
        else:
            self.stdout.write(_table(rows))


def _pct(x: float) -> str:
    return f"{x * 100:.0f}%"


def _table(rows: list[dict[str, Any]]) -> str:
    head = ["region", "code", "name", "items", "fields sep/merged/auto", "auto", "materials sep→req", "−mat",
            "days legal→bundle", "−time", "steps", "−steps", "visits"]
    body = [
        [r["region"], r["code"], r["name"][:18], f"{r['items_applicable']}/{r['items']}",
         f"{r['fields_separate']}/{r['fields_merged']}/{r['fields_auto']}", _pct(r["fields_auto_share"]),
         f"{r['materials_separate']}→{r['materials_required']}", _pct(r["materials_reduction"]),
         f"{r['time_separate_days']}→{r['time_bundle_days']}", _pct(r["time_reduction"]),
         f"{r['steps_separate']}→{r['steps_bundle']}", _pct(r["steps_reduction"]),
         f"{r['visits_separate']}→{r['visits_bundle']}"]
        for r in rows
    ]

    def width(s: str) -> int:
        return sum(2 if ord(c) > 0x2E80 else 1 for c in s)

    widths = [max(width(x) for x in col) for col in zip(head, *body, strict=False)]
    lines = []
    for row in [head, *body]:
        lines.append("  ".join(c + " " * (w - width(c)) for c, w in zip(row, widths, strict=False)).rstrip())
    lines.insert(1, "  ".join("-" * w for w in widths))
    lines.append(f"{len(rows)} bundles")
    return "\n".join(lines)

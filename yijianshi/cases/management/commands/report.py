"""Reports on the reform figures (docs/reform-figures.md). A command of cases, not of catalog: it reads the
applications too, and catalog depends on nothing but core (docs/architecture.md).

- `yijianshi report bundles [--region CODE] [--format table|json|csv]`: the catalogue's figures per bundle;
- `yijianshi report applications [--region CODE] [--bundle CODE] [--since DATE] [--until DATE] [--format …]`:
  the figures measured on the submitted applications (`yijianshi.cases.figures`), next to the catalogue's.
"""

from __future__ import annotations

import csv
import json
from datetime import date
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from yijianshi.catalog.models import Region
from yijianshi.catalog.selectors import bundle_rows

COLUMNS = [
    "region",
    "code",
    "name",
    "items",
    "items_applicable",
    "fields_separate",
    "fields_merged",
    "fields_auto",
    "fields_auto_share",
    "materials_separate",
    "materials_required",
    "materials_reduction",
    "time_separate_days",
    "time_bundle_days",
    "time_reduction",
    "steps_separate",
    "steps_bundle",
    "steps_reduction",
    "visits_separate",
    "visits_bundle",
    "visits_reduction",
]


class Command(BaseCommand):
    help = (
        "Reports. `report bundles`: the reform figures of every published bundle; `report applications`: "
        "the figures measured on submitted applications, next to the catalogue's."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("what", choices=["bundles", "applications"])
        parser.add_argument("--region", help="official region code, e.g. 140524")
        parser.add_argument("--bundle", help="applications: only this bundle, e.g. 140524-09")
        parser.add_argument(
            "--since", help="applications: submitted on or after this date (YYYY-MM-DD, Beijing)"
        )
        parser.add_argument(
            "--until", help="applications: submitted on or before this date (YYYY-MM-DD, Beijing)"
        )
        parser.add_argument("--format", choices=["table", "json", "csv"], default="table")

    def handle(self, *args: Any, **options: Any) -> None:
        region = options.get("region")
        if region and not Region.objects.filter(code=region).exists():
            raise CommandError(f"unknown region code {region} / 未知区划代码 {region}")
        fmt = options["format"]
        if options["what"] == "applications":
            self._applications(region, options, fmt)
            return
        rows = [r.as_dict() for r in bundle_rows(region=region)]
        if fmt == "json":
            self.stdout.write(json.dumps(rows, ensure_ascii=False, indent=2))
        elif fmt == "csv":
            writer = csv.DictWriter(
                self.stdout, fieldnames=COLUMNS, extrasaction="ignore", lineterminator="\n"
            )
            writer.writeheader()
            writer.writerows(rows)
        else:
            self.stdout.write(_table(rows))

    def _applications(self, region: str | None, options: dict[str, Any], fmt: str) -> None:
        from yijianshi.cases.figures import measured_figures

        since, until = _date(options.get("since"), "since"), _date(options.get("until"), "until")
        report = measured_figures(
            region=region, bundle=options.get("bundle") or None, since=since, until=until
        )
        rows = [r.as_dict() for r in report.rows] + ([report.total.as_dict()] if report.total else [])
        if fmt == "json":
            self.stdout.write(json.dumps(rows, ensure_ascii=False, indent=2))
        elif fmt == "csv":
            names = list(rows[0]) if rows else ["region", "code", "name", "applications"]
            writer = csv.DictWriter(self.stdout, fieldnames=names, lineterminator="\n")
            writer.writeheader()
            writer.writerows(rows)
        else:
            self.stdout.write(_measured_table(rows))


def _pct(x: float) -> str:
    return f"{x * 100:.0f}%"


def _table(rows: list[dict[str, Any]]) -> str:
    head = [
        "region",
        "code",
        "name",
        "items",
        "fields sep/merged/auto",
        "auto",
        "materials sep→req",
        "−mat",
        "days legal→bundle",
        "−time",
        "steps",
        "−steps",
        "visits",
    ]
    body = [
        [
            r["region"],
            r["code"],
            r["name"][:18],
            f"{r['items_applicable']}/{r['items']}",
            f"{r['fields_separate']}/{r['fields_merged']}/{r['fields_auto']}",
            _pct(r["fields_auto_share"]),
            f"{r['materials_separate']}→{r['materials_required']}",
            _pct(r["materials_reduction"]),
            f"{r['time_separate_days']}→{r['time_bundle_days']}",
            _pct(r["time_reduction"]),
            f"{r['steps_separate']}→{r['steps_bundle']}",
            _pct(r["steps_reduction"]),
            f"{r['visits_separate']}→{r['visits_bundle']}",
        ]
        for r in rows
    ]
    return _layout(head, body, f"{len(rows)} bundles")


def _date(text: str | None, name: str) -> date | None:
    if not text:
        return None
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise CommandError(
            f"--{name} must be a date YYYY-MM-DD, not {text!r} / --{name} 应为日期 YYYY-MM-DD"
        ) from None


def _layout(head: list[str], body: list[list[str]], footer: str) -> str:
    def width(s: str) -> int:
        return sum(2 if ord(c) > 0x2E80 else 1 for c in s)

    widths = [max(width(x) for x in col) for col in zip(head, *body, strict=False)]
    lines = [
        "  ".join(c + " " * (w - width(c)) for c, w in zip(row, widths, strict=False)).rstrip()
        for row in [head, *body]
    ]
    lines.insert(1, "  ".join("-" * w for w in widths))
    lines.append(footer)
    return "\n".join(lines)


def _measured_table(rows: list[dict[str, Any]]) -> str:
    """Measured vs catalogue (m/c) for each ratio; counts summed over the applications."""
    head = [
        "region",
        "code",
        "name",
        "apps",
        "fields total/auto/typed/changed",
        "generated m/c",
        "materials sep→asked (lic/check/result waived; provided)",
        "−mat m/c",
        "days legal→promised",
        "−time m/c",
        "steps",
        "−steps m/c",
    ]
    body = [
        [
            r["region"],
            r["code"],
            r["name"][:18],
            str(r["applications"]),
            f"{r['measured_fields_merged']}/{r['measured_fields_auto']}/{r['fields_typed']}/{r['fields_changed']}",
            f"{_pct(r['measured_fields_auto_share'])}/{_pct(r['catalogue_fields_auto_share'])}",
            f"{r['measured_materials_separate']}→{r['measured_materials_required']} ({r['materials_waived_licence']}/"
            f"{r['materials_waived_data_check']}/{r['materials_waived_result']}; {r['materials_provided']})",
            f"{_pct(r['measured_materials_reduction'])}/{_pct(r['catalogue_materials_reduction'])}",
            f"{r['measured_time_separate_days']}→{r['measured_time_bundle_days']}",
            f"{_pct(r['measured_time_reduction'])}/{_pct(r['catalogue_time_reduction'])}",
            f"{r['measured_steps_separate']}→{r['measured_steps_bundle']}",
            f"{_pct(r['measured_steps_reduction'])}/{_pct(r['catalogue_steps_reduction'])}",
        ]
        for r in rows
    ]
    total = rows[-1]["applications"] if rows else 0
    return _layout(head, body, f"measured on {total} applications / 基于 {total} 件实际办件")

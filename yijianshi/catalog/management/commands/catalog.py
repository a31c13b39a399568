"""`yijianshi catalog validate|load|export` (docs/catalog-packs.md)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from yijianshi.catalog.export import catalog_export
from yijianshi.catalog.packs import PACKS_DIR, read_packs
from yijianshi.catalog.services import catalog_load
from yijianshi.core.actor import Actor
from yijianshi.core.errors import DomainError


class Command(BaseCommand):
    help = "Validate, load or export catalogue packs (事项目录包)."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        v = sub.add_parser("validate", help="check packs without touching the database")
        v.add_argument("path", nargs="?", default=str(PACKS_DIR))
        ld = sub.add_parser("load", help="load packs in one transaction (no argument: every pack shipped)")
        ld.add_argument("path", nargs="?", default=str(PACKS_DIR))
        ex = sub.add_parser("export", help="write the catalogue in the database out as packs")
        ex.add_argument("path")

    def handle(self, *args: Any, **options: Any) -> None:
        action = options["action"]
        if action == "export":
            counts = catalog_export(Path(options["path"]))
            self.stdout.write(
                self.style.SUCCESS(
                    f"exported {counts['regions']} regions, {counts['bundles']} bundles, "
                    f"{counts['templates']} item templates, {counts['delegations']} delegations to {options['path']}"
                )
            )
            return
        try:
            catalogue = read_packs(options["path"])
        except DomainError as exc:
            for d in exc.details:
                self.stderr.write(f"error: {d}")
            raise CommandError(f"{len(exc.details)} error(s) in {options['path']}; nothing loaded") from None
        n_bundles = sum(len(r["bundles"]) for r in catalogue.regions.values())
        if action == "validate":
            self.stdout.write(
                self.style.SUCCESS(
                    f"ok: {len(catalogue.vocabulary)} field keys, {len(catalogue.templates)} item templates, "
                    f"{len(catalogue.regions)} regions, {n_bundles} bundles"
                )
            )
            return
        try:
            result = catalog_load(catalogue=catalogue, actor=Actor.system())
        except DomainError as exc:
            raise CommandError(str(exc)) from None
        self.stdout.write(self.style.SUCCESS(f"loaded {result.summary()}"))

"""`yijianshi report bundles` in its three formats."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from yijianshi.catalog.packs import read_packs
from yijianshi.catalog.services import catalog_load
from yijianshi.core.actor import Actor

pytestmark = pytest.mark.django_db

KEYS = {
    "region",
    "code",
    "name",
    "items",
    "fields_separate",
    "fields_merged",
    "fields_auto",
    "materials_separate",
    "materials_required",
    "time_separate_days",
    "time_bundle_days",
    "steps_separate",
    "steps_bundle",
    "visits_separate",
    "visits_bundle",
}


@pytest.fixture
def loaded(minipack: Path) -> None:
    catalog_load(catalogue=read_packs(minipack), actor=Actor.system())


def report(*args: str) -> str:
    out = io.StringIO()
    call_command("report", "bundles", *args, stdout=out)
    return out.getvalue()


def test_json_has_the_documented_keys_with_numbers(loaded: None) -> None:
    rows = json.loads(report("--format", "json"))
    assert len(rows) == 1
    row = rows[0]
    assert KEYS <= set(row)
    assert row["region"] == "140524" and row["code"] == "140524-09" and row["name"] == "新生儿出生"
    for key in KEYS - {"region", "code", "name"}:
        assert isinstance(row[key], int), key
    assert (row["items"], row["items_applicable"]) == (3, 3)
    assert (row["fields_separate"], row["fields_merged"], row["fields_auto"]) == (15, 10, 7)
    assert (row["materials_separate"], row["materials_required"]) == (7, 2)
    assert (row["time_separate_days"], row["time_bundle_days"]) == (65, 7)


def test_csv_and_table(loaded: None) -> None:
    rows = list(csv.DictReader(io.StringIO(report("--format", "csv"))))
    assert rows[0]["code"] == "140524-09" and rows[0]["fields_merged"] == "10"
    table = report()
    assert "新生儿出生" in table and "1 bundles" in table


def test_region_filter(loaded: None) -> None:
    assert json.loads(report("--region", "140524", "--format", "json"))[0]["region"] == "140524"
    assert json.loads(report("--region", "140500", "--format", "json")) == []
    with pytest.raises(CommandError, match="unknown region"):
        report("--region", "999999")

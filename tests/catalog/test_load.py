"""Loading packs into the database: all or nothing, idempotent, versions as immutable snapshots."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from django.core.management import call_command

from yijianshi.catalog import engine
from yijianshi.catalog.models import (
    Bundle,
    BundleVersion,
    Item,
    ItemMaterial,
    Region,
    ServicePoint,
    VersionStatus,
)
from yijianshi.catalog.packs import read_packs
from yijianshi.catalog.selectors import bundle_definition, bundle_rows, current_version
from yijianshi.catalog.services import bundle_version_new_draft, bundle_version_publish, catalog_load
from yijianshi.core.errors import Conflict, DomainError

pytestmark = pytest.mark.django_db


def load(path: Path) -> None:
    catalog_load(catalogue=read_packs(path), actor=None)


def test_load_creates_the_catalogue(minipack: Path) -> None:
    load(minipack)
    assert list(Region.objects.values_list("code", flat=True)) == ["140000", "140500", "140524"]
    assert Region.objects.get(code="140524").parent.code == "140500"
    bundle = Bundle.objects.get(code="140524-09")
    version = current_version(bundle)
    assert version is not None and version.status == VersionStatus.PUBLISHED and version.number == 1
    assert [bi.name for bi in version.items.all()][1] == "本县户口登记(申报出生登记)1岁以下婚内本县生育"
    assert Item.objects.get(code="140524.hukou_birth").department.name == "公安部门"


def test_every_key_of_a_service_point_reaches_the_database(minipack: Path, tmp_path: Path) -> None:
    region_yaml = minipack / "regions/140524/region.yaml"
    region_yaml.write_text(
        region_yaml.read_text(encoding="utf-8").replace(
            "hall: {name: 陵川县政务服务中心, kind: hall}",
            'hall: {name: 陵川县政务服务中心, kind: hall, address: 陵川县崇文镇, hours: "09:00-12:00,13:00-17:30", '
            'phone: "0356-6212345", lat: 35.7755, lng: 113.2806}',
        ),
        encoding="utf-8",
    )
    load(minipack)
    hall = ServicePoint.objects.get(region__code="140524", code="hall")
    assert (hall.address, hall.hours, hall.phone, hall.lat, hall.lng) == (
        "陵川县崇文镇",
        "09:00-12:00,13:00-17:30",
        "0356-6212345",
        35.7755,
        113.2806,
    )
    # and they come back out in an export
    call_command("catalog", "export", str(tmp_path / "export"), stdout=io.StringIO())
    point = read_packs(tmp_path / "export").regions["140524"]["service_points"]["hall"]
    assert (point["phone"], point["lat"], point["lng"]) == ("0356-6212345", 35.7755, 113.2806)


def test_loading_the_same_pack_twice_changes_nothing(minipack: Path) -> None:
    load(minipack)
    before = list(BundleVersion.objects.values_list("pk", "number", "status"))
    load(minipack)
    assert list(BundleVersion.objects.values_list("pk", "number", "status")) == before


def test_a_changed_pack_publishes_a_new_version_and_keeps_the_old_one_computing_the_same(
    minipack: Path,
) -> None:
    load(minipack)
    v1 = BundleVersion.objects.get(number=1)
    before = engine.compute(bundle_definition(v1))
    items = minipack / "common/items/mini.yaml"
    items.write_text(
        items.read_text(encoding="utf-8").replace("promised_limit_days: 5", "promised_limit_days: 2"),
        encoding="utf-8",
    )
    load(minipack)
    v1.refresh_from_db()
    v2 = BundleVersion.objects.get(number=2)
    assert v1.status == VersionStatus.RETIRED and v2.status == VersionStatus.PUBLISHED
    assert v1.effective_to is not None
    assert engine.compute(bundle_definition(v1)) == before
    assert engine.compute(bundle_definition(v2)).schedule.total_days == before.schedule.total_days - 3


def test_editing_an_item_never_changes_a_published_version(minipack: Path) -> None:
    load(minipack)
    version = BundleVersion.objects.get()
    before = engine.compute(bundle_definition(version))
    item = Item.objects.get(ref="ssc")
    item.promised_limit_days = 15
    item.save()
    ItemMaterial.objects.filter(item=item).delete()
    assert engine.compute(bundle_definition(version)) == before
    # a new draft picks the edit up, and publishing it changes the current figures
    draft = bundle_version_new_draft(bundle=version.bundle, actor=None)
    assert engine.compute(bundle_definition(draft)).schedule.total_days == 1 + 1 + 15
    bundle_version_publish(version=draft, actor=None)
    assert bundle_rows()[0].figures.time_bundle_days == 17
    assert engine.compute(bundle_definition(BundleVersion.objects.get(number=1))) == before


def test_a_published_version_cannot_be_published_again_or_get_two_drafts(minipack: Path) -> None:
    load(minipack)
    version = BundleVersion.objects.get()
    with pytest.raises(Conflict):
        bundle_version_publish(version=version, actor=None)
    bundle_version_new_draft(bundle=version.bundle, actor=None)
    with pytest.raises(Conflict):
        bundle_version_new_draft(bundle=version.bundle, actor=None)


def test_publishing_a_draft_with_a_cycle_is_refused(minipack: Path) -> None:
    load(minipack)
    draft = bundle_version_new_draft(bundle=Bundle.objects.get(), actor=None)
    ssc = draft.items.get(item__ref="ssc")
    birth = draft.items.get(item__ref="birth_cert")
    draft.dependencies.create(item=birth, requires=ssc)
    with pytest.raises(DomainError) as caught:
        bundle_version_publish(version=draft, actor=None)
    assert caught.value.code == "dependency_cycle"
    draft.refresh_from_db()
    assert draft.status == VersionStatus.DRAFT


def test_export_loads_back_to_the_same_definitions(minipack: Path, tmp_path: Path) -> None:
    load(minipack)
    before = {v.bundle.code: bundle_definition(v) for v in BundleVersion.objects.select_related("bundle")}
    out = tmp_path / "export"
    call_command("catalog", "export", str(out), stdout=io.StringIO())
    exported = read_packs(out)
    for region, raw in exported.bundles():
        assert exported.bundle_def(region, raw) == before[raw["code"]]


def test_every_shipped_pack_loads_and_reports() -> None:
    out = io.StringIO()
    call_command("catalog", "load", stdout=out)  # no argument: every pack shipped
    assert "61 bundles (61 new published versions), 142 delegations" in out.getvalue()
    rows = bundle_rows()
    assert len(rows) == 61
    assert {r.region for r in rows} == {"140524", "420300", "410721"}
    assert sum(r.items_total for r in rows) == sum(
        len(v.snapshot["definition"]["items"])
        for v in BundleVersion.objects.filter(status=VersionStatus.PUBLISHED)
    )
    assert Region.objects.get(code="140423").delegations.filter(level="town").count() == 99
    assert Region.objects.get(code="140423").delegations.filter(level="village").count() == 43
    again = io.StringIO()
    call_command("catalog", "load", stdout=again)
    assert "(0 new published versions)" in again.getvalue()


def test_full_names_and_operators_load_and_export(minipack: Path, tmp_path: Path) -> None:
    region = minipack / "regions/140524/region.yaml"
    text = region.read_text(encoding="utf-8")
    text = text.replace(
        "hrss: {name: 人力资源和社会保障部门, kind: hrss}",
        "hrss: {name: 人力资源和社会保障部门, kind: hrss, full_name: 陵川县人力资源和社会保障局}",
    )
    text = text.replace(
        "hall: {name: 陵川县政务服务中心, kind: hall",
        "hall: {name: 陵川县政务服务中心, kind: hall, operator: hrss",
    )
    region.write_text(text, encoding="utf-8")
    load(minipack)
    hall = ServicePoint.objects.select_related("operator").get(code="hall")
    assert hall.operator is not None and hall.operator.official_name == "陵川县人力资源和社会保障局"
    health = hall.region.departments.get(code="health")
    assert health.official_name == health.name == "卫生健康部门"  # no full name given: the short one
    out = tmp_path / "export"
    call_command("catalog", "export", str(out), stdout=io.StringIO())
    exported = (out / "regions/140524/region.yaml").read_text(encoding="utf-8")
    assert "陵川县人力资源和社会保障局" in exported and "operator: hrss" in exported


def test_an_operator_must_be_a_department_of_the_region(minipack: Path) -> None:
    region = minipack / "regions/140524/region.yaml"
    text = region.read_text(encoding="utf-8")
    region.write_text(
        text.replace(
            "hall: {name: 陵川县政务服务中心, kind: hall",
            "hall: {name: 陵川县政务服务中心, kind: hall, operator: nobody",
        ),
        encoding="utf-8",
    )
    with pytest.raises(DomainError) as caught:
        read_packs(minipack)
    assert [d.code for d in caught.value.details] == ["pack_unknown_department"]


def test_every_shipped_hall_has_an_operator_with_a_full_name() -> None:
    catalogue = read_packs()
    for code, pack in catalogue.regions.items():
        for pcode, point in pack["service_points"].items():
            operator = pack["departments"][point["operator"]]
            assert operator["full_name"].startswith(pack["name"][:2]), (code, pcode, operator)

"""A bad pack gets an error naming the file, the entry and the problem, and nothing of it is loaded."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from yijianshi.catalog.models import Bundle, Item, Region
from yijianshi.catalog.packs import read_packs, region_code_problem
from yijianshi.core.actor import Actor
from yijianshi.core.errors import DomainError, ErrorDetail


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{old!r} not in {path}"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def problems(root: Path) -> list[tuple[str, str]]:
    with pytest.raises(DomainError) as caught:
        read_packs(root)
    return [(d.code, d.where or "") for d in caught.value.details]


def test_the_test_pack_is_valid(minipack: Path) -> None:
    cat = read_packs(minipack)
    assert [b["code"] for _, b in cat.bundles()] == ["140524-09"]


def test_unknown_department(minipack: Path) -> None:
    edit(minipack / "regions/140524/bundles.yaml", "departments: [hrss]", "departments: [police_station]")
    assert ("pack_unknown_department", "regions/140524/bundles.yaml: bundle 140524-09: item ssc") in problems(
        minipack
    )


def test_a_date_bound_is_today_or_a_quoted_date(minipack: Path) -> None:
    vocabulary = minipack / "common/vocabulary.yaml"
    edit(
        vocabulary,
        "en: Child's date of birth, type: date",
        "en: Child's date of birth, type: date, max: yesterday",
    )
    assert [c for c, where in problems(minipack) if "child.birth_date" in where] == ["pack_bad_value"]
    edit(vocabulary, "max: yesterday", "max: 2026-01-01")  # unquoted, YAML makes it a date
    assert [c for c, where in problems(minipack) if "child.birth_date" in where] == ["pack_bad_value"]
    edit(vocabulary, "max: 2026-01-01", 'min: "2000-01-01", max: today')
    read_packs(minipack)


def test_duplicated_codes(minipack: Path) -> None:
    edit(
        minipack / "regions/140524/region.yaml",
        "  hrss: {name: 人力资源和社会保障部门, kind: hrss}",
        "  hrss: {name: 人力资源和社会保障部门, kind: hrss}\n  hrss: {name: 人社局, kind: hrss}",
    )
    found = problems(minipack)
    assert found[0][0] == "pack_yaml" and found[0][1] == "regions/140524/region.yaml"


def test_duplicated_bundle_code_across_files(minipack: Path) -> None:
    bundles = minipack / "regions/140524/bundles.yaml"
    text = bundles.read_text(encoding="utf-8").replace("seq: 9", "seq: 10")
    (minipack / "regions/140524/bundles-more.yaml").write_text(text, encoding="utf-8")
    found = problems(minipack)
    # files are read in name order, so the second one read (bundles.yaml) is the duplicate
    assert found == [("pack_duplicate_code", "regions/140524/bundles.yaml: bundle 140524-09")]


def test_duplicated_item_template(minipack: Path) -> None:
    items = minipack / "common/items/mini.yaml"
    (minipack / "common/items/zz-again.yaml").write_text(items.read_text(encoding="utf-8"), encoding="utf-8")
    assert ("pack_duplicate_code", "common/items/zz-again.yaml: item birth_cert") in problems(minipack)


def test_dependency_on_an_item_not_in_the_bundle(minipack: Path) -> None:
    edit(minipack / "regions/140524/bundles.yaml", "requires: [hukou_birth]", "requires: [vaccination]")
    assert (
        "pack_unknown_dependency",
        "regions/140524/bundles.yaml: bundle 140524-09: dependency ssc",
    ) in problems(minipack)


def test_a_cycle_is_named(minipack: Path) -> None:
    edit(
        minipack / "regions/140524/bundles.yaml",
        "      - {item: ssc, requires: [hukou_birth]}",
        "      - {item: ssc, requires: [hukou_birth]}\n      - {item: birth_cert, requires: [ssc]}",
    )
    with pytest.raises(DomainError) as caught:
        read_packs(minipack)
    detail = caught.value.details[0]
    assert detail.code == "dependency_cycle"
    assert detail.where == "regions/140524/bundles.yaml: bundle 140524-09"
    assert "birth_cert" in detail.en and "ssc" in detail.en and "hukou_birth" in detail.en


def test_a_field_key_used_with_two_types(minipack: Path) -> None:
    edit(
        minipack / "common/items/mini.yaml",
        "fields: [child.name, child.id_number, mother.phone, person.photo]",
        "fields: [child.name, {key: child.id_number, type: string}, mother.phone, person.photo]",
    )
    assert (
        "pack_field_type_conflict",
        "common/items/mini.yaml: item ssc: field child.id_number",
    ) in problems(minipack)


def test_a_field_key_declared_twice_in_the_vocabulary(minipack: Path) -> None:
    (minipack / "common/vocabulary-extra.yaml").write_text(
        "fields:\n  child.name: {zh: 姓名, en: Name, type: date}\n", encoding="utf-8"
    )
    assert ("pack_duplicate_code", "common/vocabulary-extra.yaml: field child.name") in problems(minipack)


@pytest.mark.parametrize(
    ("code", "level", "parent"),
    [
        ("140525", "city", "140000"),  # a county code as a city
        ("990524", "county", "140500"),  # no such province
        ("14052", "county", "140500"),  # too short
        ("420524", "county", "140500"),  # not under its parent
        ("140524100", "county", "140500"),  # a town code as a county
    ],
)
def test_bad_region_codes(code: str, level: str, parent: str) -> None:
    assert region_code_problem(code, level, parent) is not None


def test_a_bad_region_code_in_a_pack(minipack: Path) -> None:
    edit(
        minipack / "regions/140524/region.yaml",
        '{code: "140500", name: 晋城市, level: city}',
        '{code: "140050", name: 晋城市, level: city}',
    )
    assert ("pack_bad_region", "regions/140524/region.yaml: region 140050") in problems(minipack)


def test_unknown_keys_and_every_problem_are_reported_at_once(minipack: Path) -> None:
    edit(
        minipack / "common/items/mini.yaml",
        "    visits: 1\n    steps: 4\n    illustrative: true\n    fields: [mother.name",
        "    visits: 1\n    step: 4\n    illustrative: true\n    fields: [mother.name",
    )
    edit(minipack / "regions/140524/bundles.yaml", "lead: health", "lead: mayor")
    codes = {c for c, _ in problems(minipack)}
    assert {"pack_unknown_key", "pack_unknown_department"} <= codes


def test_promised_limit_beyond_the_legal_limit(minipack: Path) -> None:
    edit(minipack / "common/items/mini.yaml", "legal_limit_days: 15", "legal_limit_days: 3")
    assert ("pack_bad_value", "common/items/mini.yaml: item ssc") in problems(minipack)


@pytest.mark.django_db
def test_nothing_of_a_bad_pack_is_loaded(minipack: Path) -> None:
    edit(minipack / "regions/140524/bundles.yaml", "departments: [hrss]", "departments: [nobody]")
    with pytest.raises(CommandError, match="nothing loaded"):
        call_command("catalog", "load", str(minipack))
    assert not Region.objects.exists() and not Item.objects.exists() and not Bundle.objects.exists()


# --- shapes (pack_schema.py): every problem named by file and entry, in the project's error form -----------


def details(root: Path) -> list[ErrorDetail]:
    with pytest.raises(DomainError) as caught:
        read_packs(root)
    return caught.value.details


def test_a_wrong_type_is_named_by_file_entry_and_key(minipack: Path) -> None:
    edit(minipack / "regions/140524/bundles.yaml", "seq: 9", "seq: nine")
    [detail] = details(minipack)
    assert (detail.code, detail.where) == ("pack_bad_value", "regions/140524/bundles.yaml: bundle 140524-09")
    assert detail.en.startswith("seq: ") and "“seq”" in detail.zh


def test_a_missing_key_is_named(minipack: Path) -> None:
    edit(
        minipack / "regions/140524/region.yaml",
        "hall: {name: 陵川县政务服务中心, kind: hall}",
        "hall: {name: 陵川县政务服务中心}",
    )
    [detail] = details(minipack)
    assert (detail.code, detail.where) == (
        "pack_missing_key",
        "regions/140524/region.yaml: service point hall",
    )
    assert detail.en == "missing required key 'kind'" and detail.zh == "缺少必填字段“kind”"


def test_a_required_key_given_empty_is_missing(minipack: Path) -> None:
    edit(minipack / "common/items/mini.yaml", "name: 社会保障卡申领", 'name: ""')
    assert ("pack_missing_key", "common/items/mini.yaml: item ssc") in problems(minipack)


@pytest.mark.parametrize(
    ("path", "old", "new", "where"),
    [
        (
            "regions/140524/region.yaml",
            "hall: {name: 陵川县政务服务中心, kind: hall}",
            "hall: {name: 陵川县政务服务中心, kind: hall, fax: 0356-1234567}",
            "regions/140524/region.yaml: service point hall",
        ),
        (
            "regions/140524/bundles.yaml",
            "    stage: 出生\n",
            "    stage: 出生\n    summary: 一次办好\n",
            "regions/140524/bundles.yaml: bundle 140524-09",
        ),
        (
            "regions/140524/bundles.yaml",
            '        default: "yes"\n',
            '        default: "yes"\n        help: 看结婚证\n',
            "regions/140524/bundles.yaml: bundle 140524-09: situation in_wedlock",
        ),
        (
            "regions/140524/bundles.yaml",
            "departments: [hrss]}",
            "departments: [hrss], lead: true}",
            "regions/140524/bundles.yaml: bundle 140524-09: item ssc",
        ),
        (
            "common/items/mini.yaml",
            "{code: birth.record, name: 分娩记录, channel: other}",
            "{code: birth.record, name: 分娩记录, channel: other, colour: red}",
            "common/items/mini.yaml: item birth_cert: material birth.record",
        ),
        (
            "regions/140524/region.yaml",
            "document: {",
            "document: {author: 县政府, ",
            "regions/140524/region.yaml",
        ),
    ],
)
def test_an_unknown_key_is_an_error_where_it_stands(
    minipack: Path, path: str, old: str, new: str, where: str
) -> None:
    edit(minipack / path, old, new)
    assert [(d.code, d.where) for d in details(minipack)] == [("pack_unknown_key", where)]


def test_wrong_values_of_a_nested_entry_are_all_reported_with_their_keys(minipack: Path) -> None:
    edit(
        minipack / "common/items/mini.yaml",
        "{code: birth.record, name: 分娩记录, channel: other}",
        "{code: birth.record, name: 分娩记录, channel: other, copies: -1, form: papyrus, required: maybe}",
    )
    found = details(minipack)
    assert {d.where for d in found} == {"common/items/mini.yaml: item birth_cert: material birth.record"}
    assert sorted(d.en.split(":")[0] for d in found) == ["copies", "required", "unknown form 'papyrus'"]
    assert {d.code for d in found} == {"pack_bad_value"}


def test_an_entry_that_is_not_a_mapping(minipack: Path) -> None:
    edit(
        minipack / "regions/140524/bundles.yaml",
        "      - {ref: ssc, name: 社会保障卡申领, departments: [hrss]}",
        "      - ssc",
    )
    assert problems(minipack) == [("pack_shape", "regions/140524/bundles.yaml: bundle 140524-09: item ssc")]


def test_a_department_kind_out_of_the_list_keeps_its_code(minipack: Path) -> None:
    edit(
        minipack / "regions/140524/region.yaml",
        "hrss: {name: 人力资源和社会保障部门, kind: hrss}",
        "hrss: {name: 人力资源和社会保障部门, kind: labour}",
    )
    # the bundle naming the broken department is not blamed for it a second time
    assert problems(minipack) == [("pack_unknown_kind", "regions/140524/region.yaml: department hrss")]


def test_a_broken_template_is_not_reported_again_as_unknown(minipack: Path) -> None:
    edit(minipack / "common/items/mini.yaml", "legal_limit_days: 20", 'legal_limit_days: "20"')
    assert problems(minipack) == [("pack_bad_value", "common/items/mini.yaml: item birth_cert")]


@pytest.mark.parametrize(
    ("point", "key"),
    [
        ("lat: 95.0, lng: 113.28", "lat"),  # beyond the pole
        ("lat: 35.78, lng: east", "lng"),  # not a number
        ("lat: 35.78", "lat and lng"),  # one without the other
        ('phone: "call us"', "phone"),
        ('hours: "25:00-26:00"', "The business hours"),  # as the intake clock reads them (core.workdays)
    ],
)
def test_a_service_points_phone_coordinates_and_hours_are_checked(
    minipack: Path, point: str, key: str
) -> None:
    edit(
        minipack / "regions/140524/region.yaml",
        "hall: {name: 陵川县政务服务中心, kind: hall}",
        f"hall: {{name: 陵川县政务服务中心, kind: hall, {point}}}",
    )
    [detail] = details(minipack)
    assert (detail.code, detail.where) == ("pack_bad_value", "regions/140524/region.yaml: service point hall")
    assert detail.en.startswith(key)


def test_two_options_with_one_value(minipack: Path) -> None:
    edit(minipack / "regions/140524/bundles.yaml", '{value: "no", zh: 否', '{value: "yes", zh: 否')
    assert problems(minipack) == [
        ("pack_duplicate_code", "regions/140524/bundles.yaml: bundle 140524-09: situation in_wedlock")
    ]


def test_every_problem_of_every_file_at_once_in_the_error_body(minipack: Path) -> None:
    edit(minipack / "regions/140524/bundles.yaml", "seq: 9", "seq: nine")
    edit(
        minipack / "regions/140524/region.yaml",
        "hall: {name: 陵川县政务服务中心, kind: hall}",
        "hall: {name: 陵川县政务服务中心, kind: shop}",
    )
    edit(minipack / "common/data_sources.yaml", "mode: verify}", "mode: verify, url: x}")
    with pytest.raises(DomainError) as caught:
        read_packs(minipack)
    body = caught.value.as_dict()
    assert body["code"] == "pack_invalid"
    assert [(e["code"], e["where"]) for e in body["errors"]] == [  # type: ignore[index, union-attr]
        (
            "pack_unknown_key",
            "common/data_sources.yaml: source tax",
        ),  # not blamed again on the fields it fills
        ("pack_bad_value", "regions/140524/region.yaml: service point hall"),
        ("pack_bad_value", "regions/140524/bundles.yaml: bundle 140524-09"),
    ]
    assert all(set(e["message"]) == {"zh-hans", "en"} for e in body["errors"])  # type: ignore[index, union-attr]


@pytest.mark.parametrize(
    ("extra", "key"),
    [
        ('consult_phone: "call us"', "consult_phone"),
        ('supervise_phone: "hotline"', "supervise_phone"),
        ("illustrative: [name]", "illustrative"),  # only the phone numbers may be examples
    ],
)
def test_a_departments_phones_are_checked(minipack: Path, extra: str, key: str) -> None:
    edit(
        minipack / "regions/140524/region.yaml",
        "  hrss: {name: 人力资源和社会保障部门, kind: hrss}",
        f"  hrss: {{name: 人力资源和社会保障部门, kind: hrss, {extra}}}",
    )
    [detail] = details(minipack)
    assert (detail.code, detail.where) == ("pack_bad_value", "regions/140524/region.yaml: department hrss")
    assert detail.en.startswith(key) or key in detail.en, detail.en


@pytest.mark.django_db
def test_a_departments_phones_are_loaded_and_exported(minipack: Path, tmp_path: Path) -> None:
    from yijianshi.catalog.export import catalog_export
    from yijianshi.catalog.models import Department
    from yijianshi.catalog.services import catalog_load

    edit(
        minipack / "regions/140524/region.yaml",
        "  hrss: {name: 人力资源和社会保障部门, kind: hrss}",
        '  hrss: {name: 人力资源和社会保障部门, kind: hrss, consult_phone: "0356-6210104", supervise_phone:'
        ' "12345", illustrative: [consult_phone]}',
    )
    catalog_load(catalogue=read_packs(minipack), actor=Actor.system())
    hrss = Department.objects.get(region__code="140524", code="hrss")
    assert (hrss.consult_phone, hrss.supervise_phone, hrss.illustrative) == (
        "0356-6210104",
        "12345",
        ["consult_phone"],
    )
    catalog_export(tmp_path / "out")
    again = read_packs(tmp_path / "out").regions["140524"]["departments"]["hrss"]
    assert again["consult_phone"] == "0356-6210104" and again["illustrative"] == ["consult_phone"]

"""A bundle's checks before submission (`checks:`) are validated at load: unknown kinds, keys, fields and
situations are refused naming the file, the bundle and the rule."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from django.core.management import call_command

from yijianshi.catalog.models import BundleVersion, VersionStatus
from yijianshi.catalog.packs import read_packs
from yijianshi.catalog.selectors import bundle_checks
from yijianshi.catalog.services import bundle_version_new_draft, catalog_load
from yijianshi.core.actor import Actor
from yijianshi.core.errors import DomainError

GOOD = """    checks:
      - code: mother_age
        kind: min_age_at
        id_number: mother.id_number
        at: child.birth_date
        years: 12
        zh: 母亲仅 {age} 周岁
        en: The mother was only {age}
      - code: wedlock
        kind: matches_answer
        field: child.gender
        situation: in_wedlock
        values: {"yes": [男, 女]}
        zh: 应为 {allowed}
        en: must be {allowed}
"""
WHERE = "regions/140524/bundles.yaml: bundle 140524-09"


def with_checks(root: Path, text: str) -> Path:
    path = root / "regions/140524/bundles.yaml"
    path.write_text(path.read_text(encoding="utf-8") + text, encoding="utf-8")
    return root


def problems(root: Path) -> list[tuple[str, str, str]]:
    with pytest.raises(DomainError) as caught:
        read_packs(root)
    return [(d.code, d.where or "", d.en) for d in caught.value.details]


def test_good_checks_are_kept_with_the_bundle(minipack: Path) -> None:
    cat = read_packs(with_checks(minipack, GOOD))
    ((_, bundle),) = cat.bundles()
    assert [c["code"] for c in bundle["checks"]] == ["mother_age", "wedlock"]
    assert bundle["checks"][0] == {
        "kind": "min_age_at",
        "code": "mother_age",
        "id_number": "mother.id_number",
        "at": "child.birth_date",
        "years": 12,
        "zh": "母亲仅 {age} 周岁",
        "en": "The mother was only {age}",
    }


def test_an_unknown_rule_kind_is_refused(minipack: Path) -> None:
    found = problems(with_checks(minipack, GOOD.replace("kind: min_age_at", "kind: max_age_at")))
    assert [(c, w) for c, w, _ in found] == [("pack_unknown_kind", f"{WHERE}: check mother_age")]


def test_an_unknown_key_of_a_rule_is_refused(minipack: Path) -> None:
    found = problems(with_checks(minipack, GOOD.replace("years: 12", "years: 12\n        months: 3")))
    assert [(c, w) for c, w, _ in found] == [("pack_unknown_key", f"{WHERE}: check mother_age")]
    assert "months" in found[0][2]


def test_a_field_not_in_the_bundles_form_is_refused(minipack: Path) -> None:
    found = problems(with_checks(minipack, GOOD.replace("at: child.birth_date", "at: retirement.date")))
    assert [(c, w) for c, w, _ in found] == [("pack_unknown_field", f"{WHERE}: check mother_age")]
    assert "retirement.date" in found[0][2]


def test_a_field_of_the_wrong_type_is_refused(minipack: Path) -> None:
    found = problems(with_checks(minipack, GOOD.replace("at: child.birth_date", "at: child.name")))
    assert [(c, w) for c, w, _ in found] == [("pack_bad_value", f"{WHERE}: check mother_age")]


def test_an_unknown_situation_is_refused(minipack: Path) -> None:
    found = problems(
        with_checks(minipack, GOOD.replace("situation: in_wedlock", "situation: retirement_type"))
    )
    assert [(c, w) for c, w, _ in found] == [("pack_unknown_situation", f"{WHERE}: check wedlock")]


def test_an_unknown_answer_is_refused(minipack: Path) -> None:
    found = problems(with_checks(minipack, GOOD.replace('{"yes": [男, 女]}', '{"maybe": [男]}')))
    assert [(c, w) for c, w, _ in found] == [("pack_unknown_situation", f"{WHERE}: check wedlock")]


def test_a_form_value_out_of_the_fields_choices_is_refused(minipack: Path) -> None:
    found = problems(with_checks(minipack, GOOD.replace("[男, 女]", "[男, 其他]")))
    assert [(c, w) for c, w, _ in found] == [("pack_bad_value", f"{WHERE}: check wedlock")]


def test_a_placeholder_the_kind_does_not_fill_is_refused(minipack: Path) -> None:
    found = problems(with_checks(minipack, GOOD.replace("母亲仅 {age} 周岁", "母亲仅 {agee} 周岁")))
    assert [(c, w) for c, w, _ in found] == [("pack_bad_value", f"{WHERE}: check mother_age")]
    assert "{agee}" in found[0][2]


def test_a_literal_brace_is_written_double(minipack: Path) -> None:
    read_packs(with_checks(minipack, GOOD.replace("母亲仅 {age} 周岁", "母亲仅 {age} 周岁 {{注}}")))


def test_a_stray_brace_in_a_message_is_refused(minipack: Path) -> None:
    found = problems(
        with_checks(minipack, GOOD.replace("en: The mother was only {age}", "en: The mother {was only {age}"))
    )
    assert [(c, w) for c, w, _ in found] == [("pack_bad_value", f"{WHERE}: check mother_age")]


def test_a_rule_needs_exactly_one_birth(minipack: Path) -> None:
    found = problems(
        with_checks(
            minipack,
            GOOD.replace(
                "id_number: mother.id_number", "birth: child.birth_date\n        id_number: mother.id_number"
            ),
        )
    )
    assert [(c, w) for c, w, _ in found] == [("pack_bad_value", f"{WHERE}: check mother_age")]


def test_a_date_range_needs_a_bound(minipack: Path) -> None:
    found = problems(
        with_checks(
            minipack,
            "    checks:\n      - {code: d, kind: date_range, field: child.birth_date, zh: 错, en: wrong}\n",
        )
    )
    assert [(c, w) for c, w, _ in found] == [("pack_missing_key", f"{WHERE}: check d")]


def test_the_shipped_packs_carry_the_retirement_checks() -> None:
    cat = read_packs()
    bundles = {b["code"]: b for _, b in cat.bundles()}
    for code in ("140524-18", "420300-11", "410721-13"):
        kinds = {c["kind"] for c in bundles[code]["checks"]}
        assert kinds == {"min_age_at", "date_range", "matches_answer"}, code


@pytest.mark.django_db
def test_checks_are_published_with_the_version_copied_to_a_draft_and_exported(
    minipack: Path, tmp_path: Path
) -> None:
    catalog_load(catalogue=read_packs(with_checks(minipack, GOOD)), actor=Actor.system())
    version = BundleVersion.objects.get(status=VersionStatus.PUBLISHED)
    assert [c["code"] for c in version.snapshot["checks"]] == ["mother_age", "wedlock"]
    assert bundle_checks(version) == version.snapshot["checks"]
    draft = bundle_version_new_draft(bundle=version.bundle, actor=Actor.system())
    assert bundle_checks(draft) == version.snapshot["checks"]
    out = tmp_path / "export"
    call_command("catalog", "export", str(out), stdout=io.StringIO())
    ((_, exported),) = read_packs(out).bundles()
    assert exported["checks"] == version.snapshot["checks"]
    # loading the same pack again publishes nothing new
    catalog_load(catalogue=read_packs(with_checks(minipack, "")), actor=Actor.system())
    assert BundleVersion.objects.filter(status=VersionStatus.PUBLISHED).get().pk == version.pk


@pytest.mark.django_db
def test_a_bundle_without_checks_keeps_its_snapshot_as_before(minipack: Path) -> None:
    catalog_load(catalogue=read_packs(minipack), actor=Actor.system())
    assert "checks" not in BundleVersion.objects.get().snapshot

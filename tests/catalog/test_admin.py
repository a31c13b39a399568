"""The admin edits the catalogue and refuses the mistakes the pack validator refuses."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.contrib.auth.models import User
from django.test import Client

from yijianshi.catalog.models import Bundle, BundleVersion, Region, VersionStatus
from yijianshi.catalog.packs import read_packs
from yijianshi.catalog.services import bundle_version_new_draft, catalog_load
from yijianshi.core.actor import Actor

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client(client: Client, minipack: Path) -> Client:
    catalog_load(catalogue=read_packs(minipack), actor=Actor.system())
    User.objects.create_superuser("root", "root@example.invalid", "pw-for-tests-only")
    client.login(username="root", password="pw-for-tests-only")  # noqa: S106
    return client


def test_admin_pages_render(admin_client: Client) -> None:
    for url in [
        "/admin/catalog/item/",
        "/admin/catalog/bundle/",
        "/admin/catalog/bundleversion/",
        "/admin/catalog/fieldkey/",
        "/admin/catalog/region/",
    ]:
        assert admin_client.get(url).status_code == 200, url
    version = BundleVersion.objects.get()
    assert admin_client.get(f"/admin/catalog/bundleversion/{version.pk}/change/").status_code == 200


def test_a_bad_region_code_is_refused(admin_client: Client) -> None:
    parent = Region.objects.get(code="140500")
    response = admin_client.post(
        "/admin/catalog/region/add/",
        {"code": "420524", "name": "错县", "level": "county", "parent": parent.pk},
    )
    assert response.status_code == 200
    assert "does not belong to its parent" in response.content.decode()
    assert not Region.objects.filter(code="420524").exists()


def _dependency_form(version: BundleVersion, rows: list[tuple[int, int]]) -> dict[str, object]:
    data: dict[str, object] = {
        "bundle": version.bundle.pk,
        "number": version.number,
        "items-TOTAL_FORMS": 0,
        "items-INITIAL_FORMS": 0,
        "situations-TOTAL_FORMS": 0,
        "situations-INITIAL_FORMS": 0,
        "dependencies-TOTAL_FORMS": len(rows),
        "dependencies-INITIAL_FORMS": 0,
    }
    # keep the existing items as they are
    items = list(version.items.all())
    data["items-TOTAL_FORMS"] = len(items)
    data["items-INITIAL_FORMS"] = len(items)
    for i, bi in enumerate(items):
        data.update(
            {
                f"items-{i}-id": bi.pk,
                f"items-{i}-version": version.pk,
                f"items-{i}-position": bi.position,
                f"items-{i}-item": bi.item_id,
                f"items-{i}-name": bi.name,
                f"items-{i}-department": bi.department_id,
                f"items-{i}-departments": [d.pk for d in bi.departments.all()],
            }
        )
    existing = list(version.dependencies.all())
    data["dependencies-INITIAL_FORMS"] = len(existing)
    data["dependencies-TOTAL_FORMS"] = len(existing) + len(rows)
    for i, dep in enumerate(existing):
        data.update(
            {
                f"dependencies-{i}-id": dep.pk,
                f"dependencies-{i}-version": version.pk,
                f"dependencies-{i}-item": dep.item_id,
                f"dependencies-{i}-requires": dep.requires_id,
            }
        )
    for j, (item, requires) in enumerate(rows, start=len(existing)):
        data.update(
            {
                f"dependencies-{j}-version": version.pk,
                f"dependencies-{j}-item": item,
                f"dependencies-{j}-requires": requires,
            }
        )
    return data


def test_a_cycle_is_refused_in_a_draft(admin_client: Client) -> None:
    draft = bundle_version_new_draft(bundle=Bundle.objects.get(), actor=Actor.system())
    birth = draft.items.get(item__ref="birth_cert")
    ssc = draft.items.get(item__ref="ssc")
    response = admin_client.post(
        f"/admin/catalog/bundleversion/{draft.pk}/change/", _dependency_form(draft, [(birth.pk, ssc.pk)])
    )
    assert response.status_code == 200
    assert "cycle" in response.content.decode()
    assert draft.dependencies.count() == 1


def test_a_dependency_on_another_versions_item_is_refused(admin_client: Client) -> None:
    published = BundleVersion.objects.get(status=VersionStatus.PUBLISHED)
    draft = bundle_version_new_draft(bundle=published.bundle, actor=Actor.system())
    foreign = published.items.get(item__ref="birth_cert")
    ssc = draft.items.get(item__ref="ssc")
    response = admin_client.post(
        f"/admin/catalog/bundleversion/{draft.pk}/change/", _dependency_form(draft, [(ssc.pk, foreign.pk)])
    )
    assert response.status_code == 200
    assert draft.dependencies.count() == 1


def test_a_published_version_is_read_only(admin_client: Client) -> None:
    version = BundleVersion.objects.get()
    page = admin_client.get(f"/admin/catalog/bundleversion/{version.pk}/change/").content.decode()
    assert 'name="items-0-name"' not in page
    before = version.snapshot
    admin_client.post(f"/admin/catalog/bundleversion/{version.pk}/change/", {"number": 9})
    version.refresh_from_db()
    assert version.number == 1 and version.snapshot == before


def test_publish_action(admin_client: Client) -> None:
    draft = bundle_version_new_draft(bundle=Bundle.objects.get(), actor=Actor.system())
    admin_client.post("/admin/catalog/bundleversion/", {"action": "publish", "_selected_action": [draft.pk]})
    draft.refresh_from_db()
    assert draft.status == VersionStatus.PUBLISHED and draft.published_by is not None

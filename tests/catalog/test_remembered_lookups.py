"""What a submission looks up first — the bundle's published version, the service point — is kept per process
(catalog.selectors, core/remembered.py): a change made in this process is seen at once, a change this process
was not told about (another process's, or a write that sends no signal) within the time set."""

from __future__ import annotations

import time
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.support.catalogue import load_bundles
from yijianshi.accounts.roles import actor_of
from yijianshi.catalog.models import BundleVersion, ServicePoint, VersionStatus
from yijianshi.catalog.selectors import published_version, region_service_point
from yijianshi.catalog.services import bundle_version_new_draft, bundle_version_publish
from yijianshi.core.actor import Actor

pytestmark = pytest.mark.django_db

CODE = "140524-09"


@pytest.fixture
def bundle(db: Any) -> None:
    load_bundles(CODE)


def test_the_published_version_is_read_once_then_kept(bundle: None) -> None:
    with CaptureQueriesContext(connection) as first:
        version = published_version(CODE)
    with CaptureQueriesContext(connection) as again:
        assert published_version(CODE) is version
    assert len(first.captured_queries) == 1 and len(again.captured_queries) == 0


def test_a_version_published_in_this_process_is_seen_at_once(bundle: None) -> None:
    old = published_version(CODE)
    assert old is not None
    draft = bundle_version_new_draft(bundle=old.bundle, actor=Actor.system())
    bundle_version_publish(version=draft, actor=actor_of(User.objects.create(username="admin-publisher")))
    new = published_version(CODE)
    assert new is not None and new.pk == draft.pk and new.number == old.number + 1


def test_a_change_this_process_was_not_told_about_is_seen_within_the_time_set(
    bundle: None, settings: Any
) -> None:
    settings.YIJIANSHI_CATALOGUE_CACHE_SECONDS = 0.3
    version = published_version(CODE)
    assert version is not None
    BundleVersion.objects.filter(pk=version.pk).update(
        status=VersionStatus.RETIRED
    )  # no signal: as elsewhere
    assert published_version(CODE) is version  # still the kept one
    time.sleep(0.35)
    assert published_version(CODE) is None  # withdrawn: read again


def test_nothing_is_kept_when_the_time_is_zero(bundle: None, settings: Any) -> None:
    settings.YIJIANSHI_CATALOGUE_CACHE_SECONDS = 0
    published_version(CODE)
    with CaptureQueriesContext(connection) as again:
        published_version(CODE)
    assert len(again.captured_queries) == 1


def test_the_service_point_is_kept_and_a_saved_change_is_seen_at_once(bundle: None) -> None:
    version = published_version(CODE)
    assert version is not None
    region = version.bundle.region_id
    hall = region_service_point(region, None)
    assert hall is not None
    with CaptureQueriesContext(connection) as again:
        assert region_service_point(region, None) is hall
        assert region_service_point(region, hall.code) is not None
        assert region_service_point(region, "no-such-point") is None
    assert len(again.captured_queries) == 2  # the two lookups by code, once each
    point = ServicePoint.objects.get(pk=hall.pk)
    point.hours = "周一至周五 8:30-17:30"
    point.save(update_fields=["hours"])
    assert region_service_point(region, None).hours == "周一至周五 8:30-17:30"  # type: ignore[union-attr]

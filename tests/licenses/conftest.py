"""Licence tests: keys in a temporary folder, two departments of region 140524, two licence types, the demo family."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from django.contrib.auth.models import User
from rest_framework.test import APIClient

from tests.support.api import api_client
from tests.support.factories import (
    AdminFactory,
    ApplicantFactory,
    AuditorFactory,
    DepartmentFactory,
    LicenceFactory,
    LicenceTypeFactory,
    OfficerFactory,
    RegionFactory,
)
from yijianshi.accounts.demo import FATHER_ID, MOTHER_ID
from yijianshi.catalog.models import Department, LicenceType, Region
from yijianshi.licenses.models import License

TODAY = date(2026, 11, 20)


@pytest.fixture(autouse=True)
def key_dir(settings: Any, tmp_path: Path) -> Path:
    settings.LICENCE_KEY_DIR = tmp_path / "keys"
    return Path(settings.LICENCE_KEY_DIR)


@pytest.fixture
def region(db: Any) -> Region:
    return RegionFactory()


@pytest.fixture
def police(region: Region) -> Department:
    return DepartmentFactory(region=region, code="public_security", name="公安部门")


@pytest.fixture
def civil(region: Region) -> Department:
    return DepartmentFactory(region=region, code="civil_affairs", name="民政部门")


@pytest.fixture
def types(db: Any) -> dict[str, LicenceType]:
    return {
        "marriage_certificate": LicenceTypeFactory(
            code="marriage_certificate",
            name="结婚证",
            issuer_kind="civil_affairs",
            type_code="11100000000013127D001",
        ),
        "id_card": LicenceTypeFactory(
            code="id_card",
            name="居民身份证",
            issuer_kind="public_security",
            type_code="11100000000013338W001",
            validity_years=20,
        ),
    }


@pytest.fixture
def issue(civil: Department, types: dict[str, LicenceType]) -> Callable[..., License]:
    """Issue a marriage certificate to the demo mother (change anything with keyword arguments)."""
    return LicenceFactory


@pytest.fixture
def users(civil: Department, police: Department) -> dict[str, User]:
    return {
        "mother": ApplicantFactory(
            username="mother",
            profile__name="王芳",
            profile__id_number=MOTHER_ID,
            profile__phone="13800138000",
            profile__email="wangfang@example.cn",
        ),
        "father": ApplicantFactory(username="father", profile__name="李强", profile__id_number=FATHER_ID),
        "officer_civil": OfficerFactory(username="officer_civil", profile__department=civil),
        "officer_police": OfficerFactory(username="officer_police", profile__department=police),
        "admin": AdminFactory(username="admin"),
        "auditor": AuditorFactory(username="auditor"),
    }


@pytest.fixture
def client_for(users: dict[str, User]) -> Callable[[str], APIClient]:
    return lambda username: api_client(users[username])

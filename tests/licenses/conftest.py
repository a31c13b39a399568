"""Licence tests: keys in a temporary folder, two departments of region 140524, two licence types, the demo family."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from django.contrib.auth.models import User
from rest_framework.test import APIClient

from yijianshi.accounts.demo import FATHER_ID, MOTHER_ID
from yijianshi.accounts.models import Profile, Role
from yijianshi.catalog.models import Department, LicenceType, Region
from yijianshi.licenses.models import HolderIdType, License
from yijianshi.licenses.services import licence_issue

TODAY = date(2026, 11, 20)


@pytest.fixture(autouse=True)
def key_dir(settings: Any, tmp_path: Path) -> Path:
    settings.LICENCE_KEY_DIR = tmp_path / "keys"
    return Path(settings.LICENCE_KEY_DIR)


@pytest.fixture
def region(db: Any) -> Region:
    return Region.objects.create(code="140524", name="陵川县", level="county")


@pytest.fixture
def police(region: Region) -> Department:
    return Department.objects.create(region=region, code="public_security", name="公安部门", kind="public_security")


@pytest.fixture
def civil(region: Region) -> Department:
    return Department.objects.create(region=region, code="civil_affairs", name="民政部门", kind="civil_affairs")


@pytest.fixture
def types(db: Any) -> dict[str, LicenceType]:
    return {
        "marriage_certificate": LicenceType.objects.create(
            code="marriage_certificate", name="结婚证", issuer_kind="civil_affairs", type_code="11100000000013127D001"),
        "id_card": LicenceType.objects.create(
            code="id_card", name="居民身份证", issuer_kind="public_security", type_code="11100000000013338W001",
            validity_years=20),
    }


@pytest.fixture
def issue(civil: Department, types: dict[str, LicenceType]) -> Callable[..., License]:
    """Issue a marriage certificate to the demo mother (change anything with keyword arguments)."""

    def make(**changes: Any) -> License:
        values: dict[str, Any] = {
            "licence_type": "marriage_certificate", "holder_name": "王芳", "holder_id": MOTHER_ID,
            "holder_id_type": HolderIdType.IDENTITY_NUMBER, "issuer": civil,
            "surface": {"登记日期": "2019-10-01", "结婚证字号": "J140524-2019-000123",
                        "男方": {"姓名": "李强", "身份证件号": FATHER_ID}, "女方": {"姓名": "王芳", "身份证件号": MOTHER_ID}},
            "valid_from": date(2019, 10, 1), "valid_to": None, "actor": None, "source_reference": "test",
        }
        values.update(changes)
        return licence_issue(**values)

    return make


def make_user(username: str, role: str, **fields: Any) -> User:
    user = User.objects.create(username=username)  # no password: tests authenticate with force_authenticate
    Profile.objects.create(user=user, role=role, **fields)
    return user


@pytest.fixture
def users(civil: Department, police: Department) -> dict[str, User]:
    return {
        "mother": make_user("mother", Role.APPLICANT, name="王芳", id_number=MOTHER_ID, phone="13800138000",
                            email="wangfang@example.cn"),
        "father": make_user("father", Role.APPLICANT, name="李强", id_number=FATHER_ID),
        "officer_civil": make_user("officer_civil", Role.OFFICER, department=civil),
        "officer_police": make_user("officer_police", Role.OFFICER, department=police),
        "admin": make_user("admin", Role.ADMIN),
        "auditor": make_user("auditor", Role.AUDITOR),
    }


@pytest.fixture
def client_for(users: dict[str, User]) -> Callable[[str], APIClient]:
    def make(username: str) -> APIClient:
        client = APIClient()
        client.force_authenticate(users[username])
        return client

    return make

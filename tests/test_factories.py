"""The factories of tests/support/factories.py make what the platform itself would hold: each role's user is
that role's actor with the scope it needs, identifiers are valid, an applicant made by a factory can apply, and a
licence made by the factory is signed and verifies."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from tests.support.factories import (
    AdminFactory,
    ApplicantFactory,
    AuditorFactory,
    ClerkFactory,
    DepartmentFactory,
    EnterpriseApplicantFactory,
    LicenceFactory,
    LicenceTypeFactory,
    OfficerFactory,
    RegionFactory,
    SuperuserFactory,
    UserFactory,
    received_application,
    submitted_application,
)
from yijianshi.accounts.models import PartyType, Role
from yijianshi.accounts.roles import actor_of
from yijianshi.core.identifiers import credit_code, resident_id
from yijianshi.licenses.services import licence_verify

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("make", "role"),
    [
        (ApplicantFactory, Role.APPLICANT),
        (EnterpriseApplicantFactory, Role.APPLICANT),
        (ClerkFactory, Role.CLERK),
        (OfficerFactory, Role.OFFICER),
        (AdminFactory, Role.ADMIN),
        (AuditorFactory, Role.AUDITOR),
    ],
)
def test_each_role_factory_makes_an_actor_of_that_role(make: Any, role: str) -> None:
    user = make()
    actor = actor_of(user)
    assert actor.role == role and user.profile.role == role
    assert not user.has_usable_password()  # tests sign in without one
    assert (actor.department_id is not None) == (role == Role.OFFICER)
    assert (actor.service_point_id is not None) == (role == Role.CLERK)


def test_staff_work_in_the_county_and_users_without_a_role_have_none() -> None:
    clerk, officer = ClerkFactory(), OfficerFactory()
    assert clerk.profile.service_point.region.code == clerk.profile.service_point.located_in.code == "140524"
    assert officer.profile.department.region.code == "140524"
    assert ClerkFactory().profile.service_point != clerk.profile.service_point  # each at a point of its own
    assert actor_of(UserFactory()).role is None
    root = SuperuserFactory()
    assert (
        root.is_staff and actor_of(root).role == Role.ADMIN
    )  # the site's superuser acts as an administrator


def test_identifiers_are_valid_and_distinct() -> None:
    applicants = ApplicantFactory.create_batch(3)
    numbers = [a.profile.id_number for a in applicants]
    assert [resident_id(n) for n in numbers] == numbers and len(set(numbers)) == 3
    enterprise = EnterpriseApplicantFactory().profile
    assert enterprise.party_type == PartyType.ENTERPRISE
    assert credit_code(enterprise.enterprise_uscc) == enterprise.enterprise_uscc
    assert resident_id(enterprise.id_number) == enterprise.id_number  # the representative is a person too


def test_the_county_is_one_region_and_a_department_belongs_to_it() -> None:
    first, second = DepartmentFactory(code="health"), DepartmentFactory(code="public_security")
    assert first.region == second.region == RegionFactory()
    assert (first.kind, first.name) == ("health", "陵川县health")


def test_an_applicant_made_by_the_factory_applies_through_the_service(newborn: None) -> None:
    applicant = ApplicantFactory()
    app = submitted_application(applicant)
    assert app.applicant == applicant and app.party_id == applicant.profile.id_number
    assert app.status == "submitted"
    taken_in = received_application(applicant=applicant)
    assert taken_in.status == "received" and taken_in.item_cases.count() == 5


def test_a_licence_made_by_the_factory_is_signed_and_verifies(settings: Any, tmp_path: Path) -> None:
    settings.LICENCE_KEY_DIR = tmp_path / "keys"
    DepartmentFactory(code="civil_affairs", name="民政部门")
    LicenceTypeFactory(code="marriage_certificate", name="结婚证", type_code="11100000000013127D001")
    licence = LicenceFactory()
    assert licence.holder_name == "王芳" and licence.issuer.code == "civil_affairs"
    assert licence_verify(identifier=licence.identifier).ok
    assert licence.events.count() == 1

"""factory_boy factories for the main models, and applications made through the real services.

Rows whose invariants are only the model's own (regions, departments, service points, users and their role)
are factories. What a service keeps consistent — an application with its snapshot, number, clocks and item
cases; a signed licence with its event — is made by that service: `submitted_application`,
`received_application`, `LicenceFactory` (whose create is `licence_issue`). The catalogue itself (items,
bundles, versions) comes from the shipped packs (`tests.support.catalogue.load_bundles`), not from factories:
a bundle version is only valid as the loader and the engine build it.

Users are made with their profile: `OfficerFactory(profile__department=police)` is an officer of the police;
every user has an unusable password (tests sign in with `force_login` / `force_authenticate`).
"""

from __future__ import annotations

import contextlib
from datetime import date, datetime
from typing import Any

import factory
from django.contrib.auth.models import User
from factory.django import DjangoModelFactory

from yijianshi.accounts.demo import FATHER_ID, MOTHER_ID
from yijianshi.accounts.models import PartyType, Profile, Role
from yijianshi.accounts.roles import actor_of
from yijianshi.cases import services
from yijianshi.cases.guide import guide_compute
from yijianshi.cases.models import Application, ItemCase
from yijianshi.cases.samples import sample_form
from yijianshi.catalog.models import (
    Bundle,
    DataSource,
    Department,
    LicenceType,
    Region,
    RegionLevel,
    ServicePoint,
    ServicePointKind,
)
from yijianshi.catalog.selectors import current_version
from yijianshi.core import clock
from yijianshi.core.actor import Actor
from yijianshi.core.identifiers import make_credit_code, make_resident_id
from yijianshi.datahub.models import SourceConnection
from yijianshi.licenses.models import HolderIdType, License
from yijianshi.licenses.services import licence_issue

from .catalogue import COUNTY, NEWBORN

# --- the catalogue's places -------------------------------------------------------------------------------


class RegionFactory(DjangoModelFactory):
    """陵川县 unless told otherwise; a region of the same code is found rather than made twice."""

    class Meta:
        model = Region
        django_get_or_create = ("code",)

    code = COUNTY
    name = "陵川县"
    level = RegionLevel.COUNTY


class DepartmentFactory(DjangoModelFactory):
    """A county department; its kind is its code unless told otherwise."""

    class Meta:
        model = Department

    region = factory.SubFactory(RegionFactory)
    code = factory.Sequence(lambda n: f"department-{n}")
    name = factory.LazyAttribute(lambda o: f"陵川县{o.code}")
    kind = factory.SelfAttribute("code")


class ServicePointFactory(DjangoModelFactory):
    """A hall in the county, located there."""

    class Meta:
        model = ServicePoint

    region = factory.SubFactory(RegionFactory)
    located_in = factory.SelfAttribute("region")
    code = factory.Sequence(lambda n: f"point-{n}")
    name = factory.LazyAttribute(lambda o: f"陵川县{o.code}")
    kind = ServicePointKind.HALL


class LicenceTypeFactory(DjangoModelFactory):
    class Meta:
        model = LicenceType
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: f"licence-type-{n}")
    name = "测试证照"
    issuer_kind = "civil_affairs"


class DataSourceFactory(DjangoModelFactory):
    """A data source; one of the same code (e.g. loaded with the catalogue) is found rather than made twice."""

    class Meta:
        model = DataSource
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: f"source-{n}")
    name = factory.LazyAttribute(lambda o: f"数据源{o.code}")
    provider_kind = "public_security"
    mode = "query"


class SourceConnectionFactory(DjangoModelFactory):
    """How a data source is reached: `SourceConnectionFactory(source__code="population", connector="bus")`."""

    class Meta:
        model = SourceConnection

    source = factory.SubFactory(DataSourceFactory)


# --- users and their role ----------------------------------------------------------------------------------


class UserFactory(DjangoModelFactory):
    """A user without a role (no profile)."""

    class Meta:
        model = User
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user-{n}")
    password = factory.django.Password(None)  # unusable: tests sign in with force_login / force_authenticate


class SuperuserFactory(UserFactory):
    """A Django superuser without a role: the administration site's user."""

    is_staff = True
    is_superuser = True


class ProfileFactory(DjangoModelFactory):
    """A role; an applicant person by default (a valid identity number of the county). Traits: `enterprise`
    (an enterprise's representative), `clerk` (at a new hall), `officer` (of a new department), `admin`,
    `auditor` — staff have no identity number or name of their own here."""

    class Meta:
        model = Profile

    class Params:
        enterprise = factory.Trait(
            party_type=PartyType.ENTERPRISE,
            enterprise_name=factory.Sequence(lambda n: f"陵川县示例企业{n}有限公司"),
            enterprise_uscc=factory.Sequence(lambda n: make_credit_code("9", "1140524", f"MA{n:07d}")),
        )
        clerk = factory.Trait(
            role=Role.CLERK, name="", id_number="", service_point=factory.SubFactory(ServicePointFactory)
        )
        officer = factory.Trait(
            role=Role.OFFICER, name="", id_number="", department=factory.SubFactory(DepartmentFactory)
        )
        admin = factory.Trait(role=Role.ADMIN, name="", id_number="")
        auditor = factory.Trait(role=Role.AUDITOR, name="", id_number="")

    user = factory.SubFactory(UserFactory)
    role = Role.APPLICANT
    name = factory.Sequence(lambda n: f"申请人{n}")
    id_number = factory.Sequence(lambda n: make_resident_id(COUNTY, date(1990, 1, 1), n))


class ApplicantFactory(UserFactory):
    """A person applying for themselves: `ApplicantFactory(username="mother", profile__name="王芳")`."""

    profile = factory.RelatedFactory(ProfileFactory, factory_related_name="user")


class EnterpriseApplicantFactory(UserFactory):
    """A person applying for their enterprise."""

    profile = factory.RelatedFactory(ProfileFactory, factory_related_name="user", enterprise=True)


class ClerkFactory(UserFactory):
    """A window clerk at a service point (`profile__service_point=`)."""

    profile = factory.RelatedFactory(ProfileFactory, factory_related_name="user", clerk=True)


class OfficerFactory(UserFactory):
    """A department's officer (`profile__department=`)."""

    profile = factory.RelatedFactory(ProfileFactory, factory_related_name="user", officer=True)


class AdminFactory(UserFactory):
    """The platform's administrator (a superuser, as the demo's)."""

    is_staff = True
    is_superuser = True
    profile = factory.RelatedFactory(ProfileFactory, factory_related_name="user", admin=True)


class AuditorFactory(UserFactory):
    """A read-only auditor (staff, as the demo's)."""

    is_staff = True
    profile = factory.RelatedFactory(ProfileFactory, factory_related_name="user", auditor=True)


# --- made by the services ------------------------------------------------------------------------------------


class LicenceFactory(factory.Factory):
    """A licence issued, signed and recorded by `licence_issue`: by default the demo couple's marriage
    certificate, held by the mother, from the county's civil affairs department (which, with the licence type,
    must exist: loaded with the catalogue or made by a factory)."""

    class Meta:
        model = License

    licence_type = "marriage_certificate"
    holder_name = "王芳"
    holder_id = MOTHER_ID
    holder_id_type = HolderIdType.IDENTITY_NUMBER
    issuer = factory.LazyFunction(lambda: Department.objects.get(region__code=COUNTY, code="civil_affairs"))
    surface = factory.LazyFunction(
        lambda: {
            "登记日期": "2019-10-01",
            "结婚证字号": "J140524-2019-000123",
            "男方": {"姓名": "李强", "身份证件号": FATHER_ID},
            "女方": {"姓名": "王芳", "身份证件号": MOTHER_ID},
        }
    )
    valid_from = date(2019, 10, 1)
    valid_to = None
    actor = factory.LazyFunction(Actor.system)
    source_reference = "test"

    @classmethod
    def _create(cls, model_class: type[License], *args: Any, **kwargs: Any) -> License:
        return licence_issue(**kwargs)


def catalogue_snapshot(bundle_code: str = NEWBORN) -> dict[str, Any]:
    """The guide of the bundle's current version as the services snapshot it (no answers, no prefill)."""
    bundle = Bundle.objects.get(code=bundle_code)
    version = current_version(bundle)
    assert version is not None
    return guide_compute(version=version, answers={}, actor=Actor.system()).snapshot()


def _actor(user: str | User) -> Actor:
    return actor_of(User.objects.get(username=user) if isinstance(user, str) else user)


def submitted_application(
    applicant: str | User = "mother",
    *,
    service_point: str | None = None,
    complete: bool = True,
    every_material: bool = False,
) -> Application:
    """A newborn application of the demo mother's family submitted through `application_submit` (as the portal
    and the API submit it), with every required material handed in (waived or not) unless not `complete`,
    or every material of the bundle with `every_material`. Needs the bundle and the demo accounts loaded."""
    snap = catalogue_snapshot()
    form = sample_form(snap["form"], overrides={"mother.id_number": MOTHER_ID, "mother.name": "王芳"})
    if every_material:
        materials = [m["code"] for m in snap["materials"]]
    else:
        materials = [m["code"] for m in snap["materials"] if m["required"]] if complete else []
    return services.application_submit(
        actor=_actor(applicant),
        bundle_code=NEWBORN,
        form=form,
        materials=materials,
        service_point=service_point,
    ).application


def received_application(
    *, at: datetime | None = None, clerk: str | User = "clerk", **submit: Any
) -> Application:
    """A `submitted_application` taken in by the clerk (`application_intake`: receipt and item cases, every
    material the applicant listed confirmed as handed in at the window), both at the moment `at` when given."""
    with clock.frozen(at) if at is not None else contextlib.nullcontext():
        app = submitted_application(**submit)
        return services.application_intake(
            application=app, actor=_actor(clerk), confirmed=app.materials_to_present
        )


def item_cases_approved(application: Application | str, actor: str | User = "admin") -> None:
    """Every item case of the application accepted and approved through `item_case_transition`, in the bundle's
    order (prerequisites first)."""
    number = application if isinstance(application, str) else application.number
    acting = _actor(actor)
    for case in ItemCase.objects.filter(application__number=number).order_by("position"):
        for action in ("accept", "approve"):
            case.refresh_from_db()
            services.item_case_transition(
                item_case=case, actor=acting, action=action, expected_version=case.version
            )

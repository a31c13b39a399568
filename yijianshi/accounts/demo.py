"""Demo accounts for every role (listed in README.md). Passwords are for the local demo only.

The staff accounts (clerks, officers, the administrator, the auditor) also get a TOTP device named `demo`, as the
second factor asks of staff (accounts/otp.py): `yijianshi otp-code clerk` prints its current code, so that a
newcomer signs in as a clerk without an authenticator app."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from functools import cache

from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import User
from django.db import transaction
from django_otp.plugins.otp_totp.models import TOTPDevice

from yijianshi.catalog.models import Department, ServicePoint
from yijianshi.core.identifiers import make_credit_code, make_organisation_code, make_resident_id

from .models import EnterpriseRole, PartyType, Profile, Role
from .otp import DEMO_DEVICE
from .roles import STAFF_ROLES

DEMO_PASSWORD = "yijianshi-demo"  # noqa: S105 - a published demo password, for the local demo only
MOTHER_ID = make_resident_id("140524", date(1994, 3, 15), 22)
FATHER_ID = make_resident_id("140524", date(1992, 7, 8), 31)
ENTERPRISE_USCC = make_credit_code("9", "1140524", "MA0K12345")


@dataclass(frozen=True)
class DemoPerson:
    """A demo applicant outside 陵川县, with the records shared data holds about them (datahub.demo)."""

    username: str
    name: str
    male: bool
    birth: date
    area: str  # the area code their identity number was issued under
    region: str  # the county or city where they live and apply
    address: str
    phone: str
    description: str
    enterprise_name: str = ""  # set for an enterprise's legal representative
    enterprise_body: str = ""  # the first 8 characters of its organisation code
    enterprise_scope: str = ""

    @property
    def id_number(self) -> str:
        return make_resident_id(self.area, self.birth, 51 if self.male else 52)

    @property
    def uscc(self) -> str:
        return make_credit_code("9", "1" + self.region, make_organisation_code(self.enterprise_body))


# One person and one enterprise per region besides 陵川县 (issue 18: a walk in each region by its own accounts).
# 陈建国 turns sixty in 2026 (the 退休 bundle); 周杰 and 孙丽 run restaurants (开办餐饮店); 吴刚 a transport firm.
REGIONAL_DEMO: tuple[DemoPerson, ...] = (
    DemoPerson(
        "applicant_sy",
        "周杰",
        True,
        date(1990, 4, 12),
        "420300",
        "420300",
        "湖北省十堰市茅箭区人民北路36号",
        "13600136001",
        "申请人 周杰（十堰市，个人事项）",
    ),
    DemoPerson(
        "enterprise_sy",
        "孙丽",
        False,
        date(1985, 9, 30),
        "420300",
        "420300",
        "湖北省十堰市张湾区车城路118号",
        "13600136002",
        "企业法定代表人 孙丽（十堰市示例餐饮有限公司）",
        enterprise_name="十堰市示例餐饮有限公司",
        enterprise_body="MA0L2345",
        enterprise_scope="餐饮服务；食品销售",
    ),
    DemoPerson(
        "applicant_xx",
        "陈建国",
        True,
        date(1966, 3, 8),
        "412229",
        "410721",
        "河南省新乡市新乡县七里营镇建设路12号",
        "13500135001",
        "申请人 陈建国（新乡县，即将退休）",
    ),
    DemoPerson(
        "enterprise_xx",
        "吴刚",
        True,
        date(1979, 11, 2),
        "412229",
        "410721",
        "河南省新乡市新乡县小冀镇工业路66号",
        "13500135002",
        "企业法定代表人 吴刚（新乡县示例运输有限公司）",
        enterprise_name="新乡县示例运输有限公司",
        enterprise_body="MA0M3456",
        enterprise_scope="普通货物道路运输；仓储服务（不含危险化学品）",
    ),
)
# Staff outside 陵川县 get the region's short prefix; 陵川县 keeps its first usernames.
REGION_PREFIX = {"140524": "lc", "420300": "sy", "410721": "xx"}
FIRST_OFFICERS = {
    "health": "officer_health",
    "public_security": "officer_police",
    "hrss": "officer_hrss",
    "medical_security": "officer_medical",
    "civil_affairs": "officer_civil",
    "approval": "officer_approval",
}


@cache
def _demo_password_hash() -> str:
    """One hash for every demo account (they share a published password): a hundred accounts, hashed once,
    keep `yijianshi demo` and the fixtures that create them fast."""
    return make_password(DEMO_PASSWORD)


def _user(username: str, *, superuser: bool = False, staff: bool = False) -> tuple[User, bool]:
    user, created = User.objects.get_or_create(username=username)
    if created:
        user.password = _demo_password_hash()
        user.is_superuser = superuser
        user.is_staff = staff or superuser
        user.save()
    return user, created


@transaction.atomic
def create_demo_accounts(region: str = "140524") -> list[tuple[str, str, str]]:
    """Create (once) and return [(username, role, description)]."""
    out: list[tuple[str, str, str]] = []

    def profile(username: str, role: str, description: str, **fields: object) -> None:
        user, _ = _user(username, superuser=role == Role.ADMIN, staff=role in (Role.ADMIN, Role.AUDITOR))
        Profile.objects.update_or_create(user=user, defaults={"role": role, **fields})
        if role in STAFF_ROLES and not TOTPDevice.objects.filter(user=user, confirmed=True).exists():
            TOTPDevice.objects.create(user=user, name=DEMO_DEVICE, confirmed=True)
        out.append((username, role, description))

    profile(
        "mother",
        Role.APPLICANT,
        "申请人 王芳（新生儿母亲）",
        name="王芳",
        id_number=MOTHER_ID,
        phone="13800138000",
        email="wangfang@example.cn",
    )
    profile(
        "father",
        Role.APPLICANT,
        "申请人 李强（新生儿父亲）",
        name="李强",
        id_number=FATHER_ID,
        phone="13900139000",
    )
    profile(
        "enterprise",
        Role.APPLICANT,
        "企业法定代表人 赵敏（陵川县示例餐饮有限公司）",
        name="赵敏",
        id_number=make_resident_id("140524", date(1988, 5, 20), 44),
        party_type=PartyType.ENTERPRISE,
        enterprise_name="陵川县示例餐饮有限公司",
        enterprise_uscc=ENTERPRISE_USCC,
        phone="13700137000",
        enterprise_role=EnterpriseRole.LEGAL_REPRESENTATIVE,
    )
    hall = ServicePoint.objects.filter(region__code=region, kind="hall").order_by("code").first()
    town = ServicePoint.objects.filter(region__code=region, kind="town_centre").order_by("code").first()
    if hall:
        profile("clerk", Role.CLERK, f"窗口工作人员（{hall.name}）", name="张敏", service_point=hall)
    if town:
        profile("clerk_town", Role.CLERK, f"窗口工作人员（{town.name}）", name="刘洋", service_point=town)
    for dept in Department.objects.filter(region__code=region, code__in=FIRST_OFFICERS).order_by("code"):
        profile(FIRST_OFFICERS[dept.code], Role.OFFICER, f"部门审批人员（{dept.name}）", department=dept)
    _regional_staff(profile, region)
    for person in REGIONAL_DEMO:
        fields: dict[str, object] = {
            "name": person.name,
            "id_number": person.id_number,
            "phone": person.phone,
        }
        if person.enterprise_name:
            fields.update(
                party_type=PartyType.ENTERPRISE,
                enterprise_name=person.enterprise_name,
                enterprise_uscc=person.uscc,
                enterprise_role=EnterpriseRole.LEGAL_REPRESENTATIVE,
            )
        profile(person.username, Role.APPLICANT, person.description, **fields)
    profile("admin", Role.ADMIN, "系统管理员")
    profile("auditor", Role.AUDITOR, "审计人员（只读）")
    return out


def _regional_staff(profile: Callable[..., None], first_region: str) -> None:
    """A clerk at each other region's hall, and an officer for every department that handles an item, in every
    region (陵川县's first six officers keep their names): each bundle can be walked to its end."""
    for region, prefix in REGION_PREFIX.items():
        if region != first_region:
            hall = ServicePoint.objects.filter(region__code=region, kind="hall").order_by("code").first()
            if hall:
                profile(f"clerk_{prefix}", Role.CLERK, f"窗口工作人员（{hall.name}）", service_point=hall)
        handling = (
            Department.objects.filter(region__code=region, items__isnull=False).distinct().order_by("code")
        )
        for dept in handling:
            if region == first_region and dept.code in FIRST_OFFICERS:
                continue
            profile(
                f"officer_{prefix}_{dept.code}", Role.OFFICER, f"部门审批人员（{dept.name}）", department=dept
            )

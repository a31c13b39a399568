"""Demo accounts for every role (listed in README.md). Passwords are for the local demo only.

The staff accounts (clerks, officers, the administrator, the auditor) also get a TOTP device named `demo`, as the
second factor asks of staff (accounts/otp.py): `yijianshi otp-code clerk` prints its current code, so that a
newcomer signs in as a clerk without an authenticator app."""

from __future__ import annotations

from datetime import date

from django.contrib.auth.models import User
from django.db import transaction
from django_otp.plugins.otp_totp.models import TOTPDevice

from yijianshi.catalog.models import Department, ServicePoint
from yijianshi.core.identifiers import make_credit_code, make_resident_id

from .models import EnterpriseRole, PartyType, Profile, Role
from .otp import DEMO_DEVICE
from .roles import STAFF_ROLES

DEMO_PASSWORD = "yijianshi-demo"  # noqa: S105 - a published demo password, for the local demo only
MOTHER_ID = make_resident_id("140524", date(1994, 3, 15), 22)
FATHER_ID = make_resident_id("140524", date(1992, 7, 8), 31)
ENTERPRISE_USCC = make_credit_code("9", "1140524", "MA0K12345")


def _user(username: str, *, superuser: bool = False, staff: bool = False) -> tuple[User, bool]:
    user, created = User.objects.get_or_create(username=username)
    if created:
        user.set_password(DEMO_PASSWORD)
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
    for code, username in (
        ("health", "officer_health"),
        ("public_security", "officer_police"),
        ("hrss", "officer_hrss"),
        ("medical_security", "officer_medical"),
        ("civil_affairs", "officer_civil"),
        ("approval", "officer_approval"),
    ):
        dept = Department.objects.filter(region__code=region, code=code).first()
        if dept:
            profile(username, Role.OFFICER, f"部门审批人员（{dept.name}）", department=dept)
    profile("admin", Role.ADMIN, "系统管理员")
    profile("auditor", Role.AUDITOR, "审计人员（只读）")
    return out

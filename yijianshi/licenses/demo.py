"""Demo licences for the demo family (accounts/demo.py): identity cards, the household register, the marriage
certificates, issued by region 140524's public-security and civil-affairs departments (called by `yijianshi demo`).

The mother's identity card expires 20 days after the day the demo is seeded, so that the renewal reminder
(无感续证) has something to remind of. Seeding again issues nothing new.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from yijianshi.accounts.demo import FATHER_ID, MOTHER_ID
from yijianshi.catalog.models import Department, LicenceType
from yijianshi.core.actor import Actor

from .models import HolderIdType, LicenceStatus, License
from .selectors import local_today
from .services import licence_issue, signing_keys_ensure

REGION = "140524"
ADDRESS = "山西省晋城市陵川县崇文镇城南社区和平街12号"
MOTHER = {"name": "王芳", "sex": "女", "birth": date(1994, 3, 15), "id": MOTHER_ID}
FATHER = {"name": "李强", "sex": "男", "birth": date(1992, 7, 8), "id": FATHER_ID}
MARRIED_ON = date(2019, 10, 1)


def _issue_once(
    licence_type: str,
    person: dict[str, Any],
    issuer: Department,
    surface: dict[str, Any],
    valid_from: date,
    valid_to: date | None,
) -> License:
    existing = License.objects.filter(
        holder_id=person["id"], licence_type__code=licence_type, status=LicenceStatus.VALID
    ).first()
    if existing is not None:
        return existing
    return licence_issue(
        licence_type=licence_type,
        holder_name=person["name"],
        holder_id=person["id"],
        holder_id_type=HolderIdType.IDENTITY_NUMBER,
        issuer=issuer,
        surface=surface,
        valid_from=valid_from,
        valid_to=valid_to,
        actor=Actor.system(),
        source_reference="demo",
    )


def _years_from(day: date, years: int) -> date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February
        return day.replace(year=day.year + years, day=28)


def _id_card(person: dict[str, Any], valid_from: date, valid_to: date) -> dict[str, Any]:
    return {
        "姓名": person["name"],
        "性别": person["sex"],
        "民族": "汉",
        "出生": person["birth"].isoformat(),
        "住址": ADDRESS,
        "公民身份号码": person["id"],
        "签发机关": "陵川县公安局",
        "有效期限": f"{valid_from:%Y.%m.%d}-{valid_to:%Y.%m.%d}",
    }


def _spouse(person: dict[str, Any]) -> dict[str, Any]:
    return {
        "姓名": person["name"],
        "国籍": "中国",
        "出生日期": person["birth"].isoformat(),
        "身份证件号": person["id"],
    }


def seed_demo_licences(region: str = REGION) -> list[License]:
    """Issue (once) and return the demo family's licences. Needs the catalogue loaded (licence types and the
    region's departments); creates the departments' signing keys if missing."""
    police = Department.objects.select_related("region").get(region__code=region, code="public_security")
    civil = Department.objects.select_related("region").get(region__code=region, code="civil_affairs")
    needed = {"id_card", "household_register", "marriage_certificate"}
    missing = needed - set(LicenceType.objects.filter(code__in=needed).values_list("code", flat=True))
    if missing:
        raise LookupError(
            f"licence types not loaded: {', '.join(sorted(missing))} (run `yijianshi catalog load`)"
        )
    signing_keys_ensure(departments=[police, civil], actor=Actor.system())
    today = local_today()
    out: list[License] = []
    mother_to = today + timedelta(days=20)
    mother_from = _years_from(mother_to, -10)
    out.append(
        _issue_once(
            "id_card", MOTHER, police, _id_card(MOTHER, mother_from, mother_to), mother_from, mother_to
        )
    )
    father_from = date(2018, 7, 8)
    father_to = _years_from(father_from, 20)
    out.append(
        _issue_once(
            "id_card", FATHER, police, _id_card(FATHER, father_from, father_to), father_from, father_to
        )
    )
    out.append(
        _issue_once(
            "household_register",
            FATHER,
            police,
            {
                "户别": "家庭户",
                "户主姓名": FATHER["name"],
                "户号": "140524100012345",
                "住址": ADDRESS,
                "登记机关": "陵川县公安局崇文派出所",
                "成员": [
                    {"姓名": FATHER["name"], "与户主关系": "户主", "公民身份号码": FATHER["id"]},
                    {"姓名": MOTHER["name"], "与户主关系": "妻", "公民身份号码": MOTHER["id"]},
                ],
            },
            date(2019, 10, 20),
            None,
        )
    )
    marriage = {
        "登记日期": MARRIED_ON.isoformat(),
        "结婚证字号": "J140524-2019-000123",
        "登记机关": "陵川县民政局",
        "男方": _spouse(FATHER),
        "女方": _spouse(MOTHER),
    }
    for person in (MOTHER, FATHER):
        out.append(
            _issue_once(
                "marriage_certificate",
                person,
                civil,
                {"持证人": person["name"], **marriage},
                MARRIED_ON,
                None,
            )
        )
    return out

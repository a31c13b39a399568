"""Synthetic demo data for the sources we hold locally (数据直达基层): `yijianshi datahub seed`.

Thousands of records that are valid (identity numbers per GB 11643 with their check digit, credit codes per
GB 32100 with theirs, certificate numbers in their published shapes) and consistent across sources: a married
couple appears in the marriage registry (each naming the other), both in the population register and in one
household; their children in the population register and the household and, born since 1996, on a birth
record naming them; whoever works is insured by an enterprise of the enterprise register whose insured
headcount matches. Field names are keys of the shared vocabulary, from the point of view of the record's
subject (prefill.py). All of it is invented: names are drawn from common surnames and given names, addresses
from the demo counties' towns.

It always contains the demo family of `yijianshi.accounts.demo` — 王芳 (MOTHER_ID) and 李强 (FATHER_ID),
married, in one household in 陵川县, with a son born in 2021 and a newborn whose birth record names them both —
and the demo enterprise (ENTERPRISE_USCC) represented by 赵敏.

Deterministic for a seed (and `today`), idempotent: records of batch ``seed`` are replaced; records loaded from
files (other batches) win over generated ones with the same subject.
"""

from __future__ import annotations

import json
import random
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from django.contrib.auth.models import User
from django.db import connection, transaction

from yijianshi.accounts.demo import ENTERPRISE_USCC, FATHER_ID, MOTHER_ID, REGIONAL_DEMO
from yijianshi.catalog.models import DataSource
from yijianshi.core import clock
from yijianshi.core.errors import DomainError
from yijianshi.core.identifiers import make_credit_code, make_organisation_code, make_resident_id

from .models import SourceLink, SourceRecord

BATCH = "seed"
TODAY = date(
    2026, 11, 1
)  # the demo's "today": ages and dates are counted from it, so a seed gives one result
SOURCES = (
    "population",
    "household",
    "marriage",
    "birth",
    "social_insurance",
    "medical_insurance",
    "enterprise",
    "real_estate",
    "disability",
    "housing_fund",
)
ENTERPRISE_CLERK_ID = make_resident_id("140524", date(1988, 5, 20), 44)  # 赵敏, accounts.demo's "enterprise"

AREAS: dict[str, tuple[str, str, str, tuple[str, ...]]] = {
    # area code: (address prefix, short prefix for certificates, county name, towns)
    "140524": (
        "山西省晋城市陵川县",
        "晋",
        "陵川县",
        ("崇文镇", "礼义镇", "附城镇", "西河底镇", "平城镇", "杨村镇"),
    ),
    "420300": ("湖北省十堰市", "鄂", "十堰市", ("茅箭区", "张湾区", "郧阳区", "竹溪县", "房县")),
    "410721": (
        "河南省新乡市新乡县",
        "豫",
        "新乡县",
        ("小冀镇", "七里营镇", "朗公庙镇", "古固寨镇", "翟坡镇"),
    ),
}
FORMER_CODES = (("140524", "142529", 1985), ("410721", "412229", 1983))
AREA_WEIGHTS = (("140524", 6), ("420300", 2), ("410721", 2))
SURNAMES = (
    "王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗梁宋郑谢韩唐冯于董程曹袁邓许傅沈曾彭吕苏卢蒋蔡贾丁魏薛叶阎"
    "余潘杜戴夏钟汪田任姜范方石姚谭廖邹熊金陆郝孔白崔康毛邱秦江史顾侯邵孟龙万段雷钱汤尹黎易常武乔贺赖龚文"
)
MALE = (
    "伟",
    "强",
    "磊",
    "军",
    "勇",
    "杰",
    "涛",
    "斌",
    "超",
    "明",
    "刚",
    "平",
    "辉",
    "鹏",
    "华",
    "飞",
    "鑫",
    "波",
    "宇",
    "浩",
    "凯",
    "健",
    "俊",
    "帆",
    "旭",
    "宁",
    "龙",
    "林",
    "阳",
    "建华",
    "建国",
    "志强",
    "志明",
    "海涛",
    "晓东",
    "文博",
    "子轩",
    "浩然",
    "宇航",
    "俊杰",
    "国栋",
    "永刚",
    "立新",
    "振华",
)
FEMALE = (
    "芳",
    "娜",
    "敏",
    "静",
    "丽",
    "艳",
    "娟",
    "霞",
    "秀英",
    "婷",
    "雪",
    "慧",
    "玲",
    "燕",
    "红",
    "琳",
    "颖",
    "倩",
    "洁",
    "晶",
    "欣",
    "梅",
    "莉",
    "佳",
    "月",
    "丹",
    "萍",
    "璐",
    "雯",
    "思雨",
    "欣怡",
    "梓涵",
    "诗琪",
    "雨桐",
    "秀兰",
    "桂英",
    "丽华",
    "晓燕",
    "春梅",
    "海燕",
)
ETHNICITIES = (("汉族", 94), ("回族", 2), ("满族", 1), ("蒙古族", 1), ("土家族", 1), ("壮族", 1))
EDUCATION = (("初中", 25), ("高中", 18), ("中专", 10), ("大专", 17), ("本科", 22), ("研究生", 4), ("小学", 4))
STREETS = (
    "人民路",
    "解放路",
    "建设路",
    "和平街",
    "东大街",
    "西大街",
    "新华路",
    "文化路",
    "府前街",
    "迎宾路",
    "滨河路",
    "朝阳路",
    "幸福街",
    "光明路",
    "育才路",
)
HOSPITALS = {
    "140524": ("陵川县人民医院", "陵川县妇幼保健计划生育服务中心"),
    "420300": ("十堰市人民医院", "十堰市妇幼保健院", "十堰市太和医院"),
    "410721": ("新乡县人民医院", "新乡县妇幼保健院"),
}
BRANDS = (
    "鑫源",
    "宏达",
    "恒信",
    "华盛",
    "金泰",
    "瑞丰",
    "福运",
    "兴隆",
    "永安",
    "嘉禾",
    "博远",
    "天成",
    "汇通",
    "德润",
    "康宁",
    "万和",
    "正阳",
    "信诚",
    "盛世",
    "锦程",
)
INDUSTRIES = (
    ("商贸", "日用百货、五金交电、建材销售"),
    ("餐饮", "餐饮服务；食品销售"),
    ("建筑工程", "房屋建筑工程施工；市政工程施工"),
    ("农业开发", "农作物种植；农产品初加工及销售"),
    ("物流", "普通货物道路运输；仓储服务（不含危险化学品）"),
    ("科技", "软件开发；信息技术咨询服务"),
    ("食品", "食品生产；食品销售"),
    ("汽车维修", "机动车维修；汽车零配件销售"),
    ("文化传媒", "广告设计、制作、发布；组织文化艺术交流活动"),
    ("医药", "药品零售；医疗器械销售"),
)
ENTERPRISE_TYPES = (
    ("有限责任公司", 60),
    ("个体工商户", 20),
    ("个人独资企业", 8),
    ("股份有限公司", 4),
    ("合伙企业", 4),
    ("农民专业合作社", 4),
)
DISABILITY = ("视力残疾", "听力残疾", "言语残疾", "肢体残疾", "智力残疾", "精神残疾", "多重残疾")
LEVELS = ("一级", "二级", "三级", "四级")
USCC_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"


@dataclass
class Person:
    id_number: str
    name: str
    male: bool
    birth: date
    area: str
    ethnicity: str
    education: str | None = None
    spouse: Person | None = None
    marriage_date: date | None = None
    marriage_number: str = ""
    marital_status: str = "未婚"
    employer: str | None = None  # an enterprise's credit code
    household: Household | None = None
    relation: str = "户主"

    def age(self, today: date) -> int:
        return today.year - self.birth.year - ((today.month, today.day) < (self.birth.month, self.birth.day))


@dataclass
class Household:
    number: str
    area: str
    address: str
    head: Person
    members: list[Person] = field(default_factory=list)


@dataclass
class Birth:
    number: str
    child: Person | None  # None: the newborn, not yet registered
    gender: str
    born: date
    mother: Person
    father: Person | None
    hospital: str
    area: str
    birth_time: str
    weight: int
    length: int
    weeks: int


@dataclass(frozen=True)
class SeedSummary:
    persons: int
    enterprises: int
    records: dict[str, int]
    links: int
    seconds: float

    @property
    def total(self) -> int:
        return sum(self.records.values())


def issuing_area(area: str, birth: date) -> str:
    """The area code in the identity number of someone born in `birth`'s year: a county's code as it was then
    (陵川县 was 142529 until 1985, 新乡县 412229 until 1983; GB/T 2260 history, which python-stdnum checks)."""
    for current, older, until in FORMER_CODES:
        if area == current and birth.year < until:
            return older
    return area


class _World:
    def __init__(self, seed: int, today: date) -> None:
        self.rng = random.Random(seed)  # noqa: S311 - reproducible demo data, not secrets
        self.today = today
        self.used: set[str] = {MOTHER_ID, FATHER_ID, ENTERPRISE_CLERK_ID}
        self.persons: list[Person] = []
        self.households: list[Household] = []
        self.births: list[Birth] = []
        self.enterprises: list[dict[str, Any]] = []
        self.counters: dict[str, int] = {}

    # --------------------------------------------------------------------------------- small helpers
    def pick(self, weighted: tuple[tuple[str, int], ...]) -> str:
        return self.rng.choices([v for v, _ in weighted], weights=[w for _, w in weighted])[0]

    def next(self, counter: str) -> int:
        self.counters[counter] = self.counters.get(counter, 0) + 1
        return self.counters[counter]

    def day_between(self, start: date, end: date) -> date:
        return start + timedelta(days=self.rng.randint(0, max(0, (end - start).days)))

    def digits(self, n: int) -> str:
        return "".join(self.rng.choice("0123456789") for _ in range(n))

    def id_number(self, area: str, birth: date, male: bool) -> str:
        code = issuing_area(area, birth)
        for _ in range(1000):
            seq = self.rng.randrange(1 if male else 0, 1000, 2)
            number = make_resident_id(code, birth, seq)
            if number not in self.used:
                self.used.add(number)
                return number
        raise RuntimeError("no free sequence number")  # pragma: no cover - 500 per sex and day

    def person(
        self, *, area: str, male: bool, born: date, surname: str | None = None, adult: bool = True
    ) -> Person:
        given = self.rng.choice(MALE if male else FEMALE)
        p = Person(
            id_number=self.id_number(area, born, male),
            name=(surname or self.rng.choice(SURNAMES)) + given,
            male=male,
            birth=born,
            area=area,
            ethnicity=self.pick(ETHNICITIES),
            education=self.pick(EDUCATION) if adult else None,
        )
        self.persons.append(p)
        return p

    def address(self, area: str) -> str:
        prefix, _short, _county, towns = AREAS[area]
        return f"{prefix}{self.rng.choice(towns)}{self.rng.choice(STREETS)}{self.rng.randint(1, 399)}号"

    def household(self, head: Person, address: str | None = None) -> Household:
        number = f"{head.area}{self.next('household:' + head.area):06d}"
        h = Household(number=number, area=head.area, address=address or self.address(head.area), head=head)
        self.households.append(h)
        self.join(h, head, "户主")
        return h

    def join(self, h: Household, p: Person, relation: str) -> None:
        p.household, p.relation = h, relation
        h.members.append(p)

    def marry(self, husband: Person, wife: Person, on: date) -> None:
        number = f"J{husband.area}-{on.year}-{self.next('marriage:' + husband.area):06d}"
        for a, b in ((husband, wife), (wife, husband)):
            a.spouse, a.marriage_date, a.marriage_number, a.marital_status = b, on, number, "已婚"

    def birth(
        self,
        *,
        child: Person | None,
        male: bool,
        born: date,
        mother: Person,
        father: Person | None,
        area: str,
    ) -> Birth:
        letter = "ABCDEFGHJKLMNPQRSTUVWXYZ"[(born.year - 1996) % 24]
        b = Birth(
            number=f"{letter}{area[:2]}{self.next('birth'):07d}",
            child=child,
            gender="男" if male else "女",
            born=born,
            mother=mother,
            father=father,
            hospital=self.rng.choice(HOSPITALS[area]),
            area=area,
            birth_time=f"{self.rng.randint(0, 23):02d}:{self.rng.randint(0, 59):02d}",
            weight=self.rng.randint(2500, 4200),
            length=self.rng.randint(46, 54),
            weeks=self.rng.randint(37, 41),
        )
        self.births.append(b)
        return b

    # --------------------------------------------------------------------------------- the demo family
    def demo_family(self) -> None:
        mother = Person(
            id_number=MOTHER_ID,
            name="王芳",
            male=False,
            birth=date(1994, 3, 15),
            area="140524",
            ethnicity="汉族",
            education="本科",
        )
        father = Person(
            id_number=FATHER_ID,
            name="李强",
            male=True,
            birth=date(1992, 7, 8),
            area="140524",
            ethnicity="汉族",
            education="大专",
        )
        self.persons += [father, mother]
        self.marry(father, mother, date(2019, 5, 20))
        h = self.household(father, "山西省晋城市陵川县崇文镇城南社区建设路18号")
        self.join(h, mother, "妻")
        son = self.person(area="140524", male=True, born=date(2021, 9, 3), surname="李", adult=False)
        son.name = "李明轩"
        self.join(h, son, "子")
        self.birth(child=son, male=True, born=son.birth, mother=mother, father=father, area="140524")
        newborn = self.birth(
            child=None,
            male=False,
            born=self.today - timedelta(days=12),
            mother=mother,
            father=father,
            area="140524",
        )
        newborn.hospital, newborn.birth_time, newborn.weight, newborn.length, newborn.weeks = (
            "陵川县人民医院",
            "08:26",
            3350,
            50,
            39,
        )
        clerk = Person(
            id_number=ENTERPRISE_CLERK_ID,
            name="赵敏",
            male=False,
            birth=date(1988, 5, 20),
            area="140524",
            ethnicity="汉族",
            education="本科",
            marital_status="未婚",
        )
        self.persons.append(clerk)
        self.household(clerk, "山西省晋城市陵川县崇文镇府前街66号")
        self.enterprises.append(
            {
                "uscc": ENTERPRISE_USCC,
                "name": "陵川县示例餐饮有限公司",
                "type": "有限责任公司",
                "area": "140524",
                "address": "山西省晋城市陵川县崇文镇人民路88号",
                "capital": 50,
                "scope": "餐饮服务；食品销售",
                "established": date(2020, 8, 18),
                "rep": clerk,
                "phone": "0356-6212345",
            }
        )
        mother.employer = clerk.employer = ENTERPRISE_USCC

    def regional_demo(self) -> None:
        """The demo applicants of 十堰市 and 新乡县 (accounts.demo.REGIONAL_DEMO), each in a household at their
        address; the enterprises' representatives with their enterprise, which employs them; 陈建国 married."""
        for demo in REGIONAL_DEMO:
            p = Person(
                id_number=demo.id_number,
                name=demo.name,
                male=demo.male,
                birth=demo.birth,
                area=demo.region,
                ethnicity="汉族",
                education="高中" if demo.birth.year < 1970 else "本科",
            )
            self.used.add(p.id_number)
            self.persons.append(p)
            h = self.household(p, demo.address)
            if demo.enterprise_name:
                self.enterprises.append(
                    {
                        "uscc": demo.uscc,
                        "name": demo.enterprise_name,
                        "type": "有限责任公司",
                        "area": demo.region,
                        "address": demo.address,
                        "capital": 100,
                        "scope": demo.enterprise_scope,
                        "established": date(2019, 6, 18),
                        "rep": p,
                        "phone": f"0{'719' if demo.region == '420300' else '373'}-8{demo.birth:%m%d}01",
                    }
                )
                p.employer = demo.uscc
            if demo.username == "applicant_xx":
                wife = Person(
                    id_number=make_resident_id("412229", date(1968, 5, 6), 62),
                    name="刘秀兰",
                    male=False,
                    birth=date(1968, 5, 6),
                    area=demo.region,
                    ethnicity="汉族",
                    education="初中",
                )
                self.used.add(wife.id_number)
                self.persons.append(wife)
                self.marry(p, wife, date(1990, 10, 1))
                self.join(h, wife, "妻")
        by_region = {
            e["area"]: e["uscc"] for e in self.enterprises if e["rep"].name in {d.name for d in REGIONAL_DEMO}
        }
        for p in self.persons[-len(REGIONAL_DEMO) - 1 :]:
            if p.employer is None and p.age(self.today) < 65 and p.area in by_region:
                p.employer = by_region[p.area]

    # --------------------------------------------------------------------------------- everyone else
    def populate(self, persons: int) -> None:
        today = self.today
        while len(self.persons) < persons:
            area = self.pick(AREA_WEIGHTS)
            roll = self.rng.random()
            room = persons - len(self.persons)
            if roll < 0.6 and room >= 2:
                husband_born = self.day_between(date(1950, 1, 1), date(2000, 12, 31))
                wife_born = self.day_between(
                    husband_born - timedelta(days=4 * 365), husband_born + timedelta(days=3 * 365)
                )
                wife_born = min(wife_born, date(2002, 12, 31))
                husband = self.person(area=area, male=True, born=husband_born)
                wife = self.person(area=area, male=False, born=wife_born)
                start = max(husband_born, wife_born) + timedelta(days=22 * 365)
                married = self.day_between(
                    start, min(today - timedelta(days=30), start + timedelta(days=8 * 365))
                )
                self.marry(husband, wife, married)
                h = self.household(husband)
                self.join(h, wife, "妻")
                last_birth = married
                for _ in range(self.rng.choice((0, 1, 1, 2, 2, 3))):
                    if len(self.persons) >= persons:
                        break
                    born = self.day_between(
                        last_birth + timedelta(days=300), last_birth + timedelta(days=5 * 365)
                    )
                    if born >= today - timedelta(days=20) or (born - wife.birth).days > 45 * 365:
                        break
                    last_birth = born
                    male = self.rng.random() < 0.52
                    child = self.person(
                        area=area,
                        male=male,
                        born=born,
                        surname=husband.name[0],
                        adult=(today - born).days > 18 * 365,
                    )
                    self.join(h, child, "子" if male else "女")
                    if born.year >= 1996:
                        self.birth(child=child, male=male, born=born, mother=wife, father=husband, area=area)
            else:
                born = self.day_between(date(1945, 1, 1), date(2005, 12, 31))
                p = self.person(area=area, male=self.rng.random() < 0.5, born=born)
                p.marital_status = (
                    "未婚" if p.age(today) < 30 else self.pick((("未婚", 40), ("离婚", 35), ("丧偶", 25)))
                )
                self.household(p)

    def companies(self, count: int) -> None:
        adults = [
            p for p in self.persons if p.age(self.today) >= 22 and p.id_number not in (MOTHER_ID, FATHER_ID)
        ]
        reps = self.rng.sample(adults, min(len(adults), count))
        names = {e["name"] for e in self.enterprises}
        codes = {e["uscc"] for e in self.enterprises}
        n = 0
        while len(self.enterprises) < count:
            rep = reps[n % len(reps)]
            n += 1
            area = rep.area
            industry, scope = self.rng.choice(INDUSTRIES)
            kind = self.pick(ENTERPRISE_TYPES)
            suffix = {
                "有限责任公司": "有限公司",
                "股份有限公司": "股份有限公司",
                "个体工商户": "店",
                "个人独资企业": "经营部",
                "合伙企业": "合伙企业（普通合伙）",
                "农民专业合作社": "专业合作社",
            }[kind]
            county = AREAS[area][2]
            name = f"{county}{self.rng.choice(BRANDS)}{industry}{suffix}"
            if name in names:
                name = f"{county}{self.rng.choice(BRANDS)}{self.rng.choice(BRANDS)}{industry}{suffix}"
            body = "MA" + "".join(self.rng.choice(USCC_ALPHABET) for _ in range(6))
            category = {"个体工商户": "2", "农民专业合作社": "3"}.get(
                kind, "1"
            )  # GB 32100: 工商 9, then the kind
            uscc = make_credit_code("9", category + area, make_organisation_code(body))
            if uscc in codes or name in names:
                continue
            names.add(name)
            codes.add(uscc)
            self.enterprises.append(
                {
                    "uscc": uscc,
                    "name": name,
                    "type": kind,
                    "area": area,
                    "address": self.address(area),
                    "capital": self.rng.choice((3, 10, 30, 50, 100, 200, 500)),
                    "scope": scope,
                    "established": self.day_between(date(2008, 1, 1), self.today - timedelta(days=60)),
                    "rep": rep,
                    "phone": f"0{self.rng.randint(310, 399)}-{self.digits(7)}",
                }
            )
        by_area: dict[str, list[str]] = {}
        for e in self.enterprises:
            by_area.setdefault(e["area"], []).append(e["uscc"])
        for p in self.persons:
            if (
                p.employer is None
                and 20 <= p.age(self.today) < 60
                and self.rng.random() < 0.7
                and by_area.get(p.area)
            ):
                p.employer = self.rng.choice(by_area[p.area])

    # --------------------------------------------------------------------------------- records
    def records(self) -> dict[str, list[tuple[str, dict[str, Any], date | None, list[tuple[str, str]]]]]:
        out: dict[str, list[tuple[str, dict[str, Any], date | None, list[tuple[str, str]]]]] = {
            s: [] for s in SOURCES
        }
        today = self.today
        enterprises = {e["uscc"]: e for e in self.enterprises}
        staff: dict[str, list[Person]] = {}
        for p in self.persons:
            iso = p.birth.isoformat()
            pop: dict[str, Any] = {
                "person.name": p.name,
                "person.id_number": p.id_number,
                "person.gender": "男" if p.male else "女",
                "person.ethnicity": p.ethnicity,
                "person.birth_date": iso,
            }
            if p.education:
                pop["person.education"] = p.education
            out["population"].append((p.id_number, pop, p.birth, []))
            h = p.household
            if h is not None:
                out["household"].append(
                    (
                        p.id_number,
                        {
                            "person.household_address": h.address,
                            "person.residence_address": h.address,
                            "household.number": h.number,
                            "household.head_name": h.head.name,
                            "household.relation_to_head": p.relation,
                        },
                        None,
                        [],
                    )
                )
            if p.age(today) >= 20:
                marriage: dict[str, Any] = {"person.marital_status": p.marital_status}
                if p.spouse is not None and p.marriage_date is not None:
                    marriage.update(
                        {
                            "person.name": p.name,
                            "person.id_number": p.id_number,
                            "spouse.name": p.spouse.name,
                            "spouse.id_number": p.spouse.id_number,
                            "marriage.registration_date": p.marriage_date.isoformat(),
                            "marriage.certificate_number": p.marriage_number,
                        }
                    )
                out["marriage"].append((p.id_number, marriage, p.marriage_date, []))
            age = p.age(today)
            employed = p.employer is not None and p.employer in enterprises
            if employed or age >= 18:
                start = p.birth + timedelta(days=self.rng.randint(18, 24) * 365)
                insurance: dict[str, Any] = {
                    "person.social_security_number": p.id_number,
                    "ssc.card_number": f"{p.area[:1]}{self.digits(8)}",
                }
                if employed:
                    assert p.employer is not None
                    staff.setdefault(p.employer, []).append(p)
                    insurance.update(
                        {
                            "person.employer": enterprises[p.employer]["name"],
                            "person.insurance_status": "参保缴费",
                            "employment.insurance_scheme": "企业职工基本养老保险",
                            "retirement.pension_scheme": "企业职工基本养老保险",
                            "retirement.work_start_date": start.isoformat(),
                        }
                    )
                else:
                    insurance.update(
                        {
                            "person.insurance_status": "暂停缴费"
                            if age >= 60
                            else self.pick((("参保缴费", 6), ("暂停缴费", 2), ("未参保", 2))),
                            "employment.insurance_scheme": "城乡居民基本养老保险",
                        }
                    )
                out["social_insurance"].append((p.id_number, insurance, start, []))
            if self.rng.random() < 0.97:
                scheme = "职工基本医疗保险" if employed else "城乡居民基本医疗保险"
                out["medical_insurance"].append((p.id_number, {"medical_enrolment.scheme": scheme}, None, []))
            if employed and self.rng.random() < 0.6:
                account = self.digits(12)
                out["housing_fund"].append(
                    (
                        p.id_number,
                        {"retirement.housing_fund_account": account, "loan.fund_account": account},
                        None,
                        [],
                    )
                )
            if age >= 6 and self.rng.random() < 0.02:
                cat, level = self.rng.randint(1, 7), self.rng.randint(1, 4)
                out["disability"].append(
                    (
                        p.id_number,
                        {
                            "disability.certificate_number": f"{p.id_number}{cat}{level}",
                            "disability.category": DISABILITY[cat - 1],
                            "disability.level": LEVELS[level - 1],
                        },
                        None,
                        [],
                    )
                )
        for h in self.households:
            if self.rng.random() < 0.45 or h.head.id_number == FATHER_ID:
                acquired = self.day_between(
                    max(h.head.birth + timedelta(days=22 * 365), date(2000, 1, 1)), today - timedelta(days=90)
                )
                _prefix, short, county, _towns = AREAS[h.area]
                serial = self.next("property:" + h.area)
                out["real_estate"].append(
                    (
                        h.head.id_number,
                        {
                            "property.address": h.address,
                            "property.certificate_number": f"{short}({acquired.year}){county}不动产权第{serial:07d}号",
                            "property.unit_number": f"{h.area}{self.rng.randint(1, 20):03d}{self.rng.randint(1, 30):03d}"
                            f"GB{serial:05d}F{self.rng.randint(1, 99):04d}{self.rng.randint(1, 30):04d}",
                            "property.area_m2": round(self.rng.uniform(55, 180), 2),
                            "property.use": "住宅",
                            "property.acquisition_date": acquired.isoformat(),
                        },
                        acquired,
                        [],
                    )
                )
        for b in self.births:
            data: dict[str, Any] = {
                "child.gender": b.gender,
                "child.birth_date": b.born.isoformat(),
                "child.birth_time": b.birth_time,
                "child.birth_place": f"{AREAS[b.area][0]}{b.hospital.removeprefix(AREAS[b.area][2])}",
                "child.birth_hospital": b.hospital,
                "child.birth_weight_g": b.weight,
                "child.birth_length_cm": b.length,
                "child.gestational_weeks": b.weeks,
                "child.birth_certificate_number": b.number,
                "mother.name": b.mother.name,
                "mother.id_number": b.mother.id_number,
            }
            links = [("mother", b.mother.id_number)]
            if b.father is not None:
                data.update({"father.name": b.father.name, "father.id_number": b.father.id_number})
                links.append(("father", b.father.id_number))
            if b.child is not None:
                data["child.id_number"] = b.child.id_number
            out["birth"].append((b.number, data, b.born, links))
        for e in self.enterprises:
            rep: Person = e["rep"]
            employees = staff.get(e["uscc"], [])
            out["enterprise"].append(
                (
                    e["uscc"],
                    {
                        "enterprise.name": e["name"],
                        "enterprise.uscc": e["uscc"],
                        "enterprise.type": e["type"],
                        "enterprise.address": e["address"],
                        "enterprise.registered_capital": e["capital"],
                        "enterprise.business_scope": e["scope"],
                        "enterprise.established_date": e["established"].isoformat(),
                        "enterprise.phone": e["phone"],
                        "enterprise.investors": f"{rep.name}（货币出资{e['capital']}万元，100%）",
                        "legal_rep.name": rep.name,
                        "legal_rep.id_number": rep.id_number,
                        "legal_rep.phone": f"1{self.rng.choice('3589')}{self.digits(9)}",
                    },
                    e["established"],
                    [("legal_rep", rep.id_number)],
                )
            )
            n = len(employees)
            base = round(n * self.rng.uniform(0.35, 0.6), 2)
            out["social_insurance"].append(
                (
                    e["uscc"],
                    {
                        "enterprise.social_insurance_number": f"{e['area']}{self.digits(8)}",
                        "enterprise.employee_count": n,
                        "annual_report.pension_insured_count": n,
                        "annual_report.unemployment_insured_count": n,
                        "annual_report.injury_insured_count": n,
                        "annual_report.contribution_base": base,
                        "annual_report.contribution_paid": round(base * 0.24, 2),
                        "annual_report.contribution_arrears": 0,
                    },
                    None,
                    [],
                )
            )
            out["medical_insurance"].append(
                (
                    e["uscc"],
                    {
                        "enterprise.medical_insurance_number": f"{e['area']}{self.digits(10)}",
                        "annual_report.medical_insured_count": n,
                    },
                    None,
                    [],
                )
            )
            if n:
                out["housing_fund"].append(
                    (e["uscc"], {"enterprise.housing_fund_account": self.digits(14)}, None, [])
                )
        return out


def _insert(rows: list[SourceRecord]) -> None:
    """Insert the records and set their keys. On PostgreSQL with COPY: `bulk_create` there binds each column
    as one array parameter, which psycopg quotes value by value on the client — seconds for 20,000 JSON rows."""
    if connection.vendor != "postgresql":
        SourceRecord.objects.bulk_create(rows, batch_size=500)
        if all(r.pk is not None for r in rows):
            return
    else:
        table = SourceRecord._meta.db_table
        with (
            connection.cursor() as cursor,
            cursor.copy(
                f"COPY {table} (source_id, subject_id, data, effective_date, batch, updated_at) FROM STDIN"
            ) as copy,
        ):
            for r in rows:
                copy.write_row(
                    (
                        r.source_id,
                        r.subject_id,
                        json.dumps(r.data, ensure_ascii=False),
                        r.effective_date,
                        r.batch,
                        r.updated_at,
                    )
                )
    keys = {
        (source_id, subject_id): pk
        for source_id, subject_id, pk in SourceRecord.objects.filter(batch=BATCH).values_list(
            "source_id", "subject_id", "pk"
        )
    }
    for r in rows:
        r.pk = keys[(r.source_id, r.subject_id)]


@transaction.atomic
def demo_data_seed(
    *,
    persons: int = 3000,
    enterprises: int = 300,
    seed: int = 1,
    today: date = TODAY,
    actor: User | None = None,
) -> SeedSummary:
    """Replace the seeded records of the local sources with a synthetic population (see the module doc)."""
    started = clock.now()
    if persons < 10 or enterprises < 1:
        raise DomainError(
            "seed_too_small",
            "至少 10 人、1 户企业",
            "At least 10 persons and 1 enterprise",
            field="persons" if persons < 10 else "enterprises",
        )
    sources = {ds.code: ds for ds in DataSource.objects.filter(code__in=SOURCES)}
    missing = sorted(set(SOURCES) - set(sources))
    if missing:
        raise DomainError(
            "seed_sources_missing",
            f"数据源未加载：{', '.join(missing)}（请先运行 yijianshi catalog load）",
            f"Data sources not loaded: {', '.join(missing)} (run `yijianshi catalog load` first)",
            field="sources",
        )
    world = _World(seed, today)
    world.demo_family()
    world.regional_demo()
    world.populate(persons)
    world.companies(enterprises)
    generated = world.records()
    SourceLink.objects.filter(record__batch=BATCH).delete()
    with connection.cursor() as cursor:  # the links are gone: no need for Django's cascade collector
        cursor.execute(f"DELETE FROM {SourceRecord._meta.db_table} WHERE batch = %s", [BATCH])  # noqa: S608
    taken = set(
        SourceRecord.objects.filter(source__code__in=SOURCES).values_list("source__code", "subject_id")
    )
    now = clock.now()
    rows: list[SourceRecord] = []
    pending_links: list[tuple[int, str, str]] = []
    counts: dict[str, int] = {}
    for code in SOURCES:
        ds = sources[code]
        for subject_id, data, effective, links in generated[code]:
            if (code, subject_id) in taken:
                continue
            for role, party in links:
                pending_links.append((len(rows), role, party))
            rows.append(
                SourceRecord(
                    source=ds,
                    subject_id=subject_id,
                    data=data,
                    effective_date=effective,
                    batch=BATCH,
                    updated_at=now,
                )
            )
            counts[code] = counts.get(code, 0) + 1
    _insert(rows)
    SourceLink.objects.bulk_create(
        [
            SourceLink(record_id=rows[i].pk, source_id=rows[i].source_id, role=role, party_id=party)
            for i, role, party in pending_links
        ],
        batch_size=500,
    )
    return SeedSummary(
        persons=len(world.persons),
        enterprises=len(world.enterprises),
        records=counts,
        links=len(pending_links),
        seconds=(clock.now() - started).total_seconds(),
    )

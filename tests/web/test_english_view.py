"""The English view (issue 18 point 8): a guide, in each region, for a person and for an enterprise, shows every
name in English, or its Chinese marked as not translated — never Chinese unmarked; the page says once that the
English names are our own illustrative translations; counts read "1 working day", "2 working days"."""

from __future__ import annotations

import re
from html.parser import HTMLParser

import pytest
from django.conf import settings
from django.template import Context, Template
from django.test import Client
from django.utils import translation

from tests.support.api import WebClients as Clients
from tests.support.catalogue import load_bundles
from yijianshi.catalog.models import Department
from yijianshi.web.templatetags.guide import working_days

pytestmark = pytest.mark.django_db

IDEOGRAPH = re.compile(r"[\u3400-\u9fff]")
# a personal and an enterprise bundle of each region (the first of each in the region's list)
GUIDES = [
    ("140524", "140524-08", "140524-01"),  # 陵川县
    ("420300", "420300-09", "420300-01"),  # 十堰市
    ("410721", "410721-09", "410721-01"),  # 新乡县
]
NOTE = "English names of services, items, documents, offices and places are our own illustrative translations"


class _MainText(HTMLParser):
    """The text of <main>, split into what is inside an element marked lang="zh-Hans" and what is not, and for
    each marked element whether the "not translated" marker follows it."""

    def __init__(self) -> None:
        super().__init__()
        self.stack: list[tuple[str, bool]] = []  # (tag, marked Chinese)
        self.in_main = False
        self.unmarked: list[str] = []
        self.marked: list[str] = []
        self.after_marked = False
        self.unflagged: list[str] = []  # marked Chinese not followed by the marker

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        if tag == "main":
            self.in_main = True
        if self.after_marked:
            if not (tag == "small" and a.get("class") == "untranslated"):
                self.unflagged.append(self.marked[-1])
            self.after_marked = False
        if tag in {"br", "input", "img", "meta", "link", "hr"}:
            return
        self.stack.append((tag, (a.get("lang") or "").lower().startswith("zh")))

    def handle_endtag(self, tag: str) -> None:
        if tag == "main":
            self.in_main = False
        while self.stack:
            t, zh = self.stack.pop()
            if t == tag:
                if zh and self.in_main:
                    self.after_marked = True
                break

    def handle_data(self, data: str) -> None:
        if not self.in_main or not data.strip():
            return
        if self.after_marked and data.strip():
            self.unflagged.append(self.marked[-1])
            self.after_marked = False
        if any(zh for _, zh in self.stack):
            self.marked.append(data)
        elif IDEOGRAPH.search(data) and not any(t in ("script", "style") for t, _ in self.stack):
            self.unmarked.append(data.strip())


def english() -> Client:
    client = Client()
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


def read(page: str) -> _MainText:
    parser = _MainText()
    parser.feed(page)
    return parser


@pytest.mark.parametrize(("region", "person", "enterprise"), GUIDES)
def test_a_guide_in_english_shows_no_chinese_name_unmarked(region: str, person: str, enterprise: str) -> None:
    load_bundles(person, enterprise, region=region)
    client = english()
    for code in (person, enterprise):
        for view in ("", "?view=simple"):
            answer = client.get(f"/bundles/{code}/{view}")
            page = answer.content.decode()
            assert answer.status_code == 200
            text = read(page)
            assert text.unmarked == [], f"{code}{view}: Chinese without a marker: {text.unmarked[:8]}"
            assert text.unflagged == [], (
                f"{code}{view}: marked Chinese without the marker: {text.unflagged[:8]}"
            )
            # every name is translated: the marker for a name is not needed anywhere on these guides
            assert "(Chinese name only)</small>" not in page, code
            assert page.count(NOTE) == 1


def test_the_guide_names_items_materials_departments_and_points_in_english() -> None:
    load_bundles("140524-09")
    page = english().get("/bundles/140524-09/").content.decode()
    for name in (
        "Birth of a child",  # the bundle
        "Vaccination certificate",  # an item
        "Mother&#x27;s resident identity card",  # a material (escaped as the page writes it)
        "Lingchuan County Government Service Centre",  # a service point
        "Lingchuan County",  # the region
        "Is the child under one year old?",  # a situation question
    ):
        assert name in page, name
    chinese = Client().get("/bundles/140524-09/").content.decode()
    assert "预防接种证办理" in chinese and "Vaccination certificate" not in chinese and NOTE not in chinese


def test_a_name_with_no_english_is_shown_in_chinese_with_the_marker() -> None:
    # given a department whose English name is not known
    load_bundles("140524-09")
    Department.objects.filter(region__code="140524", code="health").update(name_en="")
    name = Department.objects.get(region__code="140524", code="health").name
    # when the guide is read in English
    page = english().get("/bundles/140524-09/").content.decode()
    # then its Chinese is there, marked, and nowhere unmarked
    assert (
        f'<span lang="zh-Hans">{name}</span> <small class="untranslated">(Chinese name only)</small>' in page
    )
    assert read(page).unmarked == []


@pytest.mark.parametrize(
    ("days", "english_words", "chinese_words"),
    [(0, "on the spot", "即办"), (1, "1 working day", "1个工作日"), (2, "2 working days", "2个工作日")],
)
def test_working_days_in_the_singular_and_the_plural(
    days: int, english_words: str, chinese_words: str
) -> None:
    with translation.override("en"):
        assert working_days(days) == english_words
    with translation.override("zh-hans"):
        assert working_days(days) == chinese_words


@pytest.mark.parametrize(("n", "expected"), [(1, "1 working day · 1 step"), (2, "2 working days · 2 steps")])
def test_counted_takes_the_plural_the_count_asks_for(n: int, expected: str) -> None:
    template = Template(
        '{% load bilingual %}{% counted n "个工作日" "working day" "working days" %} · '
        '{% counted n "个" "step" "steps" %}'
    )
    with translation.override("en"):
        assert template.render(Context({"n": n})) == expected
    with translation.override("zh-hans"):
        assert template.render(Context({"n": n})) == f"{n}个工作日 · {n}个"


def test_the_savings_of_a_guide_count_working_days_in_english() -> None:
    load_bundles("140524-09")
    page = english().get("/bundles/140524-09/").content.decode()
    savings = re.search(r'<ul class="savings">(.*?)</ul>', page, re.S)
    assert savings is not None
    text = re.sub(r"<[^>]+>", "", savings.group(1))
    assert re.search(r"Time: separately about \d+ working days?, together about \d+ working days?", text), (
        text
    )
    for n, noun in re.findall(r"(\d+) (working days?|steps?|visits?|documents?)\b", text):
        assert noun.endswith("s") == (int(n) != 1), (n, noun)


def test_the_apply_form_in_english_offers_the_choices_in_english(family: None, signed_in: Clients) -> None:
    mother = signed_in("mother")
    mother.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    apply = "/bundles/140524-09/apply/"
    step = mother.post(
        apply, {"step": "situation", "under_one": "yes", "in_wedlock": "yes", "local_household": "yes"}
    )
    assert step.status_code == 302
    page = mother.get(apply + "?step=form").content.decode()
    # the value posted stays the Chinese choice; what the applicant reads is English
    assert '<option value="男">Male</option>' in page or '<option value="男" selected>Male</option>' in page
    assert re.search(r'<option value="电子送达"( selected)?>Electronic delivery</option>', page)
    text = read(page)
    assert text.unmarked == [], sorted(set(text.unmarked))
    materials = mother.get(apply + "?step=materials").content.decode()
    assert "Mother&#x27;s resident identity card" in materials
    assert read(materials).unmarked == [], read(materials).unmarked[:8]

"""The public guide reads as plain language: for every bundle of every region of the shipped catalogue, the
full and the simple guide show no field keys, field types, department codes, raw status codes or formula
references (issue 18 point 1)."""

from __future__ import annotations

import html
import re

import pytest
from django.test import Client

from tests.support.api import WebClients as Clients
from tests.support.catalogue import shipped
from yijianshi.catalog.services import catalog_load
from yijianshi.core.actor import Actor

pytestmark = pytest.mark.django_db

SNAKE = re.compile(r"\b[a-z][a-z0-9]*_[a-z0-9_]+\b")  # item refs, status codes, department codes with _
DOTTED_KEY = re.compile(
    r"\b[a-z][a-z0-9_]*\.[a-z][a-z0-9_]+\b"
)  # enterprise.name, person.social_security_card
TYPES = {"string", "boolean", "date", "number", "money", "enum", "phone", "email", "id_number", "text"}
STATUSES = {"submitted", "accepted", "deficient", "pending", "accept", "approved", "rejected", "withdrawn"}
NUMBERS_OF_NOTHING = ("0–0", "−0%", "-0%", "/ 0", "docs/", ".md")


def visible_text(page: str) -> str:
    """What a reader sees: no scripts, styles, tags or attribute values; links written out are dropped."""
    page = re.sub(r"<(script|style)\b.*?</\1>", " ", page, flags=re.S)
    page = re.sub(r"<svg\b.*?</svg>", " ", page, flags=re.S)
    text = html.unescape(re.sub(r"<[^>]+>", " ", page))
    return re.sub(r"https?://\S+", " ", text)


def problems(text: str, departments: set[str]) -> list[str]:
    found = [m.group(0) for m in SNAKE.finditer(text)] + [m.group(0) for m in DOTTED_KEY.finditer(text)]
    words = set(re.findall(r"\b[a-z]+\b", text))
    found += sorted(words & (TYPES | STATUSES | departments))
    found += [s for s in NUMBERS_OF_NOTHING if s in text]
    return found


@pytest.mark.one_database  # the text of every guide of every region: the engine does not change it (rule 8)
def test_no_guide_of_any_region_shows_keys_types_codes_or_formulas(client: Client) -> None:
    catalogue = shipped()
    catalog_load(catalogue=catalogue, actor=Actor.system())
    bad: dict[str, list[str]] = {}
    seen = 0
    for region, pack in catalogue.regions.items():
        departments = set(pack.get("departments") or {})
        for bundle in pack.get("bundles") or ():
            for view in ("", "?view=simple"):
                page = client.get(f"/bundles/{bundle['code']}/{view}")
                assert page.status_code == 200, (region, bundle["code"])
                found = problems(visible_text(page.content.decode()), departments)
                if found:
                    bad[f"{bundle['code']}{view}"] = found[:8]
            seen += 1
    assert seen >= 50, seen  # the whole catalogue, every region's bundles
    assert not bad, bad


def test_the_check_finds_what_the_issue_found() -> None:
    # the patterns this test relies on catch the texts the issue quoted
    for quoted in (
        "企业名称 enterprise.name string",
        "食品经营许可（market_regulation，3 个工作日）",
        "第几天开始–完成 0–0",
        "跑动次数 0 0 −0%",
        "计算公式见 docs/reform-figures.md",
        "已办理：accept",
        "（pending_acceptance）",
        "submitted → deficient",
        "（fire，1 个工作日）",
    ):
        assert problems(quoted, {"fire", "market_regulation"}), quoted
    assert not problems("食品经营许可（县市场监管局，承诺 3 个工作日）", {"fire"})


def test_no_step_of_the_application_shows_keys_types_or_codes(family: None, signed_in: Clients) -> None:
    mother = signed_in("mother")
    apply = "/bundles/140524-09/apply/"
    mother.post(
        apply, {"step": "situation", "under_one": "yes", "in_wedlock": "yes", "local_household": "yes"}
    )
    departments = set(shipped().regions["140524"]["departments"])
    bad = {}
    for step in ("situation", "form", "materials", "commitments", "review"):
        page = mother.get(f"{apply}?step={step}")
        assert page.status_code == 200, step
        found = problems(visible_text(page.content.decode()), departments)
        if found:
            bad[step] = found
    assert not bad, bad

"""No stored code on the staff's pages (issue 18 point 4): an item case waiting on a prerequisite shows the
prerequisite's status, the history's events and statuses, the documents and the channel in words — the labels on
the enums (core/labels.py), in Chinese and in English — never `pending_acceptance`, `fanned_out` or `accept`."""

from __future__ import annotations

import re
from datetime import UTC, datetime

import pytest
from django.contrib.auth.models import User

from tests.support.api import WebClients as Clients
from tests.support.factories import received_application
from yijianshi.accounts.roles import actor_of
from yijianshi.cases import services
from yijianshi.cases.models import Channel, EventType, ItemCase
from yijianshi.cases.transitions import AppStatus, CaseAction, CaseStatus
from yijianshi.core import clock
from yijianshi.documents.kinds import DocumentKind

pytestmark = pytest.mark.django_db
MONDAY_10 = datetime(2026, 11, 16, 2, 0, tzinfo=UTC)  # Monday 10:00 in Shanghai


def visible_text(html: str) -> str:
    """What a person reads: no scripts, styles, tags or attribute values."""
    html = re.sub(r"<(script|style)\b.*?</\1>", " ", html, flags=re.S)
    return re.sub(r"<[^>]*>", " ", html)


CODES = sorted(
    {m.value for enum in (AppStatus, CaseStatus, CaseAction, EventType, DocumentKind, Channel) for m in enum}
)


def raw_codes(text: str, *, english: bool) -> list[str]:
    """The codes that show as words. In English a one-word code may be the label itself ("received"): there only
    the codes no label spells (those with an underscore) count; in Chinese every one does."""
    codes = [c for c in CODES if "_" in c] if english else CODES
    return [c for c in codes if re.search(rf"(?<![\w.:-]){re.escape(c)}(?![\w.:-])", text)]


def waiting_case() -> tuple[ItemCase, ItemCase]:
    """An item case whose prerequisite the department accepted and has not decided: (the one waiting, its
    prerequisite)."""
    app = received_application(at=MONDAY_10)
    waiting = next(c for c in app.item_cases.order_by("position") if c.requires)
    first = app.item_cases.get(ref=waiting.requires[0])
    officer = User.objects.filter(profile__department=first.department).first()
    assert officer is not None
    with clock.frozen(MONDAY_10):
        services.item_case_transition(
            item_case=first, actor=actor_of(officer), action="accept", expected_version=first.version
        )
    first.refresh_from_db()
    assert first.status == CaseStatus.ACCEPTED
    return waiting, first


def test_the_officers_page_of_a_case_waiting_on_a_prerequisite_shows_no_code(
    newborn: None, signed_in: Clients
) -> None:
    waiting, first = waiting_case()
    officer = User.objects.filter(profile__department=waiting.department).first()
    assert officer is not None
    client = signed_in(officer.username)
    url = f"/workbench/department/cases/{waiting.pk}/"
    chinese = client.get(url)
    assert chinese.status_code == 200
    text = visible_text(chinese.content.decode())
    assert f"{first.name}（{CaseStatus.ACCEPTED.zh}）" in text  # the prerequisite, in words
    assert EventType.FANNED_OUT.zh in text  # the history, in words
    assert raw_codes(text, english=False) == []
    client.post("/i18n/setlang/", {"language": "en", "next": url})
    english = visible_text(client.get(url).content.decode())
    assert f"{first.name}（{CaseStatus.ACCEPTED.en}）" in english
    assert EventType.FANNED_OUT.en in english
    assert raw_codes(english, english=True) == []


def test_the_prerequisites_page_and_the_clerks_page_show_no_code(newborn: None, signed_in: Clients) -> None:
    """The accepted prerequisite (its acceptance notice, the history's pending_acceptance → accepted) and the
    clerk's page of the same application (documents, history, channel)."""
    waiting, first = waiting_case()
    officer = User.objects.filter(profile__department=first.department).first()
    assert officer is not None
    pages = {
        "officer": (signed_in(officer.username), f"/workbench/department/cases/{first.pk}/?done=accept"),
        "clerk": (signed_in("clerk"), f"/workbench/window/applications/{waiting.application.number}/"),
    }
    for who, (client, url) in pages.items():
        zh = client.get(url)
        assert zh.status_code == 200, who
        text = visible_text(zh.content.decode())
        assert raw_codes(text, english=False) == [], who
        client.post("/i18n/setlang/", {"language": "en", "next": url})
        en = visible_text(client.get(url).content.decode())
        assert raw_codes(en, english=True) == [], who
    officer_zh = visible_text(pages["officer"][0].get(pages["officer"][1]).content.decode())
    assert DocumentKind.ACCEPTANCE_NOTICE.en in officer_zh  # the client is in English now
    assert f"{CaseStatus.PENDING_ACCEPTANCE.en} → {CaseStatus.ACCEPTED.en}" in officer_zh

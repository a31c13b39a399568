"""One status for an application on every face (cases/progress.py): the table, a property, and the same words on
the portal's list and page, the API's list and answer, and the clerk's and the officer's pages — after a denial
that ends two dependent items, and when only some items are decided."""

from __future__ import annotations

import re
from datetime import UTC, datetime

import pytest
from django.contrib.auth.models import User
from hypothesis import given
from hypothesis import strategies as st

from tests.support.api import api_client, web_client
from tests.support.factories import received_application
from yijianshi.accounts.roles import actor_of
from yijianshi.cases import services
from yijianshi.cases.models import Application, ItemCase
from yijianshi.cases.progress import GRANTED, Progress, application_progress, progress_of
from yijianshi.cases.transitions import OPEN_CASE_STATES, AppStatus, CaseStatus
from yijianshi.core import clock

MONDAY = datetime(2026, 11, 16, 2, 0, tzinfo=UTC)  # Monday 10:00 in Shanghai
OFFICERS = {
    "birth_medical_certificate": "officer_health",
    "vaccination_certificate": "officer_health",
    "household_birth_registration": "officer_police",
    "newborn_social_security_card": "officer_hrss",
    "newborn_medical_insurance_enrolment": "officer_medical",
}

# --- the table -------------------------------------------------------------------------------------------------

C = CaseStatus


@pytest.mark.parametrize(
    ("status", "cases", "expected"),
    [
        ("submitted", [], Progress.AWAITING_INTAKE),
        ("deficient", [], Progress.NEEDS_CORRECTION),
        ("withdrawn", [C.WITHDRAWN, C.WITHDRAWN], Progress.WITHDRAWN),
        ("received", [C.PENDING_ACCEPTANCE, C.ACCEPTED], Progress.IN_PROGRESS),
        ("received", [C.ACCEPTED, C.CORRECTION, C.APPROVED], Progress.NEEDS_CORRECTION),
        ("received", [C.APPROVED, C.ACCEPTED], Progress.PARTLY_CONCLUDED),
        ("received", [C.DENIED, C.TERMINATED, C.TERMINATED, C.ACCEPTED], Progress.PARTLY_CONCLUDED),
        ("completed", [C.APPROVED, C.DELIVERED], Progress.CONCLUDED),
        ("delivered", [C.DELIVERED, C.DELIVERED], Progress.CONCLUDED),
        ("completed", [C.APPROVED, C.DENIED], Progress.CONCLUDED_PARTLY_REFUSED),
        ("completed", [C.DENIED, C.TERMINATED, C.TERMINATED], Progress.REFUSED),
        ("completed", [C.REJECTED, C.REVOKED], Progress.REFUSED),
    ],
)
def test_the_status_people_read(status: str, cases: list[CaseStatus], expected: Progress) -> None:
    assert progress_of(status, cases) == expected


@given(st.lists(st.sampled_from(list(CaseStatus)), min_size=1, max_size=8))
def test_a_received_application_is_concluded_only_when_every_item_is(cases: list[CaseStatus]) -> None:
    words = progress_of(AppStatus.RECEIVED, cases)
    open_ = [c for c in cases if c in OPEN_CASE_STATES]
    if C.CORRECTION in cases:
        assert words == Progress.NEEDS_CORRECTION
    elif open_:
        assert words in (Progress.IN_PROGRESS, Progress.PARTLY_CONCLUDED)
        assert (words == Progress.IN_PROGRESS) == (len(open_) == len(cases))
    else:
        granted = [c for c in cases if c in GRANTED]
        assert (words == Progress.REFUSED) == (not granted)
        assert (words == Progress.CONCLUDED) == (len(granted) == len(cases))


def test_every_word_has_both_languages() -> None:
    assert all(p.zh and p.en and p.zh != p.en for p in Progress)


# --- the faces -----------------------------------------------------------------------------------------------


def _act(case: ItemCase, action: str, reason: str = "") -> None:
    case.refresh_from_db()
    services.item_case_transition(
        item_case=case,
        actor=actor_of(User.objects.get(username=OFFICERS[case.ref])),
        action=action,
        expected_version=case.version,
        reason=reason,
    )


def _cases(app: Application) -> dict[str, ItemCase]:
    return {c.ref: c for c in app.item_cases.all()}


def _deny_with_two_dependants(app: Application) -> dict[str, ItemCase]:
    """The household registration is denied; the social security card and the medical insurance need it, so
    both are terminated with it. The two certificates of the health department are still open."""
    cases = _cases(app)
    with clock.frozen(MONDAY):
        _act(cases["household_birth_registration"], "accept")  # pre-review: its prerequisite is pending
        _act(cases["household_birth_registration"], "deny", "父母户籍信息与申报不符")
    cases = _cases(app)
    assert cases["household_birth_registration"].status == "denied"
    assert {
        cases["newborn_social_security_card"].status,
        cases["newborn_medical_insurance_enrolment"].status,
    } == {"terminated"}
    return cases


def _tag_text(html: str, marker: str) -> str:
    """The text of the element carrying `marker` (an id or a data attribute)."""
    match = re.search(rf"<[^>]*{marker}[^>]*>(.*?)</", html, re.S)
    assert match, marker
    return match.group(1).strip()


def _faces(app: Application) -> dict[str, str]:
    """The application's status as each face words it."""
    mother, clerk, officer = web_client("mother"), web_client("clerk"), web_client("officer_health")
    health = app.item_cases.get(ref="birth_medical_certificate")
    listing = mother.get("/me/").content.decode()
    row = listing[listing.index(app.number) :]
    api = api_client("mother")
    api_list = next(a for a in api.get("/api/applications/").json()["results"] if a["number"] == app.number)
    api_one = api.get(f"/api/applications/{app.number}/").json()
    assert api_one["status"] == app.status  # the raw status stays
    return {
        "portal list": _tag_text(row, 'class="progress"'),
        "portal page": _tag_text(
            mother.get(f"/me/applications/{app.number}/").content.decode(), 'class="progress"'
        ),
        "api list": api_list["progress"]["zh"],
        "api": api_one["progress"]["zh"],
        "window": _tag_text(
            clerk.get(f"/workbench/window/applications/{app.number}/").content.decode(), 'id="app-status"'
        ),
        "department": _tag_text(
            officer.get(f"/workbench/department/cases/{health.pk}/").content.decode(), 'id="app-progress"'
        ),
    }


@pytest.mark.django_db
def test_a_denial_and_two_terminated_items_read_the_same_on_every_face(newborn: None) -> None:
    app = received_application(at=MONDAY)
    cases = _deny_with_two_dependants(app)
    # two items are still with their departments: partly concluded, not "办理中"
    app.refresh_from_db()
    assert app.status == "received"
    faces = _faces(app)
    assert set(faces.values()) == {"部分办结"}, faces
    # the other two are refused as well: nothing was granted
    with clock.frozen(MONDAY):
        _act(cases["birth_medical_certificate"], "reject", "非本院出生")
        _act(cases["vaccination_certificate"], "accept")
        _act(cases["vaccination_certificate"], "deny", "接种记录不全")
    app.refresh_from_db()
    assert app.status == "completed"
    assert application_progress(app) == Progress.REFUSED
    faces = _faces(app)
    assert set(faces.values()) == {"不予办理"}, faces
    assert (
        "办理中"
        not in web_client("mother").get(f"/me/applications/{app.number}/").content.decode().split("<h2")[0]
    )


@pytest.mark.django_db
def test_some_items_granted_some_running_then_concluded_partly_refused(newborn: None) -> None:
    app = received_application(at=MONDAY)
    cases = _cases(app)
    with clock.frozen(MONDAY):
        _act(cases["vaccination_certificate"], "accept")
        _act(cases["vaccination_certificate"], "approve")
    app.refresh_from_db()
    assert set(_faces(app).values()) == {"部分办结"}
    with clock.frozen(MONDAY):
        for ref in (
            "birth_medical_certificate",
            "household_birth_registration",
            "newborn_social_security_card",
        ):
            _act(cases[ref], "accept")
            _act(cases[ref], "approve")
        _act(cases["newborn_medical_insurance_enrolment"], "reject", "已在外地参保")
    app.refresh_from_db()
    assert app.status == "completed"
    assert set(_faces(app).values()) == {"已办结（部分不予）"}


@pytest.mark.django_db
def test_english_words_on_the_portal(newborn: None) -> None:
    app = received_application(at=MONDAY)
    mother = web_client("mother")
    mother.post("/i18n/setlang/", {"language": "en", "next": "/me/"})
    page = mother.get(f"/me/applications/{app.number}/").content.decode()
    assert _tag_text(page, 'class="progress"') == "in progress"


def test_remedy_periods_end_on_a_working_day_and_months_keep_to_the_month() -> None:
    from yijianshi.cases.progress import remedy_deadlines
    from yijianshi.core.workdays import WorkCalendar, day_closed_by

    # issued Sunday 31 August 2025 (Beijing): 60 days → Thursday 30 October; 6 months → 28 February 2026 (no
    # 31st: the month's last day), a Saturday but a make-up working day after the Spring Festival, so it stands
    review, lawsuit = remedy_deadlines(WorkCalendar(), datetime(2025, 8, 31, 2, 0, tzinfo=UTC))
    assert day_closed_by(review).isoformat() == "2025-10-30"
    assert day_closed_by(lawsuit).isoformat() == "2026-02-28"
    assert review.tzinfo is UTC

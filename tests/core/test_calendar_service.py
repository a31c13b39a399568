"""The calendar service: the package plus the holidays an administrator enters, and the admin that refuses bad
entries."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, datetime, time, timedelta
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.test import Client

from yijianshi.core.calendar import calendar_status, work_calendar, work_calendar_clear
from yijianshi.core.clock import SHANGHAI, frozen
from yijianshi.core.models import HolidayDate, HolidayKind, HolidayYear

pytestmark = pytest.mark.django_db

NOTICE_2027 = "国务院办公厅关于2027年部分节假日安排的通知"
TODAY = date(2026, 11, 21)


@pytest.fixture(autouse=True)
def _fresh_calendar() -> Iterator[None]:
    # a rolled-back test transaction sends no signal: never leave a calendar built from this test's data behind
    work_calendar_clear()
    yield
    work_calendar_clear()


def end_of(day: date) -> datetime:
    return datetime.combine(day + timedelta(days=1), time(0), tzinfo=SHANGHAI)


def enter_2027(*, complete: bool = True) -> HolidayYear:
    year = HolidayYear.objects.create(year=2027, complete=complete, source=NOTICE_2027)
    HolidayDate.objects.create(year=year, date=date(2027, 1, 1), kind=HolidayKind.HOLIDAY, name="元旦")
    return year


def test_entering_2027_changes_the_same_computation() -> None:
    start = datetime(2026, 12, 31, 10, tzinfo=SHANGHAI)
    # given nothing entered: weekends only, with a note
    before = work_calendar()
    assert before.add_workdays(start, 1) == end_of(date(2027, 1, 1))
    assert before.coverage_note(date(2027, 1, 1)) is not None
    # when an administrator enters 2027's New Year's Day
    enter_2027()
    # then the cached calendar is replaced and New Year's Day is skipped
    after = work_calendar()
    assert after is not before
    assert after.add_workdays(start, 1) == end_of(date(2027, 1, 4))
    assert after.coverage_note(date(2027, 1, 1)) is None


def test_deleting_the_year_goes_back_to_weekends_only() -> None:
    year = enter_2027()
    assert work_calendar().add_workdays(datetime(2026, 12, 31, 10, tzinfo=SHANGHAI), 1) == end_of(
        date(2027, 1, 4)
    )
    year.delete()
    assert work_calendar().add_workdays(datetime(2026, 12, 31, 10, tzinfo=SHANGHAI), 1) == end_of(
        date(2027, 1, 1)
    )
    assert not HolidayDate.objects.exists()


def test_entries_of_a_year_not_complete_count_but_the_year_is_still_flagged() -> None:
    enter_2027(complete=False)
    calendar = work_calendar()
    assert not calendar.is_workday(date(2027, 1, 1))
    assert calendar.coverage_note(date(2027, 1, 1)) is not None


def test_a_make_up_day_entered_for_a_package_year_overrides_the_package() -> None:
    year = HolidayYear.objects.create(year=2026, complete=False, source="本地调整")
    HolidayDate.objects.create(year=year, date=date(2026, 11, 22), kind=HolidayKind.WORKDAY)  # a Sunday
    assert work_calendar().is_workday(date(2026, 11, 22))


def test_the_calendar_is_cached_until_holiday_data_changes(django_assert_num_queries: Any) -> None:
    first = work_calendar()
    with django_assert_num_queries(0):
        assert work_calendar() is first
    HolidayDate.objects.create(year=enter_2027(), date=date(2027, 2, 6), kind=HolidayKind.WORKDAY)
    with django_assert_num_queries(2):
        second = work_calendar()
    assert second is not first and second.is_workday(date(2027, 2, 6))


def test_calendar_status_flags_the_coming_year_until_it_is_complete() -> None:
    status = calendar_status(TODAY)
    assert status["ok"] is False
    assert status["package"]["first_year"] == 2004 and status["package"]["last_year"] == 2026
    by_year = {y["year"]: y for y in status["years"]}
    assert by_year[2026]["covered"] and by_year[2026]["source"] == "package"
    assert not by_year[2027]["covered"] and by_year[2027]["source"] == "weekends_only"
    assert by_year[2027]["note"]["en"] == "holidays for 2027 not published yet: counting weekends only"
    [warning] = status["warnings"]
    assert warning["year"] == "2027" and "2027" in warning["zh"] and "2027" in warning["en"]

    year = enter_2027(complete=False)
    status = calendar_status(TODAY)
    assert not status["ok"]
    assert {y["year"]: y for y in status["years"]}[2027]["source"] == "admin_partial"
    assert "not marked complete" in status["warnings"][0]["en"]

    year.complete = True
    year.entered_by = User.objects.create_user("clerk")
    year.save()
    status = calendar_status(TODAY)
    assert status["ok"] and status["warnings"] == []
    entry = {y["year"]: y for y in status["years"]}[2027]
    assert entry["covered"] and entry["source"] == "admin" and entry["notice"] == NOTICE_2027
    assert entry["holidays"] == 1 and entry["workdays"] == 0 and entry["entered_by"] == "clerk"


def test_calendar_status_shows_entries_that_differ_from_the_package() -> None:
    year = HolidayYear.objects.create(year=2025, complete=False, source="本地调整")
    HolidayDate.objects.create(year=year, date=date(2025, 10, 9), kind=HolidayKind.HOLIDAY)  # a working day
    HolidayDate.objects.create(year=year, date=date(2025, 10, 1), kind=HolidayKind.HOLIDAY)  # agrees
    entry = {y["year"]: y for y in calendar_status(TODAY)["years"]}[2025]
    assert entry["source"] == "package+admin" and entry["covered"]
    assert entry["differs_from_package"] == ["2025-10-09"]


# --- the admin ------------------------------------------------------------------------------------------------


@pytest.fixture
def admin_client(client: Client) -> Client:
    User.objects.create_superuser("root", "root@example.invalid", "pw-for-tests-only")
    client.login(username="root", password="pw-for-tests-only")  # noqa: S106
    return client


def _year_form(
    year: int, rows: list[tuple[str, str]], *, complete: bool = True, source: str = NOTICE_2027
) -> dict[str, object]:
    data: dict[str, object] = {
        "year": year,
        "source": source,
        "dates-TOTAL_FORMS": len(rows),
        "dates-INITIAL_FORMS": 0,
        "dates-MIN_NUM_FORMS": 0,
        "dates-MAX_NUM_FORMS": 1000,
    }
    if complete:
        data["complete"] = "on"
    for i, (day, kind) in enumerate(rows):
        data.update({f"dates-{i}-date": day, f"dates-{i}-kind": kind, f"dates-{i}-name": ""})
    return data


def test_admin_pages_render_and_warn_about_the_coming_year(admin_client: Client) -> None:
    with frozen(datetime(2026, 11, 21, 10, tzinfo=SHANGHAI)):
        response = admin_client.get("/admin/core/holidayyear/")
    assert response.status_code == 200
    assert "Holidays for 2027 are not entered" in response.content.decode()
    assert admin_client.get("/admin/core/holidayyear/add/").status_code == 200


def test_the_admin_enters_a_year(admin_client: Client) -> None:
    response = admin_client.post(
        "/admin/core/holidayyear/add/",
        _year_form(2027, [("2027-01-01", "holiday"), ("2027-02-06", "holiday"), ("2027-02-07", "workday")]),
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    year = HolidayYear.objects.get(year=2027)
    assert year.entered_by is not None and year.entered_by.username == "root"
    assert year.dates.count() == 3
    calendar = work_calendar()
    assert not calendar.is_workday(date(2027, 1, 1)) and calendar.is_workday(date(2027, 2, 7))
    assert calendar.coverage_note(date(2027, 6, 1)) is None


@pytest.mark.parametrize(
    ("form", "message"),
    [
        (_year_form(2027, [("2027-01-04", "workday")]), "a working day anyway"),  # a Monday "make-up" day
        (_year_form(2027, [("2026-12-31", "holiday")]), "is not in 2027"),
        (_year_form(2027, [("2027-01-01", "holiday")], source=""), "needs the notice it comes from"),
        (_year_form(2027, [("2027-02-07", "workday")]), "needs its holidays"),
        (_year_form(2027, [("2027-01-02", "holiday"), ("2027-01-02", "workday")]), "cannot be entered twice"),
    ],
)
def test_the_admin_refuses_bad_entries(admin_client: Client, form: dict[str, object], message: str) -> None:
    response = admin_client.post("/admin/core/holidayyear/add/", form)
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not HolidayYear.objects.exists()


def test_the_admin_refuses_a_pointless_make_up_day_in_both_languages(admin_client: Client) -> None:
    response = admin_client.post(
        "/admin/core/holidayyear/add/",
        _year_form(2027, [("2027-01-01", "holiday"), ("2027-01-06", "workday")]),
    )
    page = response.content.decode()
    assert "本来就是工作日" in page and "is a Wednesday, a working day anyway" in page
    assert not HolidayDate.objects.exists()


def test_a_date_already_entered_is_refused(admin_client: Client) -> None:
    enter_2027()
    year = HolidayYear.objects.create(year=2028, complete=False, source="")
    response = admin_client.post(
        f"/admin/core/holidayyear/{year.pk}/change/",
        _year_form(2028, [("2027-01-01", "holiday")], complete=False),
    )
    assert response.status_code == 200
    assert "This date is already entered" in response.content.decode()
    assert HolidayDate.objects.count() == 1

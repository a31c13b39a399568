"""Checks before submission through the API and the portal: the retirement bundle (退休, 陵川县) refuses a
34-year-old's 正常退休, a category that differs from the situation answer and a retirement date in 2020, each
with a 400 naming the field in Chinese and English; a valid retirement passes."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pytest
from rest_framework.test import APIClient

from tests.support.api import ApiClients, WebClients
from tests.support.catalogue import load_bundles
from yijianshi.accounts.demo import create_demo_accounts
from yijianshi.cases.models import Application
from yijianshi.cases.samples import sample_form
from yijianshi.core import clock

pytestmark = pytest.mark.django_db
RETIREMENT = "140524-18"


@pytest.fixture
def retirement(db: Any) -> None:
    load_bundles(RETIREMENT)
    create_demo_accounts()


def guide(client: APIClient, **answers: str) -> dict[str, Any]:
    response = client.get(f"/api/bundles/{RETIREMENT}/", answers)
    assert response.status_code == 200, response.content
    return response.json()


def submit(client: APIClient, form: dict[str, Any], **answers: str) -> Any:
    return client.post(
        "/api/applications/",
        {"bundle": RETIREMENT, "form": form, "answers": answers or {"retirement_type": "normal"}},
        format="json",
    )


def retirement_form(client: APIClient, **overrides: Any) -> dict[str, Any]:
    today = clock.local(clock.now()).date()
    born = date(today.year - 61, 1, 15)
    values = {
        "person.birth_date": born.isoformat(),
        "person.gender": "男",
        "retirement.type": "正常退休",
        "retirement.date": (today - timedelta(days=10)).isoformat(),
        "retirement.work_start_date": date(today.year - 40, 3, 1).isoformat(),
        **overrides,
    }
    return sample_form(guide(client)["form"], overrides=values)


def errors(response: Any) -> dict[str, dict[str, Any]]:
    return {e["field"]: e for e in response.json()["errors"]}


def test_a_valid_retirement_passes(retirement: None, as_user: ApiClients) -> None:
    mother = as_user("mother")
    answer = submit(mother, retirement_form(mother))
    assert answer.status_code == 201, answer.content
    assert Application.objects.get().snapshot["checks"]  # the rules are pinned with the application


def test_a_34_year_old_cannot_apply_for_normal_retirement(retirement: None, as_user: ApiClients) -> None:
    mother = as_user("mother")
    today = clock.local(clock.now()).date()
    form = retirement_form(
        mother,
        **{
            "person.birth_date": date(today.year - 34, 1, 15).isoformat(),
            "retirement.work_start_date": date(today.year - 10, 3, 1).isoformat(),
        },
    )
    answer = submit(mother, form)
    assert answer.status_code == 400
    found = errors(answer)
    assert set(found) == {"form.retirement.date"}
    assert found["form.retirement.date"]["code"] == "age_below_minimum"
    assert "不早于 60 周岁" in str(found) and "届时为 34 周岁" in str(found)
    assert "at least 60" in str(found) and "they will be 34" in str(found)
    assert Application.objects.count() == 0


def test_a_retirement_date_in_2020_is_refused(retirement: None, as_user: ApiClients) -> None:
    mother = as_user("mother")
    form = retirement_form(mother, **{"retirement.date": "2020-06-01", "person.birth_date": "1950-01-15"})
    answer = submit(mother, form)
    assert answer.status_code == 400
    assert errors(answer)["form.retirement.date"]["code"] == "date_out_of_bounds"


def test_a_category_other_than_the_answer_is_refused(retirement: None, as_user: ApiClients) -> None:
    mother = as_user("mother")
    form = retirement_form(mother, **{"retirement.type": "特殊工种提前退休"})
    answer = submit(mother, form)
    assert answer.status_code == 400
    found = errors(answer)
    assert set(found) == {"form.retirement.type"}
    assert found["form.retirement.type"]["code"] == "answer_mismatch" and "正常退休" in str(found)
    assert Application.objects.count() == 0


def test_the_portal_shows_the_error_next_to_the_field_and_in_the_summary(
    retirement: None, signed_in: WebClients
) -> None:
    mother = signed_in("mother")
    url = f"/bundles/{RETIREMENT}/apply/"
    situation = {
        "step": "situation",
        "retirement_type": "normal",
        "deemed_years": "yes",
        "housing_fund": "yes",
    }
    assert mother.post(url, situation).status_code == 302
    today = clock.local(clock.now()).date()
    values = sample_form(
        guide(APIClient())["form"],
        overrides={
            "person.birth_date": date(today.year - 34, 1, 15).isoformat(),
            "person.gender": "男",
            "retirement.type": "正常退休",
            "retirement.date": (today - timedelta(days=10)).isoformat(),
            "retirement.work_start_date": date(today.year - 22, 3, 1).isoformat(),
        },
    )
    page = mother.post(url + "?step=form", {"step": "form", **{k: str(v) for k, v in values.items()}})
    html = page.content.decode()
    assert page.status_code == 400
    summary = html[html.index('id="error-summary"') : html.index("</div>", html.index('id="error-summary"'))]
    assert 'role="alert"' in html[html.index('id="error-summary"') - 60 : html.index('id="error-summary"')]
    assert 'href="#f_retirement__date"' in summary and "正常退休须在退休日期" in summary
    assert 'id="err_f_retirement__date"' in html
    assert 'id="err_f_retirement__work_start_date"' in html  # 12 when starting work: both at once

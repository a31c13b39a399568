"""我的授权 in the portal (/me/mandates/) and 窗口登记授权 in the workbench (/workbench/window/mandates/)."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.contrib.auth.models import User
from django.test import Client

from tests.mandates.conftest import BUNDLE, days
from yijianshi.accounts.demo import FATHER_ID, MOTHER_ID
from yijianshi.accounts.roles import actor_of
from yijianshi.mandates.models import Mandate
from yijianshi.mandates.services import mandate_request

pytestmark = pytest.mark.django_db
Clients = Callable[[str], Client]


@pytest.fixture
def signed_in() -> Clients:
    def client_for(username: str) -> Client:
        client = Client()
        client.force_login(User.objects.get(username=username))
        return client

    return client_for


def grant_form(**extra: str | list[str]) -> dict[str, str | list[str]]:
    return {
        "agent_kind": "person",
        "agent_id_number": FATHER_ID,
        "agent_name": "李强",
        "scope": "bundles",
        "bundles": [BUNDLE],
        "abilities": ["apply", "follow"],
        "valid_to": days(30).isoformat(),
        **extra,
    }


def test_grant_see_on_both_sides_and_revoke_after_a_confirmation_step(
    newborn: None, signed_in: Clients
) -> None:
    mother, father = signed_in("mother"), signed_in("father")
    page = mother.get("/me/mandates/")
    assert page.status_code == 200 and "我的授权" in page.content.decode()
    done = mother.post("/me/mandates/grant/", grant_form())
    assert done.status_code == 302 and done["Location"] == "/me/mandates/"
    m = Mandate.objects.get()
    shown = mother.get("/me/mandates/").content.decode()
    assert 'id="mandate-done"' in shown and m.number in shown and "李强" in shown
    assert mother.get("/me/mandates/").content.decode().count('id="mandate-done"') == 0  # said once
    held = father.get("/me/mandates/").content.decode()
    assert f'data-number="{m.number}"' in held and "王芳" in held and MOTHER_ID not in held
    # revoking: first the confirmation page, then the POST
    confirm = mother.get(f"/me/mandates/{m.number}/revoke/")
    assert confirm.status_code == 200 and 'id="revoke-form"' in confirm.content.decode()
    assert Mandate.objects.get().status == "active"
    assert father.post(f"/me/mandates/{m.number}/revoke/", {"version": "1"}).status_code == 403
    assert signed_in("enterprise").get(f"/me/mandates/{m.number}/revoke/").status_code == 404
    assert (
        mother.post(f"/me/mandates/{m.number}/revoke/", {"version": "1", "reason": "不需要了"}).status_code
        == 302
    )
    assert Mandate.objects.get().status == "revoked"


def test_a_refused_grant_shows_the_error_next_to_the_field(newborn: None, signed_in: Clients) -> None:
    page = signed_in("mother").post("/me/mandates/grant/", grant_form(agent_name="李四"))
    assert page.status_code == 400
    text = page.content.decode()
    assert 'id="err_g_agent_id"' in text and "实名账号" in text and 'value="李四"' in text
    assert not Mandate.objects.exists()


def test_confirm_and_refuse_a_request(newborn: None, signed_in: Clients) -> None:
    mother = signed_in("mother")
    asked = signed_in("father").post(
        "/me/mandates/request/",
        {
            "principal_type": "person",
            "principal_id_number": MOTHER_ID,
            "principal_name": "王芳",
            "agent_kind": "person",
            "scope": "all",
            "abilities": ["follow"],
            "valid_to": days(10).isoformat(),
        },
    )
    assert asked.status_code == 302
    first = Mandate.objects.get()
    assert f'action="/me/mandates/{first.number}/confirm/"' in mother.get("/me/mandates/").content.decode()
    assert mother.post(f"/me/mandates/{first.number}/confirm/", {"version": "1"}).status_code == 302
    second = mandate_request(
        actor=actor_of(User.objects.get(username="father")),
        principal_type="person",
        principal_id_number=MOTHER_ID,
        principal_name="王芳",
        scope="all",
        abilities=["apply"],
        valid_to=days(10),
    )
    assert mother.post(f"/me/mandates/{second.number}/refuse/", {"version": "1"}).status_code == 302
    stale = mother.post(f"/me/mandates/{first.number}/revoke/", {"version": "1"})
    assert stale.status_code == 409 and "请刷新" in stale.content.decode()
    assert dict(Mandate.objects.values_list("number", "status")) == {
        first.number: "active",
        second.number: "refused",
    }


def test_only_applicants_have_these_pages(newborn: None, signed_in: Clients) -> None:
    assert signed_in("clerk").get("/me/mandates/").status_code == 404
    assert Client().get("/me/mandates/").status_code == 302


def test_a_clerk_records_a_mandate_at_the_window(newborn: None, signed_in: Clients) -> None:
    clerk = signed_in("clerk")
    form = clerk.get("/workbench/window/mandates/")
    assert form.status_code == 200 and 'id="mandate-form"' in form.content.decode()
    post = {
        "principal_type": "person",
        "principal_id_number": MOTHER_ID,
        "principal_name": "王芳",
        "verification": "id_card_read",
        "evidence": "读卡通过",
        "agent_kind": "person",
        "agent_id_number": FATHER_ID,
        "agent_name": "李强",
        "scope": "bundles",
        "bundles": [BUNDLE],
        "abilities": ["apply"],
        "valid_to": days(30).isoformat(),
    }
    wrong = clerk.post("/workbench/window/mandates/", {**post, "agent_name": "李四"})
    assert wrong.status_code == 400 and "实名账号" in wrong.content.decode() and not Mandate.objects.exists()
    missing = clerk.post("/workbench/window/mandates/", {**post, "evidence": ""})
    assert missing.status_code == 400 and not Mandate.objects.exists()
    done = clerk.post("/workbench/window/mandates/", post)
    assert done.status_code == 200 and 'id="mandate-recorded"' in done.content.decode()
    m = Mandate.objects.get()
    assert m.method == "window" and m.evidence["clerk"]["username"] == "clerk"
    assert signed_in("officer_health").get("/workbench/window/mandates/").status_code == 403
    assert signed_in("mother").get("/workbench/window/mandates/").status_code == 403

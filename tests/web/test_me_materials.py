"""The applicant's page shows each material's state as every other face does (cases/material_states.py): one
listed without a file is 待窗口核验, not 已提交; a supplement that brings nothing is refused at the top."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import User

from tests.support.api import WebClients as Clients
from tests.support.factories import submitted_application
from yijianshi.accounts.roles import actor_of
from yijianshi.cases.services import application_intake

pytestmark = pytest.mark.django_db


def test_my_application_shows_a_listed_material_as_to_hand_in(newborn: None, signed_in: Clients) -> None:
    app = submitted_application()  # the required materials listed, no file
    assert app.materials_to_present and app.materials_provided == []
    page = signed_in("mother").get(f"/me/applications/{app.number}/").content.decode()
    for code in app.materials_to_present:
        assert f'data-code="{code}" data-state="to_present"' in page
    assert "待窗口核验" in page and 'data-state="provided"' not in page


def test_a_supplement_with_nothing_is_refused_naming_what_is_missing(
    newborn: None, signed_in: Clients
) -> None:
    app = submitted_application(complete=False)
    application_intake(application=app, actor=actor_of(User.objects.get(username="clerk")))
    app.refresh_from_db()
    assert app.status == "deficient"
    refused = signed_in("mother").post(f"/me/applications/{app.number}/supplement/", {"version": app.version})
    assert refused.status_code == 400
    text = refused.content.decode()
    assert "补正须提交一次告知书所列的材料" in text and "birth.first_issue_form" in text
    app.refresh_from_db()
    assert app.status == "deficient"

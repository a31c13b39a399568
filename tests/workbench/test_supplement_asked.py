"""A supplement at the counter records only what the deficiency notice asked for (issue 18 point 5): the
clerk's form offers those materials alone, and a supplement naming another is refused at the field."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import User

from tests.support.api import WebClients as Clients
from tests.support.factories import submitted_application
from yijianshi.accounts.roles import actor_of
from yijianshi.cases.services import application_intake

pytestmark = pytest.mark.django_db


def test_the_counter_supplement_offers_only_what_the_notice_asked(newborn: None, signed_in: Clients) -> None:
    app = submitted_application()
    first, second, *rest = app.materials_to_present
    app = application_intake(
        application=app,
        actor=actor_of(User.objects.get(username="clerk")),
        confirmed=rest,
        reviews={first: ("needs_correction", "印章不清"), second: ("accepted", "")},
    )
    assert app.status == "deficient"
    clerk = signed_in("clerk")
    url = f"/workbench/window/applications/{app.number}/"
    page = clerk.get(url)
    form = page.context["supplement_form"]
    assert [code for code, _ in form.fields["materials"].choices] == [first]
    refused = clerk.post(url + "supplement/", {"materials": [second], "expected_version": app.version})
    assert refused.status_code == 400 and refused.context["supplement_form"]["materials"].errors
    app.refresh_from_db()
    assert app.status == "deficient"
    done = clerk.post(url + "supplement/", {"materials": [first], "expected_version": app.version})
    assert done.status_code == 302
    app.refresh_from_db()
    assert app.status == "submitted"

"""A file attached to an open application marks its material provided there and writes the history row in the
same transaction (cases/materials.py); a refused one writes neither."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.contrib.auth.models import User

from tests.support.api import ApiClients as Clients
from tests.support.files import stored_files
from tests.support.newborn import take_in
from tests.support.uploads import submitted_without_a_pdf, upload, upload_status
from yijianshi.cases.models import Application, CaseEvent, EventType

pytestmark = pytest.mark.django_db


def test_a_clerks_scan_is_in_the_history_of_the_application(
    newborn: None, media: Path, as_user: Clients
) -> None:
    # given: a deficient application, the chosen material missing
    mother, clerk = as_user("mother"), as_user("clerk")
    number, chosen = submitted_without_a_pdf(mother)
    assert take_in(clerk, number).json()["status"] == "deficient"
    version = Application.objects.get(number=number).version
    # when: the clerk scans the paper material at the window
    scan = upload(clerk, chosen, application=number)
    # then: provided, a new version, and one history row saying who provided which file
    app = Application.objects.get(number=number)
    assert chosen in app.materials_provided and app.version == version + 1
    [event] = CaseEvent.objects.filter(
        application=app, type=EventType.MATERIAL_PROVIDED, data__upload=scan["id"]
    )  # (the others, listed without files, were confirmed at intake)
    assert event.actor == User.objects.get(username="clerk") and event.actor_role == "clerk"
    assert event.data == {"materials": [chosen], "upload": scan["id"], "channel": "counter_scan"}
    assert event.item_case is None and event.from_status == event.to_status == ""
    history = mother.get(f"/api/applications/{number}/history/").json()
    assert "material_provided" in [e["type"] for e in history]


def test_a_refused_attachment_writes_no_history(newborn: None, media: Path, as_user: Clients) -> None:
    mother, clerk = as_user("mother"), as_user("clerk")
    number, chosen = submitted_without_a_pdf(mother)
    assert mother.post(f"/api/applications/{number}/withdraw/", {}, format="json").status_code == 200
    assert upload_status(clerk, chosen, application=number) == 409  # application_closed
    assert not CaseEvent.objects.filter(type=EventType.MATERIAL_PROVIDED).exists()
    assert stored_files(media) == []
